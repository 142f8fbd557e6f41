/**
 * The applications the conformance table runs against, one per adapter, each built from the modules it is
 * given: corsgate from src/ in the unit suite (adapters.ts), the packed package inside every runtime of the
 * runtime matrix (test/runtimes). Each answers `/resource` with 200, body `app` and `X-App: <method>`; when
 * the scenario says so, the application sets its own `Vary` (before corsgate runs, or in its handler for
 * `corsgate/fetch`). Each uses the framework's own error handling, quietened.
 *
 * Type imports only: the runtimes load the compiled file with nothing but the packed package and the
 * frameworks beside it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type express from 'express';
import type Fastify from 'fastify';
import type { FastifyInstance } from 'fastify';
import type { Hono } from 'hono';
import type Koa from 'koa';
import type corsExpress from '../../src/adapters/express.js';
import type { default as corsgateFastify, FastifyCorsOptions } from '../../src/adapters/fastify.js';
import type { withCors } from '../../src/adapters/fetch.js';
import type { default as corsHono, HonoCorsOptions } from '../../src/adapters/hono.js';
import type { default as corsKoa, KoaCorsOptions } from '../../src/adapters/koa.js';
import type { createCorsHandler } from '../../src/adapters/node.js';
import type { CorsOptions, OriginCallback, OriginCallbackResult } from '../../src/core/index.js';
import type { Scenario } from './scenarios.js';

export const PATH = '/resource';

export type Listener = (req: IncomingMessage, res: ServerResponse) => void;
export type FetchHandler = (request: Request) => Response | Promise<Response>;

export function expressApp(factory: typeof express, cors: typeof corsExpress, scenario: Scenario): Listener {
  const app = factory();
  app.set('env', 'test'); // the default error handler answers 500 without logging
  const appVary = scenario.appVary;
  if (appVary !== undefined) {
    app.use((_req, res, next) => {
      res.setHeader('Vary', appVary);
      next();
    });
  }
  app.use(cors(scenario.options));
  app.all(PATH, (req, res) => {
    res.setHeader('X-App', req.method);
    res.status(200).send('app');
  });
  return app;
}

function answerApp(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader('X-App', req.method ?? '');
  res.statusCode = 200;
  res.end('app');
}

/** node:http with `corsgate/node`'s `createCorsHandler`. */
export function nodeApp(createHandler: typeof createCorsHandler, scenario: Scenario): Listener {
  const cors = createHandler(scenario.options);
  return async (req, res) => {
    if (scenario.appVary !== undefined) res.setHeader('Vary', scenario.appVary);
    try {
      if (await cors(req, res)) return;
    } catch {
      res.statusCode = 500;
      res.end('error');
      return;
    }
    answerApp(req, res);
  };
}

/** node:http calling the Express-style middleware as `(req, res, next)`, as Connect and plain servers do. */
export function connectApp(cors: typeof corsExpress, scenario: Scenario): Listener {
  const middleware = cors(scenario.options);
  return (req, res) => {
    if (scenario.appVary !== undefined) res.setHeader('Vary', scenario.appVary);
    middleware(req, res, (err) => {
      if (err !== undefined) {
        res.statusCode = 500;
        res.end('error');
      } else answerApp(req, res);
    });
  };
}

/** The application's own Fetch handler, without CORS. */
export function fetchHandler(scenario: Scenario): FetchHandler {
  return (request) => {
    const headers = new Headers({ 'X-App': request.method });
    if (scenario.appVary !== undefined) headers.set('Vary', scenario.appVary);
    return new Response('app', { status: 200, headers });
  };
}

/** `withCors` from `corsgate/fetch` around the application's Fetch handler. */
export function fetchApp(wrap: typeof withCors, scenario: Scenario): FetchHandler {
  return wrap(fetchHandler(scenario), scenario.options);
}

/** How the options are spelt for `corsgate/hono`: `hono/cors`'s names, or cors's. */
export type HonoSpelling = 'hono' | 'cors';

