// The memo layer (src/core/decision-cache.ts) must give exactly what the full computation gives.
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { decideNode } from '../../src/adapters/node-http.js';
import { computeDecision, decide } from '../../src/core/decide.js';
import { isShared } from '../../src/core/decision.js';
import { MAX_ORIGINS_MEMOIZED } from '../../src/core/decision-cache.js';
import { type CorsDecision, type CorsOptions, compile, type RequestFacts } from '../../src/core/index.js';

const CONFIGS: CorsOptions[] = [
  {},
  { origin: '*', exposedHeaders: ['X-Total'], maxAge: 60 },
  { origin: false },
  { origin: true },
  { origin: ['https://a.example.com', 'https://b.example.com'], credentials: true, maxAge: 600 },
  { origin: ['https://a.example.com', 'https://*.example.org'], allowedHeaders: ['Content-Type'] },
  { origin: 'https://a.example.com', preflightContinue: true, optionsSuccessStatus: 200 },
  { origin: ['https://a.example.com'], allowPrivateNetwork: true, methods: ['GET', 'patch'] },
  { origin: ['https://a.example.com', 'null'], dangerouslyAllowNullOrigin: true },
  // watched policies (census, reportOnly): the enforced answer, memoized or not, is unchanged
  {
    origin: ['https://a.example.com', 'https://b.example.com'],
    credentials: true,
    census: { observe: () => {} },
    reportOnly: { origin: ['https://a.example.com'], allowedHeaders: ['content-type'] },
    onRefused: () => {},
  },
  { origin: '*', reportOnly: { origin: true, methods: ['GET'] }, onRefused: () => {} },
];

const ORIGINS = [undefined, 'https://a.example.com', 'https://b.example.com', 'https://x.example.org', 'null', 'bad'];
const REQUESTS: Omit<RequestFacts, 'origin'>[] = [
  { method: 'GET' },
  { method: 'GET', hasCookie: true },
  { method: 'POST', hasCookie: true, secFetchSite: 'same-origin' },
  { method: 'OPTIONS' },
  { method: 'OPTIONS', accessControlRequestMethod: 'PUT' },
  { method: 'OPTIONS', accessControlRequestMethod: 'PUT', accessControlRequestHeaders: 'content-type,x-id' },
  { method: 'OPTIONS', accessControlRequestMethod: 'PUT', accessControlRequestHeaders: 'Content-Type, X-Id' },
  { method: 'OPTIONS', accessControlRequestMethod: 'patch', accessControlRequestHeaders: 'content-type' },
  { method: 'OPTIONS', accessControlRequestMethod: 'DELETE', accessControlRequestPrivateNetwork: 'true' },
  { method: 'OPTIONS', accessControlRequestMethod: 'GET', accessControlRequestHeaders: 'a,,b' },
];

