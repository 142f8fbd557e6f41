import { describe, expect, it } from 'vitest';
import { CorsConfigError, type CorsDecision, type CorsOptions, compile, decide } from '../../src/core/index.js';
import { parseOriginPattern } from '../../src/core/origin-pattern.js';

function problemsOf(options: CorsOptions, production = false): CorsConfigError['problems'] {
  try {
    compile(options, { production, warn: () => {} });
  } catch (err) {
    expect(err).toBeInstanceOf(CorsConfigError);
    return (err as CorsConfigError).problems;
  }
  throw new Error(`expected a CorsConfigError for ${JSON.stringify(options.origin)}`);
}

function decideGet(options: CorsOptions, origin: string): CorsDecision {
  const policy = compile(options, { warn: () => {} });
  const decision = decide(policy, { method: 'GET', origin }, {});
  if (decision instanceof Promise) throw new Error('unexpected async decision');
  return decision;
}

function allowOrigin(decision: CorsDecision): string | undefined {
  return decision.headers.find(([name]) => name === 'Access-Control-Allow-Origin')?.[1];
}

const SUBDOMAINS = { origin: 'https://*.example.com', credentials: true } satisfies CorsOptions;

describe('subdomain patterns: https://*.example.com', () => {
  it.each([
    'https://a.example.com',
    'https://app.example.com',
    'https://a.b.example.com',
    'https://x-1.y_2.example.com',
  ])('allows %s and answers with that origin', (origin) => {
    const decision = decideGet(SUBDOMAINS, origin);
    expect(decision.allowed).toBe(true);
    expect(allowOrigin(decision)).toBe(origin);
    expect(decision.headers).toContainEqual(['Access-Control-Allow-Credentials', 'true']);
    expect(decision.vary).toBe('Origin');
  });

  it.each([
    ['https://example.com', 'the apex itself', 'origin-not-allowed'],
    ['https://example.com.evil.net', 'a suffix look-alike', 'origin-not-allowed'],
    ['https://evilexample.com', 'a prefix look-alike', 'origin-not-allowed'],
    ['https://a.evilexample.com', 'a subdomain of a prefix look-alike', 'origin-not-allowed'],
    ['https://EXAMPLE.com', 'upper case (never sent by a browser)', 'origin-malformed'],
    ['https://A.example.com', 'upper-case label', 'origin-malformed'],
    ['https://a.example.com:443', 'the default port written out', 'origin-malformed'],
    ['https://a.example.com.', 'a trailing dot (a different origin)', 'origin-not-allowed'],
    ['https://a.example.com:8443', 'another port', 'origin-not-allowed'],
    ['http://a.example.com', 'another scheme', 'origin-not-allowed'],
    ['wss://a.example.com', 'another scheme (wss)', 'origin-not-allowed'],
    ['https://.example.com', 'an empty label', 'origin-malformed'],
    ['https://a..example.com', 'an empty inner label', 'origin-malformed'],
    ['https://a.example.com/', 'a trailing slash', 'origin-malformed'],
    ['https://a.example.com@evil.net', 'user information', 'origin-malformed'],
    ['https://a.example.co', 'a shorter TLD', 'origin-not-allowed'],
    ['https://a.example.comm', 'a longer TLD', 'origin-not-allowed'],
    ['https://aexample.com', 'no dot before the domain', 'origin-not-allowed'],
    ['null', 'the opaque origin', 'origin-not-allowed'],
  ])('refuses %s (%s) and sets no CORS header', (origin, _why, kind) => {
    const decision = decideGet(SUBDOMAINS, origin);
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toEqual([]);
    expect(decision.refusal?.kind).toBe(kind);
    expect(decision.vary).toBe('Origin');
  });
});

