// The Hono and Fetch end-to-end apps of bench/hono-e2e-server.mjs, served by Bun's own server (`Bun.serve`),
// for `node bench/hono-e2e.mjs --bun <path to bun>`. argv[2] is the case id; prints {"ports": ...} as one
// line once listening. Bun has no IPC with the Node runner here, so only requests per second are measured.
import { honoE2eApps } from './hono-e2e-apps.mjs';

const apps = honoE2eApps(process.argv[2]);

const ports = {};
for (const [name, fetch] of Object.entries(apps)) {
  ports[name] = Bun.serve({ fetch, port: 0, hostname: '127.0.0.1' }).port;
}
console.log(JSON.stringify({ ports }));
