// The Hono and Fetch end-to-end apps, in a child process of bench/hono-e2e.mjs (so that the load generator
// and the servers do not share an event loop), each on its own 127.0.0.1 port through @hono/node-server.
// argv[2] is the case id; sends {ports} to the parent once listening, and CPU snapshots on request.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { withCors } from '../dist/esm/adapters/fetch.js';
import { cors as corsgateHono } from '../dist/esm/adapters/hono.js';
import { HONO_E2E_CASES } from './hono-e2e-cases.mjs';

const c = HONO_E2E_CASES.find((x) => x.id === process.argv[2]);
if (c === undefined) throw new Error(`unknown case ${process.argv[2]}`);

function honoApp(middleware) {
  const app = new Hono();
  if (middleware !== undefined) app.use(middleware);
  app.get('/items', (ctx) => ctx.text('ok'));
  app.put('/items', (ctx) => ctx.text('ok'));
  // Without CORS, the cheapest right answer to an OPTIONS request: 204 (the CORS middlewares answer it first).
  app.options('/items', (ctx) => ctx.body(null, 204));
  return app.fetch;
}

const handler = () => new Response('ok', { headers: { 'Content-Type': 'text/plain; charset=UTF-8' } });

const apps = {
  hono: honoApp(),
  'hono + empty middleware': honoApp(async (_ctx, next) => {
    await next();
  }),
  'hono + headers by hand': honoApp(c.honoByHand),
  'hono + hono/cors': honoApp(honoCors(c.options)),
  'hono + corsgate/hono': honoApp(corsgateHono(c.options)),
  fetch: (request) => (request.method === 'OPTIONS' ? new Response(null, { status: 204 }) : handler(request)),
  'fetch + headers by hand': c.byHand(handler),
  'fetch + corsgate/fetch': withCors(handler, c.fetchOptions ?? c.options),
};

const ports = {};
const served = Object.fromEntries(Object.keys(apps).map((name) => [name, 0]));
await Promise.all(
  Object.entries(apps).map(
    ([name, fetch]) =>
      new Promise((resolve) => {
        const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
          ports[name] = info.port;
          resolve();
        });
        server.keepAliveTimeout = 60_000;
        server.on('request', () => {
          served[name]++;
        });
      }),
  ),
);
process.send?.({ ports });
process.on('message', (message) => {
  if (message === 'snapshot') {
    const { user, system } = process.cpuUsage();
    process.send?.({ snapshot: { cpu: user + system, served: { ...served } } });
  }
});
process.on('disconnect', () => process.exit(0));
