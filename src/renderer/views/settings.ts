/**
 * Settings: one form per section, built from the settings schema so a new
 * setting appears here without UI work. Saving sends one `settings:set` patch;
 * main validates the whole result, and its error is shown next to the field it
 * names.
 */

import { SETTINGS_SCHEMA, type Settings } from '../../shared/settings.ts';
import { h } from '../dom.ts';
import { toApiError } from '../transport/errors.ts';
import { controlKind, fieldOfError, formatValue, fromShown, labelFor, parseValue, toShown, type PropSchema } from './settings-fields.ts';
import type { View, ViewContext } from './view.ts';

type SectionKey = Exclude<keyof Settings, 'version'>;

/** Sections in the order shown, with their titles. */
const SECTIONS: [SectionKey, string, string][] = [
  ['alerts', 'Alert thresholds', 'When Headroom warns you.'],
  ['remedies', 'Fixes and protected processes', 'What fixes may touch, and what they never touch.'],
  ['groups', 'Application groups', 'Your own grouping rules, tried before the built-in ones.'],
  ['intervals', 'Sampling intervals', 'How often each part is measured.'],
  ['history', 'History retention', 'How long samples are kept at each resolution.'],
  ['detector', 'Leak detector', 'How much evidence a leak verdict needs.'],
  ['docker', 'Docker', 'Container monitoring.'],
];

/** Settings that are state, not preferences: changed from the tray or by snoozing, never typed in. */
const HIDDEN = new Set(['alerts.pausedUntil', 'alerts.snoozed']);

interface Field {
  path: string;
  wrap: HTMLElement;
  input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  error: HTMLElement;
  /** Current value → what the control shows. */
  show(v: unknown): void;
  /** What the control shows → the value to send; throws a message for unparsable input. */
  read(): unknown;
}

function makeField(section: string, key: string, schema: PropSchema): Field {
  const path = `${section}.${key}`;
  const id = `setting-${section}-${key}`;
  const errId = `${id}-error`;
  const error = h('div', { class: 'field-error', id: errId, role: 'alert' });
  const common = { id, name: path, 'aria-describedby': errId };
  const kind = controlKind(schema);
  let input: Field['input'];
  switch (kind) {
    case 'checkbox':
      input = h('input', { ...common, type: 'checkbox' });
      break;
    case 'select':
      input = h('select', common, ...(schema.enum ?? []).map((o) => h('option', { value: o }, o)));
      break;
    case 'number':
      input = h('input', {
        ...common,
        type: 'number',
        inputmode: 'decimal',
        min: schema.minimum === undefined ? undefined : toShown(path, schema.minimum),
        max: schema.maximum === undefined ? undefined : toShown(path, schema.maximum),
        step: 'any',
      });
      break;
    case 'lines':
    case 'name-counts':
      input = h('textarea', { ...common, rows: 4, spellcheck: 'false' });
      break;
    case 'json':
      input = h('textarea', { ...common, rows: 6, spellcheck: 'false', class: 'mono' });
      break;
    default:
      input = h('input', { ...common, type: 'text', spellcheck: 'false' });
  }
  const control = input;
  const show = (v: unknown) => {
    // Numbers are shown in the field's human unit (GB, minutes, %), stored in bytes, seconds, ms.
    const shown = formatValue(kind, kind === 'number' && typeof v === 'number' ? toShown(path, v) : v);
    if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = shown === true;
    else control.value = String(shown);
  };
  const read = () => {
    const v = parseValue(kind, control instanceof HTMLInputElement && control.type === 'checkbox' ? control.checked : control.value);
    return kind === 'number' && typeof v === 'number' ? fromShown(path, v, schema.type === 'integer') : v;
  };
  const label = h('label', { for: id }, labelFor(path));
  const wrap =
    kind === 'checkbox'
      ? h('div', { class: 'field check' }, h('div', { class: 'check-row' }, input, label), error)
      : h('div', { class: 'field' }, label, input, error);
  return { path, wrap, input, error, show, read };
}

export function createSettings(ctx: ViewContext): View {
  const { api, store } = ctx;
  const schema = SETTINGS_SCHEMA as unknown as { properties: Record<string, PropSchema> };
  const forms: { section: SectionKey; fields: Field[]; status: HTMLElement }[] = [];
  const notice = h('p', { class: 'muted' }, 'Changes apply at once; the engine re-reads them without a restart.');
  const el = h('div', { class: 'view', id: 'view-settings' }, notice);

  for (const [section, title, blurb] of SECTIONS) {
    const props = schema.properties[section]?.properties ?? {};
    const fields = Object.entries(props)
      .filter(([key]) => !HIDDEN.has(`${section}.${key}`))
      .map(([key, s]) => makeField(section, key, s));
    const status = h('div', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Save');
    const form = h(
      'form',
      { class: 'card settings-form', 'data-section': section, novalidate: true, 'aria-labelledby': `settings-${section}` },
      h('h2', { id: `settings-${section}` }, title),
      h('p', { class: 'muted' }, blurb),
      h('div', { class: 'fields' }, ...fields.map((f) => f.wrap)),
      h('div', { class: 'form-buttons' }, save, status),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void submit(section, fields, status);
    });
    forms.push({ section, fields, status });
    el.append(form);
  }

  const clearErrors = (fields: Field[]) => {
    for (const f of fields) {
      f.error.textContent = '';
      f.input.removeAttribute('aria-invalid');
    }
  };

  const submit = async (section: SectionKey, fields: Field[], status: HTMLElement) => {
    clearErrors(fields);
    status.className = 'form-status';
    const values: Record<string, unknown> = {};
    let bad = false;
    for (const f of fields) {
      try {
        values[f.path.slice(section.length + 1)] = f.read();
      } catch (e) {
        bad = true;
        f.error.textContent = (e as Error).message;
        f.input.setAttribute('aria-invalid', 'true');
      }
    }
    if (bad) {
      status.textContent = 'Fix the marked fields.';
      status.classList.add('fail');
      return;
    }
    status.textContent = 'Saving…';
    try {
      const next = await api.invoke('settings:set', { [section]: values });
      store.set('settings', next);
      fill();
      status.textContent = 'Saved.';
      status.classList.add('ok');
    } catch (e) {
      const err = toApiError(e);
      // "invalid setting alerts.memCritPercent: must be …" → mark that field.
      const named = fieldOfError(err.message, fields.map((f) => f.path));
      const field = fields.find((f) => f.path === named);
      if (field) {
        field.error.textContent = err.message;
        field.input.setAttribute('aria-invalid', 'true');
      }
      status.textContent = `Not saved: ${err.message}`;
      status.classList.add('fail');
    }
  };

  /** Shows the current settings in every field. */
  const fill = () => {
    const s = store.state.settings as unknown as Record<string, Record<string, unknown>> | null;
    if (!s) return;
    for (const { section, fields } of forms) {
      for (const f of fields) f.show(s[section]?.[f.path.slice(section.length + 1)]);
    }
  };

  return {
    el,
    show() {
      // Read afresh (the tray may have changed something), then fill; edits in progress are not overwritten later.
      void api.invoke('settings:get', undefined).then(
        (s) => {
          store.set('settings', s);
          fill();
        },
        () => fill(),
      );
      fill();
    },
    hide() {},
  };
}
