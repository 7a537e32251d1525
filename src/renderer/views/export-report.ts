/**
 * "Export report…": a small in-page dialog that asks main for an analysis
 * report of a past period (`report:export`, the same report the tray exports)
 * and saves it as a file through the browser's download, in both transports.
 */

import type { HeadroomApi } from '../../shared/contract.ts';
import { h } from '../dom.ts';
import { toApiError } from '../transport/errors.ts';

const PERIODS: [string, number][] = [
  ['Last hour', 3600_000],
  ['Last 6 hours', 6 * 3600_000],
  ['Last 24 hours', 24 * 3600_000],
  ['Last 7 days', 7 * 86400_000],
];

/** Saves `text` as a file named `fileName` (a download; Electron asks where to save it). */
function download(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: fileName });
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own copy once started; give it a moment before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Opens the export dialog; resolves when it is closed. */
export function openExportDialog(api: HeadroomApi): Promise<void> {
  const period = h('select', { id: 'export-period', name: 'period' }, ...PERIODS.map(([label, ms]) => h('option', { value: ms, selected: ms === 24 * 3600_000 }, label)));
  const format = h('select', { id: 'export-format', name: 'format' }, h('option', { value: 'html' }, 'HTML (with charts)'), h('option', { value: 'md' }, 'Markdown'));
  const status = h('p', { class: 'form-status', role: 'status', 'aria-live': 'polite' });
  const cancel = h('button', { type: 'button', class: 'secondary' }, 'Close');
  const go = h('button', { type: 'button', class: 'primary', 'data-action': 'export' }, 'Export');
  const dialog = h(
    'dialog',
    { class: 'confirm', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, 'Export a report'),
    h('p', { class: 'muted' }, 'What happened over a period: memory, applications, containers, alerts, leak trends and the fixes on offer.'),
    h('div', { class: 'fields' }, h('div', { class: 'field' }, h('label', { for: 'export-period' }, 'Period'), period), h('div', { class: 'field' }, h('label', { for: 'export-format' }, 'Format'), format)),
    status,
    h('div', { class: 'dialog-buttons' }, cancel, go),
  );
  document.body.append(dialog);
  go.addEventListener('click', async () => {
    go.disabled = true;
    status.className = 'form-status';
    status.textContent = 'Making the report…';
    try {
      const fmt = format.value === 'md' ? 'md' : 'html';
      const r = await api.invoke('report:export', { sinceMs: Date.now() - Number(period.value), format: fmt });
      download(r.text, r.fileName, fmt === 'md' ? 'text/markdown;charset=utf-8' : 'text/html;charset=utf-8');
      status.textContent = `Saved ${r.fileName}.`;
      status.classList.add('ok');
    } catch (e) {
      status.textContent = `Could not make the report: ${toApiError(e).message}`;
      status.classList.add('fail');
    } finally {
      go.disabled = false;
    }
  });
  cancel.addEventListener('click', () => dialog.close());
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve();
    });
    dialog.showModal();
    period.focus();
  });
}
