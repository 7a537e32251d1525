/** The channel's line framing: whole lines, split lines, split characters, and the size bound. */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeFrame, FrameReader, FrameTooLarge } from '../../../src/main/engine/channel/frames.ts';

test('a frame is one line of JSON, even when strings hold newlines', () => {
  const line = encodeFrame({ a: 'x\ny', b: [1, 2] });
  assert.equal(line.indexOf('\n'), line.length - 1);
  assert.deepEqual(new FrameReader(1024).push(Buffer.from(line)), [{ ok: true, value: { a: 'x\ny', b: [1, 2] } }]);
});

test('lines split across chunks, several per chunk, and a UTF-8 character split in two are all read whole', () => {
  const text = encodeFrame({ name: 'Grüße 🚀' }) + encodeFrame({ n: 2 }) + encodeFrame({ n: 3 });
  const bytes = Buffer.from(text);
  const r = new FrameReader(1024);
  const got = [];
  for (let i = 0; i < bytes.length; i += 3) got.push(...r.push(bytes.subarray(i, i + 3)));
  assert.deepEqual(
    got.map((f) => (f.ok ? f.value : f.error)),
    [{ name: 'Grüße 🚀' }, { n: 2 }, { n: 3 }],
  );
});

const bad: [string, string, string][] = [
  ['not JSON', '{nope\n', 'message is not JSON'],
  ['an empty line', '\n', 'empty message'],
  ['a CRLF line', '{"a":1}\r\n', ''],
];
for (const [label, input, error] of bad) {
  test(`${label} is reported, and the next line still reads`, () => {
    const frames = new FrameReader(1024).push(Buffer.from(`${input}{"next":true}\n`));
    assert.equal(frames.length, 2);
    if (error) assert.deepEqual(frames[0], { ok: false, error });
    else assert.deepEqual(frames[0], { ok: true, value: { a: 1 } });
    assert.deepEqual(frames[1], { ok: true, value: { next: true } });
  });
}

test('a line past the bound is refused, whether it arrives whole or without ever ending', () => {
  assert.throws(() => new FrameReader(16).push(Buffer.from(`${'x'.repeat(40)}\n`)), FrameTooLarge);
  const r = new FrameReader(16);
  r.push(Buffer.from('x'.repeat(10)));
  assert.throws(() => r.push(Buffer.from('x'.repeat(10))), FrameTooLarge);
});
