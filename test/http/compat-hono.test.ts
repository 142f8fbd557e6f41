/**
 * The drop-in check for Hono: `hono/cors` and `corsgate/hono` given the same options (configurations from
 * hono's documentation, in its spelling) on identical Hono apps served by @hono/node-server, and the same
 * requests. Status, body, every Access-Control-* header and Vary must be equal, except for the named,
 * intended differences below (the README's list for Hono). Each difference says when it applies, asserts
 * that it really occurs, and turns hono/cors's answer into corsgate's; after that, everything must be equal.
 */
import { getRequestListener } from '@hono/node-server';
import { Hono, type MiddlewareHandler } from 'hono';
import { cors as honoCors } from 'hono/cors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cors as corsgateHono, type HonoCorsOptions } from '../../src/adapters/hono.js';
import { isSerializedOrigin, mergeVary } from '../../src/core/index.js';
import { type Reply, type Sent, type Served, send, serve } from '../helpers/server.js';

const E = 'https://example.com';
const O = 'https://example.org';
const S = 'https://app.example.com';
const H = 'http://example.com';
const X = 'https://evil.example';

interface Config {
  readonly name: string;
  /** Options for both packages, in hono/cors's spelling. */
  readonly options: HonoCorsOptions;
  /** The origins corsgate allows; 'any' when every origin gets `*`. */
  readonly allows: (origin: string) => boolean | 'any';
}

const configs: readonly Config[] = [
  // app.use('/api/*', cors())
  { name: 'default', options: {}, allows: () => 'any' },
  {
    name: 'docs: one origin, every option',
    options: {
      origin: H,
      allowHeaders: ['X-Custom-Header', 'Upgrade-Insecure-Requests'],
      allowMethods: ['POST', 'GET', 'OPTIONS'],
      exposeHeaders: ['Content-Length', 'X-Kuma-Revision'],
      maxAge: 600,
      credentials: true,
    },
    allows: (origin) => origin === H,
  },
  { name: 'docs: multiple origins', options: { origin: [E, O] }, allows: (origin) => origin === E || origin === O },
  {
    name: 'docs: origin function',
    options: { origin: (origin, _c) => (origin.endsWith('.example.com') ? origin : H) },
    allows: (origin) => origin.endsWith('.example.com') || origin === H,
  },
  {
    name: 'docs: allowMethods function',
    options: {
      origin: (origin) => (origin === E ? origin : '*'),
      allowMethods: (origin, _c) => (origin === E ? ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE'] : ['GET', 'HEAD']),
    },
    allows: (origin) => (origin === E ? true : 'any'),
  },
  {
    name: 'async origin function with credentials and exposed headers',
    options: {
      origin: async (origin) => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return origin === E || origin === O ? origin : null;
      },
      credentials: true,
      exposeHeaders: ['X-Request-Id'],
    },
    allows: (origin) => origin === E || origin === O,
  },
];

interface Request {
  readonly name: string;
  readonly sent: Sent;
}
const pf = (origin: string | undefined, method: string, headers?: string): Sent => ({
  method: 'OPTIONS',
  headers: {
    ...(origin !== undefined ? { Origin: origin } : {}),
    'Access-Control-Request-Method': method,
    ...(headers !== undefined ? { 'Access-Control-Request-Headers': headers } : {}),
  },
});
const requests: readonly Request[] = [
  { name: 'GET from example.com', sent: { headers: { Origin: E } } },
  { name: 'POST from example.org', sent: { method: 'POST', headers: { Origin: O } } },
  { name: 'GET from a subdomain', sent: { headers: { Origin: S } } },
  { name: 'GET from http://example.com', sent: { headers: { Origin: H } } },
  { name: 'GET from elsewhere', sent: { headers: { Origin: X } } },
  { name: 'GET without Origin', sent: {} },
  { name: 'preflight from example.com', sent: pf(E, 'PATCH', 'content-type,x-custom-header') },
  { name: 'preflight from http://example.com', sent: pf(H, 'POST', 'x-custom-header') },
  { name: 'preflight from a subdomain, no headers', sent: pf(S, 'DELETE') },
  { name: 'preflight, headers not browser-shaped', sent: pf(E, 'PUT', 'X-Custom-Header, Content-Type') },
  { name: 'preflight from elsewhere', sent: pf(X, 'PUT', 'x-token') },
  { name: 'OPTIONS without Access-Control-Request-Method', sent: { method: 'OPTIONS', headers: { Origin: E } } },
  { name: 'OPTIONS without Origin', sent: { method: 'OPTIONS' } },
  { name: 'GET from null', sent: { headers: { Origin: 'null' } } },
  { name: 'GET from a malformed origin', sent: { headers: { Origin: `${E}/` } } },
];

