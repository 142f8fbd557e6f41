/**
 * Origin settings that look fine and open the API or never match: an unset environment variable
 * (`origin: undefined`), a comma-separated string, and RegExps that accept look-alike hosts. Each is
 * caught at start-up, with a message that names the real cause.
 */
import { describe, expect, it } from 'vitest';
import { compile, decide, isSerializedOrigin } from '../../src/core/index.js';
import { unanchoredRegExpWarning } from '../../src/core/origin-rule.js';
import { configError } from '../helpers/compile-error.js';

describe('an origin key present but unset is an error, not "every origin"', () => {
  it.each([
    ['origin: undefined', { origin: undefined }, 'undefined'],
    ['origin: undefined, credentials: true', { origin: undefined, credentials: true }, 'undefined'],
    ["origin: ''", { origin: '' }, '""'],
    [
      'origin: process.env.UNSET',
      { origin: process.env.CORSGATE_TEST_SURELY_UNSET_VARIABLE, methods: ['GET'] },
      'undefined',
    ],
  ])('%s', (_name, options, value) => {
    const err = configError(options);
    expect(err.problems).toHaveLength(1);
    const [problem] = err.problems;
    expect(problem?.option).toBe('origin');
    expect(problem?.value).toBe(value);
    expect(problem?.problem).toMatch(value === 'undefined' ? /the value is undefined/ : /the value is empty/);
    expect(problem?.problem).toContain('environment variable that is not set');
    expect(problem?.fix).toMatch(/set the variable/);
    expect(problem?.fix).toContain('origin: "*"');
    // with credentials the message is about the unset value, never about "*"
    expect(err.message).not.toContain('true with origin "*"');
  });

  it('an inherited or getter-defined origin that is undefined counts as present', () => {
    expect(configError(Object.create({ origin: undefined })).option).toBe('origin');
    class Options {
      get origin(): string | undefined {
        return undefined;
      }
    }
    expect(configError(new Options()).problems[0]?.problem).toMatch(/undefined/);
  });

  it('cors(), cors(null), cors({}) and options without an origin key keep the default "*"', () => {
    for (const options of [undefined, null, {}, { methods: ['GET'] }]) {
      const policy = compile(options, { warn: () => {} });
      expect(policy.origin.kind).toBe('any');
    }
  });
});

describe('a comma-separated origin string', () => {
  it('gets the fix "pass an array", not "it has a path"', () => {
    const err = configError({ origin: 'https://a.com,https://b.com' });
    expect(err.problems).toHaveLength(1);
    const [problem] = err.problems;
    expect(problem?.problem).toContain('comma-separated list in one string');
    expect(problem?.problem).not.toContain('path');
    expect(problem?.fix).toContain('pass an array: origin: ["https://a.com", "https://b.com"]');
  });

  it('inside an array, with spaces, with a pattern, or with a mistake in one part', () => {
    const err = configError({ origin: ['https://c.com', 'https://a.com, https://*.b.com, https://D.com/'] });
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.fix).toContain('["https://a.com", "https://*.b.com", "https://d.com"]');
  });
});

describe('RegExps that accept look-alike hosts', () => {
  const warningsOf = (origin: RegExp): string[] => {
    const warnings: string[] = [];
    compile({ origin }, { warn: (message) => warnings.push(message) });
    return warnings;
  };
  const citedOrigin = (warning: string | undefined) => /For example it accepts "([^"]+)"/.exec(warning ?? '')?.[1];

  it.each([
    [/^https:\/\/.*example\.com$/, 'https://evilexample.com'],
    [/^https:\/\/.+example\.com$/, 'https://evilexample.com'],
    [/^https:\/\/.*?example\.com$/, 'https://evilexample.com'],
    [/^https:\/\/[a-z.]*example\.com$/, 'https://evilexample.com'],
  ])('%s is flagged, naming an origin it wrongly accepts', (regexp, accepted) => {
    const warnings = warningsOf(regexp);
    expect(warnings).toHaveLength(1);
    const [warning] = warnings;
    expect(warning).toContain(String(regexp));
    expect(warning).toContain('run into the host name');
    expect(citedOrigin(warning)).toBe(accepted);
    expect(regexp.test(accepted)).toBe(true);
    expect(isSerializedOrigin(accepted)).toBe(true);
    // the warning is true: the policy really allows it
    const policy = compile({ origin: regexp }, { warn: () => {} });
    expect(decide(policy, { method: 'GET', origin: accepted }, {})).toMatchObject({ allowed: true });
    expect(warning).toContain('([a-z0-9-]+\\.)*example\\.com');
  });

  it.each([/^https:\/\/.*\.example\.com$/, /^https:\/\/([a-z0-9-]+\.)*example\.com$/])(
    '%s (whole labels before the domain) is not flagged',
    (regexp) => {
      expect(warningsOf(regexp)).toEqual([]);
    },
  );

  it.each([
    /\.example\.com$/,
    /\.example\.com/,
    /^https:\/\/[a-z]+\.example\.com/,
    /example\.com$/,
    /example\.com/,
    /^https:\/\/.*example\.com$/,
  ])('%s: the cited origin is never the domain itself or one of its real subdomains', (regexp) => {
    const warning = unanchoredRegExpWarning(regexp);
    expect(warning).toBeDefined();
    const cited = citedOrigin(warning);
    if (cited === undefined) return; // nothing outside the domain found: no example rather than a wrong one
    const host = new URL(cited).hostname;
    expect(host === 'example.com' || host.endsWith('.example.com')).toBe(false);
    expect(regexp.test(cited)).toBe(true);
  });

  it('/\\.example\\.com$/ cites no real subdomain (it used to cite https://evil.example.com)', () => {
    const warning = unanchoredRegExpWarning(/\.example\.com$/);
    expect(warning).toMatch(/is not anchored/);
    expect(warning).not.toContain('"https://evil.example.com"');
    expect(unanchoredRegExpWarning(/\.example\.com/)).toContain('"https://evil.example.com.attacker.test"');
  });

  it('checking a g-flagged RegExp does not move its lastIndex', () => {
    const regexp = /example\.com/g;
    unanchoredRegExpWarning(regexp);
    expect(regexp.lastIndex).toBe(0);
  });
});
