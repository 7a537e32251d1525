/**
 * The web mode's gatekeeping rules, table-driven.
 */

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hostAllowed, isLoopbackHost, newToken, originAllowed, parseHostHeader, splitTokenPath, tokensEqual } from '../../../src/main/engine/server/security.ts';

test('isLoopbackHost', () => {
  const table: [string, boolean][] = [
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['LOCALHOST', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['localhost.evil.example', false],
    ['127.0.0.1.nip.io', false],
  ];
  for (const [host, want] of table) assert.equal(isLoopbackHost(host), want, host);
});

test('parseHostHeader', () => {
  assert.deepEqual(parseHostHeader('127.0.0.1:7761'), { host: '127.0.0.1', port: 7761 });
  assert.deepEqual(parseHostHeader('[::1]:80'), { host: '::1', port: 80 });
  assert.deepEqual(parseHostHeader('LocalHost:1'), { host: 'localhost', port: 1 });
  for (const bad of ['127.0.0.1', 'a:b', ':80', 'x:0', 'x:65536', '[::1]', 'a:1:2', '']) assert.equal(parseHostHeader(bad), null, bad);
});

test('hostAllowed: our port, and localhost or an IP literal; loopback literals only when bound to loopback', () => {
  const loop = { host: '127.0.0.1', port: 7761 };
  const wide = { host: '0.0.0.0', port: 7761 };
  const table: [string | undefined, typeof loop, boolean][] = [
    ['127.0.0.1:7761', loop, true],
    ['localhost:7761', loop, true],
    ['[::1]:7761', loop, true],
    ['127.0.0.1:7762', loop, false],
    ['192.168.1.10:7761', loop, false],
    ['evil.example:7761', loop, false],
    ['127.0.0.1.nip.io:7761', loop, false],
    ['127.0.0.1', loop, false],
    [undefined, loop, false],
    ['192.168.1.10:7761', wide, true],
    ['myhost.lan:7761', wide, false],
    ['evil.example:7761', wide, false],
  ];
  for (const [header, server, want] of table) assert.equal(hostAllowed(header, server), want, `${header} on ${server.host}`);
});

test('originAllowed: absent (not a browser) or exactly our own origin', () => {
  assert.equal(originAllowed(undefined, '127.0.0.1:7761'), true);
  assert.equal(originAllowed('http://127.0.0.1:7761', '127.0.0.1:7761'), true);
  assert.equal(originAllowed('http://localhost:7761', 'localhost:7761'), true);
  assert.equal(originAllowed('http://evil.example', '127.0.0.1:7761'), false);
  assert.equal(originAllowed('null', '127.0.0.1:7761'), false);
  assert.equal(originAllowed('https://127.0.0.1:7761', '127.0.0.1:7761'), false);
  assert.equal(originAllowed('http://127.0.0.1:7761', undefined), false);
});

test('splitTokenPath and tokens', () => {
  const token = newToken();
  assert.match(token, /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newToken(), token);
  assert.deepEqual(splitTokenPath(`/${token}/main.js?x=1`), { token, rest: '/main.js' });
  assert.deepEqual(splitTokenPath(`/${token}`), { token, rest: '' });
  assert.equal(splitTokenPath('/'), null);
  assert.equal(splitTokenPath('/short/'), null);
  assert.equal(splitTokenPath(`/${token}.x/`), null);
  assert.equal(tokensEqual(token, token), true);
  assert.equal(tokensEqual(token, token.slice(0, -1)), false);
  assert.equal(tokensEqual(token, `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`), false);
});
