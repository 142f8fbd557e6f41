/**
 * A shared cache in front of the app: a real Varnish (test/cache/varnish.ts) caching every GET response for an
 * hour, honouring `Vary` as Varnish does natively. Requests from two allowed origins, a refused origin and no
 * origin are interleaved in every order (24 orders, each on its own URL, twice over); every response through the
 * cache must carry exactly the CORS headers (Access-Control-*, Vary) that the app gives that origin directly.
 *
 * corsgate (the example API, and an app with an origin callback) passes. The `cors` package with an origin
 * callback that refuses some origins is poisoned: a refused origin gets no `Vary: Origin`, so its cached response
 * (without Access-Control-Allow-Origin) is served to every later request for that URL, allowed origins included.
 * The test asserts exactly that, so it proves it can fail. `cors` with a list of origins sends `Vary: Origin`
 * to every origin and is not poisoned.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import corsPackage from 'cors';
import express, { type RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../examples/express-api/app.js';
import corsgate from '../../src/index.js';
import { type Reply, type Served, send, serve } from '../helpers/server.js';
import { groupAlive, planVarnish, startVarnish, type Varnish } from './varnish.js';

const A = 'https://app.example';
const B = 'https://admin.example';
const REFUSED = 'https://evil.example';
const ALLOWED = [A, B];

interface Client {
  readonly name: string;
  readonly origin?: string;
}
const CLIENTS: readonly Client[] = [
  { name: 'allowed A', origin: A },
  { name: 'allowed B', origin: B },
  { name: 'refused', origin: REFUSED },
  { name: 'no Origin' },
];

/** Every order of the clients: each client is first (and last) for some URL. */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
const ORDERS = permutations(CLIENTS);
const ROUNDS = 2;

/** The CORS part of a response: every Access-Control-* header and Vary, as `name: value` lines, sorted. */
function corsView(reply: Reply): string[] {
  return Object.entries(reply.headers)
    .filter(([name]) => name.startsWith('access-control-') || name === 'vary')
    .map(([name, value]) => `${name}: ${Array.isArray(value) ? value.join(', ') : String(value)}`)
    .sort();
}

interface Exchange {
  readonly url: string;
  readonly round: number;
  readonly client: Client;
  /** Through the cache. */
  readonly cached: Reply;
  /** The same request straight to the app. */
  readonly direct: Reply;
  readonly hit: boolean;
  /** The client whose request put the served response into the cache (itself on a miss). */
  readonly filledBy: Client;
}

/** A wrong answer from the cache: what the client got instead of what the app gives it. */
interface Poisoned {
  readonly url: string;
  readonly round: number;
  readonly client: string;
  readonly servedResponseOf: string;
  readonly got: readonly string[];
  readonly expected: readonly string[];
}

function headersFor(client: Client): Record<string, string> {
  return client.origin === undefined ? {} : { origin: client.origin };
}

/** Sends the interleaved requests through the cache and straight to the app, sequentially. */
async function interleave(cache: Varnish, app: Served, path: string): Promise<Exchange[]> {
  const exchanges: Exchange[] = [];
  /** X-Response-Tag (fresh on every response of the app, see `tagged`) → the client whose request produced it. */
  const producedFor = new Map<string, Client>();
  for (const [i, order] of ORDERS.entries()) {
    const url = `${path}?order=${i}`;
    for (let round = 1; round <= ROUNDS; round++) {
      for (const client of order) {
        const cached = await send(cache.port, { path: url, headers: headersFor(client) });
        const direct = await send(app.port, { path: url, headers: headersFor(client) });
        const tag = cached.headers['x-response-tag'];
        if (typeof tag !== 'string') throw new Error(`no X-Response-Tag on ${url}: not an answer of the app`);
        const hit = cached.headers['x-cache'] === 'hit';
        if (!hit) producedFor.set(tag, client);
        const filledBy = producedFor.get(tag);
        if (filledBy === undefined) throw new Error(`a hit on ${url} with a response never seen as a miss`);
        exchanges.push({ url, round, client, cached, direct, hit, filledBy });
      }
    }
  }
  return exchanges;
}

function poisoned(exchanges: readonly Exchange[]): Poisoned[] {
  return exchanges
    .filter((x) => JSON.stringify(corsView(x.cached)) !== JSON.stringify(corsView(x.direct)))
    .map((x) => ({
      url: x.url,
      round: x.round,
      client: x.client.name,
      servedResponseOf: x.filledBy.name,
      got: corsView(x.cached),
      expected: corsView(x.direct),
    }));
}

