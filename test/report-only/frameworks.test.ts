/**
 * `reportOnly` in the option spelling of each framework adapter: Hono (`hono/cors`'s names), Fastify
 * (registered inside an encapsulated plugin with a prefix), Koa (`@koa/cors`'s names), and node:http.
 * Each app runs twice, with and without the report-only policy: the responses are the same header for
 * header, and the reports marked `reportOnly: true` name the requests the stricter policy refuses.
 */
import http, { type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import { describe, expect, it } from 'vitest';
import fastifyCors from '../../src/adapters/fastify.js';
import { withCors } from '../../src/adapters/fetch.js';
import honoCors from '../../src/adapters/hono.js';
import koaCors from '../../src/adapters/koa.js';
import { createCorsHandler } from '../../src/adapters/node.js';
import type { CorsRefusal } from '../../src/core/index.js';
import { type Reply, send, serve } from '../helpers/server.js';

const APP = 'https://app.example.com';
const ADMIN = 'https://admin.example.com';
const UNLISTED = 'https://evil.example.net';

const REQUESTS: ReadonlyArray<{ method: string; headers: OutgoingHttpHeaders }> = [
  { method: 'GET', headers: { origin: APP } },
  { method: 'GET', headers: { origin: ADMIN } },
  { method: 'GET', headers: { origin: UNLISTED } },
  { method: 'GET', headers: {} },
  { method: 'OPTIONS', headers: { origin: APP, 'access-control-request-method': 'PUT' } },
  {
    method: 'OPTIONS',
    headers: { origin: APP, 'access-control-request-method': 'DELETE', 'access-control-request-headers': 'x-a' },
  },
  { method: 'OPTIONS', headers: { origin: ADMIN, 'access-control-request-method': 'PUT' } },
];

type Summary = [kind: string, origin: string, value: string];
const summary = (r: CorsRefusal): Summary => [r.kind, r.origin, r.value];

/** What the stricter policy (origin: [APP], methods without DELETE, allowed headers without x-a) refuses. */
const STRICTER_REFUSES: readonly Summary[] = [
  ['origin-not-allowed', ADMIN, ADMIN],
  ['origin-not-allowed', UNLISTED, UNLISTED],
  ['method-not-allowed', APP, 'DELETE'],
  ['origin-not-allowed', ADMIN, ADMIN],
];

function comparable(reply: Reply): Array<[string, unknown]> {
  return reply.headerNames
    .filter((name) => !['date', 'keep-alive', 'connection', 'content-length'].includes(name))
    .map((name) => [name, reply.headers[name]]);
}

type Start = (
  reportOnly: boolean,
  heard: CorsRefusal[],
) => Promise<{ port: number; path: string; close(): Promise<void> }>;

async function compare(start: Start): Promise<void> {
  const plainHeard: CorsRefusal[] = [];
  const heard: CorsRefusal[] = [];
  const plain = await start(false, plainHeard);
  const watched = await start(true, heard);
  try {
    for (const request of REQUESTS) {
      const sent = { ...request, path: plain.path };
      const a = await send(plain.port, sent);
      const b = await send(watched.port, { ...sent, path: watched.path });
      expect(b.status, JSON.stringify(sent)).toBe(a.status);
      expect(comparable(b), JSON.stringify(sent)).toEqual(comparable(a));
    }
  } finally {
    await plain.close();
    await watched.close();
  }
  expect(heard.filter((r) => r.reportOnly !== true)).toEqual(plainHeard);
  expect(heard.filter((r) => r.reportOnly === true).map(summary)).toEqual(STRICTER_REFUSES);
}

describe('reportOnly in each adapter', () => {
  it('Hono, with hono/cors names (allowMethods, allowHeaders) inside reportOnly', async () => {
    await compare(async (reportOnly, heard) => {
      const app = new Hono();
      app.use(
        '/api/*',
        honoCors({
          origin: [APP, ADMIN, 'https://other.example.com'],
          allowMethods: ['GET', 'PUT', 'DELETE'],
          onRefused: (refusal) => heard.push(refusal),
          ...(reportOnly ? { reportOnly: { origin: [APP], allowMethods: ['GET', 'PUT'], allowHeaders: ['x-b'] } } : {}),
        }),
      );
      app.all('/api/items', (c) => c.json({ ok: true }));
      const served = await serve(async (req, res) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers.set(name, value);
        const response = await app.fetch(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers }));
        const out: string[] = [];
        response.headers.forEach((value, name) => {
          out.push(name, value);
        });
        res.writeHead(response.status, out);
        res.end(Buffer.from(await response.arrayBuffer()));
      });
      return { port: served.port, path: '/api/items', close: served.close };
    });
  });

  it('Fastify, registered inside an encapsulated plugin with a prefix', async () => {
    await compare(async (reportOnly, heard) => {
      const app = Fastify();
      await app.register(
        async (api) => {
          await api.register(fastifyCors, {
            origin: [APP, ADMIN],
            methods: ['GET', 'PUT', 'DELETE'],
            onRefused: (refusal) => heard.push(refusal),
            ...(reportOnly ? { reportOnly: { origin: APP, methods: 'GET,PUT', allowedHeaders: ['x-b'] } } : {}),
          });
          api.all('/items', async () => ({ ok: true }));
        },
        { prefix: '/api' },
      );
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { port: (app.server.address() as AddressInfo).port, path: '/api/items', close: () => app.close() };
    });
  });

  it('Koa, with @koa/cors names (allowMethods, allowHeaders) inside reportOnly', async () => {
    await compare(async (reportOnly, heard) => {
      const app = new Koa();
      app.use(
        koaCors({
          origin: (ctx) => ([APP, ADMIN].includes(ctx.get('Origin')) ? ctx.get('Origin') : ''),
          allowMethods: ['GET', 'PUT', 'DELETE'],
          onRefused: (refusal) => heard.push(refusal),
          ...(reportOnly
            ? {
                reportOnly: {
                  origin: (ctx) => (ctx.get('Origin') === APP ? APP : ''),
                  allowMethods: 'GET,PUT',
                  allowHeaders: 'x-b',
                },
              }
            : {}),
        }),
      );
      app.use((ctx) => {
        ctx.body = { ok: true };
      });
      const server = http.createServer(app.callback());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return {
        port: (server.address() as AddressInfo).port,
        path: '/api/items',
        close: () => new Promise<void>((resolve) => server.close(() => resolve())),
      };
    });
  });

  it('node:http (corsgate/node)', async () => {
    await compare(async (reportOnly, heard) => {
      const handle = createCorsHandler({
        origin: [APP, ADMIN],
        methods: ['GET', 'PUT', 'DELETE'],
        onRefused: (refusal) => heard.push(refusal),
        ...(reportOnly ? { reportOnly: { origin: [APP], methods: ['GET', 'PUT'], allowedHeaders: ['x-b'] } } : {}),
      });
      const served = await serve((req, res) => {
        if (handle(req, res)) return;
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true}');
      });
      return { port: served.port, path: '/api/items', close: served.close };
    });
  });

  it('Fetch (withCors)', async () => {
    await compare(async (reportOnly, heard) => {
      const handler = withCors(() => Response.json({ ok: true }), {
        origin: [APP, ADMIN],
        methods: ['GET', 'PUT', 'DELETE'],
        onRefused: (refusal) => heard.push(refusal),
        ...(reportOnly ? { reportOnly: { origin: [APP], methods: ['GET', 'PUT'], allowedHeaders: ['x-b'] } } : {}),
      });
      const served = await serve(async (req, res) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(req.headers))
          if (typeof value === 'string') headers.set(name, value);
        const response = await handler(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers }));
        const out: string[] = [];
        response.headers.forEach((value, name) => {
          out.push(name, value);
        });
        res.writeHead(response.status, out);
        res.end(Buffer.from(await response.arrayBuffer()));
      });
      return { port: served.port, path: '/api/items', close: served.close };
    });
  });
});