describe('port patterns: http://localhost:*', () => {
  const options = { origin: 'http://localhost:*' };
  it.each(['http://localhost:3000', 'http://localhost:1', 'http://localhost:65535', 'http://localhost'])(
    'allows %s (any port, including the default)',
    (origin) => {
      expect(allowOrigin(decideGet(options, origin))).toBe(origin);
    },
  );
  it.each([
    'https://localhost:3000',
    'http://localhost.evil.net:3000',
    'http://a.localhost:3000',
    'http://evillocalhost:3000',
    'http://127.0.0.1:3000',
    'http://localhost:65536',
    'http://localhost:03000',
    'http://localhost:',
  ])('refuses %s', (origin) => {
    const decision = decideGet(options, origin);
    expect(decision.allowed).toBe(false);
    expect(decision.headers).toEqual([]);
  });

  it('works for IPv4 and IPv6 loopback hosts', () => {
    const both = { origin: ['http://127.0.0.1:*', 'http://[::1]:*'] };
    expect(decideGet(both, 'http://127.0.0.1:8080').allowed).toBe(true);
    expect(decideGet(both, 'http://[::1]:8080').allowed).toBe(true);
    expect(decideGet(both, 'http://127.0.0.2:8080').allowed).toBe(false);
  });
});

describe('combined and mixed configurations', () => {
  it('https://*.example.com:* allows every subdomain on every port, never the apex', () => {
    const options = { origin: 'https://*.example.com:*' };
    expect(decideGet(options, 'https://a.example.com').allowed).toBe(true);
    expect(decideGet(options, 'https://a.example.com:8443').allowed).toBe(true);
    expect(decideGet(options, 'https://example.com:8443').allowed).toBe(false);
    expect(decideGet(options, 'http://a.example.com:8443').allowed).toBe(false);
  });

  it('a pattern with a fixed port matches only that port', () => {
    const options = { origin: 'https://*.example.com:8443' };
    expect(decideGet(options, 'https://a.example.com:8443').allowed).toBe(true);
    expect(decideGet(options, 'https://a.example.com').allowed).toBe(false);
    expect(decideGet(options, 'https://a.example.com:8444').allowed).toBe(false);
  });

  it('patterns, exact origins and RegExps work together in one list', () => {
    const options = {
      origin: [
        'https://example.com',
        'https://*.example.com',
        'http://localhost:*',
        /^https:\/\/[a-z]+\.example\.org$/,
      ],
      credentials: true,
    };
    for (const origin of [
      'https://example.com',
      'https://a.example.com',
      'http://localhost:5173',
      'https://docs.example.org',
    ]) {
      expect(allowOrigin(decideGet(options, origin))).toBe(origin);
    }
    for (const origin of ['https://example.org', 'https://a.b.example.org', 'http://example.com']) {
      expect(decideGet(options, origin).allowed).toBe(false);
    }
  });

  it('nested patterns: the deeper one adds nothing, the shallower one covers it', () => {
    const options = { origin: ['https://*.a.example.com', 'https://*.example.com'] };
    expect(decideGet(options, 'https://a.example.com').allowed).toBe(true);
    expect(decideGet(options, 'https://x.a.example.com').allowed).toBe(true);
    const deepOnly = { origin: ['https://*.a.example.com'] };
    expect(decideGet(deepOnly, 'https://a.example.com').allowed).toBe(false);
    expect(decideGet(deepOnly, 'https://b.example.com').allowed).toBe(false);
    expect(decideGet(deepOnly, 'https://x.y.a.example.com').allowed).toBe(true);
  });

  it('a subdomain of a wildcard private suffix owner is fine (foo.github.io is registrable)', () => {
    expect(decideGet({ origin: 'https://*.foo.github.io' }, 'https://a.foo.github.io').allowed).toBe(true);
  });

  it('*.localhost is allowed (special-use, loopback only)', () => {
    const options = { origin: 'http://*.localhost:*' };
    expect(decideGet(options, 'http://app.localhost:3000').allowed).toBe(true);
    expect(decideGet(options, 'http://localhost:3000').allowed).toBe(false);
  });

  it('preflights from pattern-matched origins are answered like exact ones', () => {
    const policy = compile({ origin: 'https://*.example.com', credentials: true, allowedHeaders: ['Content-Type'] });
    const decision = decide(
      policy,
      {
        method: 'OPTIONS',
        origin: 'https://a.example.com',
        accessControlRequestMethod: 'PUT',
        accessControlRequestHeaders: 'content-type',
      },
      {},
    ) as CorsDecision;
    expect(decision.kind).toBe('preflight');
    expect(decision.allowed).toBe(true);
    expect(decision.respond).toBe(true);
    expect(allowOrigin(decision)).toBe('https://a.example.com');
  });

  it('an origin callback may answer with patterns', async () => {
    const policy = compile({
      origin: (_origin, cb) => {
        cb(null, ['https://*.example.com']);
        return undefined;
      },
    });
    const allowed = await decide(policy, { method: 'GET', origin: 'https://a.example.com' }, {});
    const refused = await decide(policy, { method: 'GET', origin: 'https://example.com.evil.net' }, {});
    expect(allowed.allowed).toBe(true);
    expect(refused.allowed).toBe(false);
    expect(refused.headers).toEqual([]);
  });
});

