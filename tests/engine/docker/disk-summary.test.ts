/**
 * Sorting `/system/df` into waste, on a reply captured from this engine
 * (fixtures/README.md says what it holds).
 */

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { ApiSystemDf } from '../../../src/main/engine/collectors/docker/client.ts';
import { isAnonymousVolume, isDanglingImage, summarizeDiskUsage } from '../../../src/main/engine/collectors/docker/disk.ts';

const df = JSON.parse(readFileSync(new URL('./fixtures/system-df.json', import.meta.url), 'utf8')) as ApiSystemDf;

test('captured df: each kind of waste found, with its bytes', () => {
  const inv = summarizeDiskUsage(df, 1234);
  assert.equal(inv.waste.measuredAt, 1234);

  assert.equal(inv.danglingImages.length, 1);
  assert.match(inv.danglingImages[0].id, /^sha256:5f20ac9f5e35/);
  assert.equal(inv.danglingImages[0].bytes, 300_000);
  assert.equal(inv.danglingImages[0].name, '5f20ac9f5e35');

  assert.deepEqual(inv.anonymousVolumes.map((v) => [v.name.slice(0, 12), v.bytes]), [['bec3362d762c', 200_000]]);
  assert.deepEqual(inv.namedUnusedVolumes.map((v) => [v.name, v.bytes]), [['hr-fx-named', 50_000]]);
  assert.deepEqual(inv.waste.namedUnusedVolumes, { count: 1, reclaimableBytes: 50_000, names: ['hr-fx-named'] });

  // The shared record ("from local") is left out: an image still holds its data.
  assert.deepEqual(inv.buildCache.map((b) => b.bytes), [500_000, 69, 0]);
  assert.equal(inv.waste.buildCache.reclaimableBytes, 500_069);

  assert.deepEqual(inv.stoppedContainers.map((c) => c.name), ['hr-fx-stopped']);
  assert.equal(inv.waste.stoppedContainers.count, 1);
});

test('tagged and used images are not dangling; in-use volumes are not waste', () => {
  assert.equal(isDanglingImage({ RepoTags: ['<none>:<none>'], Containers: 0 }), true);
  assert.equal(isDanglingImage({ RepoTags: null, Containers: 0 }), true);
  assert.equal(isDanglingImage({ RepoTags: ['<none>:<none>'], Containers: 2 }), false);
  assert.equal(isDanglingImage({ RepoTags: ['app:1'], Containers: 0 }), false);
  const inv = summarizeDiskUsage(
    {
      Images: [],
      Containers: [],
      BuildCache: [],
      Volumes: [
        { Name: 'a'.repeat(64), Labels: null, UsageData: { RefCount: 1, Size: 10 } },
        { Name: 'db', Labels: {}, UsageData: { RefCount: -1, Size: -1 } },
        { Name: 'gone', Labels: {}, UsageData: null },
      ],
    },
    0,
  );
  assert.equal(inv.anonymousVolumes.length + inv.namedUnusedVolumes.length, 0);
});

test('anonymous volumes: the 23.0+ label, or the generated 64-hex name of older engines', () => {
  assert.equal(isAnonymousVolume({ Name: 'f'.repeat(64), Labels: null }), true);
  assert.equal(isAnonymousVolume({ Name: 'x', Labels: { 'com.docker.volume.anonymous': '' } }), true);
  assert.equal(isAnonymousVolume({ Name: 'pgdata', Labels: {} }), false);
  assert.equal(isAnonymousVolume({ Name: 'F'.repeat(64), Labels: null }), false);
});