/**
 * corsgate/hono's options: with `hono/cors`'s names (the table's `hono` spelling where it has one), or with
 * cors's names. Either way an origin function has `hono/cors`'s shape `(origin, c) => string | null`: a row
 * whose origin is a function runs with its `hono` origin where it has one.
 */
export function honoOptions(scenario: Scenario, spelling: HonoSpelling): HonoCorsOptions {
  if (spelling === 'hono' && scenario.hono !== undefined) return scenario.hono;
  const origin = scenario.options.origin;
  if (typeof origin !== 'function') return scenario.options as HonoCorsOptions;
  if (scenario.hono?.origin !== undefined)
    return { ...(scenario.options as HonoCorsOptions), origin: scenario.hono.origin };
  if (origin.length < 2) return scenario.options as HonoCorsOptions;
  if (scenario.hono === undefined)
    throw new Error(`${scenario.name}: a node-style origin callback needs a hono spelling`);
  return { ...(scenario.options as HonoCorsOptions), origin: scenario.hono.origin };
}

/**
 * Hono with `corsgate/hono`, the application's `Vary` set by an earlier middleware with `c.header()`; the
 * result is the app's `fetch`.
 */
export function honoApp(
  HonoClass: typeof Hono,
  cors: typeof corsHono,
  scenario: Scenario,
  spelling: HonoSpelling = 'hono',
): FetchHandler {
  const app = new HonoClass();
  app.onError((_err, c) => c.text('error', 500)); // Hono's error handling, without its console.error
  const appVary = scenario.appVary;
  if (appVary !== undefined) {
    app.use(async (c, next) => {
      c.header('Vary', appVary);
      await next();
    });
  }
  app.use(cors(honoOptions(scenario, spelling)));
  app.all(PATH, (c) => {
    c.header('X-App', c.req.method);
    return c.text('app', 200);
  });
  return app.fetch;
}

/** Fastify with the `corsgate/fastify` plugin (options in `@fastify/cors`'s spelling), registered and not yet listening. */
export async function fastifyApp(
  factory: typeof Fastify,
  plugin: typeof corsgateFastify,
  scenario: Scenario,
): Promise<FastifyInstance> {
  const app = factory();
  const appVary = scenario.appVary;
  if (appVary !== undefined) {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.header('Vary', appVary);
      done();
    });
  }
  // The scenario as a `@fastify/cors` user writes it (its defaults differ from `cors`'s), when it differs.
  await app.register(plugin, scenario.fastify ?? (scenario.options as FastifyCorsOptions));
  app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    url: PATH,
    handler: (request, reply) => {
      reply.header('X-App', request.method);
      reply.code(200).send('app');
    },
  });
  return app;
}

/**
 * corsgate/koa reads a one-parameter origin function as `@koa/cors`'s `(ctx) => string`; the table's
 * cors-style `(origin) => boolean | Promise<boolean>` is given to it in the shape corsgate/koa reads as
 * cors's, `(origin, callback)`, answering what the function answers.
 */
export function koaSpellingOfCorsOptions(options: CorsOptions): CorsOptions {
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

/** `koaOptions`: the scenario in `@koa/cors`'s spelling (test/conformance/koa-spellings.ts), if given. */
export function koaApp(
  Factory: typeof Koa,
  cors: typeof corsKoa,
  scenario: Scenario,
  koaOptions?: KoaCorsOptions,
): Listener {
  const app = new Factory();
  app.silent = true; // Koa's error handling answers 500 without logging
  const appVary = scenario.appVary;
  if (appVary !== undefined) {
    app.use((ctx, next) => {
      ctx.set('Vary', appVary);
      return next();
    });
  }
  app.use(koaOptions !== undefined ? cors(koaOptions) : cors(koaSpellingOfCorsOptions(scenario.options)));
  app.use((ctx) => {
    if (ctx.path !== PATH) return;
    ctx.set('X-App', ctx.method);
    ctx.status = 200;
    ctx.body = 'app';
  });
  return app.callback();
}
