/**
 * The drop-in check for Koa: the same configurations (from @koa/cors's README and option list) and the same
 * requests against `@koa/cors` and `corsgate/koa`, on identical Koa apps (Koa 2 and 3). Status, body, every
 * Access-Control-* header, the secureContext headers, an error's own header and Vary must be equal, except
 * for the differences listed in the README's Koa section. Each difference says when it applies, asserts that
 * it really occurs, and says how corsgate's answer follows from @koa/cors's; after that, everything must be
 * equal. Settings @koa/cors accepts and corsgate refuses at start-up are checked at the end.
 */
import { createRequire } from 'node:module';
import koaCors from '@koa/cors';
import Koa, { type Middleware } from 'koa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corsgate, { type KoaCorsOptions } from '../../src/adapters/koa.js';
import { CorsConfigError, isSerializedOrigin, mergeVary } from '../../src/core/index.js';
import { type ListedDifference, listedDifferences } from '../helpers/listed-differences.js';
import { type Reply, type Sent, type Served, send, serve } from '../helpers/server.js';

const require = createRequire(import.meta.url);
const Koa2 = require('koa2') as typeof Koa;

const A = 'https://app.example';
const C = 'https://admin.example';
const B = 'https://evil.example';

/** How corsgate decides the origin for a configuration (to know which differences apply). */
type Kind = 'any' | 'string' | 'allowlist-function' | 'reflect-function';
interface Config {
  readonly name: string;
  /** @koa/cors options, given unchanged to both packages. */
  readonly options: KoaCorsOptions;
  readonly kind: Kind;
  /** For `string` and `allowlist-function`: the origins allowed. */
  readonly allowed?: readonly string[];
  /** The origin function answers `'*'` for a request without Origin (@koa/cors 5's README snippet). */
  readonly starWithoutOrigin?: boolean;
  /** The effective credentials answer for the test's requests. */
  readonly credentials?: boolean;
}

const allowlist = [A, C];
const fromAllowlist = (ctx: Koa.Context) => (allowlist.includes(ctx.get('Origin')) ? ctx.get('Origin') : '');

const configs: readonly Config[] = [
  { name: 'cors() (README quick start)', options: {}, kind: 'any' },
  {
    name: "origin(ctx) { return ctx.get('Origin') || '*' } (README: 4.0 behaviour)",
    options: {
      origin(ctx) {
        return ctx.get('Origin') || '*';
      },
    },
    kind: 'reflect-function',
    starWithoutOrigin: true,
  },
  { name: "origin: '*'", options: { origin: '*' }, kind: 'any' },
  { name: 'origin string', options: { origin: A }, kind: 'string', allowed: [A] },
  {
    name: 'origin function (allowlist)',
    options: { origin: fromAllowlist },
    kind: 'allowlist-function',
    allowed: allowlist,
  },
  {
    name: 'async origin function',
    options: { origin: async (ctx) => fromAllowlist(ctx) },
    kind: 'allowlist-function',
    allowed: allowlist,
  },
  {
    name: 'every option',
    options: {
      origin: fromAllowlist,
      allowMethods: ['GET', 'POST', 'PUT'],
      allowHeaders: ['Content-Type', 'X-Token'],
      exposeHeaders: ['X-Total', 'X-Page'],
      maxAge: 600,
      credentials: true,
      keepHeadersOnError: true,
      privateNetworkAccess: true,
    },
    kind: 'allowlist-function',
    allowed: allowlist,
    credentials: true,
  },
  {
    name: 'string lists, maxAge as a string',
    options: { origin: A, allowMethods: 'GET,PUT', allowHeaders: 'Content-Type,X-Token', maxAge: '600' },
    kind: 'string',
    allowed: [A],
  },
  {
    name: 'credentials function (async)',
    options: { origin: fromAllowlist, credentials: async (ctx) => ctx.path.startsWith('/c') },
    kind: 'allowlist-function',
    allowed: allowlist,
    credentials: true,
  },
  {
    name: 'credentials false',
    options: { origin: A, credentials: false },
    kind: 'string',
    allowed: [A],
  },
  { name: 'maxAge 0', options: { origin: A, maxAge: 0 }, kind: 'string', allowed: [A] },
  {
    name: 'lower-case allowMethods',
    options: { origin: A, allowMethods: 'get,put,patch' },
    kind: 'string',
    allowed: [A],
  },
  { name: 'secureContext', options: { secureContext: true }, kind: 'any' },
  {
    name: 'secureContext with an origin function',
    options: { origin: fromAllowlist, secureContext: true },
    kind: 'allowlist-function',
    allowed: allowlist,
  },
  { name: 'keepHeadersOnError false', options: { origin: A, keepHeadersOnError: false }, kind: 'string', allowed: [A] },
  { name: 'empty allowHeaders reflects', options: { origin: A, allowHeaders: [] }, kind: 'string', allowed: [A] },
];

