/**
 * Settings: one form per section, built from the settings schema so a new
 * setting appears here without UI work. Saving sends one `settings:set` patch;
 * main validates the whole result, and its error is shown next to the field it
 * names.
 */

import { SETTINGS_SCHEMA, type Settings } from '../../shared/settings.ts';
import { h } from '../dom.ts';
import { toApiError } from '../transport/errors.ts';
import type { View, ViewContext } from './view.ts';

interface PropSchema {
  type?: string;
  enum?: string[];
  minimum?: number;
  maximum?: number;
  items?: PropSchema;
  additionalProperties?: PropSchema | boolean;
  properties?: Record<string, PropSchema>;
}

type SectionKey = Exclude<keyof Settings, 'version'>;

/** Sections in the order shown, with their titles. */
const SECTIONS: [SectionKey, string, string][] = [
  ['alerts', 'Alert thresholds', 'When Headroom warns you.'],
  ['remedies', 'Fixes and protected processes', 'What fixes may touch, and what they never touch.'],
  ['groups', 'Application groups', 'Your own grouping rules, tried before the built-in ones.'],
  ['intervals', 'Sampling intervals', 'How often each part is measured (milliseconds).'],
  ['history', 'History retention', 'How long samples are kept at each resolution.'],
  ['detector', 'Leak detector', 'How much evidence a leak verdict needs.'],
  ['docker', 'Docker', 'Container monitoring.'],
];

/** Settings that are state, not preferences: changed from the tray or by snoozing, never typed in. */
const HIDDEN = new Set(['alerts.pausedUntil', 'alerts.snoozed']);

const LABELS: Record<string, string> = {
  'alerts.memWarnPercent': 'Memory warning at (%)',
  'alerts.memCritPercent': 'Memory critical at (%)',
  'alerts.clearMarginPercent': 'Clears this many points below (%)',
  'alerts.sustainSeconds': 'Must last (seconds)',
  'alerts.cooldownSeconds': 'Quiet time after an alert (seconds)',
  'alerts.swapInPagesPerSec': 'Swap-in pressure (pages/s)',
  'alerts.psiSomeAvg60Percent': 'Memory pressure, PSI some avg60 (%)',
  'alerts.containerLimitPercent': 'Container near its limit at (%)',
  'alerts.unboundedContainerBytes': 'Container with no limit above (bytes)',
  'alerts.restartLoopCount': 'Restart loop: restarts',
  'alerts.restartLoopWindowSeconds': 'Restart loop: within (seconds)',
  'alerts.zombieSeconds': 'Zombie alert after (seconds)',
  'alerts.orphanAlerts': 'Alert on orphaned agents and MCP servers',
  'alerts.defaultMaxInstances': 'Instances per application before an alert',
  'alerts.maxInstances': 'Per-application instance limits (name = count, one per line)',
  'alerts.leakHorizonSeconds': 'Leak alert when memory runs out within (seconds)',
  'remedies.protectedNames': 'Protected process names (one per line; never stopped)',
  'remedies.keepInstances': 'Instances a fix keeps running',
  'remedies.keepPolicy': 'Which instances to keep',
  'remedies.graceSeconds': 'Grace before a forced stop (seconds)',
  'remedies.proposalTtlSeconds': 'A proposed fix stays valid for (seconds)',
  'groups.rules': 'Grouping rules (JSON array of {name, kind, exe?, cmdline?, absorbChildren?})',
  'groups.topN': 'Applications recorded individually in history',
  'history.rawHours': 'Full resolution (hours)',
  'history.minuteDays': 'Per-minute averages (days)',
  'history.quarterDays': 'Per-15-minute averages (days)',
  'docker.enabled': 'Watch Docker',
  'docker.host': 'Docker host (empty: DOCKER_HOST, then the usual sockets)',
  'docker.statsConcurrency': 'Parallel stats requests',
};

function humanize(key: string): string {
  return key.replace(/([A-Z])/g, ' $1').replace(/^./, (c) => c.toUpperCase());
}

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
  let input: Field['input'];
  let show: Field['show'];
  let read: Field['read'];

  if (schema.type === 'boolean') {
    const cb = h('input', { ...common, type: 'checkbox' });
    input = cb;
    show = (v) => (cb.checked = v === true);
    read = () => cb.checked;
  } else if (schema.enum) {
    const sel = h('select', common, ...schema.enum.map((o) => h('option', { value: o }, o)));
    input = sel;
    show = (v) => (sel.value = String(v));
    read = () => sel.value;
  } else if (schema.type === 'number' || schema.type === 'integer') {
    const num = h('input', { ...common, type: 'number', inputmode: 'decimal', min: schema.minimum, max: schema.maximum, step: schema.type === 'integer' ? 1 : 'any' });
    input = num;
    show = (v) => (num.value = String(v));
    read = () => {
      if (num.value.trim() === '') throw new Error('a number is required');
      const n = Number(num.value);
      if (!Number.isFinite(n)) throw new Error('not a number');
      return n;
    };
  } else if (schema.type === 'array' && schema.items?.type === 'string') {
    const ta = h('textarea', { ...common, rows: 4, spellcheck: 'false' });
    input = ta;
    show = (v) => (ta.value = Array.isArray(v) ? v.join('\n') : '');
    read = () => ta.value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  } else if (schema.type === 'object' && typeof schema.additionalProperties === 'object') {
    const ta = h('textarea', { ...common, rows: 4, spellcheck: 'false' });
    input = ta;
    show = (v) => (ta.value = Object.entries((v ?? {}) as Record<string, unknown>).map(([k, n]) => `${k} = ${n}`).join('\n'));
    read = () => {
      const out: Record<string, number> = {};
      for (const line of ta.value.split('\n').map((l) => l.trim()).filter((l) => l !== '')) {
        const m = /^(.+?)\s*=\s*(\S+)$/.exec(line);
        if (!m || !Number.isFinite(Number(m[2]))) throw new Error(`"${line.slice(0, 40)}" is not "name = number"`);
        out[m[1]] = Number(m[2]);
      }
      return out;
    };
  } else if (schema.type === 'array') {
    const ta = h('textarea', { ...common, rows: 6, spellcheck: 'false', class: 'mono' });
    input = ta;
    show = (v) => (ta.value = JSON.stringify(v ?? [], null, 2));
    read = () => {
      try {
        return JSON.parse(ta.value || '[]') as unknown;
      } catch (e) {
        throw new Error(`not valid JSON: ${(e as Error).message}`);
      }
    };
  } else {
    const txt = h('input', { ...common, type: 'text', spellcheck: 'false' });
    input = txt;
    show = (v) => (txt.value = String(v ?? ''));
    read = () => txt.value;
  }
  const label = h('label', { for: id }, LABELS[path] ?? humanize(key));
  const wrap =
    schema.type === 'boolean'
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
      const m = /setting "?([\w.]+)"?/.exec(err.message);
      const field = m ? fields.find((f) => m[1] === f.path || m[1].startsWith(`${f.path}.`) || m[1].startsWith(`${f.path}[`)) : undefined;
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
