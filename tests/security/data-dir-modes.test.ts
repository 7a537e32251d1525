/**
 * Security #7 (issue 16): the data directory was created 0755 with files 0644,
 * so any local user could read history.db (group names, the fix audit log)
 * and settings.json. Now the directory is 0700 and its files 0600, whatever
 * the umask, and a directory left loose by an earlier version is tightened
 * at start; its parent, which the user chose, is never changed.
 */

import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createHeadroom } from '../../src/main/engine/create.ts';
import { tempHome } from '../helpers/cli.ts';
import { waitUntil } from '../helpers/procs.ts';

const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (m: number) => `0${m.toString(8)}`;

/** Starts a Headroom on `dataDir`, writes one sample, and checks every file's mode while it is open. */
async function assertPrivate(dataDir: string): Promise<void> {
  const h = createHeadroom({ dataDir, docker: false, log: () => {} });
  try {
    h.settings.set({ groups: { topN: 21 } });
    h.history!.record(Date.now(), [{ series: 'system.mem.used', value: 1, limit: null }]);
    const db = join(dataDir, 'history.db');
    await waitUntil(() => existsSync(`${db}-wal`), 10_000, 'the WAL file');
    assert.equal(octal(mode(dataDir)), '0700', 'the data directory');
    for (const f of ['settings.json', 'history.db', 'history.db-wal', 'history.db-shm']) {
      const path = join(dataDir, f);
      if (existsSync(path)) assert.equal(octal(mode(path)), '0600', f);
    }
  } finally {
    await h.close();
  }
}

describe('security #7: the data directory is 0700 and its files 0600', () => {
  let umask = 0;
  before(() => {
    // The loosest umask there is: modes must not depend on it.
    umask = process.umask(0);
  });
  after(() => process.umask(umask));

  it('a new data directory, under umask 000', async () => {
    const parent = tempHome('headroom-modes-');
    chmodSync(parent, 0o755);
    await assertPrivate(join(parent, 'data'));
    assert.equal(octal(mode(parent)), '0755', 'the parent is left as it was');
  });

  it('an existing 0755 directory with 0644 files is tightened at start', async () => {
    const parent = tempHome('headroom-modes-');
    chmodSync(parent, 0o755);
    const dataDir = join(parent, 'data');
    // What an earlier version left: a first run creates everything, then the modes are loosened as it did.
    const first = createHeadroom({ dataDir, docker: false, log: () => {} });
    first.history!.record(Date.now(), [{ series: 'system.mem.used', value: 1, limit: null }]);
    await first.close();
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ version: 1 }));
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'settings.json'), 0o644);
    chmodSync(join(dataDir, 'history.db'), 0o644);
    await assertPrivate(dataDir);
    assert.equal(octal(mode(parent)), '0755', 'the parent is left as it was');
  });
});