interface Request {
  readonly name: string;
  readonly sent: Sent;
  /** The application throws for this request (with its own header, `X-Request-Id`). */
  readonly throws?: boolean;
}
const pf = (
  origin: string | undefined,
  method: string,
  headers?: string,
  extra: Record<string, string> = {},
): Sent => ({
  method: 'OPTIONS',
  headers: {
    ...(origin !== undefined ? { Origin: origin } : {}),
    'Access-Control-Request-Method': method,
    ...(headers !== undefined ? { 'Access-Control-Request-Headers': headers } : {}),
    ...extra,
  },
});
const requests: readonly Request[] = [
  { name: 'GET from A', sent: { headers: { Origin: A } } },
  { name: 'POST from C', sent: { method: 'POST', headers: { Origin: C } } },
  { name: 'GET from B', sent: { headers: { Origin: B } } },
  { name: 'GET without Origin', sent: {} },
  { name: 'preflight from A', sent: pf(A, 'PUT', 'content-type,x-token') },
  { name: 'preflight from A, no headers', sent: pf(A, 'DELETE') },
  { name: 'preflight from A, headers not browser-shaped', sent: pf(A, 'PUT', 'X-Token, Content-Type') },
  {
    name: 'preflight from A, Private Network Access',
    sent: pf(A, 'GET', undefined, { 'Access-Control-Request-Private-Network': 'true' }),
  },
  { name: 'preflight from B', sent: pf(B, 'PUT', 'x-token') },
  { name: 'OPTIONS from A without Access-Control-Request-Method', sent: { method: 'OPTIONS', headers: { Origin: A } } },
  { name: 'OPTIONS without Origin', sent: { method: 'OPTIONS' } },
  { name: 'OPTIONS with Access-Control-Request-Method but no Origin', sent: pf(undefined, 'PUT') },
  { name: 'GET from null', sent: { headers: { Origin: 'null' } } },
  { name: 'GET from a malformed origin', sent: { headers: { Origin: 'https://app.example/' } } },
  { name: 'GET from A, the application throws', sent: { headers: { Origin: A } }, throws: true },
  { name: 'GET from B, the application throws', sent: { headers: { Origin: B } }, throws: true },
];

const ISOLATION = ['cross-origin-opener-policy', 'cross-origin-embedder-policy'];

interface Observed {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Cross-Origin-Opener-Policy and -Embedder-Policy (secureContext). */
  isolation: Record<string, string>;
  /** The application error's own header. */
  requestId: string | undefined;
  vary: string | undefined;
}

function observe(reply: Reply): Observed {
  const headers: Record<string, string> = {};
  const isolation: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value === undefined) continue;
    if (name.startsWith('access-control-')) headers[name] = String(value);
    if (ISOLATION.includes(name)) isolation[name] = String(value);
  }
  const requestId = reply.headers['x-request-id'];
  return {
    status: reply.status,
    body: reply.body,
    headers,
    isolation,
    requestId: typeof requestId === 'string' ? requestId : undefined,
    vary: reply.headers.vary,
  };
}