describe('reportOnly start-up errors, in each adapter’s spelling', () => {
  const problems = (make: () => unknown): string[] => {
    try {
      make();
    } catch (err) {
      return (err as { problems?: { option: string }[] }).problems?.map((p) => p.option) ?? [String(err)];
    }
    return [];
  };

  it('Hono names reportOnly.allowMethods', () => {
    expect(problems(() => honoCors({ onRefused: () => {}, reportOnly: { allowMethods: 'GET POST' } }))).toEqual([
      'reportOnly.allowMethods',
    ]);
    // a function for allowMethods is per-preflight policy choice: not in a report-only policy
    expect(
      problems(() => honoCors({ onRefused: () => {}, reportOnly: { allowMethods: (() => ['GET']) as never } })),
    ).toEqual(['reportOnly.allowMethods']);
  });

  it('Koa names reportOnly.allowMethods, and refuses the Koa-only response options inside it', () => {
    expect(
      problems(() =>
        koaCors({
          onRefused: () => {},
          reportOnly: {
            allowMethods: 'GET POST',
            keepHeadersOnError: true,
            credentials: (() => true) as never,
          } as never,
        }),
      ),
    ).toEqual(['reportOnly.keepHeadersOnError', 'reportOnly.credentials', 'reportOnly.allowMethods']);
  });

  it('Fastify names reportOnly.origin', async () => {
    const app = Fastify();
    await expect(
      app.register(fastifyCors, { onRefused: () => {}, reportOnly: { origin: 'app.example.com' } }).ready(),
    ).rejects.toMatchObject({ problems: [{ option: 'reportOnly.origin' }] });
    await app.close();
  });
});

describe('reportOnly from a Fastify delegator', () => {
  it('reports with the report-only options of each answer (a fresh object per request)', async () => {
    const heard: Array<[string, string, boolean]> = [];
    const onRefused = (refusal: CorsRefusal) => {
      heard.push([refusal.kind, refusal.origin, refusal.reportOnly === true]);
    };
    const app = Fastify();
    await app.register(fastifyCors, {
      delegator: async (request) => ({
        origin: [APP, ADMIN],
        reportOnly: { origin: request.headers['x-strict'] === '1' ? [APP] : [APP, ADMIN] },
        onRefused,
      }),
    });
    app.get('/items', async () => ({ ok: true }));
    try {
      for (const strict of ['1', '0', '1']) {
        const response = await app.inject({
          method: 'GET',
          url: '/items',
          headers: { origin: ADMIN, 'x-strict': strict },
        });
        expect(response.headers['access-control-allow-origin']).toBe(ADMIN);
      }
    } finally {
      await app.close();
    }
    expect(heard).toEqual([
      ['origin-not-allowed', ADMIN, true],
      ['origin-not-allowed', ADMIN, true],
    ]);
  });
});
