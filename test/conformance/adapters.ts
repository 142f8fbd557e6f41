/**
 * Every adapter under test, from src/, each serving one of the applications in apps.ts (the same ones the
 * runtime matrix builds from the packed package inside each runtime).
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
import corsKoa from '../../src/adapters/koa.js';
import { createCorsHandler } from '../../src/adapters/node.js';
import {
  connectApp,
  expressApp,
  fastifyApp,
  fetchApp,
  type HonoSpelling,
  honoApp,
  koaApp,
  nodeApp,
  PATH,
} from './apps.js';
import { type Observed, pick, send } from './client.js';
import { koaSpellings } from './koa-spellings.js';
import { HONO_DEFAULT_METHODS, KOA_DEFAULT_METHODS, type Scenario, type ScenarioRequest } from './scenarios.js';

export type { Observed } from './client.js';

const require = createRequire(import.meta.url);
const express4 = require('express4') as typeof express;
const Koa2 = require('koa2') as typeof Koa;

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

function httpTarget(server: http.Server, close: () => Promise<void>): Target {
  const { port } = server.address() as AddressInfo;
  return { close, send: (request) => send(port, PATH, request) };
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
  return { name, start: (scenario) => listen(http.createServer(expressApp(factory, corsExpress, scenario))) };
}

const nodeAdapter: Adapter = {
  name: 'node:http (corsgate/node)',
  start: (scenario) => listen(http.createServer(nodeApp(createCorsHandler, scenario))),
};

const connectAdapter: Adapter = {
  name: 'node:http with (req, res, next) (corsgate)',
  start: (scenario) => listen(http.createServer(connectApp(corsExpress, scenario))),
};

const fetchObjectsAdapter: Adapter = {
  name: 'fetch (Request/Response objects)',
  async start(scenario) {
    const handler = fetchApp(withCors, scenario);
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
  start: (scenario) => listen(createAdaptorServer({ fetch: fetchApp(withCors, scenario) }) as http.Server),
};

function honoAdapter(spelling: HonoSpelling): Adapter {
  return {
    name: `Hono (corsgate/hono, ${spelling === 'hono' ? "hono/cors's" : "cors's"} option names, @hono/node-server)`,
    defaultMethods: HONO_DEFAULT_METHODS,
    start: (scenario) =>
      listen(createAdaptorServer({ fetch: honoApp(Hono, corsHono, scenario, spelling) }) as http.Server),
  };
}

/** corsgate/fastify with the scenario's options as a `@fastify/cors` user writes them. */
const fastifyAdapter: Adapter = {
  name: 'Fastify 5 (corsgate/fastify, @fastify/cors options)',
  async start(scenario) {
    const app = await fastifyApp(Fastify, corsgateFastify, scenario);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return httpTarget(app.server, () => app.close());
  },
};

/**
 * corsgate/koa with the table's options (`spelling: 'corsgate'`), or with `@koa/cors`'s spelling of them
 * (koa-spellings.ts), for the scenarios it can express.
 */
function koaAdapter(name: string, Factory: typeof Koa, spelling: 'corsgate' | 'koa' = 'corsgate'): Adapter {
  return {
    name,
    defaultMethods: KOA_DEFAULT_METHODS,
    supports: (scenario) => spelling === 'corsgate' || koaSpellings[scenario.name] !== undefined,
    start: (scenario) =>
      listen(
        http.createServer(
          koaApp(Factory, corsKoa, scenario, spelling === 'koa' ? koaSpellings[scenario.name] : undefined),
        ),
      ),
  };
}

export const adapters: readonly Adapter[] = [
  expressAdapter('Express 4 (corsgate)', express4),
  expressAdapter('Express 5 (corsgate)', express),
  connectAdapter,
  nodeAdapter,
  fetchObjectsAdapter,
  fetchNodeServerAdapter,
  honoAdapter('hono'),
  honoAdapter('cors'),
  fastifyAdapter,
  koaAdapter('Koa 3 (corsgate/koa)', Koa),
  koaAdapter('Koa 2 (corsgate/koa)', Koa2),
  koaAdapter('Koa 3 (corsgate/koa, @koa/cors options)', Koa, 'koa'),
  koaAdapter('Koa 2 (corsgate/koa, @koa/cors options)', Koa2, 'koa'),
];
