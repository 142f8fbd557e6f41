/**
 * The conformance table: one request per scenario, the response every adapter must give. The expected
 * values are written out from the Fetch Standard and the `cors` package's behaviour, not computed by the
 * core. Adding a row here runs it against every adapter (see conformance.test.ts).
 */

import type { FastifyCorsOptions } from '../../src/adapters/fastify.js';
import type { HonoCorsOptions } from '../../src/adapters/hono.js';
import type { CorsOptions } from '../../src/core/index.js';

export const ORIGIN = 'https://app.example.com';
export const OTHER = 'https://evil.example.net';
export const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
/** An adapter may default to its framework's methods (see `Adapter.defaultMethods`); `hono/cors`'s: */
export const HONO_DEFAULT_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH,QUERY';
/** `@koa/cors`'s (cors's methods in another order), which corsgate/koa uses too: */
export const KOA_DEFAULT_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';

/** The CORS response headers compared by the table (lower case). Any of them not listed must be absent. */
export const CORS_HEADERS = [
  'access-control-allow-origin',
  'access-control-allow-credentials',
  'access-control-allow-methods',
  'access-control-allow-headers',
  'access-control-expose-headers',
  'access-control-max-age',
  'access-control-allow-private-network',
] as const;
export type CorsHeaderName = (typeof CORS_HEADERS)[number];

export interface ScenarioRequest {
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
}

export interface Scenario {
  readonly name: string;
  readonly options: CorsOptions;
  /**
   * The same configuration in `hono/cors`'s spelling (`allowMethods`, `allowHeaders`, `exposeHeaders`, an
   * origin function `(origin, c) => string | null`), where it differs from `options`.
   */
  readonly hono?: HonoCorsOptions;
  /**
   * The same configuration as a `@fastify/cors` user writes it, run by corsgate/fastify, where it differs:
   * `@fastify/cors`'s defaults are `methods: 'GET,HEAD,POST'` and `strictPreflight: true`, and it joins
   * arrays with `', '`.
   */
  readonly fastify?: FastifyCorsOptions;
  readonly request: ScenarioRequest;
  /** The application sets this `Vary` itself (before corsgate runs, or in its handler for Fetch-style adapters). */
  readonly appVary?: string;
  readonly expect: {
    readonly status: number;
    /** The application's handler answered (it sets `X-App: <method>`). */
    readonly reachedApp: boolean;
    readonly headers: Partial<Record<CorsHeaderName, string>>;
    readonly vary: string | undefined;
  };
}

const preflight = (origin: string, method: string, requestHeaders?: string, extra: Record<string, string> = {}) => ({
  method: 'OPTIONS',
  headers: {
    Origin: origin,
    'Access-Control-Request-Method': method,
    ...(requestHeaders === undefined ? {} : { 'Access-Control-Request-Headers': requestHeaders }),
    ...extra,
  },
});
const get = (headers: Record<string, string> = {}) => ({ method: 'GET', headers });

const allowlist: CorsOptions = { origin: [ORIGIN] };
const failingCallback: CorsOptions = {
  origin: (_origin, callback) => callback(new Error('origin lookup failed')),
};
const honoFailingCallback: HonoCorsOptions = {
  origin: async (_origin, _c) => {
    throw new Error('origin lookup failed');
  },
};

/**
 * Origin callbacks in the shapes `cors` users write them. Declared with two parameters, only the callback
 * answers: what the function returns (a Timeout, `true` from `EventEmitter.emit`, a helper's object, the
 * Promise of an async function) is ignored, unless a returned Promise rejects.
 */
