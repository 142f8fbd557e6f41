// The worker of the runtime matrix on workerd (bundled with esbuild together with the packed package and
// Hono, see ../consumer.ts): `corsgate/fetch` and `corsgate/hono` serve every scenario of the conformance
// table, at /fetch/<n>/resource and /hono/<n>/resource; /__errors answers how many times console.error ran.
import { withCors } from 'corsgate/fetch';
import cors from 'corsgate/hono';
import { Hono } from 'hono';
import { fetchApp, honoApp, PATH } from '../conformance/apps.js';
import { scenarios } from '../conformance/scenarios.js';

let errors = 0;
const consoleError = console.error.bind(console);
console.error = (...args) => {
  errors += 1;
  consoleError(...args);
};

const build = {
  fetch: (scenario) => fetchApp(withCors, scenario),
  hono: (scenario) => honoApp(Hono, cors, scenario),
};
const apps = { fetch: new Map(), hono: new Map() };

export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === '/__errors') return Response.json({ errors });
    const match = /^\/(fetch|hono)\/(\d+)(\/.*)$/.exec(url.pathname);
    const scenario = match && scenarios[Number(match[2])];
    if (!match || scenario === undefined || match[3] !== PATH) return new Response('no such scenario', { status: 404 });
    const [, adapter, index] = match;
    let app = apps[adapter].get(index);
    if (app === undefined) {
      app = build[adapter](scenario);
      apps[adapter].set(index, app);
    }
    return app(new Request(new URL(PATH, url), request));
  },
};
