/** origin.ts (serialized-origin parsing, configured-origin checks) and origin-rule.ts (compiling `origin`, matching). */
import { describe, expect, it } from 'vitest';
import { compile, decide } from '../../src/core/index.js';
import {
  checkConfiguredOrigin,
  isLoopbackHost,
  isSerializedOrigin,
  MAX_ORIGIN_LENGTH,
  parseOrigin,
  suggestOrigin,
} from '../../src/core/origin.js';
import { allowlistMatches, compileOriginRule, unanchoredRegExpWarning } from '../../src/core/origin-rule.js';

describe('parseOrigin', () => {
  it.each([
    ['https://example.com', { scheme: 'https', host: 'example.com', port: '' }],
    ['http://localhost:3000', { scheme: 'http', host: 'localhost', port: '3000' }],
    ['https://[::1]:8443', { scheme: 'https', host: '[::1]', port: '8443' }],
    ['http://127.0.0.1', { scheme: 'http', host: '127.0.0.1', port: '' }],
    ['chrome-extension://abcdef', { scheme: 'chrome-extension', host: 'abcdef', port: '' }],
    ['https://xn--nxasmq6b.example', { scheme: 'https', host: 'xn--nxasmq6b.example', port: '' }],
    ['https://example.com:444', { scheme: 'https', host: 'example.com', port: '444' }],
    ['http://example.com:443', { scheme: 'http', host: 'example.com', port: '443' }],
    // a trailing dot is kept by the URL parser: a distinct origin that browsers do send
    ['https://example.com.', { scheme: 'https', host: 'example.com.', port: '' }],
  ])('accepts %s', (value, parsed) => {
    expect(parseOrigin(value)).toEqual(parsed);
    expect(isSerializedOrigin(value)).toBe(true);
  });

  it.each([
    '',
    'null',
    'example.com',
    'https://',
    'https://example.com/',
    'https://example.com/path',
    'https://Example.com',
    'HTTPS://example.com',
    'https://example.com:443',
    'http://example.com:80',
    'https://example.com:',
    'https://example.com:0443',
    'https://example.com:65536',
    'https://example.com:123456',
    'https://example.com:-1',
    'https://.example.com',
    'https://exa..mple.com',
    'https://user@example.com',
    'https://example.com?x',
    'https://example.com#x',
    'https://exämple.com',
    'https://[]',
    'https://[::1',
    'https://[g::1]',
    'https://a.example, https://b.example',
    ' https://example.com',
    'https://example.com ',
    '1https://example.com',
    'javascript:alert(1)',
    'file://',
    `https://${'a'.repeat(MAX_ORIGIN_LENGTH)}.com`,
  ])('refuses %j', (value) => {
    expect(parseOrigin(value)).toBeUndefined();
    expect(isSerializedOrigin(value)).toBe(false);
  });

  it('is bounded: a megabyte of input returns at once', () => {
    expect(parseOrigin(`https://${'a'.repeat(1_000_000)}`)).toBeUndefined();
    expect(parseOrigin(`https://${'a.'.repeat(200)}com`)).toBeDefined();
  });
});

