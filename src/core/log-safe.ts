/**
 * The one renderer of request values (and configured strings) in messages and log lines: bounded, and
 * quoted with every control and separator character escaped, so a hostile header can neither forge a
 * log line or a `key=value` field nor flood the log. Called only to build a message or a log line,
 * never on the path of an allowed request.
 *
 * - `show(v)`: bare when `v` is a short plain token or origin (`PUT`, `x-trace`, `https://a.example:8443`),
 *   otherwise `quote(v)`.
 * - `showConfigured(v)`: a configured value (any type) the way a user wrote it, strings through `quote`.
 * - `quote(v)`: always a double-quoted string, a valid JSON string literal when not cut: `"` `\` and every
 *   C0, DEL, C1 (U+0085 included), format (bidi overrides, zero-width), separator (U+2028/2029, non-ASCII
 *   spaces), private-use, unassigned or lone-surrogate character is written `\uXXXX` (`\n` `\r` `\t` for
 *   those three). A value longer than the bound is cut and ends `…(65536 chars)` inside the quotes, with
 *   its original length; a `…` in the value itself is written `\u2026`, so the marker cannot be forged.
 */

import { isTokenChar } from './tokens.js';

/** Default bound: at most this many characters of a value are shown (escapes counted as written). */
export const MAX_SHOWN = 128;

/**
 * Characters that never appear unescaped in a quoted value: `"` `\` `…`, and the Unicode categories
 * Cc (C0, DEL, C1), Cf (format: bidi controls, zero-width), Cs (lone surrogates), Co (private use),
 * Cn (unassigned), Zl and Zp (U+2028/2029) and Zs other than the ASCII space.
 */
const UNSAFE = /["\\\u2026\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/u;

/** Control, format and separator characters only (not `"`, `\` or `…`): for text that is not quoted. */
export const UNSAFE_IN_TEXT =
  /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/gu;

function hex4(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The escape for one character (a code point: one or two UTF-16 units) matched by `UNSAFE`. */
function escapeChar(ch: string): string {
  switch (ch) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
  }
  // an astral code point (private use, unassigned) as its surrogate pair, as JSON writes it
  return ch.length === 2 ? hex4(ch.charCodeAt(0)) + hex4(ch.charCodeAt(1)) : hex4(ch.charCodeAt(0));
}

/** Printable ASCII other than `"` and `\\`: written as is inside the quotes, without the Unicode test. */
function plainAscii(code: number): boolean {
  return code >= 0x20 && code < 0x7f && code !== 0x22 && code !== 0x5c;
}

/** `value` as a quoted, escaped string of at most `max` characters between the quotes (plus the length note). */
export function quote(value: string, max = MAX_SHOWN): string {
  if (value.length <= max && !UNSAFE.test(value)) return `"${value}"`;
  let out = '';
  let i = 0;
  while (i < value.length && out.length < max) {
    // a run of printable ASCII, copied in one slice
    let end = i;
    const room = i + (max - out.length);
    while (end < value.length && end < room && plainAscii(value.charCodeAt(end))) end++;
    if (end > i) {
      out += value.slice(i, end);
      i = end;
      continue;
    }
    // one code point: a surrogate pair stays whole (never cut in half, never escaped as two lone halves)
    const code = value.charCodeAt(i);
    const width = code >= 0xd800 && code <= 0xdbff && i + 1 < value.length && isLow(value.charCodeAt(i + 1)) ? 2 : 1;
    const ch = value.slice(i, i + width);
    const piece = UNSAFE.test(ch) ? escapeChar(ch) : ch;
    if (out.length + piece.length > max) break;
    out += piece;
    i += width;
  }
  return i < value.length ? `"${out}…(${value.length} chars)"` : `"${out}"`;
}

function isLow(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** Shown bare, by ASCII code: a token character (RFC 9110, tokens.ts) or `:` `/` `[` `]` (origins). */
const BARE = new Uint8Array(128);
for (let code = 0; code < 128; code++) {
  if (isTokenChar(code) || code === 58 || code === 47 || code === 91 || code === 93) BARE[code] = 1;
}

/** `value` bare when it is a short plain token or origin, otherwise `quote(value, max)`. */
export function show(value: string, max = MAX_SHOWN): string {
  const length = value.length;
  if (length === 0 || length > max) return quote(value, max);
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code >= 128 || BARE[code] === 0) return quote(value, max);
  }
  return value;
}

/** True when `quote(value, max)` (and so `show`) shows all of `value`: a fix may then repeat it for copying. */
export function shownWhole(value: string, max = MAX_SHOWN): boolean {
  // a value's own `…` is escaped, so only a cut value ends with the length note
  return !quote(value, max).endsWith(`…(${value.length} chars)"`);
}

/**
 * A configured string is shown longer than a request value: an allowlist entry or a comma-separated
 * list from an environment variable should be readable whole in the start-up error.
 */
const MAX_CONFIG_SHOWN = 200;

/**
 * Renders a configured value the way a user wrote it, for start-up messages. Strings are quoted like
 * request values (a user function's answer or a value read from the environment can carry anything).
 */
export function showConfigured(value: unknown, depth = 0): string {
  if (typeof value === 'string') return quote(value, MAX_CONFIG_SHOWN);
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return 'a function';
  // one level of nesting shown: a list that contains itself must not recurse forever
  if (Array.isArray(value)) {
    return depth > 0 ? 'a list' : `[${value.map((v) => showConfigured(v, depth + 1)).join(', ')}]`;
  }
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
