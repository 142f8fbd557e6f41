/**
 * The browser conformance table: each row is corsgate options (or a hand-written app), the fetch() a page makes,
 * and what Chromium lets the page see. Origins are ephemeral, so options are functions of them.
 *
 * Origins: the API runs on http://127.0.0.1:A; the allowed page on http://127.0.0.1:B (cross-origin but same-site,
 * so cookies for 127.0.0.1 are sent with `credentials: 'include'`); the refused page on http://127.0.0.2:C
 * (another site); `sandboxed` is an iframe with `sandbox="allow-scripts"` in the allowed page (Origin: null).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsMiddleware, ExpressCorsOptions, RefusalKind } from 'corsgate';
import type express from 'express';

export type ExpressModule = typeof express;
export type ExpressVersion = 4 | 5;

export interface Origins {
  readonly allowed: string;
  readonly refused: string;
}

export type From = 'allowed' | 'refused' | 'sandboxed';

/** The fetch() the page makes: `fetch(apiOrigin + path, { method, headers, credentials, body })`. */
export interface PageFetch {
  readonly path: string;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly credentials?: 'omit' | 'same-origin' | 'include';
  readonly body?: string;
}

export type PageResult = { readonly status: number; readonly body?: string | RegExp } | 'TypeError';

export interface Expectation {
  /** What script gets: a readable response (status, body) or a rejected fetch() (TypeError). */
  readonly result: PageResult;
  /** Chromium's console message explaining a block. */
  readonly console?: RegExp;
  /** Exactly the response header names script can read. */
  readonly readable?: readonly string[];
  /** Names that must be readable (when the full list depends on Express's own headers). */
  readonly readableIncludes?: readonly string[];
  /** Whether the cookie reached the server with the actual request. */
  readonly cookieReachedServer?: boolean;
  /** Preflights the server saw (over both fetches with `repeat`). */
  readonly preflights: number;
  /** Requests other than preflights that reached the app (over both fetches with `repeat`). */
  readonly actualRequests: number;
  /** With `repeat`: the second fetch went out without a new preflight. */
  readonly preflightCached?: boolean;
  /** The status of the preflight answers. */
  readonly preflightStatus?: number;
  /** Who answered the preflight: corsgate, or an application route (preflightContinue). */
  readonly preflightAnsweredBy?: 'corsgate' | 'app';
  /** What corsgate reported through `onRefused`, in order (default: nothing). */
  readonly refusals?: readonly RefusalKind[];
}

/** What a scenario's `mount` gets to build its app with. */
export interface MountContext {
  readonly app: express.Express;
  readonly express: ExpressModule;
  readonly origins: Origins;
  /** corsgate's middleware, with the suite's `onRefused` recorder added to the options. */
  readonly cors: (options?: ExpressCorsOptions) => CorsMiddleware;
  /** The standard routes: /data (any method), /fail (500), /throw (an exception). */
  readonly routes: () => express.Router;
}

export interface Scenario {
  readonly group: string;
  readonly name: string;
  readonly from: From;
  /** corsgate options for `app.use(cors(options))` in front of the standard routes. */
  readonly cors?: (origins: Origins) => ExpressCorsOptions;
  /** Builds the app instead (per-route CORS, hand-written middleware). */
  readonly mount?: (ctx: MountContext) => void;
  /** A cookie for the API's host is in the browser before the fetch. */
  readonly cookie?: boolean;
  readonly fetch: PageFetch;
  /** Make the same fetch twice (preflight cache). */
  readonly repeat?: boolean;
  /** Express versions to run on (default: both). */
  readonly express?: readonly ExpressVersion[];
  readonly expect: Expectation;
}

/** The standard routes of the app under test. */
export function standardRoutes(expressModule: ExpressModule): express.Router {
  const router = expressModule.Router();
  // Reached only when corsgate passes preflights on (preflightContinue): the app answers them itself.
  router.options('/data', (_req, res) => {
    res.setHeader('X-Answered-By', 'app');
    res.status(200).end();
  });
  router.all('/data', (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Request-Id', 'req-42');
    res.setHeader('X-Secret', 'not-for-scripts');
    res.json({ method: req.method });
  });
  router.get('/fail', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.status(500).json({ error: 'database unavailable' });
  });
  router.get('/throw', () => {
    throw new Error('boom from a route');
  });
  return router;
}