describe('cached decisions equal the full computation', () => {
  it.each(CONFIGS.map((c) => [JSON.stringify(c), c] as const))('%s', async (_name, options) => {
    const cachedPolicy = compile(options, { warn: () => {} });
    const freshPolicy = () => compile(options, { warn: () => {} });
    // Twice through the cached policy: the second round hits the per-origin and preflight memos.
    for (let round = 0; round < 2; round++) {
      for (const origin of ORIGINS) {
        for (const request of REQUESTS) {
          const facts: RequestFacts = { ...request, origin };
          const viaCache = await decide(cachedPolicy, facts, {});
          const full = await computeDecision(freshPolicy(), facts, {});
          expect(viaCache, JSON.stringify(facts)).toEqual(full);
          const headers: Record<string, string | undefined> = {
            origin,
            'access-control-request-method': facts.accessControlRequestMethod,
            'access-control-request-headers': facts.accessControlRequestHeaders,
            'access-control-request-private-network': facts.accessControlRequestPrivateNetwork,
            cookie: facts.hasCookie ? 'a=1' : undefined,
          };
          for (const name of Object.keys(headers)) if (headers[name] === undefined) delete headers[name];
          // The same request as node:http presents it, through the node adapter's reader.
          const req = { method: facts.method, headers } as unknown as IncomingMessage;
          const fromHeaders = await decideNode(cachedPolicy, req, {});
          if (facts.secFetchSite === undefined) expect(fromHeaders).toEqual(full);
        }
      }
    }
  });

  it('onRefused sees every refused request, whether its answer was cached or not', () => {
    const seen: string[] = [];
    const policy = compile({ origin: ['https://a.example.com'], onRefused: (r) => seen.push(r.kind) });
    const preflight = { method: 'OPTIONS', origin: 'https://a.example.com', accessControlRequestMethod: 'PURGE' };
    decide(policy, preflight, {});
    decide(policy, preflight, {});
    decide(policy, { method: 'GET', origin: 'https://evil.example' }, {});
    decide(policy, { method: 'GET', origin: 'https://evil.example' }, {});
    expect(seen).toEqual(['method-not-allowed', 'method-not-allowed', 'origin-not-allowed', 'origin-not-allowed']);
  });

  it('refused origins: the same answer each time, the cache bounded whatever origins are sent', async () => {
    const { MAX_REFUSED_CACHED } = await import('../../src/core/decision-cache.js');
    const reported: unknown[] = [];
    const policy = compile({ origin: ['https://a.example.com'], onRefused: (r) => reported.push(r) });
    const first = decide(policy, { method: 'GET', origin: 'https://evil.example' }, {});
    const again = decide(policy, { method: 'GET', origin: 'https://evil.example', secFetchSite: 'cross-site' }, {});
    expect(again).toEqual(first);
    expect(reported).toHaveLength(2);
    expect(reported[1]).toEqual(reported[0]);
    // Same-origin requests are still not reported, even from the cache.
    decide(policy, { method: 'POST', origin: 'https://evil.example', secFetchSite: 'same-origin' }, {});
    expect(reported).toHaveLength(2);
    for (let i = 0; i < MAX_REFUSED_CACHED * 3; i++) {
      decide(policy, { method: 'GET', origin: `https://x${i}.evil.example` }, {});
      expect(policy.cache.refused?.origins.length).toBe(MAX_REFUSED_CACHED);
      expect(policy.cache.refused?.decisions.length).toBe(MAX_REFUSED_CACHED);
    }
    // A cookie does not change a refusal; an allowed origin is never answered from the refused cache.
    expect(decide(policy, { method: 'GET', origin: 'https://evil.example', hasCookie: true }, {})).toEqual(first);
    expect(decide(policy, { method: 'GET', origin: 'https://a.example.com' }, {})).toMatchObject({ allowed: true });
  });

  it('a refused origin is shared (frozen) from its second request; a flood of new origins freezes nothing', async () => {
    const { MAX_REFUSED_CACHED } = await import('../../src/core/decision-cache.js');
    const reported: string[] = [];
    const policy = compile({ origin: ['https://a.example.com'] });
    const frozen = () => policy.cache.refused?.decisions.filter((d) => d !== undefined && Object.isFrozen(d)) ?? [];
    const fresh = compile({ origin: ['https://a.example.com'] });
    // Every origin once: none shared, each refused with the full computation's answer.
    for (let i = 0; i < MAX_REFUSED_CACHED * 4; i++) {
      const facts = { method: 'GET', origin: `https://x${i}.evil.example` };
      const answer = decide(policy, facts, {});
      expect(answer).toMatchObject({ allowed: false, refusal: { kind: 'origin-not-allowed' } });
      expect(answer).toEqual(computeDecision(fresh, facts, {}));
    }
    expect(frozen()).toHaveLength(0);
    // One origin again: the decision kept at its first request is frozen and shared, refusal included.
    const facts = { method: 'GET', origin: 'https://again.evil.example' };
    const first = decide(policy, facts, {}) as CorsDecision;
    expect(frozen()).toHaveLength(0);
    const second = decide(policy, facts, {}) as CorsDecision;
    expect(frozen()).toHaveLength(1);
    expect(Object.isFrozen(frozen()[0]?.refusal)).toBe(true);
    expect(second).toEqual(first);
    expect(decide(policy, facts, {})).toEqual(first);
    // With onRefused: every request is reported, from the cache or not, each refusal frozen as it is heard.
    const heard = compile({ origin: ['https://a.example.com'], onRefused: (r) => reported.push(r.origin) });
    for (let i = 0; i < 10; i++) {
      const answer = decide(heard, { method: 'GET', origin: `https://y${i % 3}.evil.example` }, {}) as CorsDecision;
      expect(Object.isFrozen(answer.refusal)).toBe(true);
    }
    expect(reported).toHaveLength(10);
  });

  it('origin-callback answers are compiled once per answer value, and the cache stays bounded', async () => {
    const { MAX_CALLBACK_ANSWERS_CACHED } = await import('../../src/core/origin-callback.js');
    const answer = ['https://*.example.com', /^https:\/\/[a-z]+\.example\.org$/];
    const policy = compile({ origin: (origin) => (origin?.endsWith('.net') ? `https://${origin.slice(8)}` : answer) });
    for (let i = 0; i < 3; i++) {
      expect(await decide(policy, { method: 'GET', origin: 'https://a.example.com' }, {})).toMatchObject({
        allowed: true,
      });
      expect(await decide(policy, { method: 'GET', origin: 'https://a.example.org' }, {})).toMatchObject({
        allowed: true,
      });
      expect(await decide(policy, { method: 'GET', origin: 'https://example.com' }, {})).toMatchObject({
        allowed: false,
      });
    }
    expect(policy.cache.callbackAnswers?.size).toBe(1);
    for (let i = 0; i < MAX_CALLBACK_ANSWERS_CACHED * 2; i++) {
      const origin = `https://h${i}.example.net`;
      expect(await decide(policy, { method: 'GET', origin }, {})).toMatchObject({ allowed: true });
      expect(policy.cache.callbackAnswers?.size).toBeLessThanOrEqual(MAX_CALLBACK_ANSWERS_CACHED);
    }
    // An invalid answer is refused every time (never cached).
    const bad = compile({ origin: () => 'https://*.com' });
    await expect(decide(bad, { method: 'GET', origin: 'https://a.com' }, {})).rejects.toThrow(/public suffix/);
    await expect(decide(bad, { method: 'GET', origin: 'https://a.com' }, {})).rejects.toThrow(/public suffix/);
  });

  it('a repeated preflight with different requested headers is decided afresh', () => {
    const policy = compile({ origin: ['https://a.example.com'], credentials: true });
    const ask = (headers: string) =>
      decide(
        policy,
        {
          method: 'OPTIONS',
          origin: 'https://a.example.com',
          accessControlRequestMethod: 'PUT',
          accessControlRequestHeaders: headers,
        },
        {},
      );
    expect(ask('x-a')).toMatchObject({ headers: expect.arrayContaining([['Access-Control-Allow-Headers', 'x-a']]) });
    expect(ask('x-b')).toMatchObject({ headers: expect.arrayContaining([['Access-Control-Allow-Headers', 'x-b']]) });
    expect(ask('x-a')).toMatchObject({ headers: expect.arrayContaining([['Access-Control-Allow-Headers', 'x-a']]) });
  });

  it('origins allowed by a pattern, a RegExp or origin: true are memoised from their second time, bounded', () => {
    const preflightOf = (origin: string): RequestFacts => ({
      method: 'OPTIONS',
      origin,
      accessControlRequestMethod: 'PUT',
      accessControlRequestHeaders: 'content-type',
    });
    for (const options of [
      { origin: ['https://*.example.com'], credentials: true },
      { origin: [/^https:\/\/[a-z0-9]+\.example\.com$/] },
      { origin: true },
    ] as CorsOptions[]) {
      const policy = compile(options);
      const fresh = compile(options);
      // Each origin once (a GET and a preflight): nothing kept.
      for (let i = 0; i < 100; i++) {
        decide(policy, { method: 'GET', origin: `https://t${i}.example.com` }, {});
        decide(policy, preflightOf(`https://t${i}.example.com`), {});
      }
      expect(policy.cache.byOrigin?.size).toBe(0);
      expect(policy.cache.preflights?.size).toBe(0);
      // The same origin again: kept, and the kept answer is the full computation's.
      const get = { method: 'GET', origin: 'https://t7.example.com' };
      decide(policy, get, {});
      decide(policy, preflightOf('https://t7.example.com'), {});
      expect([...(policy.cache.byOrigin?.keys() ?? [])]).toEqual(['https://t7.example.com']);
      expect([...(policy.cache.preflights?.keys() ?? [])]).toEqual(['https://t7.example.com']);
      for (const facts of [get, preflightOf('https://t7.example.com')]) {
        const kept = decide(policy, facts, {});
        expect(kept).toEqual(computeDecision(fresh, facts, {}));
        expect(isShared(kept as CorsDecision)).toBe(true);
      }
      // With a cookie, the answer is the full computation's (a credentials-not-allowed report when off).
      const withCookie = { ...get, hasCookie: true };
      expect(decide(policy, withCookie, {})).toEqual(computeDecision(fresh, withCookie, {}));
      // A different preflight from that origin is decided afresh.
      const other = { ...preflightOf('https://t7.example.com'), accessControlRequestMethod: 'DELETE' };
      expect(decide(policy, other, {})).toEqual(computeDecision(fresh, other, {}));
      // Refused origins are never kept here, however often they come.
      const refused = options.origin === true ? 'https://t7.example.org/' : 'https://t7.example.org';
      for (let i = 0; i < 3; i++)
        expect(decide(policy, { method: 'GET', origin: refused }, {})).toMatchObject({ allowed: false });
      expect(policy.cache.byOrigin?.has(refused)).toBe(false);
    }
  });

  it('an origin callback is never memoised (it may answer differently next time)', async () => {
    let allow = true;
    const policy = compile({ origin: (_origin: string | undefined, cb) => cb(null, allow) });
    const get = { method: 'GET', origin: 'https://a.example.com' };
    for (let i = 0; i < 3; i++) expect(await decide(policy, get, {})).toMatchObject({ allowed: true });
    allow = false;
    expect(await decide(policy, get, {})).toMatchObject({ allowed: false });
    expect(policy.cache.byOrigin).toBeUndefined();
  });

  it('a flood of distinct allowed origins cannot grow the per-origin memos past their cap', () => {
    const flood = (n: number, origin: (i: number) => string) =>
      Array.from({ length: n }, (_, i) => ({ method: 'GET', origin: origin(i) }) satisfies RequestFacts);
    const preflight = (origin: string): RequestFacts => ({
      method: 'OPTIONS',
      origin,
      accessControlRequestMethod: 'PUT',
    });
    // Reflected and pattern-matched origins sent once each are never kept (their number is the sender's choice).
    for (const options of [{ origin: true }, { origin: ['https://*.example.com'] }] as CorsOptions[]) {
      const policy = compile(options);
      for (const facts of flood(3 * MAX_ORIGINS_MEMOIZED, (i) => `https://t${i}.example.com`)) {
        expect(decide(policy, facts, {})).toMatchObject({ allowed: true });
        expect(decide(policy, preflight(facts.origin as string), {})).toMatchObject({ allowed: true });
      }
      expect(policy.cache.byOrigin?.size ?? 0).toBe(0);
      expect(policy.cache.preflights?.size ?? 0).toBe(0);
    }
    // Exact origins are kept, but never more than the cap, however long the allowlist.
    const list = Array.from({ length: 3 * MAX_ORIGINS_MEMOIZED }, (_, i) => `https://a${i}.example.com`);
    const policy = compile({ origin: [...list, 'https://*.example.org'] });
    for (const origin of list) {
      expect(decide(policy, { method: 'GET', origin }, {})).toMatchObject({ allowed: true });
      expect(decide(policy, preflight(origin), {})).toMatchObject({ allowed: true });
      expect(policy.cache.byOrigin?.size).toBeLessThanOrEqual(MAX_ORIGINS_MEMOIZED);
      expect(policy.cache.preflights?.size).toBeLessThanOrEqual(MAX_ORIGINS_MEMOIZED);
    }
    expect(policy.cache.byOrigin?.size).toBeGreaterThan(0);
    // And an origin kept, forgotten and decided again gets the same answer.
    const again = decide(policy, { method: 'GET', origin: list[0] as string }, {});
    expect(again).toEqual(computeDecision(compile({ origin: list }), { method: 'GET', origin: list[0] as string }, {}));
  });
});