/** The app's own answers are sane (so that "equal to direct" means something): status 2xx/4xx, CORS by origin. */
function expectAppAnswers(exchanges: readonly Exchange[]): void {
  for (const x of exchanges) {
    expect(x.cached.status, x.url).toBe(x.direct.status);
    const allowOrigin = x.direct.headers['access-control-allow-origin'];
    if (x.client.origin !== undefined && ALLOWED.includes(x.client.origin)) expect(allowOrigin).toBe(x.client.origin);
    else expect(allowOrigin).toBeUndefined();
  }
}

/** With `Vary: Origin` on every response, each client has its own variant: a miss the first time, then hits. */
function expectOneVariantPerClient(exchanges: readonly Exchange[]): void {
  const misses = exchanges.filter((x) => !x.hit);
  expect(misses.every((x) => x.round === 1)).toBe(true);
  expect(misses.length).toBe(ORDERS.length * CLIENTS.length);
  expect(exchanges.filter((x) => x.round > 1).every((x) => x.hit && x.filledBy === x.client)).toBe(true);
}

/** A small Express API behind the given CORS middleware (corsgate or cors, with the same options). */
function appWith(cors: RequestHandler): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use('/api', cors);
  app.use('/api', (_req, res, next) => {
    res.setHeader('X-Request-Id', randomUUID());
    next();
  });
  app.get('/api/items', (_req, res) => {
    res.json([{ id: 1, name: 'first item' }]);
  });
  return app;
}

/** Requests without Origin (curl, server to server) are let through; listed origins allowed; the rest refused. */
function allowSome(origin: string | undefined, callback: (err: Error | null, allow?: boolean) => void): void {
  setImmediate(() => callback(null, origin === undefined || ALLOWED.includes(origin)));
}

/** The app inside an outer one that tags every response, to tell which request a cached response came from. */
function tagged(app: express.Express): express.Express {
  const outer = express();
  outer.disable('x-powered-by');
  outer.use((_req, res, next) => {
    res.setHeader('X-Response-Tag', randomUUID());
    next();
  });
  outer.use(app);
  return outer;
}

/** Starts the app on loopback and Varnish in front of it, runs `body`, and always stops both. */
async function behindVarnish(app: express.Express, body: (cache: Varnish, app: Served) => Promise<void>) {
  if (!plan.run) throw new Error(plan.message);
  const served = await serve(tagged(app));
  let cache: Varnish | undefined;
  try {
    cache = await startVarnish(plan.path, served.port);
    await body(cache, served);
  } finally {
    await cache?.stop();
    await served.close();
  }
}

const plan = planVarnish();
if (!plan.run && !plan.required)
  console.warn(`\n${'!'.repeat(100)}\n!! corsgate: ${plan.message}\n${'!'.repeat(100)}\n`);

