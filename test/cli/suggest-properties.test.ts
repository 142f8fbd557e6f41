/**
 * `corsgate suggest` for any census (fast-check): the options compile in production, the policy they make
 * allows every kept origin with each method, header and cookie it used, and refuses what was left out
 * (unless a proposed pattern matches it, which the left-out line then says).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CensusObservation, createCensus } from '../../src/census/index.js';
import { suggest } from '../../src/cli/suggestion.js';
import { type CorsDecision, compile, decide } from '../../src/core/index.js';

const host = fc.oneof(
  // families under registrable domains, private and public suffixes, loopback, IPs
  fc
    .tuple(
      fc.constantFrom('a', 'b', 'c', 'd', 'shop', 'eu'),
      fc.constantFrom('', 'x.', 'eu.'),
      fc.constantFrom('example.com', 'example.co.uk', 'github.io', 'co.uk', 'alice.github.io', 'localhost'),
    )
    .map(([label, middle, suffix]) => `${label}.${middle}${suffix}`),
  fc.constantFrom('example.com', 'localhost', '127.0.0.1', '[::1]', 'com'),
);
const origin = fc.oneof(
  {
    weight: 10,
    arbitrary: fc
      .tuple(fc.constantFrom('https', 'http', 'wss'), host, fc.constantFrom('', ':8443', ':3000'))
      .map(([s, h, p]) => `${s}://${h}${p}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('null', 'https://Bad.example', 'https://x.example/') },
);
const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9a-z-]{1,12}$/);
const observation: fc.Arbitrary<CensusObservation> = fc.record({
  origin,
  kind: fc.constantFrom('preflight' as const, 'actual' as const),
  method: fc.oneof(
    fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
    token.map((t) => t.toUpperCase()),
  ),
  requestHeaders: fc.array(fc.oneof(fc.constantFrom('content-type', 'authorization', 'cookie'), token), {
    maxLength: 3,
  }),
  credentialed: fc.boolean(),
});

/** The `Access-Control-Allow-Origin` a browser would get (absent: it blocks the response). */
function allowOrigin(decision: CorsDecision | Promise<CorsDecision>): string | undefined {
  if (decision instanceof Promise) throw new Error('a static allowlist decides synchronously');
  if (!decision.allowed) return undefined;
  return decision.headers.find(([name]) => name.toLowerCase() === 'access-control-allow-origin')?.[1];
}

describe('suggest, for any census', () => {
  it('compiles in production, allows what it kept as it was used, and refuses what it left out', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(observation, fc.integer({ min: 1, max: 8 })), { maxLength: 40 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 4 }),
        (traffic, minRequests, minSubdomains) => {
          const census = createCensus();
          for (const [o, times] of traffic) for (let i = 0; i < times; i++) census.record(o);
          const snapshot = census.snapshot();
          const s = suggest(snapshot, { minRequests, minSubdomains });
          const policy = compile(s.options, { production: true, warn: () => {} });
          const kept = s.origins.flatMap((o) => (o.kind === 'pattern' ? o.covers.map((c) => c.origin) : [o.entry]));
          for (const entry of snapshot.origins.filter((e) => kept.includes(e.origin))) {
            // every method it used, except those no page can need (never proposed: see methodsIgnored)
            const methods = Object.keys(entry.methods).filter((m) => !s.methodsIgnored.some((i) => i.name === m));
            for (const method of methods) {
              const headers = Object.keys(entry.headers).filter((h) => s.headers.some((n) => n.name === h));
              const facts = {
                method: 'OPTIONS',
                origin: entry.origin,
                accessControlRequestMethod: method,
                accessControlRequestHeaders: headers.join(','),
              };
              expect(allowOrigin(decide(policy, facts, undefined)), `${entry.origin} ${method} ${headers}`).toBe(
                entry.origin,
              );
            }
            const withCookie = { method: 'GET', origin: entry.origin, hasCookie: entry.credentialed > 0 };
            expect(allowOrigin(decide(policy, withCookie, undefined)), entry.origin).toBe(entry.origin);
          }
          for (const left of s.leftOut) {
            if (left.reason === 'rare' && left.detail.includes('matches it')) continue;
            if (left.reason === 'rare' || left.reason === 'insecure' || left.reason === 'null') {
              const facts = { method: 'GET', origin: left.what };
              expect(allowOrigin(decide(policy, facts, undefined)), left.what).toBeUndefined();
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
