import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUTOSTART_FILE,
  desktopEntry,
  isXdgAutostartEnabled,
  launchCommand,
  quoteExecArg,
  setXdgAutostart,
  xdgAutostartDir,
} from '../../../src/main/engine/tray/autostart.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'headroom-autostart-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Undoes the Exec escaping the way a desktop environment does (spec, "The Exec
 * key"): string unescape first, then split on unquoted spaces, then the
 * quoting rules inside double quotes, then %% → %.
 */
function parseExec(value: string): string[] {
  const unescaped = value.replace(/\\(.)/g, (_, c: string) => (c === 's' ? ' ' : c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c));
  const args: string[] = [];
  let cur = '';
  let inQuotes = false;
  let started = false;
  for (let i = 0; i < unescaped.length; i++) {
    const ch = unescaped[i];
    if (inQuotes) {
      if (ch === '\\' && i + 1 < unescaped.length && '"`$\\'.includes(unescaped[i + 1])) cur += unescaped[++i];
      else if (ch === '"') inQuotes = false;
      else cur += ch;
    } else if (ch === '"') {
      inQuotes = true;
      started = true;
    } else if (ch === ' ') {
      if (started) args.push(cur);
      cur = '';
      started = false;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (started) args.push(cur);
  return args.map((a) => a.replace(/%%/g, '%'));
}

describe('XDG autostart entry', () => {
  test('a plain path is written as is; awkward ones are quoted so they round-trip', () => {
    assert.equal(quoteExecArg('/opt/Headroom/headroom'), '/opt/Headroom/headroom');
    assert.equal(quoteExecArg('--hidden'), '--hidden');
    assert.equal(quoteExecArg(''), '""');
    const awkward = ['/home/me/My Apps/Headroom.AppImage', '/tmp/100%/x', 'a"b', 'c$d', 'e`f', 'g\\h', "it's", '--hidden'];
    for (const arg of awkward) assert.deepEqual(parseExec(quoteExecArg(arg)), [arg], `round trip of ${arg}`);
    assert.throws(() => quoteExecArg('a\nb'), /line break/);
  });

  test('the entry starts Headroom hidden, with every field a session needs', () => {
    const text = desktopEntry({ name: 'Headroom', exec: '/home/me/Apps/Head room.AppImage', args: ['--hidden'], comment: 'Memory watch', icon: 'headroom' });
    const lines = text.split('\n');
    assert.equal(lines[0], '[Desktop Entry]');
    assert.ok(lines.includes('Type=Application'));
    assert.ok(lines.includes('Name=Headroom'));
    assert.ok(lines.includes('Comment=Memory watch'));
    assert.ok(lines.includes('Icon=headroom'));
    assert.ok(lines.includes('X-GNOME-Autostart-enabled=true'));
    const exec = lines.find((l) => l.startsWith('Exec='));
    assert.ok(exec);
    assert.deepEqual(parseExec(exec.slice(5)), ['/home/me/Apps/Head room.AppImage', '--hidden']);
    assert.throws(() => desktopEntry({ name: 'a\nb', exec: '/x' }), /line break/);
  });

  test('enable writes the file, disable removes it, and the state reads back', () => {
    const autostart = join(dir, 'autostart');
    assert.equal(isXdgAutostartEnabled(autostart), false);
    setXdgAutostart(true, autostart, { name: 'Headroom', exec: '/usr/bin/headroom', args: ['--hidden'] });
    assert.equal(isXdgAutostartEnabled(autostart), true);
    assert.equal(statSync(join(autostart, AUTOSTART_FILE)).mode & 0o777, 0o644);
    assert.match(readFileSync(join(autostart, AUTOSTART_FILE), 'utf8'), /^Exec=\/usr\/bin\/headroom --hidden$/m);
    assert.deepEqual(readdirSync(autostart), [AUTOSTART_FILE], 'no temporary file left');
    setXdgAutostart(false, autostart, { name: 'Headroom', exec: '/usr/bin/headroom' });
    assert.equal(isXdgAutostartEnabled(autostart), false);
    setXdgAutostart(false, autostart, { name: 'Headroom', exec: '/usr/bin/headroom' }); // twice is fine
  });

  test('an entry the user disabled in their session settings reads as off', () => {
    const autostart = join(dir, 'autostart');
    setXdgAutostart(true, autostart, { name: 'Headroom', exec: '/usr/bin/headroom' });
    const path = join(autostart, AUTOSTART_FILE);
    writeFileSync(path, readFileSync(path, 'utf8').replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    assert.equal(isXdgAutostartEnabled(autostart), false);
    writeFileSync(path, `${readFileSync(path, 'utf8')}Hidden=true\n`.replace('=false', '=true'));
    assert.equal(isXdgAutostartEnabled(autostart), false);
  });

  test('the folder follows XDG_CONFIG_HOME, and the command follows how Headroom was started', () => {
    assert.equal(xdgAutostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/me'), '/cfg/autostart');
    assert.equal(xdgAutostartDir({}, '/home/me'), '/home/me/.config/autostart');
    assert.equal(xdgAutostartDir({ XDG_CONFIG_HOME: 'relative' }, '/home/me'), '/home/me/.config/autostart', 'a relative value is ignored, as the spec says');
    const base = { execPath: '/opt/Headroom/headroom', appPath: '/opt/Headroom/resources/app.asar', extraArgs: ['--hidden'] };
    assert.deepEqual(launchCommand({ ...base, env: { APPIMAGE: '/home/me/Headroom.AppImage' }, packaged: true }), { exec: '/home/me/Headroom.AppImage', args: ['--hidden'] });
    assert.deepEqual(launchCommand({ ...base, env: {}, packaged: true }), { exec: '/opt/Headroom/headroom', args: ['--hidden'] });
    assert.deepEqual(launchCommand({ ...base, env: {}, packaged: false, appPath: '/src/headroom' }), { exec: '/opt/Headroom/headroom', args: ['/src/headroom', '--hidden'] });
  });
});
