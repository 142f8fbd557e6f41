/**
 * The conformance table in `@koa/cors`'s own spelling: for each scenario that `@koa/cors` can express, the
 * options a Koa user would write (its option names, a single origin string, `(ctx) => string` origin
 * functions, `credentials` as a function, `maxAge` as a string). Run through corsgate/koa, each must give
 * exactly the scenario's expected response. Scenarios with no `@koa/cors` equivalent (`optionsSuccessStatus`,
 * `preflightContinue`, `origin: false`) have no entry.
 */
import type { KoaCorsOptions } from '../../src/adapters/koa.js';
import { ORIGIN } from './scenarios.js';

/** `@koa/cors`'s spelling of an allowlist of one origin: answer the origin when it is the listed one. */
const onlyOrigin: KoaCorsOptions['origin'] = (ctx) => (ctx.get('Origin') === ORIGIN ? ORIGIN : '');

export const koaSpellings: Readonly<Record<string, KoaCorsOptions>> = {
  'preflight allowed, default options (any origin)': {},
  'preflight allowed, allowlisted origin': { origin: ORIGIN },
  'preflight refused: origin not allowed': { origin: ORIGIN },
  'preflight refused: method not listed': { origin: ORIGIN, allowMethods: ['GET', 'POST'] },
  'preflight refused: request header not listed': { origin: ORIGIN, allowHeaders: ['Content-Type'] },
  'actual request allowed': { origin: onlyOrigin },
  'actual request refused: passes through without CORS headers': { origin: onlyOrigin },
  'actual request, any origin: "*" and no Vary': { origin: '*' },
  'malformed Origin (trailing slash) refused': { origin: (ctx) => ctx.get('Origin') },
  'Origin null refused by default': { origin: (ctx) => ctx.get('Origin') },
  'no Origin, allowlist: no CORS headers, Vary: Origin': { origin: ORIGIN },
  'no Origin, any origin: "*"': { origin: '*' },
  'OPTIONS without Access-Control-Request-Method goes to the application': { origin: ORIGIN },
  'credentials: actual request with a cookie': { origin: ORIGIN, credentials: true },
  'credentials: preflight': {
    origin: onlyOrigin,
    credentials: async (ctx) => ctx.path === '/resource',
  },
  'exposed headers on an actual request': { origin: ORIGIN, exposeHeaders: ['X-Request-Id', 'X-Total-Count'] },
  'maxAge on a preflight': { origin: ORIGIN, maxAge: '600' },
  'Private Network Access preflight': { origin: ORIGIN, privateNetworkAccess: true },
  'origin callback (async) allows': { origin: async (ctx) => ctx.get('Origin') },
  'origin callback (node style) refuses': { origin: onlyOrigin },
  "origin callback error: the framework's error handling answers 500, no access": {
    origin: () => {
      throw new Error('origin lookup failed');
    },
  },
  'origin callback error on a preflight: 500, no access': {
    origin: async () => {
      throw new Error('origin lookup failed');
    },
  },
  "existing Vary is kept: the application's Vary, then Origin": { origin: ORIGIN },
};