describe('start-up validation of patterns', () => {
  it.each([
    ['https://*.com', /public suffix/, '"https://*.example.com"'],
    ['https://*.co.uk', /public suffix/, '"https://*.example.co.uk"'],
    ['https://*.github.io', /shared hosting suffix/, '"https://*.example.github.io"'],
    ['https://*.s3.amazonaws.com', /shared hosting suffix/, 'domain you control'],
    ['https://*.corp', /public suffix/, 'domain you control'],
  ])('refuses a wildcard over a public suffix: %s', (pattern, problem, fix) => {
    const [p] = problemsOf({ origin: [pattern] });
    expect(p?.option).toBe('origin');
    expect(p?.value).toBe(JSON.stringify(pattern));
    expect(p?.problem).toMatch(problem);
    expect(p?.fix).toContain(fix);
  });

  it.each([
    ['*.example.com', '"https://*.example.com"'],
    ['https://*example.com', '"https://*.example.com"'],
    ['https://*.*.example.com', '"https://*.example.com"'],
    ['https://**.example.com', '"https://*.example.com"'],
    ['https://example.com:*8', '"https://example.com:*"'],
    ['https://a.*.example.com', 'https://*.example.com'],
    ['https://example.*', 'https://*.example.com'],
    ['*://example.com', 'https://*.example.com'],
    ['https://*', 'https://*.example.com'],
    ['https://*.', 'https://*.example.com'],
  ])('refuses a misplaced * in %s and shows the fix', (pattern, fix) => {
    const problems = problemsOf({ origin: pattern });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.problem).toMatch(/"\*" can stand only for/);
    expect(problems[0]?.fix).toContain(fix);
  });

  it('suggests listing the apex separately', () => {
    const [p] = problemsOf({ origin: '*.example.com' });
    expect(p?.fix).toContain('"https://example.com"');
  });

  it.each([
    ['https://*.example.com:443', /default port 443/, '"https://*.example.com"'],
    ['http://*.example.com:80', /default port 80/, '"http://*.example.com"'],
    ['https://*.Example.com', /upper-case/, '"https://*.example.com"'],
    ['HTTPS://*.example.com', /upper-case/, '"https://*.example.com"'],
    ['https://*.example.com/', /slash/, '"https://*.example.com"'],
    ['https://*.example.com/app', /path/, '"https://*.example.com"'],
    ['http://localhost:*/', /slash/, '"http://localhost:*"'],
    [' https://*.example.com', /white space/, '"https://*.example.com"'],
    ['http://localhost:3000:*', /port and "\*"/, '"http://localhost:*"'],
    ['http://localhost:99999', /not a serialized origin/, 'scheme://'],
    ['https://*.exa mple.com', /not a serialized origin|scheme/, 'https://'],
    ['https://*.127.0.0.1', /IP address/, '"https://127.0.0.1:*"'],
    ['http://*.[::1]', /IP address|not a serialized origin/, 'http'],
  ])('refuses %s with a fix', (pattern, problem, fix) => {
    const problems = problemsOf({ origin: [pattern] });
    expect(problems).toHaveLength(1);
    expect(problems[0]?.problem).toMatch(problem);
    expect(problems[0]?.fix).toContain(fix);
  });

  it('reports every bad pattern of a list at once, each with its own fix', () => {
    const problems = problemsOf({ origin: ['https://*.com', 'https://ok.example.com', 'https://*.example.com:443'] });
    expect(problems.map((p) => p.value)).toEqual(['"https://*.com"', '"https://*.example.com:443"']);
  });

  it('refuses plain-http patterns in production, but not for loopback hosts', () => {
    const [p] = problemsOf({ origin: ['http://*.example.com'] }, true);
    expect(p?.problem).toMatch(/plain-http/);
    expect(p?.fix).toContain('"https://*.example.com"');
    expect(() =>
      compile({ origin: ['http://localhost:*', 'http://*.localhost:*'] }, { production: true }),
    ).not.toThrow();
    expect(() =>
      compile({ origin: ['http://*.example.com'], dangerouslyAllowInsecureOrigins: true }, { production: true }),
    ).not.toThrow();
  });

  it('a lone "*" inside a list is still refused (it is not a pattern)', () => {
    const [p] = problemsOf({ origin: ['https://a.example.com', '*'] });
    expect(p?.problem).toMatch(/inside a list is not a wildcard/);
  });

  it('parses valid patterns into their parts', () => {
    expect(parseOriginPattern('https://*.example.com')).toEqual({
      scheme: 'https',
      host: 'example.com',
      port: '',
      subdomains: true,
      anyPort: false,
    });
    expect(parseOriginPattern('http://localhost:*')).toEqual({
      scheme: 'http',
      host: 'localhost',
      port: '',
      subdomains: false,
      anyPort: true,
    });
    expect(parseOriginPattern('https://*.example.com:8443')).toMatchObject({ port: '8443', subdomains: true });
  });
});

