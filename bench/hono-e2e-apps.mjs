// The apps that bench/hono-e2e.mjs measures, shared by its servers on @hono/node-server (hono-e2e-server.mjs)
// and on Bun (hono-e2e-bun-server.mjs).
import { Hono } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { withCors } from '../dist/esm/adapters/fetch.js';
import { cors as corsgateHono } from '../dist/esm/adapters/hono.js';
import { HONO_E2E_CASES } from './hono-e2e-cases.mjs';

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

/** The apps of one case, by name: bare Hono and Fetch, the same headers by hand, hono/cors and corsgate. */
export function honoE2eApps(caseId) {
  const c = HONO_E2E_CASES.find((x) => x.id === caseId);
  if (c === undefined) throw new Error(`unknown case ${caseId}`);
  return {
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
}