describe('configured origins', () => {
  it('checkConfiguredOrigin accepts a serialized origin', () => {
    expect(checkConfiguredOrigin('https://app.example.com')).toBeUndefined();
  });

  it.each([
    ['https://example.com/', 'https://example.com'],
    ['https://Example.com', 'https://example.com'],
    ['https://example.com:443', 'https://example.com'],
    ['example.com', 'https://example.com'],
    ['//example.com', 'https://example.com'],
    ['http://example.com:80/', 'http://example.com'],
    ['https://user:pw@example.com', 'https://example.com'],
    ['https://example.com/a?b#c', 'https://example.com'],
  ])('suggestOrigin(%j) = %j', (value, suggestion) => {
    expect(suggestOrigin(value)).toBe(suggestion);
    expect(checkConfiguredOrigin(value)?.fix).toBe(`write ${JSON.stringify(suggestion)}.`);
  });

  it('user information is explained', () => {
    expect(checkConfiguredOrigin('https://user@example.com')?.problem).toMatch(/user information/);
  });

  it('nothing sensible to suggest', () => {
    expect(suggestOrigin('https://exa mple.com')).toBeUndefined();
  });

  it('loopback hosts', () => {
    for (const host of ['localhost', 'app.localhost', '[::1]', '127.0.0.1', '127.1.2.3']) {
      expect(isLoopbackHost(host)).toBe(true);
    }
    for (const host of ['localhost.example.com', '128.0.0.1', 'example.com', '[::2]']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});

describe('origin rules', () => {
  const context = {
    production: false,
    allowNull: false,
    allowInsecure: false,
    allowUnsafeRegExp: false,
    warn: () => {},
  };

  it('compiles each form of the option', () => {
    expect(compileOriginRule(undefined, context, []).kind).toBe('any');
    expect(compileOriginRule('*', context, []).kind).toBe('any');
    expect(compileOriginRule(true, context, []).kind).toBe('reflect');
    expect(compileOriginRule(false, context, []).kind).toBe('disabled');
    expect(compileOriginRule(() => true, context, []).kind).toBe('callback');
    const rule = compileOriginRule(['https://a.example', /^https:\/\/b\.example$/], context, []);
    expect(rule).toEqual({
      kind: 'allowlist',
      exact: new Set(['https://a.example']),
      regexps: [/^https:\/\/b\.example$/],
    });
  });

  it('a single string is an allowlist of one', () => {
    const rule = compileOriginRule('https://a.example', context, []);
    expect(rule.kind).toBe('allowlist');
    if (rule.kind !== 'allowlist') return;
    expect(allowlistMatches(rule, 'https://a.example')).toBe(true);
    expect(allowlistMatches(rule, 'https://b.example')).toBe(false);
  });

  it('exact matches are byte-for-byte', () => {
    const rule = compileOriginRule(['https://a.example'], context, []);
    if (rule.kind !== 'allowlist') throw new Error('allowlist expected');
    expect(allowlistMatches(rule, 'https://a.example')).toBe(true);
    expect(allowlistMatches(rule, 'https://a.example:443')).toBe(false);
    expect(allowlistMatches(rule, 'http://a.example')).toBe(false);
    expect(allowlistMatches(rule, 'https://a.example.')).toBe(false);
  });
});

describe('RegExp origins', () => {
  const compileWarnings = (origin: RegExp | RegExp[]): string[] => {
    const warnings: string[] = [];
    compile({ origin }, { warn: (message) => warnings.push(message) });
    return warnings;
  };

  it.each([
    [/example\.com/, 'https://example.com.evil.example'],
    [/^https:\/\/example\.com/, 'https://example.com.evil.example'],
    [/example\.com$/, 'https://evilexample.com'],
    [/^https:\/\/app\.example.com$/, 'https://app.examplexcom'],
  ])('%s warns once, naming an origin it wrongly accepts', (regexp, accepted) => {
    const warnings = compileWarnings(regexp);
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning).toContain(String(regexp));
    expect(warning).toContain(`For example it accepts ${JSON.stringify(accepted)}`);
    expect(regexp.test(accepted)).toBe(true);
    expect(isSerializedOrigin(accepted)).toBe(true);
    expect(warning).toContain('Anchor it and escape dots');
  });

  it('/example.com/ (the checklist example) also accepts a look-alike host', () => {
    const [warning] = compileWarnings(/example.com/);
    expect(warning).toMatch(/is not anchored with \^ and \$/);
    const accepted = /For example it accepts "([^"]+)"/.exec(warning ?? '')?.[1];
    expect(accepted).toBeDefined();
    expect(accepted).not.toBe('https://example.com');
    // and the warned-about origin really is allowed by the policy: the warning is accurate
    const policy = compile({ origin: /example.com/ }, { warn: () => {} });
    const decision = decide(policy, { method: 'GET', origin: accepted }, {});
    expect(decision).toMatchObject({ allowed: true, headers: [['Access-Control-Allow-Origin', accepted]] });
  });

  it.each([
    /^https:\/\/example\.com$/,
    /^https:\/\/([a-z0-9-]+\.)?example\.com$/,
    /^https:\/\/(app|admin)\.example\.com(:\d+)?$/,
    /^http:\/\/localhost:\d+$/,
  ])('anchored, escaped %s gives no warning', (regexp) => {
    expect(compileWarnings(regexp)).toEqual([]);
    expect(unanchoredRegExpWarning(regexp)).toBeUndefined();
  });

  it('one warning per offending RegExp in a list', () => {
    expect(compileWarnings([/a\.example/, /^https:\/\/b\.example$/, /c\.example/])).toHaveLength(2);
  });

  it.each(['g', 'y', 'gy'])('flag %s never leaks lastIndex between requests', (flags) => {
    const regexp = new RegExp('^https:\\/\\/app\\.example\\.com$', flags);
    const policy = compile({ origin: [regexp] });
    for (let i = 0; i < 5; i++) {
      const decision = decide(policy, { method: 'GET', origin: 'https://app.example.com' }, {});
      expect(decision).toMatchObject({ allowed: true });
    }
    expect(regexp.lastIndex).toBe(0);
    // a user's RegExp object is not mutated
    expect(regexp.flags).toBe(flags);
  });

  it('case-insensitive RegExps keep their i flag', () => {
    const policy = compile({ origin: /^https:\/\/APP\.example\.com$/i });
    expect(decide(policy, { method: 'GET', origin: 'https://app.example.com' }, {})).toMatchObject({ allowed: true });
  });

  it('a RegExp never sees a malformed origin', () => {
    const policy = compile({ origin: /^https:\/\/app\.example\.com/ }, { warn: () => {} });
    const decision = decide(policy, { method: 'GET', origin: 'https://app.example.com/evil path' }, {});
    expect(decision).toMatchObject({ allowed: false, refusal: { kind: 'origin-malformed' } });
  });
});
