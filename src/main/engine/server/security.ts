/**
 * The web mode's gatekeeping, as pure functions: which Host and Origin headers
 * are ours, where the token sits in a URL, and the security headers.
 *
 * The threat: any web page the user visits can make their browser send
 * requests to 127.0.0.1. A random token in the URL stops it from guessing
 * ours; checking Host stops DNS rebinding (evil.example resolving to 127.0.0.1
 * would carry "Host: evil.example"); checking Origin stops a foreign page from
 * opening our WebSocket (which the same-origin policy does not cover).
 */

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** A fresh URL-safe token: 32 random bytes, 43 characters. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Tokens are compared in constant time, so response timing leaks nothing about them. */
export function tokensEqual(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1, "localhost". */
export function isLoopbackHost(host: string): boolean {
  const h = stripBrackets(host).toLowerCase();
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (h.startsWith('::ffff:')) return h.slice(7).startsWith('127.');
  return false;
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** Splits "host:port" / "[v6]:port"; null when it is not of that form. */
export function parseHostHeader(value: string): { host: string; port: number } | null {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:\[\]]+):(\d{1,5})$/.exec(value);
  if (!m) return null;
  const port = Number(m[2]);
  if (port < 1 || port > 65535) return null;
  return { host: stripBrackets(m[1]).toLowerCase(), port };
}

/**
 * Is this Host header one of ours? It must carry our port, and name either
 * `localhost` or an IP literal. A DNS name other than localhost is refused
 * whatever it resolves to: that is exactly what a rebinding attack sends. When
 * bound to loopback, the IP literal must be a loopback one too.
 */
export function hostAllowed(hostHeader: string | undefined, server: { host: string; port: number }): boolean {
  if (!hostHeader) return false;
  const parsed = parseHostHeader(hostHeader);
  if (!parsed || parsed.port !== server.port) return false;
  if (parsed.host === 'localhost') return true;
  if (isIP(parsed.host) === 0) return false;
  return isLoopbackHost(server.host) ? isLoopbackHost(parsed.host) : true;
}

/**
 * Is this Origin ours? Browsers send Origin on every WebSocket handshake; it
 * must be our own page's origin, i.e. http://<the same Host>. A missing Origin
 * means a non-browser client, which cannot be a cross-site page and still
 * needs the token.
 */
export function originAllowed(origin: string | undefined, hostHeader: string | undefined): boolean {
  if (origin === undefined) return true;
  return hostHeader !== undefined && origin.toLowerCase() === `http://${hostHeader.toLowerCase()}`;
}

/**
 * Finds the token in a request path: every URL of the web mode is
 * `/<token>/...`, so the page's relative URLs (main.js, the WebSocket) carry it
 * without cookies. Returns the token and the rest of the path.
 */
export function splitTokenPath(rawUrl: string): { token: string; rest: string } | null {
  const q = rawUrl.indexOf('?');
  const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
  const m = /^\/([A-Za-z0-9_-]{16,128})(\/.*)?$/.exec(path);
  if (!m) return null;
  return { token: m[1], rest: m[2] ?? '' };
}

/** The page's Content Security Policy; the same policy index.html carries in its meta tag, plus frame-ancestors (header-only). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers on every response, refusals included. */
export function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // The token is in every URL: nothing may be stored by a cache or a proxy.
    'Cache-Control': 'no-store',
  };
}