describe('labels whose hashes collide', () => {
  // "0c" and "na" have the same label hash in the pattern table (1922 + 31·99 + 48 = 1922 + 31·97 + 110):
  // the table must still compare the labels themselves.
  it('a pattern for one never matches the other', () => {
    const only0c = { origin: 'https://*.0c.example.com' };
    expect(decideGet(only0c, 'https://x.0c.example.com').allowed).toBe(true);
    expect(decideGet(only0c, 'https://x.na.example.com').allowed).toBe(false);
    const both = { origin: ['https://*.0c.example.com', 'http://na.example.com:*'] };
    expect(decideGet(both, 'https://x.0c.example.com').allowed).toBe(true);
    expect(decideGet(both, 'http://na.example.com:81').allowed).toBe(true);
    expect(decideGet(both, 'http://0c.example.com:81').allowed).toBe(false);
    expect(decideGet(both, 'https://x.na.example.com').allowed).toBe(false);
  });
});

describe('many origins', () => {
  it('10,000 exact origins and 100 patterns: the right answer for the first, the last and the rest', () => {
    const exact = Array.from({ length: 10_000 }, (_, i) => `https://app${i}.example.com`);
    const patterns = Array.from({ length: 100 }, (_, i) => `https://*.tenant${i}.example.net`);
    const options = { origin: [...exact, ...patterns], credentials: true };
    expect(decideGet(options, 'https://app0.example.com').allowed).toBe(true);
    expect(decideGet(options, 'https://app9999.example.com').allowed).toBe(true);
    expect(decideGet(options, 'https://app10000.example.com').allowed).toBe(false);
    expect(decideGet(options, 'https://x.tenant99.example.net').allowed).toBe(true);
    expect(decideGet(options, 'https://tenant99.example.net').allowed).toBe(false);
    expect(decideGet(options, 'https://x.tenant100.example.net').allowed).toBe(false);
  });
});

describe('RegExps keep working', () => {
  it('a global or sticky RegExp never leaks lastIndex between requests', () => {
    const regexp = /^https:\/\/[a-z]+\.example\.com$/gy;
    const policy = compile({ origin: [regexp] });
    for (let i = 0; i < 5; i++) {
      const decision = decide(policy, { method: 'GET', origin: 'https://app.example.com' }, {}) as CorsDecision;
      expect(decision.allowed).toBe(true);
    }
    expect(regexp.lastIndex).toBe(0);
  });
});