interface Observed {
  status: number;
  body: string;
  headers: Record<string, string>;
  vary: string | undefined;
}

function observe(reply: Reply): Observed {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers)) {
    if (name.startsWith('access-control-') && value !== undefined) headers[name] = String(value);
  }
  return { status: reply.status, body: reply.body, headers, vary: reply.headers.vary };
}

interface Case {
  readonly config: Config;
  readonly origin: string | undefined;
  readonly isOptions: boolean;
  readonly isPreflight: boolean;
  readonly requestHeaders: string | undefined;
}

/** corsgate's verdict on the request's origin: 'any', true (reflected) or false (refused or no Origin). */
function verdict(k: Case): boolean | 'any' {
  const { origin } = k;
  // without Origin, only "*" is sent (also when an origin function answers "*" to "")
  if (origin === undefined) return k.config.allows('') === 'any' ? 'any' : false;
  const allowed = k.config.allows(origin);
  if (allowed === 'any') return 'any';
  return allowed && origin !== 'null' && isSerializedOrigin(origin);
}
const functionOrigin = (c: Config) => typeof c.options.origin === 'function';
const fixedAllowHeaders = (c: Config) => (c.options.allowHeaders?.length ?? 0) > 0;
const hasOriginHeaders = (o: Observed) => o.headers['access-control-allow-origin'] !== undefined;
const preflightOnly = ['access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age'];
const normalizedRequestHeaders = (value: string) =>
  value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean)
    .join(',');
const withoutVaryName = (vary: string | undefined, name: string) => {
  const rest = (vary ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '' && n !== name);
  return rest.length > 0 ? rest.join(', ') : undefined;
};

interface Difference {
  readonly name: string;
  readonly applies: (k: Case, hono: Observed) => boolean;
  /** Asserts the difference really occurs. */
  readonly occurs: (hono: Observed, gate: Observed, k: Case) => void;
  /** Turns hono/cors's answer into corsgate's, for this difference only. */
  readonly reconcile: (hono: Observed, k: Case) => void;
}

const differences: readonly Difference[] = [
  {
    name: 'OPTIONS without Origin and Access-Control-Request-Method goes to the application',
    applies: (k) => k.isOptions && !k.isPreflight,
    occurs: (hono, gate) => {
      expect(hono.status).toBe(204);
      expect(gate.status).toBe(200);
      expect(gate.body).toBe('app');
    },
    reconcile: (hono) => {
      hono.status = 200;
      hono.body = 'app';
      for (const name of preflightOnly) delete hono.headers[name];
      hono.vary = withoutVaryName(hono.vary, 'Access-Control-Request-Headers');
    },
  },
  {
    name: 'a refused origin, or a request without Origin, gets no CORS headers at all',
    applies: (k, hono) =>
      verdict(k) === false && Object.keys(hono.headers).some((n) => n !== 'access-control-allow-origin'),
    occurs: (hono, gate) => {
      expect(Object.keys(hono.headers).length).toBeGreaterThan(0);
      expect(gate.headers).toEqual({});
    },
    reconcile: (hono) => {
      hono.headers = {};
    },
  },
  {
    name: 'an origin function\'s answer other than the request\'s origin or "*" is a refusal',
    applies: (k, hono) =>
      verdict(k) === false &&
      hasOriginHeaders(hono) &&
      hono.headers['access-control-allow-origin'] !== k.origin &&
      hono.headers['access-control-allow-origin'] !== '*',
    occurs: (hono, gate, k) => {
      // hono/cors sends the string (browsers then block the response); corsgate sends nothing
      expect(hono.headers['access-control-allow-origin']).not.toBe(k.origin);
      expect(gate.headers['access-control-allow-origin']).toBeUndefined();
    },
    reconcile: (hono) => {
      hono.headers = {};
    },
  },
  {
    name: 'malformed and "null" origins are refused without asking the origin function',
    applies: (k, hono) =>
      k.origin !== undefined &&
      functionOrigin(k.config) &&
      (k.origin === 'null' || !isSerializedOrigin(k.origin)) &&
      hono.headers['access-control-allow-origin'] === '*',
    occurs: (hono, gate) => {
      expect(hono.headers['access-control-allow-origin']).toBe('*');
      expect(gate.headers).toEqual({});
    },
    reconcile: (hono) => {
      hono.headers = {};
    },
  },
  {
    name: 'preflights do not carry Access-Control-Expose-Headers',
    applies: (k) => k.isPreflight && verdict(k) !== false && (k.config.options.exposeHeaders?.length ?? 0) > 0,
    occurs: (hono, gate) => {
      expect(hono.headers['access-control-expose-headers']).toBeDefined();
      expect(gate.headers['access-control-expose-headers']).toBeUndefined();
    },
    reconcile: (hono) => {
      delete hono.headers['access-control-expose-headers'];
    },
  },
  {
    name: 'reflected request headers are lower-cased',
    applies: (k) =>
      k.isPreflight &&
      verdict(k) !== false &&
      !fixedAllowHeaders(k.config) &&
      k.requestHeaders !== undefined &&
      normalizedRequestHeaders(k.requestHeaders) !== k.requestHeaders,
    occurs: (hono, gate, k) => {
      expect(hono.headers['access-control-allow-headers']).toBe(
        (k.requestHeaders ?? '')
          .split(',')
          .map((n) => n.trim())
          .join(','),
      );
      expect(gate.headers['access-control-allow-headers']).toBe(normalizedRequestHeaders(k.requestHeaders ?? ''));
    },
    reconcile: (hono, k) => {
      hono.headers['access-control-allow-headers'] = normalizedRequestHeaders(k.requestHeaders ?? '');
    },
  },
  {
    name: 'Vary: Access-Control-Request-Headers on every preflight whose answer reflects them, and only then',
    applies: (k, hono) => {
      if (!k.isPreflight) return false;
      const reflects = !fixedAllowHeaders(k.config);
      return reflects !== (hono.vary ?? '').split(', ').includes('Access-Control-Request-Headers');
    },
    occurs: (hono, gate) => {
      expect((hono.vary ?? '').includes('Access-Control-Request-Headers')).not.toBe(
        (gate.vary ?? '').includes('Access-Control-Request-Headers'),
      );
    },
    reconcile: (hono, k) => {
      hono.vary = fixedAllowHeaders(k.config)
        ? withoutVaryName(hono.vary, 'Access-Control-Request-Headers')
        : mergeVary(hono.vary, 'Access-Control-Request-Headers');
    },
  },
];

