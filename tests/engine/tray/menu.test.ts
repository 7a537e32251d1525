import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { buildTrayMenu, fixConfirmation, MENU_LIMITS, type TrayMenuItem } from '../../../src/main/engine/tray/menu.ts';
import type { FixTarget } from '../../../src/shared/model.ts';
import { alert, container, fix, GiB, group, MiB, settings, snapshot, T0, trayState, trend } from './fixtures.ts';

/** The menu as the user reads it: one string per row, separators as ---. */
function rows(menu: TrayMenuItem[]): string[] {
  return menu.map((i) => (i.type === 'separator' ? '---' : i.type === 'submenu' ? `${i.label} ▸` : i.label));
}

function find(menu: TrayMenuItem[], label: string | RegExp): TrayMenuItem {
  const hit = menu.find((i) => i.type !== 'separator' && (typeof label === 'string' ? i.label === label : label.test(i.label)));
  assert.ok(hit, `a row ${label} in:\n${rows(menu).join('\n')}`);
  return hit;
}

describe('buildTrayMenu', () => {
  test('calm: status, no alerts, and the controls', () => {
    const menu = buildTrayMenu(trayState());
    assert.deepEqual(rows(menu), [
      'Memory 30% — 4.8 GB of 16.0 GB',
      'Swap 512 MB of 4.0 GB',
      'Load 1.25 · 0.98 · 0.50 on 8 cores',
      '    code ×12 — 2.0 GB',
      '    chrome ×30 — 1.5 GB',
      '    claude ×2 — 600 MB',
      '---',
      '✓ No alerts',
      '---',
      'Open Headroom',
      'Export report… (history is off)',
      'Pause alerts for 1 hour',
      'Start at login',
      '---',
      'Quit Headroom',
    ]);
    // Status rows are information only; controls do what they say.
    for (const i of menu.slice(0, 6)) assert.equal(i.type, 'status');
    assert.deepEqual(find(menu, 'Open Headroom'), { type: 'item', label: 'Open Headroom', enabled: true, action: { kind: 'open-window', alertId: null } });
    const report = find(menu, /Export report/);
    assert.ok(report.type === 'item' && !report.enabled && /history recording/.test(report.tooltip ?? ''), 'report export is disabled without history, and says why');
    const pause = find(menu, 'Pause alerts for 1 hour');
    assert.ok(pause.type === 'item' && pause.action.kind === 'pause-alerts' && pause.action.forMs === 3600_000);
    const login = find(menu, 'Start at login');
    assert.ok(login.type === 'checkbox' && !login.checked && login.enabled);
    assert.deepEqual(login.action, { kind: 'set-autostart', enabled: true });
    assert.deepEqual(find(menu, 'Quit Headroom').type === 'item' && (find(menu, 'Quit Headroom') as { action: unknown }).action, { kind: 'quit' });
  });

  test('calm with report export available, autostart on, and more than five applications', () => {
    const groups = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n, i) => group(n, i + 1, (7 - i) * 100 * MiB));
    const menu = buildTrayMenu(trayState({ snapshot: snapshot({ usedPercent: 20, groups }), reportAvailable: true, autostart: true }));
    const apps = rows(menu).filter((r) => r.startsWith('    '));
    assert.deepEqual(apps, ['    a ×1 — 700 MB', '    b ×2 — 600 MB', '    c ×3 — 500 MB', '    d ×4 — 400 MB', '    e ×5 — 300 MB']);
    const report = find(menu, 'Export report…');
    assert.ok(report.type === 'item' && report.enabled);
    assert.deepEqual(report.action, { kind: 'export-report' });
    const login = find(menu, 'Start at login');
    assert.ok(login.type === 'checkbox' && login.checked);
    assert.deepEqual(login.action, { kind: 'set-autostart', enabled: false });
  });

  test('warning: the alert names the culprit, opens the window on it, and its fix runs at once', () => {
    const stop = fix({ id: 'fx1', title: 'Stop 3 idle node processes', expectedBytes: 1.5 * GiB, reason: 'idle for 2 h' });
    const a = alert({ id: 'mem.used', title: 'Memory 75% — code ×12 — 2.0 GB is the largest', severity: 'warning', fixIds: ['fx1'], detail: '12 GB of 16 GB used' });
    const menu = buildTrayMenu(trayState({ snapshot: snapshot({ usedPercent: 75 }), alerts: [a], fixes: [stop] }));
    const r = rows(menu);
    const at = r.indexOf('⚠ Memory 75% — code ×12 — 2.0 GB is the largest');
    assert.ok(at > 0, r.join('\n'));
    assert.equal(r[at + 1], '    Stop 3 idle node processes (~1.5 GB)', 'the fix sits right under its alert');
    assert.deepEqual(menu[at], {
      type: 'item',
      label: '⚠ Memory 75% — code ×12 — 2.0 GB is the largest',
      enabled: true,
      tooltip: '12 GB of 16 GB used',
      action: { kind: 'open-window', alertId: 'mem.used' },
    });
    assert.deepEqual(menu[at + 1], {
      type: 'item',
      label: '    Stop 3 idle node processes (~1.5 GB)',
      enabled: true,
      tooltip: 'idle for 2 h',
      action: { kind: 'run-fix', fixId: 'fx1', confirm: null },
    });
    assert.ok(!r.includes('✓ No alerts'));
  });

  test('leak with fixes: trend and ETA on the alert; a destructive fix asks first, listing every target', () => {
    const targets: FixTarget[] = Array.from({ length: 16 }, (_, i) => ({ kind: 'process', pid: 4000 + i, startTime: 100 + i, name: 'claude', rssBytes: 340 * MiB }));
    const gentle = fix({ id: 'fx-old', title: 'Stop 12 older claude processes', expectedBytes: 4.1 * GiB, targets: targets.slice(0, 12) });
    const hard = fix({
      id: 'fx-all',
      title: 'Stop all claude processes',
      expectedBytes: 5.4 * GiB,
      destructive: true,
      risk: 'high',
      targets,
      command: 'pkill -TERM -x claude',
      kind: 'process.stop-all',
    });
    const leak = alert({
      id: 'leak:process.group.claude.rss',
      rule: 'leak',
      title: 'claude ×16 — 5.4 GB',
      severity: 'critical',
      culprit: 'claude',
      fixIds: ['fx-old', 'fx-all', 'fx-gone'],
    });
    const warn = alert({ id: 'mem.used', title: 'Memory 80%', severity: 'warning', since: T0 - 600_000 });
    const menu = buildTrayMenu(
      trayState({
        snapshot: snapshot({ usedPercent: 80, groups: [group('claude', 16, 5.4 * GiB)] }),
        alerts: [warn, leak],
        trends: [trend({ series: 'process.group.claude.rss' }), trend({ series: 'process.group.other.rss' })],
        fixes: [gentle, hard],
      }),
    );
    const r = rows(menu);
    const at = r.indexOf('✖ claude ×16 — 5.4 GB, +1.2 GB/h, full in ~2 h 40 min');
    assert.ok(at > 0, `the critical alert with its trend:\n${r.join('\n')}`);
    assert.ok(at < r.indexOf('⚠ Memory 80%'), 'critical alerts come first');
    assert.deepEqual(r.slice(at + 1, at + 3), ['    Stop 12 older claude processes (~4.1 GB)', '    Stop all claude processes… (~5.4 GB)']);
    const gentleItem = menu[at + 1];
    assert.ok(gentleItem.type === 'item' && gentleItem.action.kind === 'run-fix' && gentleItem.action.confirm === null, 'a gentle fix runs at once');
    const hardItem = menu[at + 2];
    assert.ok(hardItem.type === 'item' && hardItem.action.kind === 'run-fix');
    assert.equal(hardItem.action.fixId, 'fx-all');
    const confirm = hardItem.action.confirm;
    assert.ok(confirm, 'a destructive fix carries a confirmation');
    assert.equal(confirm.message, 'Stop all claude processes?');
    assert.equal(confirm.confirmLabel, 'Stop');
    const lines = confirm.detail.split('\n');
    assert.equal(lines[0], 'It touches these 16:');
    for (let i = 0; i < 16; i++) assert.ok(lines.includes(`• process claude (PID ${4000 + i}) — 340 MB`), `PID ${4000 + i} is listed`);
    assert.ok(lines.includes('This cannot be undone.'));
    assert.ok(lines.includes('The same by hand: pkill -TERM -x claude'));
    // An alert whose title already carries the rate is left alone.
    const titled = buildTrayMenu(trayState({ alerts: [{ ...leak, title: 'claude ×16 — 5.4 GB, +1.2 GB/h' }], trends: [trend({ series: 'process.group.claude.rss' })] }));
    assert.ok(rows(titled).includes('✖ claude ×16 — 5.4 GB, +1.2 GB/h'));
  });

  test('a confirmation lists the first targets one per line and every other one after', () => {
    const targets: FixTarget[] = Array.from({ length: 40 }, (_, i) => ({ kind: 'process', pid: 100 + i, startTime: 1, name: 'node', rssBytes: MiB }));
    const c = fixConfirmation(fix({ id: 'x', title: 'Stop 40 node processes', destructive: true, targets, undoable: true }));
    const lines = c.detail.split('\n');
    assert.equal(lines.filter((l) => l.startsWith('• process node')).length, MENU_LIMITS.targetsListed);
    const rest = lines.find((l) => l.startsWith('• and 10 more: '));
    assert.ok(rest);
    for (let pid = 130; pid < 140; pid++) assert.ok(rest.includes(`node ${pid}`), `PID ${pid} named in the remainder`);
    assert.ok(!lines.includes('This cannot be undone.'), 'an undoable fix does not claim otherwise');
    const docker = fixConfirmation(
      fix({
        id: 'p',
        title: 'Prune Docker',
        destructive: true,
        targets: [
          { kind: 'docker-object', objectType: 'image', id: 'sha256:abcdef0123456789', name: '', bytes: 2 * GiB },
          { kind: 'docker-object', objectType: 'build-cache', id: 'bc1', name: 'bc1', bytes: 512 * MiB },
          { kind: 'container', id: 'deadbeef00112233', name: 'old-api' },
        ],
      }),
    );
    assert.deepEqual(docker.detail.split('\n').slice(0, 4), [
      'It touches these 3:',
      '• image sha256:abcde — 2.0 GB',
      '• build cache bc1 — 512 MB',
      '• container old-api (deadbeef0011)',
    ]);
  });

  test('Docker up: top containers against their limits, disk waste and Prune…', () => {
    const prune = fix({ id: 'fx-prune', title: 'Prune Docker', kind: 'docker.prune', destructive: true, expectedBytes: 15 * GiB });
    const menu = buildTrayMenu(
      trayState({
        snapshot: snapshot({
          usedPercent: 40,
          containers: [container('api', 800 * MiB, null), container('postgres', 1.2 * GiB, 2 * GiB), container('redis', 50 * MiB, 256 * MiB), container('tiny', 5 * MiB, null)],
          docker: {
            status: 'ok',
            message: null,
            disk: {
              danglingImages: { count: 3, reclaimableBytes: 9 * GiB },
              anonymousVolumes: { count: 2, reclaimableBytes: 2 * GiB },
              namedUnusedVolumes: { count: 1, reclaimableBytes: 50 * GiB, names: ['pgdata'] },
              buildCache: { count: 10, reclaimableBytes: 3 * GiB },
              stoppedContainers: { count: 1, reclaimableBytes: 1 * GiB },
              measuredAt: T0,
            },
          },
        }),
        fixes: [prune],
      }),
    );
    const r = rows(menu);
    const at = r.indexOf('Docker: 4 running');
    assert.ok(at > 0, r.join('\n'));
    assert.deepEqual(r.slice(at, at + 6), [
      'Docker: 4 running',
      '    postgres — 1.2 GB of 2.0 GB (60%)',
      '    api — 800 MB, no limit',
      '    redis — 50.0 MB of 256 MB (20%)',
      'Docker disk: 15.0 GB reclaimable',
      'Prune… (15.0 GB)',
    ]);
    const item = menu[at + 5];
    assert.ok(item.type === 'item' && item.action.kind === 'run-fix' && item.action.confirm !== null, 'Prune asks first');
  });

  test('Docker down: one line that says so, and nothing to click', () => {
    for (const [status, label] of [
      ['not-running', 'Docker: not running'],
      ['not-installed', 'Docker: not installed'],
      ['error', 'Docker: unreachable — permission denied'],
    ] as const) {
      const menu = buildTrayMenu(
        trayState({
          snapshot: snapshot({ usedPercent: 30, docker: { status, message: status === 'error' ? 'permission denied' : 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock', disk: null } }),
          fixes: [fix({ id: 'p', title: 'Prune Docker', kind: 'docker.prune' })],
        }),
      );
      const docker = menu.filter((i) => i.type !== 'separator' && /Docker|Prune/.test(i.label));
      assert.equal(docker.length, 1, rows(menu).join('\n'));
      assert.equal(docker[0].type, 'status');
      assert.equal((docker[0] as { label: string }).label, label);
    }
    const off = buildTrayMenu(trayState());
    assert.ok(!rows(off).some((r) => r.includes('Docker')), 'monitoring switched off shows no Docker lines');
  });

  test('paused alerts show the time left and offer Resume', () => {
    const menu = buildTrayMenu(trayState({ settings: settings({ pausedUntil: T0 + 45 * 60_000 }) }));
    const r = rows(menu);
    assert.ok(r.includes('Alerts paused — ~45 min left'));
    assert.deepEqual((find(menu, 'Resume alerts') as { action: unknown }).action, { kind: 'resume-alerts' });
    assert.ok(!r.includes('Pause alerts for 1 hour'));
  });

  test('no snapshot yet, no autostart support, a settings notice, and too many alerts', () => {
    const alerts = Array.from({ length: 9 }, (_, i) => alert({ id: `a${i}`, title: `alert ${i}` }));
    const menu = buildTrayMenu(trayState({ snapshot: null, autostart: null, notice: 'settings: … was unusable', alerts }));
    const r = rows(menu);
    assert.equal(r[0], '⚠ Settings were reset — details in Headroom');
    assert.ok(r.includes('Measuring memory…'));
    assert.equal(r.filter((l) => /^⚠ alert \d$/.test(l)).length, MENU_LIMITS.alerts);
    assert.ok(r.includes('3 more alerts in Headroom…'));
    const login = find(menu, 'Start at login');
    assert.ok(login.type === 'checkbox' && !login.enabled && !login.checked);
    // Resolved alerts are not shown.
    const resolved = buildTrayMenu(trayState({ alerts: [alert({ id: 'x', title: 'gone', state: 'resolved' })] }));
    assert.ok(rows(resolved).includes('✓ No alerts'));
  });
});
