/** log-safe.ts: the one renderer of request values in messages and log lines. */
import { describe, expect, it } from 'vitest';
import { MAX_SHOWN, quote, show, shownWhole } from '../../src/core/log-safe.js';

describe('show', () => {
  it('leaves short plain tokens and origins bare', () => {
    for (const value of ['PUT', 'patch', 'x-trace', 'https://app.example.com', 'http://[::1]:3000', 'null']) {
      expect(show(value)).toBe(value);
    }
  });

  it('quotes anything else: empty, spaces, `=`, quotes, backslashes, parentheses, non-ASCII', () => {
    expect(show('')).toBe('""');
    expect(show('GE T')).toBe('"GE T"');
    expect(show('allowed=true')).toBe('"allowed=true"');
    expect(show('a"b')).toBe('"a\\"b"');
    expect(show('a\\b')).toBe('"a\\\\b"');
    expect(show('(none)')).toBe('"(none)"');
    expect(show('https://bücher.example')).toBe('"https://bücher.example"');
  });

  it('quotes a plain value that is too long, cut, with its length', () => {
    const long = 'a'.repeat(MAX_SHOWN + 1);
    expect(show(long)).toBe(`"${'a'.repeat(MAX_SHOWN)}…(${MAX_SHOWN + 1} chars)"`);
    expect(show('a'.repeat(MAX_SHOWN))).toBe('a'.repeat(MAX_SHOWN));
  });
});

describe('quote', () => {
  it('is a JSON string literal for a value that is not cut', () => {
    for (const value of ['', 'plain', 'a "b" \\c', 'tab\there', 'x\u0000y\u001fz', 'bücher', 'emoji 😀']) {
      expect(JSON.parse(quote(value))).toBe(value);
    }
  });

  it('escapes C0, DEL and C1 controls, U+0085 (NEL) included', () => {
    expect(quote('a\r\nb')).toBe('"a\\r\\nb"');
    expect(quote('\u0000\u0007\u001b\u007f')).toBe('"\\u0000\\u0007\\u001b\\u007f"');
    expect(quote('a\u0085b')).toBe('"a\\u0085b"');
    expect(quote('\u0080\u009b\u009f')).toBe('"\\u0080\\u009b\\u009f"');
  });

  it('escapes line and paragraph separators, other spaces and format characters (bidi overrides, zero-width)', () => {
    expect(quote('a\u2028b\u2029c')).toBe('"a\\u2028b\\u2029c"');
    expect(quote('\u00a0\u2007\u3000')).toBe('"\\u00a0\\u2007\\u3000"');
    expect(quote('\u202e\u2066\u200b\ufeff')).toBe('"\\u202e\\u2066\\u200b\\ufeff"');
    // the ASCII space stays: it is inside the quotes
    expect(quote('a b')).toBe('"a b"');
  });

  it('escapes lone surrogates and keeps a surrogate pair whole', () => {
    expect(quote('a\ud800b\udc00')).toBe('"a\\ud800b\\udc00"');
    expect(quote('😀')).toBe('"😀"');
    // cut between code points, never inside a pair
    const cut = quote('😀'.repeat(100), 5);
    expect(cut).toBe('"😀😀…(200 chars)"');
  });

  it('escapes a `…` of the value itself, so only a cut value ends with the length note', () => {
    expect(quote('x…(3 chars)')).toBe('"x\\u2026(3 chars)"');
    expect(shownWhole('x…(3 chars)')).toBe(true);
  });

  it('bounds the text between the quotes, escapes counted as written, and notes the original length', () => {
    const hostile = '\u001b'.repeat(65536);
    const shown = quote(hostile);
    expect(shown).toBe(`"${'\\u001b'.repeat(Math.floor(MAX_SHOWN / 6))}…(65536 chars)"`);
    expect(shown.length).toBeLessThanOrEqual(MAX_SHOWN + '""…(65536 chars)'.length);
    expect(quote('abcdef', 3)).toBe('"abc…(6 chars)"');
    expect(shownWhole('abcdef', 3)).toBe(false);
    expect(shownWhole('abc', 3)).toBe(true);
  });
});