const later = (answer: () => void) => setTimeout(answer, 5);
const emitReturnsTrue = (origin: string | undefined, cb: (err: null, ok: boolean) => void): boolean => {
  later(() => cb(null, origin === ORIGIN));
  return true;
};
const callbackShapes: Record<string, CorsOptions> = {
  timer: { origin: (origin, cb) => later(() => cb(null, origin === ORIGIN)) },
  emit: { origin: (origin, cb) => emitReturnsTrue(origin, cb), credentials: true },
  object: {
    origin: (origin, cb) => {
      later(() => cb(null, origin === ORIGIN ? [ORIGIN] : false));
      return { pending: true } as never;
    },
  },
  asyncTimer: {
    origin: async (origin, cb) => {
      later(() => cb(null, origin === ORIGIN));
    },
    credentials: true,
  },
  rejects: {
    origin: async (_origin, _cb) => {
      throw new Error('lookup failed');
    },
  },
  emptyList: { origin: () => [] },
  nullAnswer: { origin: (_origin, cb) => cb(null, 'null') },
};
/** The same answers in `hono/cors`'s shape: the origin to allow, or null, returned (here after a timer). */
const honoLater: HonoCorsOptions['origin'] = async (origin, _c) => {
  await new Promise((resolve) => later(() => resolve(undefined)));
  return origin === ORIGIN ? origin : null;
};

