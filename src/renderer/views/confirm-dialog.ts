/**
 * The in-page confirmation for destructive fixes: a modal <dialog> listing
 * exactly what the fix will touch. Cancel has the initial focus, so a stray
 * Enter never stops anything; Esc cancels.
 */

import { formatBytes } from '../../shared/format.ts';
import type { FixProposal, FixTarget } from '../../shared/model.ts';
import { h } from '../dom.ts';

/** Targets listed one by one; beyond this, "and N more". */
const LISTED = 20;

export function describeTarget(t: FixTarget): string {
  switch (t.kind) {
    case 'process':
      return `${t.name} (PID ${t.pid}) — ${formatBytes(t.rssBytes)}`;
    case 'container':
      return `container ${t.name} (${t.id.slice(0, 12)})`;
    case 'docker-object':
      return `${t.objectType} ${t.name} — ${formatBytes(t.bytes)}`;
  }
}

/** Asks the user to confirm `fix`. Resolves true only on an explicit click on the confirm button. */
export function confirmFix(fix: FixProposal): Promise<boolean> {
  const cancel = h('button', { type: 'button', class: 'secondary', 'data-action': 'cancel' }, 'Cancel');
  const confirm = h('button', { type: 'button', class: 'danger', 'data-action': 'confirm' }, 'Run fix');
  const more = fix.targets.length - LISTED;
  const dialog = h(
    'dialog',
    { class: 'confirm', 'aria-labelledby': 'confirm-title', 'aria-describedby': 'confirm-body' },
    h('h2', { id: 'confirm-title' }, fix.title),
    h(
      'div',
      { id: 'confirm-body' },
      h('p', null, fix.reason),
      h('p', null, `This will touch ${fix.targets.length} ${fix.targets.length === 1 ? 'target' : 'targets'}${fix.undoable ? '' : ' and cannot be undone'}:`),
      h('ul', { class: 'targets' }, ...fix.targets.slice(0, LISTED).map((t) => h('li', null, describeTarget(t))), more > 0 ? h('li', null, `and ${more} more`) : null),
      fix.expectedBytes > 0 ? h('p', null, `Expected to free about ${formatBytes(fix.expectedBytes)}.`) : null,
      h('p', { class: 'muted' }, 'Equivalent command: ', h('code', null, fix.command)),
    ),
    h('div', { class: 'dialog-buttons' }, cancel, confirm),
  );
  document.body.append(dialog);
  return new Promise((resolve) => {
    let answer = false;
    cancel.addEventListener('click', () => dialog.close());
    confirm.addEventListener('click', () => {
      answer = true;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(answer);
    });
    dialog.showModal();
    cancel.focus();
  });
}