describe.skipIf(!plan.run && !plan.required)('a shared cache (Varnish) in front of the app', () => {
  // In CI without varnishd every test fails on its own (behindVarnish throws the plan's message).
  it('the cache: caches GET with Cookie, Authorization, Set-Cookie or Cache-Control: private; not Vary: *', async () => {
    const app = express();
    app.get('/plain', (_req, res) => res.send('plain'));
    app.get('/set-cookie', (_req, res) => res.cookie('sid', 'x').send('cookie'));
    app.get('/private', (_req, res) => res.set('Cache-Control', 'private').send('private'));
    app.get('/vary-star', (_req, res) => res.set('Vary', '*').send('star'));
    await behindVarnish(app, async (cache) => {
      const twice = async (path: string, headers: Record<string, string> = {}): Promise<string[]> => {
        const first = await send(cache.port, { path, headers });
        const second = await send(cache.port, { path, headers });
        return [String(first.headers['x-cache']), String(second.headers['x-cache'])];
      };
      expect(await twice('/plain')).toEqual(['miss', 'hit']);
      expect(await twice('/plain?cookie', { cookie: 'sid=1' })).toEqual(['miss', 'hit']);
      expect(await twice('/plain?authorization', { authorization: 'Bearer x' })).toEqual(['miss', 'hit']);
      expect(await twice('/set-cookie')).toEqual(['miss', 'hit']);
      expect(await twice('/private')).toEqual(['miss', 'hit']);
      expect(await twice('/vary-star')).toEqual(['miss', 'miss']);
    });
  }, 120_000);

  it('stopping the cache kills its whole process group and removes its working directory', async () => {
    if (!plan.run) throw new Error(plan.message);
    const app = await serve(express());
    try {
      const cache = await startVarnish(plan.path, app.port);
      expect(groupAlive(cache.pgid)).toBe(true);
      expect(existsSync(cache.dir)).toBe(true);
      await cache.stop();
      expect(groupAlive(cache.pgid)).toBe(false);
      expect(existsSync(cache.dir)).toBe(false);
      await cache.stop(); // twice is harmless
    } finally {
      await app.close();
    }
  }, 120_000);

  it('corsgate, the example API: every response through the cache has the CORS headers the app gives that origin', async () => {
    await behindVarnish(createApp({ origins: ALLOWED }), async (cache, app) => {
      for (const path of ['/api/items', '/api/data', '/api/session']) {
        const exchanges = await interleave(cache, app, path);
        expectAppAnswers(exchanges);
        expect(poisoned(exchanges), path).toEqual([]);
        expectOneVariantPerClient(exchanges);
      }
    });
  }, 120_000);

  it('corsgate with an origin callback that refuses some origins: never poisoned', async () => {
    await behindVarnish(
      appWith(corsgate({ origin: allowSome, exposedHeaders: ['X-Request-Id'] })),
      async (cache, app) => {
        const exchanges = await interleave(cache, app, '/api/items');
        expectAppAnswers(exchanges);
        expect(poisoned(exchanges)).toEqual([]);
        expectOneVariantPerClient(exchanges);
      },
    );
  }, 120_000);

  it('cors with the same callback: from the refused origin’s first request on, every client gets its response', async () => {
    await behindVarnish(
      appWith(corsPackage({ origin: allowSome, exposedHeaders: ['X-Request-Id'] })),
      async (cache, app) => {
        const exchanges = await interleave(cache, app, '/api/items');
        expectAppAnswers(exchanges);
        // The refused origin's response: no CORS header at all, and no Vary, so one variant for every request.
        const refusedDirect = exchanges.find((x) => x.client.origin === REFUSED)?.direct;
        expect(refusedDirect && corsView(refusedDirect)).toEqual([]);

        const found = poisoned(exchanges);
        // Exactly the requests after the refused origin's first one (per URL), from anyone else, are poisoned...
        const expected = exchanges.filter((x) => {
          const forUrl = exchanges.filter((y) => y.url === x.url);
          const refusedFirst = forUrl.findIndex((y) => y.client.origin === REFUSED);
          return x.client.origin !== REFUSED && forUrl.indexOf(x) > refusedFirst;
        });
        expect(found.map((p) => `${p.url} ${p.round} ${p.client}`)).toEqual(
          expected.map((x) => `${x.url} ${x.round} ${x.client.name}`),
        );
        // ...each served the refused origin's response: an allowed origin loses Access-Control-Allow-Origin.
        expect(new Set(found.map((p) => p.servedResponseOf))).toEqual(new Set(['refused']));
        for (const p of found.filter((p) => p.client.startsWith('allowed'))) {
          expect(p.got).toEqual([]);
          expect(p.expected).toContain('vary: Origin');
          expect(p.expected.some((line) => line.startsWith('access-control-allow-origin: '))).toBe(true);
        }
        // In numbers (the README quotes them): 72 of the 96 requests from allowed origins got no Allow-Origin.
        const allowedRequests = exchanges.filter((x) => x.client.name.startsWith('allowed'));
        expect(allowedRequests.length).toBe(96);
        expect(found.filter((p) => p.client.startsWith('allowed')).length).toBe(72);
        // Every client is hit in some order: both allowed origins, and requests without Origin.
        expect(new Set(found.map((p) => p.client))).toEqual(new Set(['allowed A', 'allowed B', 'no Origin']));
        // The refused origin itself always gets the right (empty) answer: allowed origins' responses carry Vary.
        expect(found.some((p) => p.client === 'refused')).toBe(false);
      },
    );
  }, 120_000);

  it('cors with a list of origins: Vary: Origin on every response, not poisoned', async () => {
    await behindVarnish(
      appWith(corsPackage({ origin: ALLOWED, exposedHeaders: ['X-Request-Id'] })),
      async (cache, app) => {
        const exchanges = await interleave(cache, app, '/api/items');
        expectAppAnswers(exchanges);
        expect(poisoned(exchanges)).toEqual([]);
        expectOneVariantPerClient(exchanges);
      },
    );
  }, 120_000);
});