interface Case {
  readonly config: Config;
  readonly request: Request;
  readonly origin: string | undefined;
  /** OPTIONS with Access-Control-Request-Method (what @koa/cors answers as a preflight). */
  readonly koaPreflight: boolean;
  /** ... and with Origin (what corsgate, and the Fetch Standard, call a preflight). */
  readonly isPreflight: boolean;
  readonly isOptions: boolean;
  readonly requestHeaders: string | undefined;
}

/** Does corsgate allow this origin? */
function allows(c: Config, origin: string | undefined): boolean {
  switch (c.kind) {
    case 'any':
      return true;
    case 'reflect-function':
      return origin !== undefined && origin !== 'null' && isSerializedOrigin(origin);
    default:
      return origin !== undefined && (c.allowed ?? []).includes(origin);
  }
}
/** Does @koa/cors's origin setting give a truthy value for this request (so that it sets its headers)? */
function koaAnswers(c: Config, origin: string | undefined): boolean {
  switch (c.kind) {
    case 'any':
    case 'string':
      return true;
    case 'reflect-function':
      return true; // the request's origin, or '*' without one
    case 'allowlist-function':
      return origin !== undefined && (c.allowed ?? []).includes(origin);
  }
}
/** Requests without Origin get `*` (origin '*', or an origin function answering '*' for them, as both packages send). */
const answersStar = (c: Config) => c.kind === 'any' || c.starWithoutOrigin === true;
/** @koa/cors keeps its headers on this response (not an error with keepHeadersOnError: false). */
const koaKeeps = (k: Case) => !(k.request.throws === true && optionsOf(k.config).keepHeadersOnError === false);
const optionsOf = (c: Config) => c.options as Record<string, unknown>;
const reflectsHeaders = (c: Config) => {
  const h = optionsOf(c).allowHeaders;
  return h === undefined || (Array.isArray(h) && h.length === 0) || h === '';
};
const normalizedRequestHeaders = (value: string) =>
  value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean)
    .join(',');
const preflightOnly = [
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-max-age',
  'access-control-allow-private-network',
];
const upperCaseFetchMethods = (methods: string) =>
  methods
    .split(',')
    .map((m) => m.trim())
    .map((m) => (['delete', 'get', 'head', 'options', 'post', 'put'].includes(m) ? m.toUpperCase() : m))
    .join(',');
/** The Access-Control-* headers corsgate sends on an allowed actual request. */
function actualHeaders(c: Config, allowOrigin: string): Record<string, string> {
  const o = optionsOf(c);
  const headers: Record<string, string> = { 'access-control-allow-origin': allowOrigin };
  if (c.credentials === true) headers['access-control-allow-credentials'] = 'true';
  const expose = o.exposeHeaders;
  if (expose !== undefined) {
    headers['access-control-expose-headers'] = Array.isArray(expose) ? expose.join(',') : String(expose);
  }
  return headers;
}

type Difference = ListedDifference<Case, Observed>;