export const scenarios: readonly Scenario[] = [
  {
    name: 'preflight allowed, default options (any origin)',
    options: {},
    fastify: { methods: DEFAULT_METHODS },
    request: preflight(ORIGIN, 'PUT', 'content-type,x-token'),
    expect: {
      status: 204,
      reachedApp: false,
      headers: {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-headers': 'content-type,x-token',
      },
      vary: 'Access-Control-Request-Headers',
    },
  },
  {
    name: 'preflight allowed, allowlisted origin',
    options: allowlist,
    fastify: { origin: [ORIGIN], methods: DEFAULT_METHODS },
    request: preflight(ORIGIN, 'PUT', 'x-token'),
    expect: {
      status: 204,
      reachedApp: false,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-headers': 'x-token',
      },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
  {
    name: 'preflight refused: origin not allowed',
    options: allowlist,
    request: preflight(OTHER, 'PUT', 'x-token'),
    expect: { status: 204, reachedApp: false, headers: {}, vary: 'Origin, Access-Control-Request-Headers' },
  },
  {
    name: 'preflight refused: method not listed',
    options: { origin: [ORIGIN], methods: ['GET', 'POST'] },
    hono: { origin: [ORIGIN], allowMethods: ['GET', 'POST'] },
    fastify: { origin: [ORIGIN], methods: 'GET,POST' },
    request: preflight(ORIGIN, 'DELETE'),
    expect: {
      status: 204,
      reachedApp: false,
      headers: { 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': 'GET,POST' },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
  {
    name: 'preflight refused: request header not listed',
    options: { origin: [ORIGIN], allowedHeaders: ['Content-Type'] },
    hono: { origin: [ORIGIN], allowHeaders: ['Content-Type'] },
    fastify: { origin: [ORIGIN], allowedHeaders: 'Content-Type', methods: DEFAULT_METHODS },
    request: preflight(ORIGIN, 'PUT', 'x-token'),
    expect: {
      status: 204,
      reachedApp: false,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-headers': 'Content-Type',
      },
      vary: 'Origin',
    },
  },
  {
    name: 'actual request allowed',
    options: allowlist,
    request: get({ Origin: ORIGIN }),
    expect: { status: 200, reachedApp: true, headers: { 'access-control-allow-origin': ORIGIN }, vary: 'Origin' },
  },
  {
    name: 'actual request refused: passes through without CORS headers',
    options: allowlist,
    request: get({ Origin: OTHER }),
    expect: { status: 200, reachedApp: true, headers: {}, vary: 'Origin' },
  },
  {
    name: 'actual request, any origin: "*" and no Vary',
    options: {},
    request: get({ Origin: ORIGIN }),
    expect: { status: 200, reachedApp: true, headers: { 'access-control-allow-origin': '*' }, vary: undefined },
  },
  {
    name: 'malformed Origin (trailing slash) refused',
    options: allowlist,
    request: get({ Origin: `${ORIGIN}/` }),
    expect: { status: 200, reachedApp: true, headers: {}, vary: 'Origin' },
  },
  {
    name: 'Origin null refused by default',
    options: allowlist,
    request: preflight('null', 'PUT'),
    expect: { status: 204, reachedApp: false, headers: {}, vary: 'Origin, Access-Control-Request-Headers' },
  },
  {
    name: 'no Origin, allowlist: no CORS headers, Vary: Origin',
    options: allowlist,
    request: get(),
    expect: { status: 200, reachedApp: true, headers: {}, vary: 'Origin' },
  },
  {
    name: 'no Origin, any origin: "*"',
    options: {},
    request: get(),
    expect: { status: 200, reachedApp: true, headers: { 'access-control-allow-origin': '*' }, vary: undefined },
  },
  {
    name: 'OPTIONS without Access-Control-Request-Method goes to the application',
    options: allowlist,
    fastify: { origin: [ORIGIN], strictPreflight: false },
    request: { method: 'OPTIONS', headers: { Origin: ORIGIN } },
    expect: { status: 200, reachedApp: true, headers: { 'access-control-allow-origin': ORIGIN }, vary: 'Origin' },
  },
  {
    name: 'credentials: actual request with a cookie',
    options: { origin: [ORIGIN], credentials: true },
    request: get({ Origin: ORIGIN, Cookie: 'session=1' }),
    expect: {
      status: 200,
      reachedApp: true,
      headers: { 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true' },
      vary: 'Origin',
    },
  },
  {
    name: 'credentials: preflight',
    options: { origin: [ORIGIN], credentials: true },
    fastify: { origin: [ORIGIN], credentials: true, methods: DEFAULT_METHODS },
    request: preflight(ORIGIN, 'PATCH', 'content-type'),
    expect: {
      status: 204,
      reachedApp: false,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-credentials': 'true',
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-headers': 'content-type',
      },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
  {
    name: 'exposed headers on an actual request',
    options: { origin: [ORIGIN], exposedHeaders: ['X-Request-Id', 'X-Total-Count'] },
    hono: { origin: [ORIGIN], exposeHeaders: ['X-Request-Id', 'X-Total-Count'] },
    fastify: { origin: [ORIGIN], exposedHeaders: 'X-Request-Id,X-Total-Count' },
    request: get({ Origin: ORIGIN }),
    expect: {
      status: 200,
      reachedApp: true,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-expose-headers': 'X-Request-Id,X-Total-Count',
      },
      vary: 'Origin',
    },
  },
  {
    name: 'maxAge on a preflight',
    options: { origin: [ORIGIN], maxAge: 600 },
    fastify: { origin: [ORIGIN], maxAge: 600, methods: DEFAULT_METHODS },
    request: preflight(ORIGIN, 'PUT'),
    expect: {
      status: 204,
      reachedApp: false,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-max-age': '600',
      },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
  {
    name: 'optionsSuccessStatus 200',
    options: { origin: [ORIGIN], optionsSuccessStatus: 200 },
    fastify: { origin: [ORIGIN], optionsSuccessStatus: 200, methods: DEFAULT_METHODS },
    request: preflight(ORIGIN, 'PUT'),
    expect: {
      status: 200,
      reachedApp: false,
      headers: { 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': DEFAULT_METHODS },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
  {
    name: "preflightContinue: the application's OPTIONS handler answers",
    options: { origin: [ORIGIN], preflightContinue: true },
    fastify: { origin: [ORIGIN], preflightContinue: true, methods: DEFAULT_METHODS },
    request: preflight(ORIGIN, 'PUT', 'x-token'),
    expect: {
      status: 200,
      reachedApp: true,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-headers': 'x-token',
      },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
  {
    name: 'Private Network Access preflight',
    options: { origin: [ORIGIN], allowPrivateNetwork: true },
    fastify: { origin: [ORIGIN], allowPrivateNetwork: true, methods: DEFAULT_METHODS },
    request: preflight(ORIGIN, 'GET', undefined, { 'Access-Control-Request-Private-Network': 'true' }),
    expect: {
      status: 204,
      reachedApp: false,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-private-network': 'true',
      },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
  {
    name: 'origin callback (async) allows',
    options: { origin: async (origin) => origin === ORIGIN },
    hono: { origin: async (origin) => (origin === ORIGIN ? origin : null) },
    request: get({ Origin: ORIGIN }),
    expect: { status: 200, reachedApp: true, headers: { 'access-control-allow-origin': ORIGIN }, vary: 'Origin' },
  },
  {
    name: 'origin callback (node style) refuses',
    options: { origin: (origin, callback) => callback(null, origin === ORIGIN) },
    hono: { origin: (origin, _c) => (origin === ORIGIN ? origin : undefined) },
    request: get({ Origin: OTHER }),
    expect: { status: 200, reachedApp: true, headers: {}, vary: 'Origin' },
  },
  {
    name: "origin callback error: the framework's error handling answers 500, no access",
    options: failingCallback,
    hono: honoFailingCallback,
    request: get({ Origin: ORIGIN }),
    expect: { status: 500, reachedApp: false, headers: {}, vary: undefined },
  },
  {
    name: 'origin callback error on a preflight: 500, no access',
    options: failingCallback,
    hono: honoFailingCallback,
    request: preflight(ORIGIN, 'PUT', 'x-token'),
    expect: { status: 500, reachedApp: false, headers: {}, vary: undefined },
  },
  {
    name: 'origin callback (origin, cb) answering from a timer allows (the returned Timeout is ignored)',
    options: callbackShapes.timer as CorsOptions,
    hono: { origin: honoLater },
    request: get({ Origin: ORIGIN }),
    expect: { status: 200, reachedApp: true, headers: { 'access-control-allow-origin': ORIGIN }, vary: 'Origin' },
  },
  {
    name: 'origin callback (origin, cb) answering from a timer refuses a preflight',
    options: callbackShapes.timer as CorsOptions,
    hono: { origin: honoLater },
    request: preflight(OTHER, 'PUT'),
    expect: { status: 204, reachedApp: false, headers: {}, vary: 'Origin, Access-Control-Request-Headers' },
  },
  {
    name: 'origin callback returning true (like EventEmitter.emit) never grants: the callback refuses',
    options: callbackShapes.emit as CorsOptions,
    hono: { origin: honoLater, credentials: true },
    request: get({ Origin: OTHER }),
    expect: { status: 200, reachedApp: true, headers: {}, vary: 'Origin' },
  },
  {
    name: 'origin callback returning true (like EventEmitter.emit): the callback allows, with credentials',
    options: callbackShapes.emit as CorsOptions,
    hono: { origin: honoLater, credentials: true },
    request: get({ Origin: ORIGIN }),
    expect: {
      status: 200,
      reachedApp: true,
      headers: { 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true' },
      vary: 'Origin',
    },
  },
  {
    name: 'origin callback returning an object is not a 500: the callback answers',
    options: callbackShapes.object as CorsOptions,
    hono: { origin: honoLater },
    fastify: { ...callbackShapes.object, methods: DEFAULT_METHODS } as FastifyCorsOptions,
    request: preflight(ORIGIN, 'PUT'),
    expect: {
      status: 204,
      reachedApp: false,
      headers: { 'access-control-allow-origin': ORIGIN, 'access-control-allow-methods': DEFAULT_METHODS },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
  {
    name: 'async (origin, cb) => { setTimeout(...) }: the callback answers, not the resolved Promise',
    options: callbackShapes.asyncTimer as CorsOptions,
    hono: { origin: honoLater, credentials: true },
    request: get({ Origin: ORIGIN }),
    expect: {
      status: 200,
      reachedApp: true,
      headers: { 'access-control-allow-origin': ORIGIN, 'access-control-allow-credentials': 'true' },
      vary: 'Origin',
    },
  },
  {
    name: 'async (origin, cb) => { setTimeout(...) } refuses through the callback',
    options: callbackShapes.asyncTimer as CorsOptions,
    hono: { origin: honoLater, credentials: true },
    request: get({ Origin: OTHER }),
    expect: { status: 200, reachedApp: true, headers: {}, vary: 'Origin' },
  },
  {
    name: 'async (origin, cb) that rejects fails the request: 500, no access',
    options: callbackShapes.rejects as CorsOptions,
    hono: honoFailingCallback,
    request: get({ Origin: ORIGIN }),
    expect: { status: 500, reachedApp: false, headers: {}, vary: undefined },
  },
  {
    name: 'origin callback answering [] refuses (not a 500)',
    options: callbackShapes.emptyList as CorsOptions,
    hono: { origin: (_origin, _c) => null },
    request: get({ Origin: ORIGIN }),
    expect: { status: 200, reachedApp: true, headers: {}, vary: 'Origin' },
  },
  {
    name: 'origin callback answering "null" refuses (not a 500)',
    options: callbackShapes.nullAnswer as CorsOptions,
    hono: { origin: (_origin, _c) => 'null' },
    request: preflight(ORIGIN, 'PUT'),
    expect: { status: 204, reachedApp: false, headers: {}, vary: 'Origin, Access-Control-Request-Headers' },
  },
  {
    name: "existing Vary is kept: the application's Vary, then Origin",
    options: allowlist,
    request: get({ Origin: ORIGIN }),
    appVary: 'Accept-Encoding',
    expect: {
      status: 200,
      reachedApp: true,
      headers: { 'access-control-allow-origin': ORIGIN },
      vary: 'Accept-Encoding, Origin',
    },
  },
  {
    name: 'CORS disabled (origin: false): a preflight goes to the application, no headers',
    options: { origin: false },
    request: preflight(ORIGIN, 'PUT'),
    expect: { status: 200, reachedApp: true, headers: {}, vary: undefined },
  },
  {
    name: 'reportOnly refusing the origin changes nothing: the enforced allowlist answers',
    options: { origin: [ORIGIN], reportOnly: { origin: [OTHER] }, onRefused: () => {} },
    request: get({ Origin: ORIGIN }),
    expect: { status: 200, reachedApp: true, headers: { 'access-control-allow-origin': ORIGIN }, vary: 'Origin' },
  },
  {
    name: 'reportOnly refusing the method and header changes no preflight answer',
    options: {
      origin: [ORIGIN],
      reportOnly: { origin: [ORIGIN], methods: ['GET'], allowedHeaders: ['content-type'] },
      onRefused: () => {},
    },
    fastify: {
      origin: [ORIGIN],
      methods: DEFAULT_METHODS,
      reportOnly: { origin: [ORIGIN], methods: 'GET', allowedHeaders: 'content-type' },
      onRefused: () => {},
    },
    request: preflight(ORIGIN, 'PUT', 'x-token'),
    expect: {
      status: 204,
      reachedApp: false,
      headers: {
        'access-control-allow-origin': ORIGIN,
        'access-control-allow-methods': DEFAULT_METHODS,
        'access-control-allow-headers': 'x-token',
      },
      vary: 'Origin, Access-Control-Request-Headers',
    },
  },
];

/**
 * The scenario's expectation for an adapter whose default methods (when the options name none) are its
 * framework's own (`HONO_DEFAULT_METHODS` for `corsgate/hono`, `KOA_DEFAULT_METHODS` for `corsgate/koa`), or
 * cors's when `defaultMethods` is undefined.
 */
export function expectedFor(scenario: Scenario, defaultMethods: string | undefined): Scenario['expect'] {
  const methods = scenario.expect.headers['access-control-allow-methods'];
  if (defaultMethods === undefined || methods !== DEFAULT_METHODS || scenario.options.methods !== undefined) {
    return scenario.expect;
  }
  return {
    ...scenario.expect,
    headers: { ...scenario.expect.headers, 'access-control-allow-methods': defaultMethods },
  };
}