const used = new Set<string>();

function app(factory: (options: HonoCorsOptions) => MiddlewareHandler): Hono {
  const a = new Hono();
  a.onError((_err, c) => c.text('error', 500));
  configs.forEach((config, i) => {
    a.use(`/c${i}/*`, factory(config.options));
  });
  a.all('*', (c) => c.text('app', 200));
  return a;
}

describe('drop-in compatibility with hono/cors (@hono/node-server)', () => {
  let honoServer: Served;
  let gateServer: Served;

  beforeAll(async () => {
    honoServer = await serve(getRequestListener(app(honoCors as never).fetch));
    gateServer = await serve(getRequestListener(app(corsgateHono).fetch));
  });
  afterAll(async () => {
    await honoServer.close();
    await gateServer.close();
  });

  describe.each(configs.map((config, index) => ({ config, index, label: config.name })))(
    '$label',
    ({ config, index }) => {
      it.each(requests.map((request) => ({ request, label: request.name })))('$label', async ({ request }) => {
        const sent = { ...request.sent, path: `/c${index}/items/1` };
        const [honoReply, gateReply] = await Promise.all([send(honoServer.port, sent), send(gateServer.port, sent)]);
        const hono = observe(honoReply);
        const gate = observe(gateReply);
        const h = request.sent.headers ?? {};
        const k: Case = {
          config,
          origin: h.Origin as string | undefined,
          isOptions: request.sent.method === 'OPTIONS',
          isPreflight:
            request.sent.method === 'OPTIONS' && h.Origin !== undefined && 'Access-Control-Request-Method' in h,
          requestHeaders: h['Access-Control-Request-Headers'] as string | undefined,
        };
        const raw = structuredClone(hono);
        const applicable = differences.filter((difference) => difference.applies(k, hono));
        // first: each difference really shows in the raw answers; then: nothing else differs
        for (const difference of applicable) {
          used.add(difference.name);
          difference.occurs(structuredClone(raw), gate, k);
          difference.reconcile(hono, k);
        }
        expect(gate).toEqual(hono);
      });
    },
  );
});

describe('the list of intended differences', () => {
  it('every listed difference occurred at least once (the list cannot go stale)', () => {
    expect([...used].sort()).toEqual(differences.map((d) => d.name).sort());
  });
});
