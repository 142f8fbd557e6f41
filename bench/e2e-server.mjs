// The end-to-end apps, in a child process of the bench runner (so that the load generator and the
// servers do not share an event loop): the same Express app with no middleware, with the floor
// middleware, with `cors`, and with corsgate, each on its own 127.0.0.1 port. Sends {ports} to the parent once listening.
import { createRequire } from 'node:module';
import express from 'express';
import corsgate from '../dist/esm/index.js';

const require = createRequire(import.meta.url);
const cors = require('cors');

export const E2E_OPTIONS = {
  origin: ['https://admin.example.com', 'https://www.example.com', 'https://app.example.com'],
  credentials: true,
  maxAge: 600,
};

function app(middleware) {
  const a = express();
  if (middleware !== undefined) a.use(middleware);
  a.get('/', (_req, res) => {
    res.send('ok');
  });
  a.put('/', (_req, res) => {
    res.send('ok');
  });
  return a;
}

/** The floor: a middleware that sets one header and calls next(), i.e. what any middleware costs Express. */
function floor(_req, res, next) {
  res.setHeader('X-Floor', '1');
  next();
}

const apps = {
  none: app(undefined),
  floor: app(floor),
  cors: app(cors(E2E_OPTIONS)),
  corsgate: app(corsgate(E2E_OPTIONS)),
};
const ports = {};
const served = Object.fromEntries(Object.keys(apps).map((name) => [name, 0]));
await Promise.all(
  Object.entries(apps).map(
    ([name, a]) =>
      new Promise((resolve) => {
        const server = a.listen(0, '127.0.0.1', () => {
          ports[name] = server.address().port;
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
// On request: this process's CPU time (µs) and the requests served so far per app, so that the runner can
// compute the server's CPU time per request, which a busy shared machine does not distort as much as
// requests per second.
process.on('message', (message) => {
  if (message === 'snapshot') {
    const { user, system } = process.cpuUsage();
    process.send?.({ snapshot: { cpu: user + system, served: { ...served } } });
  }
});
process.on('disconnect', () => process.exit(0));
