// The Hono and Fetch end-to-end apps, in a child process of bench/hono-e2e.mjs (so that the load generator
// and the servers do not share an event loop), each on its own 127.0.0.1 port through @hono/node-server.
// argv[2] is the case id; sends {ports} to the parent once listening, and CPU snapshots on request.
import { serve } from '@hono/node-server';
import { honoE2eApps } from './hono-e2e-apps.mjs';

const apps = honoE2eApps(process.argv[2]);

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
