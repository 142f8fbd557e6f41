/**
 * TypeScript code written for `cors` + `@types/cors` compiles against the PACKED corsgate (npm pack, then
 * npm install of the tarball in a scratch app outside this repository), under `--strict` and without
 * skipLibCheck: CommonJS (`import cors = require('corsgate')`, `cors.CorsOptions`, ...) and ESM, under
 * node10, node16/nodenext and bundler resolution. With @types/express installed the options delegate's
 * `req` is Express's Request; without it, Node's IncomingMessage. Each subpath (`corsgate/koa`, `/hono`,
 * `/fastify`, `/node`, `/fetch`) offers its options types to CommonJS (`import corsKoa = require('corsgate/koa')`,
 * `corsKoa.KoaCorsOptions`) as to ESM.
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installedVersion, installPacked, packRepository, scratchDir, writeFiles } from '../helpers/scratch.js';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const execFileAsync = promisify(execFile);

const scratch = scratchDir('types');
const withExpress = join(scratch.path, 'with-express');
const withoutExpress = join(scratch.path, 'without-express');

beforeAll(async () => {
  const tarball = await packRepository(scratch.path);
  const types = { '@types/node': installedVersion('@types/node') };
  await Promise.all([
    installPacked(withExpress, tarball, 'with-express', {
      express: installedVersion('express'),
      '@types/express': installedVersion('@types/express'),
      koa: installedVersion('koa'),
      '@types/koa': installedVersion('@types/koa'),
      fastify: installedVersion('fastify'),
      hono: installedVersion('hono'),
      ...types,
    }),
    installPacked(withoutExpress, tarball, 'without-express', types),
  ]);
}, 300_000);

afterAll(() => scratch.remove());

/** Compiles one consumer project; returns tsc's diagnostics ('' when it compiles). */
async function compile(dir: string, compilerOptions: Record<string, unknown>, files: Record<string, string>) {
  writeFiles(dir, {
    ...files,
    'tsconfig.json': JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: 'es2022',
        types: ['node'],
        ...compilerOptions,
      },
      include: Object.keys(files).filter((name) => /\.[cm]?ts$/.test(name)),
    }),
  });
  try {
    await execFileAsync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

/** As the `cors` README and @types/cors users write it, CommonJS style. */
const commonJsApp = `import cors = require('corsgate');
import express = require('express');
import type { CorsOptions } from 'corsgate';

const app = express();
app.use(cors());

const corsOptions: cors.CorsOptions = {
  origin: 'http://example.com',
  optionsSuccessStatus: 200,
};
app.get('/products/:id', cors(corsOptions), (req, res) => {
  res.json({ msg: 'This is CORS-enabled for only example.com.', id: req.params.id });
});

const allowlist = ['http://example1.com', 'http://example2.com'];
const dynamicOptions: CorsOptions = {
  origin: (origin, callback) => {
    if (origin === undefined || allowlist.indexOf(origin) !== -1) {
      callback(null, true);
    } else {
      callback(new Error('Not allowed by CORS'));
    }
  },
  credentials: true,
};
app.use('/dynamic', cors(dynamicOptions));

const corsOptionsDelegate: cors.CorsOptionsDelegate<express.Request> = (req, callback) => {
  let options: cors.CorsOptions;
  if (allowlist.indexOf(req.header('Origin') ?? '') !== -1) {
    options = { origin: true };
  } else {
    options = { origin: false };
  }
  callback(null, options);
};
app.get('/delegate-typed', cors<express.Request>(corsOptionsDelegate), (_req, res) => {
  res.json({ ok: true });
});
const anyRequest: cors.CorsOptionsDelegate<cors.CorsRequest> = (req, callback) => {
  callback(null, { origin: req.method === 'GET' });
};
app.use(cors(anyRequest));
app.get('/delegate', cors(corsOptionsDelegate), (_req, res) => {
  res.json({ ok: true });
});

// Inline delegate: req is Express's Request, as with cors + @types/cors.
app.use(
  cors((req, callback) =>
    callback(null, {
      origin: allowlist.includes(req.header('Origin') ?? ''),
      credentials: req.path.startsWith('/api') && req.query.public === undefined,
    }),
  ),
);

// @ts-expect-error req is Express's Request, not any: a misspelt property is an error
cors((req, callback) => callback(null, { origin: req.hedaer('Origin') }));

const byHeaders: cors.CorsOptionsDelegate = (req, callback) => {
  callback(null, { origin: req.headers.origin === 'http://example1.com' });
};
app.use(cors(byHeaders));

function requestOrigin(req: cors.CorsRequest): string | undefined {
  return req.headers.origin;
}

export const handler: express.RequestHandler = cors({ origin: allowlist, maxAge: 600 });
app.options('/products/:id', cors());
// @ts-expect-error a typo in an option name is a type error
cors({ orign: 'http://example.com' });
export { app, requestOrigin };
`;

/** The same app, ESM style. */
const esmApp = `import cors, { type CorsOptions, type CorsOptionsDelegate, type CorsRequest, CorsConfigError } from 'corsgate';
import express, { type Request } from 'express';

const app = express();
app.use(cors());

const corsOptions: CorsOptions = { origin: ['https://app.example.com', /\\.example\\.com$/], credentials: true };
app.use('/api', cors(corsOptions));

const allowlist = ['https://app.example.com'];
app.use(
  cors({
    origin(origin, callback) {
      setTimeout(() => callback(null, origin !== undefined && allowlist.includes(origin)), 5);
    },
  }),
);
app.use(cors({ origin: async (origin) => origin === 'https://app.example.com' }));

const delegate: CorsOptionsDelegate<Request> = (req, callback) => {
  callback(null, { origin: req.header('Origin') === 'https://app.example.com', maxAge: Number(req.query.maxAge ?? 0) });
};
app.use(cors(delegate));
app.use(cors((req, callback) => callback(null, { origin: req.path.startsWith('/public') ? '*' : allowlist })));

export function originOf(req: CorsRequest): string | undefined {
  return req.headers.origin;
}
try {
  cors({ origin: 'https://app.example.com/' });
} catch (err) {
  if (!(err instanceof CorsConfigError)) throw err;
}
// @ts-expect-error maxAge is a number
cors({ maxAge: '600' });
// @ts-expect-error credentials is a boolean
const wrong: CorsOptions = { credentials: 'yes' };
export { app, wrong };
`;

/**
 * Every subpath, CommonJS style: `import x = require('corsgate/<subpath>')` and its options type as
 * `x.<Type>`, the names the ESM entry exports, in use with the framework.
 */
const commonJsSubpaths = `import corsKoa = require('corsgate/koa');
import corsHono = require('corsgate/hono');
import corsFastify = require('corsgate/fastify');
import corsNode = require('corsgate/node');
import corsFetch = require('corsgate/fetch');
import Koa = require('koa');
import Fastify = require('fastify');
import hono = require('hono');
import http = require('node:http');

const koaOptions: corsKoa.KoaCorsOptions = {
  origin: (ctx) => (ctx.get('Origin') === 'https://app.example.com' ? ctx.get('Origin') : ''),
  allowMethods: ['GET', 'POST'],
  credentials: true,
};
const koaOrigin: corsKoa.KoaOriginFunction = (ctx) => ctx.get('Origin');
const koaCredentials: corsKoa.KoaCredentialsFunction = (ctx) => ctx.path.startsWith('/api');
const koaAnswer: corsKoa.KoaOriginAnswer = 'https://app.example.com';
new Koa().use(corsKoa(koaOptions)).use(corsKoa.cors({ origin: koaOrigin, credentials: koaCredentials }));
// @ts-expect-error a typo in an option name is a type error
corsKoa({ allowMethod: ['GET'] });

const honoOptions: corsHono.HonoCorsOptions = { origin: ['https://app.example.com'], allowHeaders: ['Content-Type'] };
const honoOrigin: corsHono.HonoOriginFunction = (origin) => (origin === 'https://app.example.com' ? origin : null);
const honoMethods: corsHono.HonoMethodsFunction = () => ['GET'];
const honoAnswer: corsHono.HonoOriginAnswer = null;
new hono.Hono().use('/api/*', corsHono(honoOptions)).use(corsHono.cors({ origin: honoOrigin, allowMethods: honoMethods }));

const fastifyOptions: corsFastify.FastifyCorsOptions = { origin: ['https://app.example.com'], credentials: true };
const fastifyOrigin: corsFastify.FastifyOrigin = /\\.example\\.com$/;
const fastifyEntry: corsFastify.FastifyOriginEntry = 'https://app.example.com';
const fastifyHook: corsFastify.FastifyCorsHook = 'preHandler';
const fastifyFunction: corsFastify.FastifyOriginFunction = (origin, callback) => callback(null, origin !== undefined);
const fastifyDelegate: corsFastify.FastifyCorsOptionsDelegate = (_request, callback) => callback(null, fastifyOptions);
const fastifyRoute: corsFastify.FastifyRouteCorsOptions = { origin: false };
const app = Fastify();
void app.register(corsFastify, fastifyOptions);
void app.register(corsFastify.corsgate, { origin: fastifyFunction, hook: fastifyHook });
void app.register(corsFastify.default, { delegator: fastifyDelegate });
app.get('/open', { config: { cors: fastifyRoute } }, async () => 'open');

const nodeOptions: corsNode.NodeCorsOptions = { origin: ['https://app.example.com'] };
const handler: corsNode.CorsHandler = corsNode.createCorsHandler({ origin: ['https://app.example.com'] });
const asyncHandler: corsNode.AsyncCorsHandler = corsNode.createCorsHandler({ origin: async () => true });
const general: corsNode.CorsHandler | corsNode.AsyncCorsHandler = corsNode.createCorsHandler(nodeOptions);
http.createServer(async (req, res) => ((await general(req, res)) || handler(req, res) ? undefined : res.end())).listen(0);

const fetchOptions: corsFetch.FetchCorsOptions = { origin: ['https://app.example.com'] };
const fetchHooks: corsFetch.WithCorsHooks = { onError: () => new Response(null, { status: 503 }) };
const fetchHandler: corsFetch.FetchHandler = () => new Response('hello');
const decider: corsFetch.CorsDecider = corsFetch.createCorsDecider({ origin: ['https://app.example.com'] });
const asyncDecider: corsFetch.AsyncCorsDecider = corsFetch.createCorsDecider({ origin: async () => true });
const decision: corsFetch.CorsDecision = decider(new Request('https://api.example.com/'));
export const fetch = corsFetch.withCors(fetchHandler, fetchOptions, fetchHooks);

export { asyncDecider, asyncHandler, decision, fastifyEntry, fastifyOrigin, honoAnswer, koaAnswer };
`;

// Each program compiles several consumers at once (tsc is slow to start): node16/nodenext programs mix
// CommonJS (.cts, or .ts in a "type": "commonjs" package) and ESM (.mts) files, as a real project can.
describe('TypeScript consumers of the packed package, with @types/express', () => {
  const cases: [string, Record<string, unknown>, Record<string, string>][] = [
    [
      'node10 resolution: import cors = require(), and a default import with esModuleInterop',
      { module: 'commonjs', moduleResolution: 'node10', esModuleInterop: true, skipLibCheck: true },
      { 'require.ts': commonJsApp, 'subpaths.ts': commonJsSubpaths, 'default-import.ts': esmApp },
    ],
    [
      'nodenext: CommonJS (.cts and .ts in a CommonJS package) and ESM (.mts)',
      { module: 'nodenext', moduleResolution: 'nodenext', esModuleInterop: true, skipLibCheck: true },
      {
        'package.json': JSON.stringify({ type: 'commonjs' }),
        'require.cts': commonJsApp,
        'subpaths.ts': commonJsSubpaths,
        'default-import.ts': esmApp,
        'esm.mts': esmApp,
      },
    ],
    [
      'node16: an ESM package (.ts) and CommonJS (.cts)',
      { module: 'node16', moduleResolution: 'node16', skipLibCheck: true },
      {
        'package.json': JSON.stringify({ type: 'module' }),
        'esm.ts': esmApp,
        'require.cts': commonJsApp,
        'subpaths.cts': commonJsSubpaths,
      },
    ],
    [
      'bundler resolution: ESM imports and import = require (module preserve)',
      { module: 'preserve', moduleResolution: 'bundler', esModuleInterop: true, skipLibCheck: true },
      { 'esm.ts': esmApp, 'require.ts': commonJsApp, 'subpaths.ts': commonJsSubpaths },
    ],
  ];
  it.each(cases)(
    '%s: compiles under --strict',
    async (name, options, files) => {
      const dir = join(withExpress, 'projects', name.replace(/[^a-z0-9]+/gi, '-').slice(0, 40));
      expect(await compile(dir, options, files)).toBe('');
    },
    120_000,
  );
});

describe('TypeScript consumers of the packed package, without @types/express', () => {
  const plainNode = `import cors = require('corsgate');
import http = require('node:http');

const options: cors.CorsOptions = { origin: ['https://app.example.com'] };
const middleware = cors(options);
const delegated = cors((req, callback) => {
  const origin: string | undefined = req.headers.origin;
  callback(null, { origin: origin === 'https://app.example.com' });
});
// @ts-expect-error without @types/express, req is Node's IncomingMessage: no req.query
cors((req, callback) => callback(null, { origin: req.query.origin }));
http.createServer((req, res) => middleware(req, res, () => delegated(req, res, () => res.end()))).listen(0);
`;
  const plainEsm = `import cors, { type CorsOptions } from 'corsgate';
import type { IncomingMessage } from 'node:http';
const options: CorsOptions = { origin: true, onRefused: (refusal, req: IncomingMessage) => console.log(refusal.message, req.url) };
export const middleware = cors(options);
export const delegated = cors((req, callback) => callback(null, { origin: req.headers.origin === 'https://a.example' }));
// @ts-expect-error req is IncomingMessage, not any
cors((req, callback) => callback(null, { origin: req.path }));
`;
  it('node16, CommonJS and ESM, no skipLibCheck: compiles under --strict, req is IncomingMessage', async () => {
    const dir = join(withoutExpress, 'projects', 'node16');
    const options = { module: 'node16', moduleResolution: 'node16', skipLibCheck: false };
    expect(await compile(dir, options, { 'app.cts': plainNode, 'app.mts': plainEsm })).toBe('');
  }, 120_000);
});
