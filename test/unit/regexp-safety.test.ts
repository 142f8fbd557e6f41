/**
 * Origin RegExps are checked for catastrophic backtracking when the configuration is compiled (issue 14,
 * item 3): a vulnerable one is a CorsConfigError with an attack string and the fix, unless
 * `dangerouslyAllowUnsafeRegExp` is set; the RegExps real configurations use are accepted.
 */
import express from 'express';
import { describe, expect, it } from 'vitest';
import { cors } from '../../src/adapters/express.js';
import { CorsConfigError, compile, decide } from '../../src/core/index.js';
import { QUADRATIC_AT_WORST_REGEXPS, SAFE_REGEXPS, VULNERABLE_REGEXPS } from '../fixtures/origin-regexps.js';

const ISSUE_REGEXP = /^https:\/\/([a-z]+)+\.example\.com$/;

function configError(fn: () => unknown): CorsConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof CorsConfigError) return err;
    throw err;
  }
  throw new Error('expected a CorsConfigError');
}

describe('origin RegExps checked for ReDoS', () => {
  it("refuses the issue's RegExp with an attack string and the fix", () => {
    const err = configError(() => compile({ origin: ISSUE_REGEXP }));
    expect(err.problems).toHaveLength(1);
    const [problem] = err.problems;
    expect(problem?.option).toBe('origin');
    expect(problem?.value).toBe(String(ISSUE_REGEXP));
    expect(problem?.problem).toMatch(/catastrophic backtracking/);
    expect(problem?.problem).toContain('"https://" + "a".repeat(');
    expect(problem?.fix).toContain('"https://*.example.com"');
    expect(problem?.fix).toContain('dangerouslyAllowUnsafeRegExp: true');
    // bounded for display
    expect(err.message.length).toBeLessThan(1000);
  });

  it('refuses it in a list too, and through the Express middleware at start-up', () => {
    const err = configError(() => compile({ origin: ['https://app.example.com', ISSUE_REGEXP] }));
    expect(err.problems.map((p) => p.value)).toEqual([String(ISSUE_REGEXP)]);
    expect(() => cors({ origin: [ISSUE_REGEXP], credentials: true })).toThrow(CorsConfigError);
  });

  it.each([...VULNERABLE_REGEXPS])('refuses %s', (regexp) => {
    const err = configError(() => compile({ origin: regexp }, { warn: () => {} }));
    expect(err.problems[0]?.value).toBe(String(regexp));
    expect(err.problems[0]?.fix).toContain('dangerouslyAllowUnsafeRegExp');
  });

  // From real configurations (test/fixtures/origin-regexps.ts).
  it.each([...SAFE_REGEXPS])('accepts %s', (regexp) => {
    const warnings: string[] = [];
    expect(() => compile({ origin: regexp }, { warn: (m) => warnings.push(m) })).not.toThrow();
  });

  // redos-detector refuses these (one input can match in an unbounded number of ways), but on a 512-character
  // Origin a backtracking engine needs at most about a million steps for them (quadratic or linear): the
  // second check (src/core/backtracking-bound.ts) accepts them.
  it.each([...QUADRATIC_AT_WORST_REGEXPS])('accepts %s, which is quadratic at worst under the Origin cap', (regexp) => {
    expect(() => compile({ origin: regexp }, { warn: () => {} })).not.toThrow();
  });

  it('still refuses a RegExp with many ways and no loop, and says how many steps one Origin could take', () => {
    const manyWays = new RegExp(`^https://${'(a|a)'.repeat(30)}\\.example\\.com$`);
    const err = configError(() => compile({ origin: manyWays }, { warn: () => {} }));
    expect(err.problems[0]?.problem).toContain('over 2 million backtracking steps');
    const cubic = configError(() => compile({ origin: /^https:\/\/.*-.*-.*\.example\.com$/ }, { warn: () => {} }));
    expect(cubic.problems[0]?.problem).toContain('512-character Origin');
  });

  it('refuses what the second check cannot model, when redos-detector refuses it (a lookahead here)', () => {
    const err = configError(() =>
      compile({ origin: /^https:\/\/(?=[a-z])([a-z]+)+\.example\.com$/ }, { warn: () => {} }),
    );
    expect(err.problems[0]?.fix).toContain('dangerouslyAllowUnsafeRegExp');
  });

  it('checks a v-flag RegExp (which redos-detector cannot parse) as the same source with u', () => {
    // biome-ignore lint/complexity/useRegexLiterals: a /v literal needs target ES2024, beyond the project's
    const vulnerable = new RegExp('^https:\\/\\/([a-z]+)+\\.example\\.com$', 'v');
    const err = configError(() => compile({ origin: vulnerable }, { warn: () => {} }));
    expect(err.problems[0]?.value).toBe(String(vulnerable));
    expect(err.problems[0]?.problem).toMatch(/catastrophic backtracking/);
    // biome-ignore lint/complexity/useRegexLiterals: as above
    const plain = new RegExp('^https:\\/\\/[a-z]+\\.example\\.com$', 'v');
    expect(() => compile({ origin: plain })).not.toThrow();
  });

  it('decides by the bound alone what redos-detector cannot parse, and refuses what neither can analyse', () => {
    // set operations: no u reading, and the detector throws; the bound does not model v either
    // biome-ignore lint/complexity/useRegexLiterals: as above
    const setOperations = new RegExp('^https:\\/\\/[\\w--_]+\\.example\\.com$', 'v');
    const err = configError(() => compile({ origin: setOperations }, { warn: () => {} }));
    expect(err.problems[0]?.problem).toContain('the ReDoS check cannot analyse it (its syntax)');
    expect(err.problems[0]?.fix).toContain('dangerouslyAllowUnsafeRegExp: true');
    expect(() => compile({ origin: setOperations, dangerouslyAllowUnsafeRegExp: true })).not.toThrow();
  });

  it('accepts a refused RegExp with dangerouslyAllowUnsafeRegExp, and matches with it', async () => {
    const policy = compile({ origin: [ISSUE_REGEXP], dangerouslyAllowUnsafeRegExp: true });
    const allowOrigin = async (origin: string) =>
      (await decide(policy, { method: 'GET', origin }, {})).headers.find(
        ([name]) => name === 'Access-Control-Allow-Origin',
      )?.[1];
    expect(await allowOrigin('https://app.example.com')).toBe('https://app.example.com');
    expect(await allowOrigin('https://app.example.org')).toBeUndefined();
  });

  it('reads dangerouslyAllowUnsafeRegExp as a boolean and offers it for a typo', () => {
    expect(configError(() => compile({ dangerouslyAllowUnsafeRegExp: 'yes' as never })).option).toBe(
      'dangerouslyAllowUnsafeRegExp',
    );
    const typo = configError(() => compile({ origin: ISSUE_REGEXP, dangerouslyAllowUnsafeRegexp: true } as never));
    expect(typo.problems.map((p) => p.fix).join(' ')).toContain('did you mean `dangerouslyAllowUnsafeRegExp`?');
  });

  it("refuses it in an options delegate's answer: the request fails, it is never allowed", async () => {
    const app = express();
    app.use(cors((_req, callback) => callback(null, { origin: ISSUE_REGEXP })));
    app.get('/', (_req, res) => {
      res.send('ok');
    });
    const errors: unknown[] = [];
    app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
      errors.push(err);
      res.status(500).end();
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as { port: number };
      const res = await fetch(`http://127.0.0.1:${port}/`, { headers: { origin: 'https://app.example.com' } });
      expect(res.status).toBe(500);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(errors[0]).toBeInstanceOf(CorsConfigError);
    } finally {
      server.close();
    }
  });
});
