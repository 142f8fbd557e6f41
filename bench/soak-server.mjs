// One soak case's server, in a child process of bench/soak.mjs (run with --expose-gc): an app with corsgate on
// 127.0.0.1, port 0. Sends {port} to the parent once listening; on {mem} runs the GC and answers with the heap
// and RSS; on {stop} closes and exits. The case is argv[2] (see CASES).
import { serve } from '@hono/node-server';
import express from 'express';
import { withCors } from '../dist/esm/adapters/fetch.js';
import corsgate from '../dist/esm/index.js';
import { ALLOWED_COUNT, allowedOrigin, isAllowedOrigin, PATTERN } from './soak-origins.mjs';

/** The configured allowlist: 100,000 exact origins and one pattern. */
const ORIGINS = [...Array.from({ length: ALLOWED_COUNT }, (_, i) => allowedOrigin(i)), PATTERN];

const STATIC_OPTIONS = {
  origin: ORIGINS,
  credentials: true,
  allowedHeaders: ['Content-Type', 'X-Request-Id', 'Authorization'],
  exposedHeaders: ['X-Request-Id'],
  maxAge: 600,
};

/** An origin callback that answers on a later turn of the event loop with a fresh array (or false) each time. */
function freshCallback(origin, callback) {
  setImmediate(() => {
    if (origin === undefined) callback(null, false);
    else callback(null, isAllowedOrigin(origin) ? [origin] : false);
  });
}

function expressApp(middleware) {
  const app = express();
  app.use(middleware);
  app.all('/', (_req, res) => {
    res.send('ok');
  });
  return app;
}

function fetchHandler(options) {
  return withCors(() => new Response('ok', { headers: { 'Content-Type': 'text/plain' } }), options);
}

const CASES = {
  express: () => ({ kind: 'express', app: expressApp(corsgate(STATIC_OPTIONS)) }),
  fetch: () => ({ kind: 'fetch', fetch: fetchHandler(STATIC_OPTIONS) }),
  // A delegate that builds a fresh options object (same allowlist array) on every request, answering later.
  'express-delegate': () => ({
    kind: 'express',
    app: expressApp(
      corsgate((req, callback) => {
        setImmediate(() =>
          callback(null, {
            origin: ORIGINS,
            credentials: true,
            allowedHeaders: ['Content-Type', 'X-Request-Id', 'Authorization'],
            exposedHeaders: ['X-Request-Id'],
            maxAge: req.method === 'OPTIONS' ? 600 : 60,
          }),
        );
      }),
    ),
  }),
  'express-callback': () => ({
    kind: 'express',
    app: expressApp(corsgate({ ...STATIC_OPTIONS, origin: freshCallback })),
  }),
  'fetch-callback': () => ({ kind: 'fetch', fetch: fetchHandler({ ...STATIC_OPTIONS, origin: freshCallback }) }),
};

const name = process.argv[2];
const make = CASES[name];
if (make === undefined) {
  console.error(`unknown soak case ${name}; one of ${Object.keys(CASES).join(', ')}`);
  process.exit(2);
}
const made = make();
const server = await new Promise((resolve) => {
  if (made.kind === 'express') {
    const s = made.app.listen(0, '127.0.0.1', () => resolve(s));
  } else {
    const s = serve({ fetch: made.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  }
});
server.keepAliveTimeout = 60_000;

function memory() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  const { heapUsed, rss } = process.memoryUsage();
  return { heapUsed, rss };
}

process.on('message', (message) => {
  if (message === 'mem') process.send({ mem: memory() });
  if (message === 'stop') server.close(() => process.exit(0));
});
process.on('disconnect', () => process.exit(0));
process.send({ port: server.address().port });
