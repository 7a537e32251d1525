/**
 * The provision script CI runs before the Docker tests: idempotent when the
 * engine is up, and loud — non-zero exit, the reason, the daemon's log — when
 * the daemon cannot start (here: a "daemon" that exits at once, on its own
 * socket and pidfile, so the real engine is not touched).
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { PROVISION_SCRIPT, TEST_IMAGE, acquireEngineLock, requireEngine } from './engine-helper.ts';

let release: () => void = () => {};
before(async () => {
  release = await acquireEngineLock();
  await requireEngine();
});
after(() => release());

test('with the engine up and the image present, it changes nothing and says so', () => {
  const r = spawnSync('bash', [PROVISION_SCRIPT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /engine already answering/);
  assert.match(r.stdout, new RegExp(`image ${TEST_IMAGE} present`));
  assert.doesNotMatch(r.stdout, /installing|starting|importing/);
});

test('a daemon that cannot start: non-zero exit with the reason and the tail of its log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hr-provision-'));
  try {
    const r = spawnSync('bash', [PROVISION_SCRIPT], {
      encoding: 'utf8',
      env: {
        ...process.env,
        HEADROOM_DOCKER_SOCK: join(dir, 'docker.sock'),
        HEADROOM_DOCKERD_PIDFILE: join(dir, 'docker.pid'),
        HEADROOM_DOCKERD_LOG: join(dir, 'dockerd.log'),
        HEADROOM_DOCKERD: '/bin/sh', // rejects dockerd's options and exits
        HEADROOM_DOCKERD_WAIT_SECONDS: '20',
      },
    });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /FAILED: dockerd exited while starting/);
    assert.match(r.stderr, /--- last lines of .*dockerd\.log ---\n.*Illegal option/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
