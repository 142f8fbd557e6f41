/** The Fetch Standard rules the CLI decides with: method normalization, safelisted headers, preflight need. */
import { describe, expect, it } from 'vitest';
import {
  isForbiddenRequestHeader,
  needsPreflight,
  normalizeMethod,
  parseTokenList,
  readableResponseHeaders,
  safelistedRequestHeader,
  secFetchSite,
  unsafeRequestHeaderNames,
} from '../../src/cli/fetch-rules.js';

describe('normalizeMethod', () => {
  it.each([
    ['get', 'GET'],
    ['delete', 'DELETE'],
    ['Put', 'PUT'],
    ['options', 'OPTIONS'],
    ['patch', 'patch'],
    ['Patch', 'Patch'],
    ['PATCH', 'PATCH'],
    ['propfind', 'propfind'],
  ])('%s → %s', (method, expected) => {
    expect(normalizeMethod(method)).toBe(expected);
  });
});

describe('safelistedRequestHeader', () => {
  it.each([
    ['Accept', 'application/json', true],
    ['Accept', 'text/html(x)', false],
    ['Accept-Language', 'en-US,en;q=0.9', true],
    ['Accept-Language', 'en_US', false],
    ['Content-Language', 'de', true],
    ['Content-Type', 'text/plain', true],
    ['Content-Type', 'text/plain;charset=UTF-8', true],
    ['content-type', 'Multipart/Form-Data; boundary=x', true],
    ['Content-Type', 'application/x-www-form-urlencoded', true],
    ['Content-Type', 'application/json', false],
    ['Content-Type', 'text/plain; a="b"', false],
    ['Content-Type', 'text', false],
    ['Range', 'bytes=0-', true],
    ['Range', 'bytes=0-99', true],
    ['Range', 'bytes=99-0', false],
    ['Range', 'bytes=-500', false],
    ['Range', 'bytes=0-1,5-6', false],
    ['X-Requested-With', 'XMLHttpRequest', false],
    ['Authorization', 'Bearer x', false],
  ])('%s: %s → %s', (name, value, expected) => {
    expect(safelistedRequestHeader(name, value).safelisted).toBe(expected);
  });

  it('limits each value to 128 bytes', () => {
    expect(safelistedRequestHeader('Accept', 'a'.repeat(128)).safelisted).toBe(true);
    expect(safelistedRequestHeader('Accept', 'a'.repeat(129))).toEqual({
      safelisted: false,
      why: 'the accept value is longer than 128 bytes',
    });
    // A header value is a byte sequence, one byte per character (fetch() refuses characters above U+00FF):
    // "é" is the single byte 0xE9 on the wire, not two UTF-8 bytes.
    expect(safelistedRequestHeader('Accept', 'é'.repeat(128)).safelisted).toBe(true);
    expect(safelistedRequestHeader('Accept', 'é'.repeat(129)).safelisted).toBe(false);
  });
});

describe('unsafeRequestHeaderNames and needsPreflight', () => {
  it('lower-cases, sorts and de-duplicates the names', () => {
    expect(
      unsafeRequestHeaderNames([
        ['X-B', '1'],
        ['Content-Type', 'application/json'],
        ['x-a', '2'],
        ['Accept', 'text/html'],
      ]).names,
    ).toEqual(['content-type', 'x-a', 'x-b']);
  });

  it('makes every safelisted header unsafe when their values exceed 1024 bytes in total', () => {
    const v = 'a'.repeat(120);
    const headers: [string, string][] = [
      ['Accept', v],
      ['Accept-Language', v],
      ['Content-Language', v],
      ['Accept', v],
      ['Accept', v],
      ['Accept', v],
      ['Accept', v],
      ['Accept', v],
      ['Accept', v],
    ];
    expect(unsafeRequestHeaderNames(headers.slice(0, 8)).names).toEqual([]);
    const over = unsafeRequestHeaderNames(headers);
    expect(over.names).toEqual(['accept', 'accept-language', 'content-language']);
    expect(over.reasons).toEqual(['the safelisted header values add up to 1080 bytes, more than 1024']);
  });

  it.each([
    ['GET', [], false],
    ['HEAD', [], false],
    ['POST', [['Content-Type', 'text/plain']], false],
    ['POST', [['Content-Type', 'application/json']], true],
    ['PUT', [], true],
    ['DELETE', [], true],
    ['patch', [], true],
    ['GET', [['Authorization', 'x']], true],
  ] as [string, [string, string][], boolean][])('%s %j → preflight %s', (method, headers, expected) => {
    expect(needsPreflight(method, headers).needed).toBe(expected);
  });
});

describe('response-side rules', () => {
  it('parses #token lists and fails on a non-token', () => {
    expect(parseTokenList(undefined)).toBeNull();
    expect(parseTokenList(['GET, POST', 'PUT,,'])).toEqual(['GET', 'POST', 'PUT']);
    expect(parseTokenList(['GET POST'])).toBe('failure');
  });

  it('lets script read safelisted headers and exposed ones; "*" only without credentials; never Set-Cookie', () => {
    const headers: [string, string][] = [
      ['content-type', 'text/plain'],
      ['x-id', '1'],
      ['set-cookie', 'a=1'],
      ['date', 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ];
    const expose = (value: string): [string, string][] => [...headers, ['access-control-expose-headers', value]];
    expect(readableResponseHeaders(headers, 'cors', false)).toEqual({
      readable: ['content-type'],
      hidden: ['x-id', 'set-cookie', 'date'],
    });
    expect(readableResponseHeaders(expose('X-Id'), 'cors', true).readable).toEqual(['content-type', 'x-id']);
    expect(readableResponseHeaders(expose('*'), 'cors', false).readable).toEqual([
      'content-type',
      'x-id',
      'date',
      'access-control-expose-headers',
    ]);
    expect(readableResponseHeaders(expose('*'), 'cors', true).readable).toEqual(['content-type']);
  });

  it('lets script read every header but Set-Cookie on a same-origin (basic) response', () => {
    const headers: [string, string][] = [
      ['x-id', '1'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['set-cookie2', 'c=3'],
      ['date', 'Thu, 01 Jan 1970 00:00:00 GMT'],
    ];
    expect(readableResponseHeaders(headers, 'basic', true)).toEqual({
      readable: ['x-id', 'date'],
      hidden: ['set-cookie', 'set-cookie2'],
    });
  });

  it('knows the forbidden request headers', () => {
    expect(isForbiddenRequestHeader('Cookie', 'a')).toBe(true);
    expect(isForbiddenRequestHeader('Proxy-Authorization', 'a')).toBe(true);
    expect(isForbiddenRequestHeader('Sec-Fetch-Site', 'a')).toBe(true);
    expect(isForbiddenRequestHeader('X-HTTP-Method-Override', 'TRACE')).toBe(true);
    expect(isForbiddenRequestHeader('X-HTTP-Method-Override', 'PUT')).toBe(false);
    expect(isForbiddenRequestHeader('Authorization', 'a')).toBe(false);
  });

  it('computes Sec-Fetch-Site', () => {
    const url = new URL('http://localhost:3000/x');
    expect(secFetchSite('http://localhost:3000', url)).toBe('same-origin');
    expect(secFetchSite('http://localhost:5173', url)).toBe('same-site');
    expect(secFetchSite('https://localhost:5173', url)).toBe('cross-site');
    expect(secFetchSite('http://127.0.0.1:5173', url)).toBe('cross-site');
    expect(secFetchSite('null', url)).toBe('cross-site');
  });
});
