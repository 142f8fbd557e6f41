/**
 * Runs inside the runtime under test (Node, Bun or Deno), compiled to JavaScript next to the packed package
 * (see consumer.ts): builds the conformance applications (../conformance/apps.ts) for every scenario from the
 * modules its entry file loads (entries/esm.mjs with `import`, entries/cjs.cjs with `require`), serves each on
 * its own loopback port, and prints one JSON line: the ports per adapter (or why an adapter did not start),
 * a control port that answers how many times `console.error` was called so far, and where `corsgate` resolved.
 *
 * Fetch-style applications are served by the runtime's own server: `Bun.serve`, `Deno.serve`, and
 * `@hono/node-server` on Node. The node:http applications use the runtime's `node:http`.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { createAdaptorServer } from '@hono/node-server';
import type express from 'express';
import type Fastify from 'fastify';
import type { Hono } from 'hono';
import type Koa from 'koa';
import type corsExpress from '../../src/adapters/express.js';
import type corsgateFastify from '../../src/adapters/fastify.js';
import type { withCors } from '../../src/adapters/fetch.js';
import type corsHono from '../../src/adapters/hono.js';
import type corsKoa from '../../src/adapters/koa.js';
import type { createCorsHandler } from '../../src/adapters/node.js';
import {
  connectApp,
  expressApp,
  type FetchHandler,
  fastifyApp,
  fetchApp,
  honoApp,
  koaApp,
  type Listener,
  nodeApp,
} from '../conformance/apps.js';
import { HONO_DEFAULT_METHODS, KOA_DEFAULT_METHODS, type Scenario, scenarios } from '../conformance/scenarios.js';

/** How the entry file loads each module: `import()` in ESM, `require()` in CommonJS. */
export interface Loaders {
  /** `corsgate`: the Express/Connect middleware factory. */
  corsgate(): Promise<typeof corsExpress>;
  node(): Promise<typeof createCorsHandler>;
  fetch(): Promise<typeof withCors>;
  hono(): Promise<typeof corsHono>;
  fastify(): Promise<typeof corsgateFastify>;
  koa(): Promise<typeof corsKoa>;
  express(): Promise<typeof express>;
  express4(): Promise<typeof express>;
  Fastify(): Promise<typeof Fastify>;
  Koa(): Promise<typeof Koa>;
  Koa2(): Promise<typeof Koa>;
  Hono(): Promise<typeof Hono>;
  nodeServer(): Promise<typeof createAdaptorServer>;
}

type App = { listener: Listener } | { fetch: FetchHandler } | { fastify: Awaited<ReturnType<typeof fastifyApp>> };
type Builder = (load: Loaders) => Promise<(scenario: Scenario) => App | Promise<App>>;

/** The adapters by the names the runner asks for, with what each serves. */
export const ADAPTERS = {
  express4: 'Express 4 (corsgate)',
  express5: 'Express 5 (corsgate)',
  connect: 'node:http with (req, res, next) (corsgate)',
  node: 'node:http (corsgate/node)',
  fetch: 'fetch (corsgate/fetch, the runtime’s own server)',
  hono: 'Hono (corsgate/hono, the runtime’s own server)',
  fastify: 'Fastify 5 (corsgate/fastify)',
  koa3: 'Koa 3 (corsgate/koa)',
  koa2: 'Koa 2 (corsgate/koa)',
} as const;
export type AdapterName = keyof typeof ADAPTERS;

/** Adapters whose default methods are their framework's own (see expectedFor in ../conformance/scenarios.ts). */
export const DEFAULT_METHODS_OF: Partial<Record<AdapterName, string>> = {
  hono: HONO_DEFAULT_METHODS,
  koa3: KOA_DEFAULT_METHODS,
  koa2: KOA_DEFAULT_METHODS,
};

const builders: Record<AdapterName, Builder> = {
  async express4(load) {
    const [factory, cors] = [await load.express4(), await load.corsgate()];
    return (scenario) => ({ listener: expressApp(factory, cors, scenario) });
  },
  async express5(load) {
    const [factory, cors] = [await load.express(), await load.corsgate()];
    return (scenario) => ({ listener: expressApp(factory, cors, scenario) });
  },
  async connect(load) {
    const cors = await load.corsgate();
    return (scenario) => ({ listener: connectApp(cors, scenario) });
  },
  async node(load) {
    const createHandler = await load.node();
    return (scenario) => ({ listener: nodeApp(createHandler, scenario) });
  },
  async fetch(load) {
    const wrap = await load.fetch();
    return (scenario) => ({ fetch: fetchApp(wrap, scenario) });
  },
  async hono(load) {
    const [HonoClass, cors] = [await load.Hono(), await load.hono()];
    return (scenario) => ({ fetch: honoApp(HonoClass, cors, scenario) });
  },
  async fastify(load) {
    const [factory, plugin] = [await load.Fastify(), await load.fastify()];
    return async (scenario) => ({ fastify: await fastifyApp(factory, plugin, scenario) });
  },
  async koa3(load) {
    const [Factory, cors] = [await load.Koa(), await load.koa()];
    return (scenario) => ({ listener: koaApp(Factory, cors, scenario) });
  },
  async koa2(load) {
    const [Factory, cors] = [await load.Koa2(), await load.koa()];
    return (scenario) => ({ listener: koaApp(Factory, cors, scenario) });
  },
};

interface BunGlobal {
  serve(options: { port: number; hostname: string; fetch: FetchHandler }): { port: number };
}
interface DenoGlobal {
  serve(
    options: { port: number; hostname: string; onListen(): void },
    handler: FetchHandler,
  ): { addr: { port: number } };
}
const runtime = globalThis as { Bun?: BunGlobal; Deno?: DenoGlobal };

async function listen(server: http.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function serveFetch(handler: FetchHandler, load: Loaders): Promise<number> {
  if (runtime.Bun !== undefined) return runtime.Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: handler }).port;
  if (runtime.Deno !== undefined) {
    return runtime.Deno.serve({ port: 0, hostname: '127.0.0.1', onListen() {} }, handler).addr.port;
  }
  const createAdaptorServer = await load.nodeServer();
  return listen(createAdaptorServer({ fetch: handler }) as http.Server);
}

async function serveApp(app: App, load: Loaders): Promise<number> {
  if ('listener' in app) return listen(http.createServer(app.listener));
  if ('fetch' in app) return serveFetch(app.fetch, load);
  await app.fastify.listen({ port: 0, host: '127.0.0.1' });
  return (app.fastify.server.address() as AddressInfo).port;
}

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Starts every named adapter's servers and prints the JSON line; the process then serves until killed.
 * `resolved` is where the entry file's `import`/`require` found `corsgate` (a path or a file: URL).
 */
export async function serve(load: Loaders, names: readonly string[], resolved: string): Promise<void> {
  let errors = 0;
  const consoleError = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    errors += 1;
    consoleError(...args);
  };
  const control = await listen(
    http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ errors }));
    }),
  );
  const adapters: Record<string, { ports: number[] } | { error: string }> = {};
  for (const name of names) {
    try {
      if (!(name in builders)) throw new Error(`unknown adapter ${name}`);
      const build = await builders[name as AdapterName](load);
      const ports: number[] = [];
      for (const scenario of scenarios) ports.push(await serveApp(await build(scenario), load));
      adapters[name] = { ports };
    } catch (err) {
      adapters[name] = { error: describeError(err) };
    }
  }
  process.stdout.write(`${JSON.stringify({ control, adapters, resolved })}\n`);
}
