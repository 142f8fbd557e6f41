/** tokens.ts: HTTP token checks and the bounded parse of Access-Control-Request-Headers. */
import { describe, expect, it } from 'vitest';
import {
  isToken,
  MAX_REQUEST_HEADER_NAMES,
  MAX_REQUEST_HEADERS_LENGTH,
  parseRequestHeaders,
  splitNameList,
} from '../../src/core/tokens.js';

describe('isToken', () => {
  it.each(['GET', 'X-Request-Id', "!#$%&'*+-.^_`|~", 'a1', 'patch'])('%j is a token', (value) => {
    expect(isToken(value)).toBe(true);
  });
  it.each(['', 'A B', 'a:b', 'a,b', '(x)', 'é', 'x\ty', 'a"b', 'a/b', 'a\u0000'])('%j is not', (value) => {
    expect(isToken(value)).toBe(false);
  });
});

describe('splitNameList', () => {
  it('splits, trims and drops empty names', () => {
    expect(splitNameList(' GET , POST,,PUT ,')).toEqual(['GET', 'POST', 'PUT']);
    expect(splitNameList(['GET', ' POST ', ''])).toEqual(['GET', 'POST']);
    expect(splitNameList('')).toEqual([]);
  });
});

describe('parseRequestHeaders', () => {
  it('absent or empty: no names', () => {
    expect(parseRequestHeaders(undefined)).toEqual({ ok: true, names: [] });
    expect(parseRequestHeaders('')).toEqual({ ok: true, names: [] });
  });

  it('lower-cases, trims optional white space, tolerates empty elements', () => {
    expect(parseRequestHeaders('content-type,x-token')).toEqual({ ok: true, names: ['content-type', 'x-token'] });
    expect(parseRequestHeaders(' X-A ,\tX-B\t,, ,x-c')).toEqual({ ok: true, names: ['x-a', 'x-b', 'x-c'] });
    expect(parseRequestHeaders(',')).toEqual({ ok: true, names: [] });
  });

  it.each(['x-a, bad header', 'x-a;x-b', 'x-é', 'x-a,(b)', 'a\nb'])('%j is malformed', (value) => {
    const parsed = parseRequestHeaders(value);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toBe('malformed');
  });

  it('reports the offending element, cut to 64 characters', () => {
    const parsed = parseRequestHeaders(`x-a, ${'y'.repeat(100)} z`);
    expect(parsed).toEqual({ ok: false, problem: 'malformed', value: `${'y'.repeat(100)} z`.slice(0, 64) });
  });

  it('too long', () => {
    const value = `x-${'a'.repeat(MAX_REQUEST_HEADERS_LENGTH)}`;
    expect(parseRequestHeaders(value)).toEqual({
      ok: false,
      problem: 'too-large',
      value: `${value.length} characters`,
    });
    expect(parseRequestHeaders('a'.repeat(MAX_REQUEST_HEADERS_LENGTH)).ok).toBe(true);
  });

  it('too many names', () => {
    const names = (n: number) => Array.from({ length: n }, (_, i) => `x-${i}`).join(',');
    const atLimit = parseRequestHeaders(names(MAX_REQUEST_HEADER_NAMES));
    expect(atLimit.ok && atLimit.names.length).toBe(MAX_REQUEST_HEADER_NAMES);
    expect(parseRequestHeaders(names(MAX_REQUEST_HEADER_NAMES + 1))).toEqual({
      ok: false,
      problem: 'too-large',
      value: `more than ${MAX_REQUEST_HEADER_NAMES} names`,
    });
  });

  it('a limit-sized value of commas and white space is parsed without quadratic work', () => {
    // 4096 characters of separators: linear scan, no names
    expect(parseRequestHeaders(', '.repeat(MAX_REQUEST_HEADERS_LENGTH / 2))).toEqual({ ok: true, names: [] });
    expect(parseRequestHeaders(' '.repeat(MAX_REQUEST_HEADERS_LENGTH))).toEqual({ ok: true, names: [] });
  });
});