/** Safelisted response headers of a JSON answer from the standard routes. */
const JSON_HEADERS = ['cache-control', 'content-length', 'content-type'];
const JSON_HEADERS_AND_ID = ['cache-control', 'content-length', 'content-type', 'x-request-id'];
const JSON_BODY = 'application/json';

// Chromium's console wording (the part that names the problem).
const NO_ACAO = /No 'Access-Control-Allow-Origin' header is present/;
const blockedMethod = (method: string) =>
  new RegExp(`Method ${method} is not allowed by Access-Control-Allow-Methods in preflight response`);
const blockedHeader = (name: string) =>
  new RegExp(`Request header field ${name} is not allowed by Access-Control-Allow-Headers in preflight response`);

/** A hand-written middleware, for the rows that prove the suite fails on a broken server. */
function handWritten(set: (req: IncomingMessage, res: ServerResponse) => void) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    set(req, res);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.statusCode = 204;
      res.end();
      return;
    }
    next();
  };
}

/** Per-route CORS: an open route, an allowlisted route, and a route without CORS, in one app. */
function perRoute({ app, cors, routes, origins }: MountContext): void {
  app.use('/open', cors(), routes());
  app.use('/closed', cors({ origin: [origins.allowed] }), routes());
  app.use('/none', routes());
}

export const BROKEN_STAR_WITH_CREDENTIALS: Scenario = {
  group: 'broken middleware',
  name: 'hand-written ACAO * with ACAC true, fetch with credentials',
  from: 'allowed',
  cookie: true,
  mount: ({ app, routes }) => {
    app.use(
      handWritten((_req, res) => {
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Access-Control-Allow-Credentials', 'true');
      }),
      routes(),
    );
  },
  fetch: { path: '/data', credentials: 'include' },
  expect: {
    result: 'TypeError',
    console: /must not be the wildcard '\*' when the request's credentials mode is 'include'/,
    cookieReachedServer: true,
    preflights: 0,
    actualRequests: 1,
  },
};