/** In the order the README lists them (Koa section). */
const differences: readonly Difference[] = [
  {
    name: 'a single origin string is an allowlist of one',
    applies: (k) =>
      k.config.kind === 'string' && !allows(k.config, k.origin) && (!k.isOptions || k.koaPreflight) && koaKeeps(k),
    occurs: (koa, gate) => {
      expect(koa.headers['access-control-allow-origin']).toBe(A);
      expect(gate.headers).toEqual({});
    },
    reconcile: (koa) => {
      koa.headers = {};
    },
  },
  {
    name: 'null and malformed origins are refused',
    applies: (k) =>
      k.config.kind === 'reflect-function' && k.origin !== undefined && !allows(k.config, k.origin) && !k.isOptions,
    occurs: (koa, gate, k) => {
      expect(koa.headers['access-control-allow-origin']).toBe(k.origin);
      expect(gate.headers).toEqual({});
    },
    reconcile: (koa) => {
      koa.headers = {};
    },
  },
  {
    name: 'a preflight the origin function declines is answered',
    applies: (k) => k.config.kind === 'allowlist-function' && k.isPreflight && !allows(k.config, k.origin),
    occurs: (koa, gate) => {
      expect(koa.status).toBe(200);
      expect(koa.body).toBe('app');
      expect(gate.status).toBe(204);
      expect(gate.body).toBe('');
      expect(gate.headers).toEqual({});
    },
    reconcile: (koa, k) => {
      koa.status = 204;
      koa.body = '';
      if (optionsOf(k.config).secureContext === true) koa.isolation = isolationHeaders();
    },
  },
  {
    name: 'an OPTIONS request that is not a preflight gets the CORS headers of an actual request',
    applies: (k) =>
      k.isOptions && !k.koaPreflight && (k.origin === undefined ? answersStar(k.config) : allows(k.config, k.origin)),
    occurs: (koa, gate) => {
      expect(koa.headers).toEqual({});
      expect(gate.headers['access-control-allow-origin']).toBeDefined();
    },
    reconcile: (koa, k) => {
      koa.headers = actualHeaders(k.config, k.origin === undefined || k.config.kind === 'any' ? '*' : k.origin);
      if (optionsOf(k.config).secureContext === true) koa.isolation = isolationHeaders();
    },
  },
  {
    name: 'OPTIONS with Access-Control-Request-Method but without Origin goes to the application',
    applies: (k) => k.koaPreflight && k.origin === undefined && koaAnswers(k.config, undefined),
    occurs: (koa, gate) => {
      expect(koa.status).toBe(204);
      expect(gate.status).toBe(200);
      expect(gate.body).toBe('app');
    },
    reconcile: (koa, k) => {
      koa.status = 200;
      koa.body = 'app';
      for (const name of preflightOnly) delete koa.headers[name];
      koa.headers = answersStar(k.config) ? actualHeaders(k.config, '*') : {};
    },
  },
  {
    name: 'an error response keeps Vary: Origin when the origin function declined',
    applies: (k) =>
      k.request.throws === true &&
      k.config.kind === 'allowlist-function' &&
      !koaAnswers(k.config, k.origin) &&
      koaKeeps(k),
    occurs: (koa, gate) => {
      expect(koa.vary).toBeUndefined();
      expect(gate.vary).toBe('Origin');
    },
    reconcile: (koa) => {
      koa.vary = 'Origin';
    },
  },
  {
    name: 'no Vary: Origin when the answer is "*"',
    applies: (k) => k.config.kind === 'any',
    occurs: (koa, gate) => {
      expect(koa.vary).toBe('Origin');
      expect((gate.vary ?? '').split(', ')).not.toContain('Origin');
    },
    reconcile: (koa) => {
      koa.vary = undefined;
    },
  },
  {
    name: 'reflected request headers add Vary: Access-Control-Request-Headers',
    applies: (k) => k.isPreflight && reflectsHeaders(k.config),
    occurs: (koa, gate) => {
      expect(koa.vary ?? '').not.toContain('Access-Control-Request-Headers');
      expect(gate.vary).toContain('Access-Control-Request-Headers');
    },
    reconcile: (koa) => {
      koa.vary =
        koa.vary === undefined
          ? 'Access-Control-Request-Headers'
          : mergeVary(koa.vary, 'Access-Control-Request-Headers');
    },
  },
  {
    name: 'reflected request headers are normalised to lower case',
    applies: (k) =>
      k.isPreflight &&
      reflectsHeaders(k.config) &&
      allows(k.config, k.origin) &&
      k.requestHeaders !== undefined &&
      normalizedRequestHeaders(k.requestHeaders) !== k.requestHeaders,
    occurs: (koa, gate, k) => {
      expect(koa.headers['access-control-allow-headers']).toBe(k.requestHeaders);
      expect(gate.headers['access-control-allow-headers']).toBe(normalizedRequestHeaders(k.requestHeaders ?? ''));
    },
    reconcile: (koa, k) => {
      koa.headers['access-control-allow-headers'] = normalizedRequestHeaders(k.requestHeaders ?? '');
    },
  },
  {
    name: 'lower-case DELETE, GET, HEAD, OPTIONS, POST, PUT in allowMethods are upper-cased',
    applies: (k) =>
      k.isPreflight &&
      allows(k.config, k.origin) &&
      typeof optionsOf(k.config).allowMethods === 'string' &&
      /\b(get|put|post|delete|head|options)\b/.test(optionsOf(k.config).allowMethods as string),
    occurs: (koa, gate) => {
      const methods = koa.headers['access-control-allow-methods'] ?? '';
      expect(gate.headers['access-control-allow-methods']).toBe(upperCaseFetchMethods(methods));
      expect(gate.headers['access-control-allow-methods']).not.toBe(methods);
    },
    reconcile: (koa) => {
      koa.headers['access-control-allow-methods'] = upperCaseFetchMethods(
        koa.headers['access-control-allow-methods'] ?? '',
      );
    },
  },
  {
    name: 'maxAge: 0 is sent',
    applies: (k) => optionsOf(k.config).maxAge === 0 && k.isPreflight && allows(k.config, k.origin),
    occurs: (koa, gate) => {
      expect(koa.headers['access-control-max-age']).toBeUndefined();
      expect(gate.headers['access-control-max-age']).toBe('0');
    },
    reconcile: (koa) => {
      koa.headers['access-control-max-age'] = '0';
    },
  },
  {
    name: 'secureContext headers are on every response through the middleware',
    applies: (k) =>
      optionsOf(k.config).secureContext === true &&
      koaKeeps(k) &&
      (!koaAnswers(k.config, k.origin) || (k.isOptions && !k.koaPreflight)),
    occurs: (koa, gate) => {
      expect(koa.isolation).toEqual({});
      expect(gate.isolation).toEqual(isolationHeaders());
    },
    reconcile: (koa) => {
      koa.isolation = isolationHeaders();
    },
  },
];

