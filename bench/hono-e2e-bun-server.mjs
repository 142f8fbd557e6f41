// The Hono and Fetch end-to-end apps of bench/hono-e2e-server.mjs, served by Bun's own server (`Bun.serve`),
// for `node bench/hono-e2e.mjs --bun <path to bun>`. argv[2] is the case id; prints {"ports": ...} as one
// line once listening. Bun has no IPC with the Node runner here, so only requests per second are measured.
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
for (const [name, fetch] of Object.entries(apps)) {
  ports[name] = Bun.serve({ fetch, port: 0, hostname: '127.0.0.1' }).port;
}
console.log(JSON.stringify({ ports }));
