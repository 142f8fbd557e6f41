/**
 * CORS scenarios as data: a server, a request as a page would make it with fetch(), and what a browser
 * does with it. `corsgate check` runs them in scenarios.test.ts; a browser suite can run the same rows in
 * Chromium (serve a page at `origin`, call `fetch(url, init)`) and compare its verdict with the probe's.
 */
import type { RequestListener, ServerResponse } from 'node:http';
import corsPackage from 'cors';
import express from 'express';
import type { CheckId, ProbeOptions } from '../../src/cli/probe.js';
import corsgate, { type ExpressCorsOptions } from '../../src/index.js';

export interface Scenario {
  readonly name: string;
  /** Builds the server for a page at `origin` (the API is on another origin). */
  readonly server: (origin: string) => RequestListener;
  readonly path: string;
  /** The fetch() call: method, headers, credentials (a `Cookie` header stands for the browser's cookies). */
  readonly request: Omit<ProbeOptions, 'origin' | 'timeout'>;
  readonly expected: 'allowed' | 'blocked';
  /** For a blocked scenario: the first check that fails. */
  readonly failure?: CheckId;
}

function withCorsgate(options: (origin: string) => ExpressCorsOptions): (origin: string) => RequestListener {
  return (origin) => {
    const app = express();
    app.use(corsgate(options(origin)));
    app.all('/{*path}', (_req, res) => {
      res.set('X-Request-Id', 'r-1').json({ ok: true });
    });
    return app;
  };
}

function withCors(options: (origin: string) => corsPackage.CorsOptions): (origin: string) => RequestListener {
  return (origin) => {
    const app = express();
    app.use(corsPackage(options(origin)));
    app.all('/{*path}', (_req, res) => {
      res.json({ ok: true });
    });
    return app;
  };
}

/** A hand-written server: `preflight` answers OPTIONS, `actual` sets headers on everything else. */
function handWritten(
  preflight: (res: ServerResponse, origin: string) => void,
  actual: (res: ServerResponse, origin: string) => void = (res, origin) =>
    res.setHeader('Access-Control-Allow-Origin', origin),
): (origin: string) => RequestListener {
  return (origin) => (req, res) => {
    if (req.method === 'OPTIONS') {
      res.statusCode = 204;
      preflight(res, origin);
    } else {
      actual(res, origin);
    }
    if (!res.writableEnded) res.end('{}');
  };
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'corsgate allowlist: PUT with JSON',
    server: withCorsgate((origin) => ({ origin: [origin] })),
    path: '/api/items/1',
    request: { method: 'PUT', headers: JSON_HEADERS },
    expected: 'allowed',
  },
  {
    name: 'corsgate allowlist: another origin is refused',
    server: withCorsgate(() => ({ origin: ['https://app.example.com'] })),
    path: '/api/items/1',
    request: { method: 'GET' },
    expected: 'blocked',
    failure: 'allow-origin',
  },
  {
    name: 'corsgate: lower-case patch is not PATCH',
    server: withCorsgate((origin) => ({ origin: [origin] })),
    path: '/api/items/1',
    request: { method: 'patch' },
    expected: 'blocked',
    failure: 'allow-methods',
  },
  {
    name: 'corsgate: a header outside allowedHeaders',
    server: withCorsgate((origin) => ({ origin: [origin], allowedHeaders: ['Content-Type'] })),
    path: '/api/items',
    request: { method: 'POST', headers: { 'X-Trace': '1' } },
    expected: 'blocked',
    failure: 'allow-headers',
  },
  {
    name: 'corsgate: credentials with cookies',
    server: withCorsgate((origin) => ({ origin: [origin], credentials: true })),
    path: '/api/me',
    request: { method: 'GET', credentials: true, headers: { Cookie: 'sid=1' } },
    expected: 'allowed',
  },
  {
    name: 'corsgate without credentials: a request with cookies',
    server: withCorsgate((origin) => ({ origin: [origin] })),
    path: '/api/me',
    request: { method: 'GET', credentials: true, headers: { Cookie: 'sid=1' } },
    expected: 'blocked',
    failure: 'allow-credentials',
  },
  {
    name: 'cors(): any origin, no credentials',
    server: withCors(() => ({})),
    path: '/api/items/1',
    request: { method: 'DELETE', headers: { Authorization: 'Bearer t' } },
    expected: 'allowed',
  },
  {
    name: 'cors(): "*" with credentials',
    server: withCors(() => ({})),
    path: '/api/items/1',
    request: { method: 'GET', credentials: true },
    expected: 'blocked',
    failure: 'allow-origin',
  },
  {
    name: 'cors({ methods }) without DELETE',
    server: withCors((origin) => ({ origin, methods: ['GET', 'POST'] })),
    path: '/api/items/1',
    request: { method: 'DELETE' },
    expected: 'blocked',
    failure: 'allow-methods',
  },
  {
    name: 'two Access-Control-Allow-Origin headers',
    server: handWritten(
      () => {},
      (res, origin) => res.setHeader('Access-Control-Allow-Origin', [origin, origin]),
    ),
    path: '/api',
    request: { method: 'GET' },
    expected: 'blocked',
    failure: 'allow-origin',
  },
  {
    name: '"*" and Access-Control-Allow-Credentials: true, with credentials',
    server: handWritten(
      () => {},
      (res) => {
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Access-Control-Allow-Credentials', 'true');
      },
    ),
    path: '/api',
    request: { method: 'GET', credentials: true },
    expected: 'blocked',
    failure: 'allow-origin',
  },
  {
    name: 'the method missing from Access-Control-Allow-Methods',
    server: handWritten((res, origin) => {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST');
    }),
    path: '/api',
    request: { method: 'PUT' },
    expected: 'blocked',
    failure: 'allow-methods',
  },
  {
    name: 'a preflight answered with 404',
    server: handWritten((res, origin) => {
      res.statusCode = 404;
      res.setHeader('Access-Control-Allow-Origin', origin);
    }),
    path: '/api',
    request: { method: 'PUT' },
    expected: 'blocked',
    failure: 'preflight-status',
  },
  {
    name: 'a preflight answered with 500',
    server: handWritten((res, origin) => {
      res.statusCode = 500;
      res.setHeader('Access-Control-Allow-Origin', origin);
    }),
    path: '/api',
    request: { method: 'PUT' },
    expected: 'blocked',
    failure: 'preflight-status',
  },
  {
    name: 'a redirect on the preflight',
    server: handWritten((res, origin) => {
      res.statusCode = 301;
      res.setHeader('Location', '/api/');
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'PUT');
    }),
    path: '/api',
    request: { method: 'PUT' },
    expected: 'blocked',
    failure: 'preflight-status',
  },
  {
    name: 'Access-Control-Allow-Headers "*" does not cover Authorization',
    server: handWritten(
      (res) => {
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Access-Control-Allow-Headers', '*');
      },
      (res) => res.setHeader('Access-Control-Allow-Origin', '*'),
    ),
    path: '/api',
    request: { method: 'GET', headers: { Authorization: 'Bearer t' } },
    expected: 'blocked',
    failure: 'allow-headers',
  },
  {
    name: 'Access-Control-Allow-Headers "*" covers other headers without credentials',
    server: handWritten(
      (res) => {
        res.setHeader('Access-Control-Allow-Origin', '*');
        res.setHeader('Access-Control-Allow-Headers', '*');
      },
      (res) => res.setHeader('Access-Control-Allow-Origin', '*'),
    ),
    path: '/api',
    request: { method: 'GET', headers: { 'X-Trace': '1' } },
    expected: 'allowed',
  },
];
