// Property tests for origin patterns: a pattern never matches outside its scheme, port and suffix, a
// refused origin never gets Access-Control-Allow-Origin, and the label-trie agrees with a naive model.
import fc from 'fast-check';
import { parse } from 'tldts';
import { describe, expect, it } from 'vitest';
import { type CorsDecision, compile, decide, type RequestFacts } from '../../src/core/index.js';
import { parseOrigin } from '../../src/core/origin.js';

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
const tld = fc.constantFrom('com', 'org', 'net', 'dev', 'io');
const scheme = fc.constantFrom('https', 'http');
const port = fc.oneof(fc.constant(''), fc.constantFrom('3000', '8080', '8443'));

/** A registrable domain (never a public suffix such as uk.com): one to three labels under a plain TLD. */
const domain = fc
  .tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld)
  .map(([ls, t]) => [...ls, t].join('.'))
  .filter((host) => parse(host, { allowPrivateDomains: true }).domain !== null);

interface Pattern {
  scheme: string;
  host: string;
  port: string;
  subdomains: boolean;
  anyPort: boolean;
}

const pattern: fc.Arbitrary<Pattern> = fc
  .record({ scheme, host: domain, port, subdomains: fc.boolean(), anyPort: fc.boolean() })
  .filter((p) => p.subdomains || p.anyPort)
  .map((p) => (p.anyPort ? { ...p, port: '' } : p));

function write(p: Pattern): string {
  return `${p.scheme}://${p.subdomains ? '*.' : ''}${p.host}${p.anyPort ? ':*' : p.port ? `:${p.port}` : ''}`;
}

/** Origins near a pattern: matching ones and look-alikes. */
function nearOrigins(p: Pattern): fc.Arbitrary<string> {
  const base = `${p.scheme}://`;
  const portPart = p.anyPort ? '' : p.port ? `:${p.port}` : '';
  return fc.oneof(
    label.map((l) => `${base}${l}.${p.host}${portPart}`),
    fc.tuple(label, label).map(([a, b]) => `${base}${a}.${b}.${p.host}${portPart}`),
    fc.constant(`${base}${p.host}${portPart}`),
    label.map((l) => `${base}${l}${p.host}${portPart}`),
    label.map((l) => `${base}${l}.${p.host}.evil.net${portPart}`),
    label.map((l) => `${base}${l}.${p.host}.${portPart}`),
    label.map((l) => `${base}${l}.${p.host.toUpperCase()}${portPart}`),
    label.map((l) => `${base}${l}.${p.host}:${p.scheme === 'https' ? '443' : '80'}`),
    label.map((l) => `${base}${l}.${p.host}:9999`),
    label.map((l) => `${p.scheme === 'https' ? 'http' : 'https'}://${l}.${p.host}${portPart}`),
    label.map((l) => `${base}${l}-${p.host}${portPart}`),
  );
}

const anyOrigin = fc.oneof(
  fc
    .tuple(scheme, fc.array(label, { minLength: 1, maxLength: 4 }), tld, port)
    .map(([s, ls, t, p]) => `${s}://${[...ls, t].join('.')}${p ? `:${p}` : ''}`),
  fc.constantFrom('null', '', 'https://', 'https://a..b.com', 'https://*.example.com'),
  fc.string({ maxLength: 40 }),
);

/** The naive model: does any pattern match this well-formed origin? */
function modelMatches(patterns: readonly Pattern[], origin: string): boolean {
  const o = parseOrigin(origin);
  if (o === undefined) return false;
  return patterns.some(
    (p) =>
      p.scheme === o.scheme &&
      (p.anyPort || p.port === o.port) &&
      (p.subdomains ? o.host.endsWith(`.${p.host}`) && o.host.length > p.host.length + 1 : o.host === p.host),
  );
}

const config = fc.array(pattern, { minLength: 1, maxLength: 6 });
const configAndOrigin = config.chain((patterns) =>
  fc.tuple(fc.constant(patterns), fc.oneof(anyOrigin, ...patterns.map(nearOrigins))),
);
const requestShape = fc.constantFrom<Omit<RequestFacts, 'origin'>>(
  { method: 'GET' },
  { method: 'POST', hasCookie: true },
  { method: 'OPTIONS', accessControlRequestMethod: 'PUT', accessControlRequestHeaders: 'content-type' },
);

function allowOrigins(decision: CorsDecision): string[] {
  return decision.headers.filter(([n]) => n === 'Access-Control-Allow-Origin').map(([, v]) => v);
}

describe('origin patterns (property)', () => {
  it('a wildcard over any public suffix is refused at start-up', () => {
    const suffix = fc.constantFrom('com', 'co.uk', 'github.io', 'uk.com', 'blogspot.com', 'pages.dev', 'org', 'io');
    fc.assert(
      fc.property(scheme, suffix, fc.boolean(), (s, host, anyPort) => {
        expect(() => compile({ origin: [`${s}://*.${host}${anyPort ? ':*' : ''}`] })).toThrow(/Public Suffix List/);
      }),
      { numRuns: 100 },
    );
  });

  it('the label trie agrees with the naive model, and a refused origin never gets Access-Control-Allow-Origin', () => {
    fc.assert(
      fc.property(configAndOrigin, requestShape, fc.boolean(), ([patterns, origin], shape, credentials) => {
        const policy = compile({ origin: patterns.map(write), credentials }, { warn: () => {} });
        const decision = decide(policy, { ...shape, origin }, {}) as CorsDecision;
        const acao = allowOrigins(decision);
        const matches = modelMatches(patterns, origin);
        // Origin allowed exactly when the model says so; then the only ACAO is the origin itself.
        expect(acao).toEqual(matches ? [origin] : []);
        if (!decision.allowed) expect(decision.refusal).toBeDefined();
        if (!matches) expect(decision.allowed).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('a pattern never matches outside its scheme, port or suffix', () => {
    fc.assert(
      fc.property(configAndOrigin, ([patterns, origin]) => {
        const policy = compile({ origin: patterns.map(write) }, { warn: () => {} });
        const decision = decide(policy, { method: 'GET', origin }, {}) as CorsDecision;
        if (!decision.allowed) return;
        const o = parseOrigin(origin);
        expect(o).toBeDefined();
        if (o === undefined) return;
        const explained = patterns.some(
          (p) =>
            p.scheme === o.scheme &&
            (p.anyPort || p.port === o.port) &&
            (p.subdomains ? o.host.endsWith(`.${p.host}`) && o.host !== p.host : o.host === p.host),
        );
        expect(explained).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('patterns mixed with exact origins: exact ones still match, look-alikes of both are refused', () => {
    fc.assert(
      fc.property(config, fc.array(domain, { minLength: 1, maxLength: 4 }), label, (patterns, exactHosts, l) => {
        const exact = exactHosts.map((h) => `https://${h}`);
        const policy = compile({ origin: [...exact, ...patterns.map(write)], credentials: true }, { warn: () => {} });
        for (const origin of exact) {
          expect(allowOrigins(decide(policy, { method: 'GET', origin }, {}) as CorsDecision)).toEqual([origin]);
          const lookAlike = `${origin}.${l}.example`;
          const d = decide(policy, { method: 'GET', origin: lookAlike }, {}) as CorsDecision;
          expect(allowOrigins(d)).toEqual(modelMatches(patterns, lookAlike) ? [lookAlike] : []);
        }
      }),
      { numRuns: 500 },
    );
  });
});
