/**
 * Every adapter under test, each behind the same small application: `/resource` answers every method
 * with 200, body `app` and `X-App: <method>`; when the scenario says so, the application sets its own
 * `Vary` (before corsgate runs, or in its handler for the Fetch-style adapters). Each harness uses the
 * framework's own error handling, quietened.
 */
import { once } from 'node:events';
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { createAdaptorServer } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import corsExpress from '../../src/adapters/express.js';
import corsgateFastify from '../../src/adapters/fastify.js';
import { withCors } from '../../src/adapters/fetch.js';
import corsHono from '../../src/adapters/hono.js';
import corsKoa, { type KoaCorsOptions } from '../../src/adapters/koa.js';
import { createCorsHandler } from '../../src/adapters/node.js';
import type { CorsOptions, OriginCallback, OriginCallbackResult } from '../../src/core/index.js';
import { KOA_DEFAULT_METHODS, koaSpellings } from './koa-spellings.js';
import { CORS_HEADERS, type CorsHeaderName, type Scenario, type ScenarioRequest } from './scenarios.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express;
const Koa2 = require('koa2') as typeof Koa;

/** What the table compares. */
export interface Observed {
  readonly status: number;
  readonly reachedApp: boolean;
  readonly headers: Partial<Record<CorsHeaderName, string>>;
  readonly vary: string | undefined;
  /** CORS header names that appeared more than once on the wire (must stay empty). */
  readonly repeated: readonly string[];
}

export interface Target {
  send(request: ScenarioRequest): Promise<Observed>;
  close(): Promise<void>;
}

export interface Adapter {
  readonly name: string;
  /** The methods allowed when the options name none, when they are the framework's own (default: cors's). */
  readonly defaultMethods?: string;
  /** False for a scenario the adapter's spelling cannot express (only the native-spelling adapters). */
  supports?(scenario: Scenario): boolean;
  start(scenario: Scenario): Promise<Target>;
}

const PATH = '/resource';

function pick(get: (name: string) => string | undefined): Pick<Observed, 'headers' | 'vary'> {
  const headers: Partial<Record<CorsHeaderName, string>> = {};
  for (const name of CORS_HEADERS) {
    const value = get(name);
    if (value !== undefined) headers[name] = value;
  }
  return { headers, vary: get('vary') };
}

/** Sends the request to a real server with node:http (which sets `Origin` and `Cookie` as given). */
function httpTarget(server: http.Server, close: () => Promise<void>): Target {
  const { port } = server.address() as AddressInfo;
  return {
    close,
    send: (request) =>
      new Promise((resolve, reject) => {
        const req = http.request(
          { host: '127.0.0.1', port, path: PATH, method: request.method, headers: request.headers, agent: false },
          (res) => {
            res.resume();
            res.on('error', reject);
            res.on('end', () => {
              const seen = new Map<string, number>();
              for (let i = 0; i < res.rawHeaders.length; i += 2) {
                const name = (res.rawHeaders[i] as string).toLowerCase();
                seen.set(name, (seen.get(name) ?? 0) + 1);
              }
              const repeated = [...seen].filter(([n, c]) => c > 1 && n.startsWith('access-control-')).map(([n]) => n);
              const h = res.headers;
              resolve({
                status: res.statusCode ?? 0,
                reachedApp: h['x-app'] === request.method,
                ...pick((name) => {
                  const value = h[name];
                  return Array.isArray(value) ? value.join(', ') : value;
                }),
                repeated,
              });
            });
          },
        );
        req.on('error', reject);
        req.end();
      }),
  };
}

async function listen(server: http.Server): Promise<Target> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return httpTarget(server, async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });
}

function expressAdapter(name: string, factory: typeof express): Adapter {
  return {
    name,
    start(scenario) {
      const app = factory();
      app.set('env', 'test'); // the default error handler answers 500 without logging
      const appVary = scenario.appVary;
      if (appVary !== undefined) {
        app.use((_req, res, next) => {
          res.setHeader('Vary', appVary);
          next();
        });
      }
      app.use(corsExpress(scenario.options));
      app.all(PATH, (req, res) => {
        res.setHeader('X-App', req.method);
        res.status(200).send('app');
      });
      return listen(http.createServer(app));
    },
  };
}

function answerApp(req: http.IncomingMessage, res: http.ServerResponse): void {
  res.setHeader('X-App', req.method ?? '');
  res.statusCode = 200;
  res.end('app');
}

const nodeAdapter: Adapter = {
  name: 'node:http (corsgate/node)',
  start(scenario) {
    const cors = createCorsHandler(scenario.options);
    return listen(
      http.createServer(async (req, res) => {
        if (scenario.appVary !== undefined) res.setHeader('Vary', scenario.appVary);
        try {
          if (await cors(req, res)) return;
        } catch {
          res.statusCode = 500;
          res.end('error');
          return;
        }
        answerApp(req, res);
      }),
    );
  },
};

const connectAdapter: Adapter = {
  name: 'node:http with (req, res, next) (corsgate)',
  start(scenario) {
    const cors = corsExpress(scenario.options);
    return listen(
      http.createServer((req, res) => {
        if (scenario.appVary !== undefined) res.setHeader('Vary', scenario.appVary);
        cors(req, res, (err) => {
          if (err !== undefined) {
            res.statusCode = 500;
            res.end('error');
          } else answerApp(req, res);
        });
      }),
    );
  },
};