function isolationHeaders(): Record<string, string> {
  return { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };
}

const listed = listedDifferences(differences);

/** One Koa app holding every configuration, each under /c<index>/, and the application after it. */
function app(Factory: typeof Koa, factory: (options: KoaCorsOptions) => Middleware): Koa {
  const a = new Factory();
  a.silent = true;
  const middlewares = configs.map((config) => factory(config.options));
  a.use((ctx, next) => {
    const index = Number(/^\/c(\d+)\//.exec(ctx.path)?.[1]);
    const middleware = middlewares[index];
    return middleware === undefined ? next() : middleware(ctx, next);
  });
  a.use((ctx) => {
    if (ctx.path.endsWith('/error')) ctx.throw(418, 'teapot', { headers: { 'X-Request-Id': 'abc' } });
    ctx.status = 200;
    ctx.body = 'app';
  });
  return a;
}

describe.each([
  { name: 'Koa 3', Factory: Koa },
  { name: 'Koa 2', Factory: Koa2 },
])('drop-in compatibility with @koa/cors on $name', ({ Factory }) => {
  let koaServer: Served;
  let gateServer: Served;

  beforeAll(async () => {
    koaServer = await serve(app(Factory, koaCors as (options: KoaCorsOptions) => Middleware).callback());
    gateServer = await serve(app(Factory, corsgate).callback());
  });
  afterAll(async () => {
    await koaServer.close();
    await gateServer.close();
  });

  describe.each(configs.map((config, index) => ({ config, index, label: config.name })))(
    '$label',
    ({ config, index }) => {
      it.each(requests.map((request) => ({ request, label: request.name })))('$label', async ({ request }) => {
        const sent = { ...request.sent, path: `/c${index}/items/${request.throws === true ? 'error' : '1'}` };
        const [koaReply, gateReply] = await Promise.all([send(koaServer.port, sent), send(gateServer.port, sent)]);
        const koa = observe(koaReply);
        const gate = observe(gateReply);
        const h = request.sent.headers ?? {};
        const koaPreflight = request.sent.method === 'OPTIONS' && 'Access-Control-Request-Method' in h;
        const k: Case = {
          config,
          request,
          origin: h.Origin as string | undefined,
          isOptions: request.sent.method === 'OPTIONS',
          koaPreflight,
          isPreflight: koaPreflight && h.Origin !== undefined,
          requestHeaders: h['Access-Control-Request-Headers'] as string | undefined,
        };
        listed.expectOnlyListed(koa, gate, k);
      });
    },
  );
});

describe('the list of intended differences', () => {
  it('every listed difference occurred at least once (the list cannot go stale)', () => {
    listed.expectEveryOneOccurred();
  });
});

describe('settings @koa/cors accepts and corsgate/koa refuses (security differences)', () => {
  const koaAnswer = async (options: KoaCorsOptions, origin: string) => {
    const a = new Koa();
    a.silent = true;
    a.use((koaCors as (options: KoaCorsOptions) => Middleware)(options));
    a.use((ctx) => {
      ctx.body = 'app';
    });
    const served = await serve(a.callback());
    try {
      return observe(await send(served.port, { headers: { Origin: origin } }));
    } finally {
      await served.close();
    }
  };

  it.each([
    { name: 'credentials: true (origin defaults to "*")', options: { credentials: true } },
    { name: "origin: '*' with credentials", options: { origin: '*', credentials: true } },
    { name: 'a credentials function', options: { credentials: () => true } },
  ] satisfies { name: string; options: KoaCorsOptions }[])(
    '$name: @koa/cors lets every origin read responses with credentials; corsgate stops at start-up',
    async ({ options }) => {
      const koa = await koaAnswer(options, B);
      expect(koa.headers['access-control-allow-origin']).toBe(B);
      expect(koa.headers['access-control-allow-credentials']).toBe('true');
      expect(() => corsgate(options)).toThrow(CorsConfigError);
      expect(() => corsgate(options)).toThrow(/option `credentials`.*list the origins that may send credentials/);
    },
  );

  it.each([
    { name: 'undefined', options: { origin: undefined }, says: 'the value is undefined' },
    { name: "''", options: { origin: '' }, says: 'the value is empty' },
  ] satisfies { name: string; options: KoaCorsOptions; says: string }[])(
    'origin $name (an unset environment variable): @koa/cors answers * to every website; corsgate stops at start-up',
    async ({ options, says }) => {
      const koa = await koaAnswer(options, B);
      expect(koa.headers['access-control-allow-origin']).toBe('*');
      expect(() => corsgate(options)).toThrow(CorsConfigError);
      expect(() => corsgate(options)).toThrow(says);
      expect(() => corsgate(options)).toThrow('@koa/cors would send Access-Control-Allow-Origin: * to every website');
    },
  );

  it("an origin function answering '*' with credentials: @koa/cors reflects any origin; corsgate fails the request", async () => {
    const options: KoaCorsOptions = { origin: () => '*', credentials: true };
    const koa = await koaAnswer(options, B);
    expect(koa.headers['access-control-allow-origin']).toBe(B);
    expect(koa.headers['access-control-allow-credentials']).toBe('true');
    const a = new Koa();
    a.silent = true;
    a.use(corsgate(options));
    a.use((ctx) => {
      ctx.body = 'app';
    });
    const served = await serve(a.callback());
    try {
      const gate = observe(await send(served.port, { headers: { Origin: B } }));
      expect(gate.status).toBe(500);
      expect(gate.headers).toEqual({});
    } finally {
      await served.close();
    }
  });
});