export const SCENARIOS: readonly Scenario[] = [
  // ---- default cors(): origin '*'
  {
    group: 'default cors()',
    name: 'simple GET from any origin is readable',
    from: 'refused',
    cors: () => ({}),
    fetch: { path: '/data' },
    expect: {
      result: { status: 200, body: '{"method":"GET"}' },
      readable: JSON_HEADERS,
      preflights: 0,
      actualRequests: 1,
    },
  },
  {
    group: 'default cors()',
    name: 'preflighted PUT with a custom header and JSON is allowed',
    from: 'refused',
    cors: () => ({}),
    fetch: { path: '/data', method: 'PUT', headers: { 'X-Custom': '1', 'Content-Type': JSON_BODY }, body: '{}' },
    expect: {
      result: { status: 200, body: '{"method":"PUT"}' },
      preflights: 1,
      actualRequests: 1,
      preflightStatus: 204,
    },
  },
  {
    group: 'default cors()',
    name: '"*" also covers the null origin of a sandboxed iframe',
    from: 'sandboxed',
    cors: () => ({}),
    fetch: { path: '/data' },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'default cors()',
    name: 'credentials: include is blocked ("*" never works with credentials)',
    from: 'allowed',
    cookie: true,
    cors: () => ({}),
    fetch: { path: '/data', credentials: 'include' },
    expect: {
      result: 'TypeError',
      console: /must not be the wildcard '\*' when the request's credentials mode is 'include'/,
      cookieReachedServer: true,
      preflights: 0,
      actualRequests: 1,
      refusals: ['credentials-not-allowed'],
    },
  },

  // ---- allowlist
  {
    group: 'allowlist',
    name: 'listed origin: GET readable',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data' },
    expect: {
      result: { status: 200, body: '{"method":"GET"}' },
      readable: JSON_HEADERS,
      preflights: 0,
      actualRequests: 1,
    },
  },
  {
    group: 'allowlist',
    name: 'listed origin as a single string: preflighted DELETE allowed',
    from: 'allowed',
    cors: (o) => ({ origin: o.allowed }),
    fetch: { path: '/data', method: 'DELETE' },
    expect: { result: { status: 200, body: '{"method":"DELETE"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'allowlist',
    name: 'unlisted origin: GET reaches the server but is not readable',
    from: 'refused',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 0,
      actualRequests: 1,
      refusals: ['origin-not-allowed'],
    },
  },
  {
    group: 'allowlist',
    name: 'unlisted origin: preflight answered 204 without CORS headers, actual request never sent',
    from: 'refused',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data', method: 'PUT', body: 'x' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 1,
      preflightStatus: 204,
      actualRequests: 0,
      refusals: ['origin-not-allowed'],
    },
  },

  // ---- RegExp and callback origins
  {
    group: 'RegExp origin',
    name: 'matching origin allowed',
    from: 'allowed',
    cors: () => ({ origin: /^http:\/\/127\.0\.0\.1:\d+$/ }),
    fetch: { path: '/data', method: 'PUT' },
    expect: { result: { status: 200, body: '{"method":"PUT"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'RegExp origin',
    name: 'non-matching origin refused',
    from: 'refused',
    cors: () => ({ origin: [/^http:\/\/127\.0\.0\.1:\d+$/] }),
    fetch: { path: '/data' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 0,
      actualRequests: 1,
      refusals: ['origin-not-allowed'],
    },
  },
  {
    group: 'callback origin',
    name: 'sync node-style callback allows',
    from: 'allowed',
    cors: (o) => ({ origin: (origin, callback) => callback(null, origin === o.allowed) }),
    fetch: { path: '/data' },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'callback origin',
    name: 'sync node-style callback refuses',
    from: 'refused',
    cors: (o) => ({ origin: (origin, callback) => callback(null, origin === o.allowed) }),
    fetch: { path: '/data' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 0,
      actualRequests: 1,
      refusals: ['origin-not-allowed'],
    },
  },
  {
    group: 'callback origin',
    name: 'sync returned value allows a preflighted request',
    from: 'allowed',
    cors: (o) => ({ origin: (origin) => origin === o.allowed }),
    fetch: { path: '/data', method: 'PUT', headers: { 'X-Custom': '1' } },
    expect: { result: { status: 200, body: '{"method":"PUT"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'callback origin',
    name: 'async (Promise) callback allows a preflighted request',
    from: 'allowed',
    cors: (o) => ({
      origin: async (origin) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return origin === o.allowed;
      },
    }),
    fetch: { path: '/data', method: 'PUT' },
    expect: { result: { status: 200, body: '{"method":"PUT"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'callback origin',
    name: 'async (Promise) callback refuses a preflighted request',
    from: 'refused',
    cors: (o) => ({
      origin: async (origin) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return origin === o.allowed;
      },
    }),
    fetch: { path: '/data', method: 'PUT' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 1,
      actualRequests: 0,
      refusals: ['origin-not-allowed'],
    },
  },
  {
    group: 'callback origin',
    name: 'async node-style callback answering an allowlist',
    from: 'allowed',
    cors: (o) => ({ origin: (_origin, callback) => void setTimeout(() => callback(null, [o.allowed]), 5) }),
    fetch: { path: '/data' },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'callback origin',
    name: 'node-style callback answering from a timer, returning the Timeout (ignored), credentials',
    from: 'allowed',
    cors: (o) => ({
      origin: (origin, callback) => setTimeout(() => callback(null, origin === o.allowed), 5),
      credentials: true,
    }),
    fetch: { path: '/data', method: 'PUT', credentials: 'include' },
    expect: { result: { status: 200, body: '{"method":"PUT"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'callback origin',
    name: 'node-style callback returning true (like EventEmitter.emit) never grants: the callback refuses',
    from: 'refused',
    cors: (o) => ({
      origin: (origin, callback) => {
        setTimeout(() => callback(null, origin === o.allowed), 5);
        return true;
      },
      credentials: true,
    }),
    fetch: { path: '/data', credentials: 'include' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 0,
      actualRequests: 1,
      refusals: ['origin-not-allowed'],
    },
  },

  // ---- methods
  {
    group: 'methods',
    name: 'PATCH allowed by the default methods',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data', method: 'PATCH' },
    expect: { result: { status: 200, body: '{"method":"PATCH"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'methods',
    name: 'lower-case "put" is upper-cased by fetch() and allowed',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data', method: 'put' },
    expect: { result: { status: 200, body: '{"method":"PUT"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'methods',
    name: 'lower-case "patch" is not normalized and is refused by the default methods',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data', method: 'patch' },
    expect: {
      result: 'TypeError',
      console: blockedMethod('patch'),
      preflights: 1,
      actualRequests: 0,
      refusals: ['method-not-allowed'],
    },
  },
  {
    group: 'methods',
    name: 'lower-case "patch" allowed in the preflight still fails: Node rejects the lower-case method',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], methods: ['GET', 'patch'] }),
    fetch: { path: '/data', method: 'patch' },
    // The preflight passes (nothing refused), then Node's HTTP parser answers the `patch` request itself with a
    // 400 and no CORS headers: lower-case methods cannot work against a Node.js server.
    expect: { result: 'TypeError', preflights: 1, actualRequests: 0, refusals: [] },
  },
  {
    group: 'methods',
    name: 'DELETE refused when methods are GET and POST',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], methods: ['GET', 'POST'] }),
    fetch: { path: '/data', method: 'DELETE' },
    expect: {
      result: 'TypeError',
      console: blockedMethod('DELETE'),
      preflights: 1,
      actualRequests: 0,
      refusals: ['method-not-allowed'],
    },
  },
  {
    group: 'methods',
    name: 'POST needs no preflight even when methods leave it out',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], methods: ['GET'] }),
    fetch: { path: '/data', method: 'POST', body: 'text' },
    expect: { result: { status: 200, body: '{"method":"POST"}' }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'methods',
    name: 'methods "*" allows any method without credentials (PURGE)',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], methods: '*' }),
    fetch: { path: '/data', method: 'PURGE' },
    expect: { result: { status: 200, body: '{"method":"PURGE"}' }, preflights: 1, actualRequests: 1 },
  },

  // ---- request headers
  {
    group: 'request headers',
    name: 'custom header allowed by default (the requested headers are reflected)',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data', headers: { 'X-Custom': '1' } },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'request headers',
    name: 'listed custom header allowed, with a JSON body',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], allowedHeaders: ['Content-Type', 'X-Custom'] }),
    fetch: { path: '/data', method: 'POST', headers: { 'X-Custom': '1', 'Content-Type': JSON_BODY }, body: '{}' },
    expect: { result: { status: 200, body: '{"method":"POST"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'request headers',
    name: 'unlisted custom header refused',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], allowedHeaders: ['Content-Type'] }),
    fetch: { path: '/data', headers: { 'X-Custom': '1' } },
    expect: {
      result: 'TypeError',
      console: blockedHeader('x-custom'),
      preflights: 1,
      actualRequests: 0,
      refusals: ['header-not-allowed'],
    },
  },
  {
    group: 'request headers',
    name: 'Content-Type: application/json refused when only X-Custom is listed',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], allowedHeaders: ['X-Custom'] }),
    fetch: { path: '/data', method: 'POST', headers: { 'Content-Type': JSON_BODY }, body: '{}' },
    expect: {
      result: 'TypeError',
      console: blockedHeader('content-type'),
      preflights: 1,
      actualRequests: 0,
      refusals: ['header-not-allowed'],
    },
  },
  {
    group: 'request headers',
    name: 'Content-Type: text/plain is safelisted: no preflight',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], allowedHeaders: ['X-Custom'] }),
    fetch: { path: '/data', method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: 'hi' },
    expect: { result: { status: 200, body: '{"method":"POST"}' }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'request headers',
    name: 'allowedHeaders "*" covers a custom header',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], allowedHeaders: '*' }),
    fetch: { path: '/data', headers: { 'X-Custom': '1' } },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'request headers',
    name: 'allowedHeaders "*" does not cover Authorization',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], allowedHeaders: '*' }),
    fetch: { path: '/data', headers: { Authorization: 'Bearer t0ken' } },
    expect: {
      result: 'TypeError',
      console: /authorization/i,
      preflights: 1,
      actualRequests: 0,
      refusals: ['header-not-allowed'],
    },
  },
  {
    group: 'request headers',
    name: 'allowedHeaders ["*", "Authorization"] allows Authorization',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], allowedHeaders: ['*', 'Authorization'] }),
    fetch: { path: '/data', headers: { Authorization: 'Bearer t0ken', 'X-Custom': '1' } },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 1, actualRequests: 1 },
  },

  // ---- credentials (the allowed page is same-site with the API, so the cookie is sent)
  {
    group: 'credentials',
    name: 'specific origin + credentials: cookie sent, response readable',
    from: 'allowed',
    cookie: true,
    cors: (o) => ({ origin: [o.allowed], credentials: true }),
    fetch: { path: '/data', credentials: 'include' },
    expect: {
      result: { status: 200, body: '{"method":"GET"}' },
      cookieReachedServer: true,
      preflights: 0,
      actualRequests: 1,
    },
  },
  {
    group: 'credentials',
    name: 'preflighted credentialed PUT: the preflight carries no cookie, the PUT does',
    from: 'allowed',
    cookie: true,
    cors: (o) => ({ origin: [o.allowed], credentials: true, allowedHeaders: ['Content-Type'] }),
    fetch: { path: '/data', method: 'PUT', headers: { 'Content-Type': JSON_BODY }, body: '{}', credentials: 'include' },
    expect: {
      result: { status: 200, body: '{"method":"PUT"}' },
      cookieReachedServer: true,
      preflights: 1,
      actualRequests: 1,
    },
  },
  {
    group: 'credentials',
    name: "credentials: 'same-origin' (the default) sends no cookie cross-origin",
    from: 'allowed',
    cookie: true,
    cors: (o) => ({ origin: [o.allowed], credentials: true }),
    fetch: { path: '/data' },
    expect: {
      result: { status: 200, body: '{"method":"GET"}' },
      cookieReachedServer: false,
      preflights: 0,
      actualRequests: 1,
    },
  },
  {
    group: 'credentials',
    name: 'credentials not enabled: the cookie is sent but the response is blocked',
    from: 'allowed',
    cookie: true,
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data', credentials: 'include' },
    expect: {
      result: 'TypeError',
      console: /Access-Control-Allow-Credentials/,
      cookieReachedServer: true,
      preflights: 0,
      actualRequests: 1,
      refusals: ['credentials-not-allowed'],
    },
  },
  {
    group: 'credentials',
    name: 'dangerouslyAllowCredentialsWithAnyOrigin reflects the origin (never "*")',
    from: 'allowed',
    cookie: true,
    cors: () => ({ origin: true, credentials: true, dangerouslyAllowCredentialsWithAnyOrigin: true }),
    fetch: { path: '/data', credentials: 'include' },
    expect: {
      result: { status: 200, body: '{"method":"GET"}' },
      cookieReachedServer: true,
      preflights: 0,
      actualRequests: 1,
    },
  },

  // ---- exposedHeaders
  {
    group: 'exposedHeaders',
    name: 'without exposedHeaders only safelisted headers are readable',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data' },
    expect: { result: { status: 200 }, readable: JSON_HEADERS, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'exposedHeaders',
    name: 'exposedHeaders makes X-Request-Id readable, and nothing else',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], exposedHeaders: ['X-Request-Id'] }),
    fetch: { path: '/data' },
    expect: { result: { status: 200 }, readable: JSON_HEADERS_AND_ID, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'exposedHeaders',
    name: 'exposedHeaders "*" exposes every header without credentials',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], exposedHeaders: '*' }),
    fetch: { path: '/data' },
    expect: {
      result: { status: 200 },
      readableIncludes: ['etag', 'x-request-id', 'x-secret'],
      preflights: 0,
      actualRequests: 1,
    },
  },
  {
    group: 'exposedHeaders',
    name: 'exposedHeaders with credentials',
    from: 'allowed',
    cookie: true,
    cors: (o) => ({ origin: [o.allowed], credentials: true, exposedHeaders: 'X-Request-Id' }),
    fetch: { path: '/data', credentials: 'include' },
    expect: {
      result: { status: 200 },
      readable: JSON_HEADERS_AND_ID,
      cookieReachedServer: true,
      preflights: 0,
      actualRequests: 1,
    },
  },

  // ---- preflight cache
  {
    group: 'maxAge',
    name: 'maxAge 600: the repeat within maxAge skips the preflight',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], maxAge: 600 }),
    fetch: { path: '/data', method: 'PUT' },
    repeat: true,
    expect: { result: { status: 200 }, preflights: 1, actualRequests: 2, preflightCached: true },
  },
  {
    group: 'maxAge',
    name: 'maxAge 0: every request is preflighted',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], maxAge: 0 }),
    fetch: { path: '/data', method: 'PUT' },
    repeat: true,
    expect: { result: { status: 200 }, preflights: 2, actualRequests: 2, preflightCached: false },
  },
  {
    group: 'maxAge',
    name: "no maxAge: Chromium's 5-second default still caches an immediate repeat",
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data', method: 'PUT' },
    repeat: true,
    expect: { result: { status: 200 }, preflights: 1, actualRequests: 2, preflightCached: true },
  },
  {
    group: 'maxAge',
    name: 'a refused preflight is not cached: the repeat asks again',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], methods: ['GET'], maxAge: 600 }),
    fetch: { path: '/data', method: 'PUT' },
    repeat: true,
    expect: {
      result: 'TypeError',
      console: blockedMethod('PUT'),
      preflights: 2,
      actualRequests: 0,
      preflightCached: false,
      refusals: ['method-not-allowed', 'method-not-allowed'],
    },
  },

  // ---- preflightContinue and optionsSuccessStatus
  {
    group: 'preflightContinue',
    name: 'false (default): corsgate answers the preflight',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data', method: 'PUT' },
    expect: {
      result: { status: 200, body: '{"method":"PUT"}' },
      preflights: 1,
      preflightAnsweredBy: 'corsgate',
      preflightStatus: 204,
      actualRequests: 1,
    },
  },
  {
    group: 'preflightContinue',
    name: 'true: the app answers the preflight, with corsgate headers set',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], preflightContinue: true }),
    fetch: { path: '/data', method: 'PUT' },
    expect: {
      result: { status: 200, body: '{"method":"PUT"}' },
      preflights: 1,
      preflightAnsweredBy: 'app',
      preflightStatus: 200,
      actualRequests: 1,
    },
  },
  {
    group: 'optionsSuccessStatus',
    name: '200 instead of 204 is accepted',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed], optionsSuccessStatus: 200 }),
    fetch: { path: '/data', method: 'DELETE' },
    expect: {
      result: { status: 200, body: '{"method":"DELETE"}' },
      preflights: 1,
      preflightAnsweredBy: 'corsgate',
      preflightStatus: 200,
      actualRequests: 1,
    },
  },

  // ---- per-route CORS
  {
    group: 'per-route CORS',
    name: 'route with cors(): readable from another site',
    from: 'refused',
    mount: perRoute,
    fetch: { path: '/open/data' },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'per-route CORS',
    name: 'route with an allowlist: refused from another site',
    from: 'refused',
    mount: perRoute,
    fetch: { path: '/closed/data' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 0,
      actualRequests: 1,
      refusals: ['origin-not-allowed'],
    },
  },
  {
    group: 'per-route CORS',
    name: 'route with an allowlist: preflighted PUT from the listed origin',
    from: 'allowed',
    mount: perRoute,
    fetch: { path: '/closed/data', method: 'PUT' },
    expect: { result: { status: 200, body: '{"method":"PUT"}' }, preflights: 1, actualRequests: 1 },
  },
  {
    group: 'per-route CORS',
    name: 'route without CORS: not readable cross-origin',
    from: 'allowed',
    mount: perRoute,
    fetch: { path: '/none/data' },
    expect: { result: 'TypeError', console: NO_ACAO, preflights: 0, actualRequests: 1 },
  },

  // ---- the null origin (sandboxed iframe)
  {
    group: 'null origin',
    name: 'refused by an allowlist by default',
    from: 'sandboxed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/data' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 0,
      actualRequests: 1,
      refusals: ['origin-not-allowed'],
    },
  },
  {
    group: 'null origin',
    name: 'refused by origin: true (reflect) by default',
    from: 'sandboxed',
    cors: () => ({ origin: true }),
    fetch: { path: '/data', method: 'PUT' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 1,
      actualRequests: 0,
      refusals: ['origin-not-allowed'],
    },
  },
  {
    group: 'null origin',
    name: 'dangerouslyAllowNullOrigin: true alone does not add "null" to an allowlist',
    from: 'sandboxed',
    cors: (o) => ({ origin: [o.allowed], dangerouslyAllowNullOrigin: true }),
    fetch: { path: '/data' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 0,
      actualRequests: 1,
      refusals: ['origin-not-allowed'],
    },
  },
  {
    group: 'null origin',
    name: 'allowed when listed, with dangerouslyAllowNullOrigin: true',
    from: 'sandboxed',
    cors: (o) => ({ origin: [o.allowed, 'null'], dangerouslyAllowNullOrigin: true }),
    fetch: { path: '/data' },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'null origin',
    name: 'preflighted PUT allowed by origin: true with dangerouslyAllowNullOrigin: true',
    from: 'sandboxed',
    cors: () => ({ origin: true, dangerouslyAllowNullOrigin: true }),
    fetch: { path: '/data', method: 'PUT', headers: { 'X-Custom': '1' } },
    expect: { result: { status: 200, body: '{"method":"PUT"}' }, preflights: 1, actualRequests: 1 },
  },

  // ---- error responses
  {
    group: 'error responses',
    name: 'a 500 from an allowed origin is readable',
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/fail' },
    expect: {
      result: { status: 500, body: '{"error":"database unavailable"}' },
      readable: JSON_HEADERS,
      preflights: 0,
      actualRequests: 1,
    },
  },
  {
    group: 'error responses',
    name: "a thrown error answered by Express's error handler keeps the CORS headers",
    from: 'allowed',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/throw' },
    expect: { result: { status: 500, body: /boom from a route/ }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'error responses',
    name: 'a 500 to a refused origin is not readable',
    from: 'refused',
    cors: (o) => ({ origin: [o.allowed] }),
    fetch: { path: '/fail' },
    expect: {
      result: 'TypeError',
      console: NO_ACAO,
      preflights: 0,
      actualRequests: 1,
      refusals: ['origin-not-allowed'],
    },
  },

  // ---- a broken hand-written middleware: the browser must block it
  BROKEN_STAR_WITH_CREDENTIALS,
  {
    group: 'broken middleware',
    name: 'control: the same hand-written middleware without credentials is readable',
    from: 'allowed',
    cookie: true,
    mount: BROKEN_STAR_WITH_CREDENTIALS.mount as NonNullable<Scenario['mount']>,
    fetch: { path: '/data' },
    expect: { result: { status: 200, body: '{"method":"GET"}' }, preflights: 0, actualRequests: 1 },
  },
  {
    group: 'broken middleware',
    name: 'hand-written middleware sending two Access-Control-Allow-Origin values',
    from: 'allowed',
    mount: ({ app, routes }) => {
      app.use(
        handWritten((req, res) => {
          res.setHeader('Access-Control-Allow-Origin', [String(req.headers.origin), String(req.headers.origin)]);
        }),
        routes(),
      );
    },
    fetch: { path: '/data' },
    expect: { result: 'TypeError', console: /contains multiple values/, preflights: 0, actualRequests: 1 },
  },
];