function fetchApp(scenario: Scenario): (request: Request) => Response {
  return (request) => {
    const headers = new Headers({ 'X-App': request.method });
    if (scenario.appVary !== undefined) headers.set('Vary', scenario.appVary);
    return new Response('app', { status: 200, headers });
  };
}

const fetchObjectsAdapter: Adapter = {
  name: 'fetch (Request/Response objects)',
  async start(scenario) {
    const handler = withCors(fetchApp(scenario), scenario.options);
    return {
      close: async () => {},
      async send(request) {
        const response = await handler(
          new Request(`http://localhost${PATH}`, { method: request.method, headers: request.headers }),
        );
        await response.arrayBuffer();
        return {
          status: response.status,
          reachedApp: response.headers.get('x-app') === request.method,
          ...pick((name) => response.headers.get(name) ?? undefined),
          repeated: [],
        };
      },
    };
  },
};

const fetchNodeServerAdapter: Adapter = {
  name: 'fetch (through @hono/node-server)',
  start(scenario) {
    const server = createAdaptorServer({ fetch: withCors(fetchApp(scenario), scenario.options) });
    return listen(server as http.Server);
  },
};

const honoAdapter: Adapter = {
  name: 'Hono (corsgate/hono, @hono/node-server)',
  start(scenario) {
    const app = new Hono();
    app.onError((_err, c) => c.text('error', 500)); // Hono's error handling, without its console.error
    app.use(corsHono(scenario.options));
    app.all(PATH, (c) => {
      if (scenario.appVary !== undefined) c.header('Vary', scenario.appVary);
      c.header('X-App', c.req.method);
      return c.text('app', 200);
    });
    return listen(createAdaptorServer({ fetch: app.fetch }) as http.Server);
  },
};

const fastifyAdapter: Adapter = {
  name: 'Fastify 5 (corsgate/fastify)',
  async start(scenario) {
    const app = Fastify();
    const appVary = scenario.appVary;
    if (appVary !== undefined) {
      app.addHook('onRequest', (_request, reply, done) => {
        reply.header('Vary', appVary);
        done();
      });
    }
    await app.register(corsgateFastify, scenario.options);
    app.route({
      method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      url: PATH,
      handler: (request, reply) => {
        reply.header('X-App', request.method);
        reply.code(200).send('app');
      },
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return httpTarget(app.server, () => app.close());
  },
};

/**
 * corsgate/koa reads a one-parameter origin function as @koa/cors's `(ctx) => string`; the table's cors-style
 * `(origin) => boolean | Promise<boolean>` is given to it in the shape corsgate/koa reads as cors's:
 * `(origin, callback)`, answering what the function answers.
 */
function corsgateSpellingForKoa(options: CorsOptions): CorsOptions {
  const origin = options.origin;
  if (typeof origin !== 'function' || origin.length >= 2) return options;
  const answer = origin as (origin: string | undefined) => ReturnType<OriginCallback>;
  return {
    ...options,
    origin: (requestOrigin, callback) => {
      Promise.resolve(answer(requestOrigin)).then(
        (allowed) => callback(null, allowed === undefined ? undefined : (allowed as OriginCallbackResult)),
        (err: Error) => callback(err),
      );
    },
  };
}

function koaAdapter(name: string, Factory: typeof Koa, spelling: 'corsgate' | 'koa' = 'corsgate'): Adapter {
  return {
    name,
    defaultMethods: KOA_DEFAULT_METHODS,
    supports: (scenario) => spelling === 'corsgate' || koaSpellings[scenario.name] !== undefined,
    start(scenario) {
      const app = new Factory();
      app.silent = true; // Koa's error handling answers 500 without logging
      const appVary = scenario.appVary;
      if (appVary !== undefined) {
        app.use((ctx, next) => {
          ctx.set('Vary', appVary);
          return next();
        });
      }
      app.use(
        spelling === 'koa'
          ? corsKoa(koaSpellings[scenario.name] as KoaCorsOptions)
          : corsKoa(corsgateSpellingForKoa(scenario.options)),
      );
      app.use((ctx) => {
        if (ctx.path !== PATH) return;
        ctx.set('X-App', ctx.method);
        ctx.status = 200;
        ctx.body = 'app';
      });
      return listen(http.createServer(app.callback()));
    },
  };
}

export const adapters: readonly Adapter[] = [
  expressAdapter('Express 4 (corsgate)', express4),
  expressAdapter('Express 5 (corsgate)', express),
  connectAdapter,
  nodeAdapter,
  fetchObjectsAdapter,
  fetchNodeServerAdapter,
  honoAdapter,
  fastifyAdapter,
  koaAdapter('Koa 3 (corsgate/koa)', Koa),
  koaAdapter('Koa 2 (corsgate/koa)', Koa2),
  koaAdapter('Koa 3 (corsgate/koa, @koa/cors options)', Koa, 'koa'),
  koaAdapter('Koa 2 (corsgate/koa, @koa/cors options)', Koa2, 'koa'),
];
