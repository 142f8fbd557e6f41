/**
 * One request path for every adapter: the node and Fetch readers and a plain facts object give the same
 * decision for the same request, and an adapter's request-aware origin callback receives the request the
 * core is deciding (no "current request" kept aside by the adapter).
 */
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { decideFetch } from '../../src/adapters/fetch-api.js';
import { decideNode } from '../../src/adapters/node-http.js';
import { computeDecision, decide } from '../../src/core/decide.js';
import { type CorsOptions, compile, type RequestFacts } from '../../src/core/index.js';
import { requestOriginCallback } from '../../src/core/origin-callback.js';

const REQUESTS: { method: string; headers: Record<string, string> }[] = [
  { method: 'GET', headers: {} },
  { method: 'GET', headers: { origin: 'https://a.example.com' } },
  { method: 'POST', headers: { origin: 'https://a.example.com', cookie: 'a=1', 'sec-fetch-mode': 'cors' } },
  { method: 'GET', headers: { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' } },
  { method: 'OPTIONS', headers: { origin: 'https://a.example.com' } },
  {
    method: 'OPTIONS',
    headers: {
      origin: 'https://a.example.com',
      'access-control-request-method': 'PUT',
      'access-control-request-headers': 'content-type,x-id',
      'access-control-request-private-network': 'true',
    },
  },
  { method: 'OPTIONS', headers: { origin: 'https://b.example.org', 'access-control-request-method': 'DELETE' } },
];

const CONFIGS: CorsOptions[] = [
  {},
  { origin: ['https://a.example.com', 'https://*.example.org'], credentials: true, allowPrivateNetwork: true },
  { origin: true, allowedHeaders: ['Content-Type'] },
];

function asFacts(request: (typeof REQUESTS)[number]): RequestFacts {
  const h = request.headers;
  return {
    method: request.method,
    origin: h.origin,
    accessControlRequestMethod: h['access-control-request-method'],
    accessControlRequestHeaders: h['access-control-request-headers'],
    accessControlRequestPrivateNetwork: h['access-control-request-private-network'],
    hasCookie: h.cookie !== undefined,
    secFetchSite: h['sec-fetch-site'],
    secFetchMode: h['sec-fetch-mode'],
  };
}

describe('RequestReader', () => {
  it.each(CONFIGS.map((c) => [JSON.stringify(c), c] as const))(
    'node, Fetch and facts readers decide alike: %s',
    (_name, options) => {
      const policy = compile(options, { warn: () => {} });
      for (let round = 0; round < 2; round++) {
        for (const request of REQUESTS) {
          const full = computeDecision(compile(options, { warn: () => {} }), asFacts(request), {});
          const node = { method: request.method, headers: request.headers } as unknown as IncomingMessage;
          const web = new Request('https://api.example.com/', { method: request.method, headers: request.headers });
          expect(decideNode(policy, node, {}), JSON.stringify(request)).toEqual(full);
          expect(decideFetch(policy, web, {}), JSON.stringify(request)).toEqual(full);
          expect(decide(policy, asFacts(request), {}), JSON.stringify(request)).toEqual(full);
        }
      }
    },
  );

  it('a node header given as a list is read as one value (joined), never as something else', () => {
    const policy = compile({ origin: true });
    const req = {
      method: 'OPTIONS',
      headers: {
        origin: 'https://a.example.com',
        'access-control-request-method': 'PUT',
        'access-control-request-headers': ['x-a', 'x-b'],
      },
    } as unknown as IncomingMessage;
    expect(decideNode(policy, req, {})).toMatchObject({
      allowed: true,
      headers: expect.arrayContaining([['Access-Control-Allow-Headers', 'x-a,x-b']]),
    });
  });
});

describe('requestOriginCallback', () => {
  it('receives the request the core is deciding, also when decisions overlap', async () => {
    const seen: string[] = [];
    const callback = requestOriginCallback(async (origin: string | undefined, req: { id: string }) => {
      seen.push(req.id);
      await new Promise((resolve) => setTimeout(resolve, req.id === 'first' ? 20 : 1));
      return origin === `https://${req.id}.example.com`;
    });
    const policy = compile<{ id: string }>({ origin: callback as CorsOptions['origin'] });
    const first = decide(
      policy,
      { method: 'GET', origin: 'https://first.example.com' },
      {
        id: 'first',
      },
    );
    const second = decide(
      policy,
      { method: 'GET', origin: 'https://first.example.com' },
      {
        id: 'second',
      },
    );
    expect(await first).toMatchObject({ allowed: true });
    expect(await second).toMatchObject({ allowed: false });
    expect(seen).toEqual(['first', 'second']);
  });

  it('a plain origin callback is still called as (origin, callback)', async () => {
    const policy = compile({ origin: (origin, cb) => cb(null, origin === 'https://a.example.com') });
    expect(await decide(policy, { method: 'GET', origin: 'https://a.example.com' }, {})).toMatchObject({
      allowed: true,
    });
  });
});
