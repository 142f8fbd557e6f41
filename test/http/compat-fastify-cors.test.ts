/**
 * The drop-in check for Fastify: configurations taken from @fastify/cors's README, registered the same
 * way with @fastify/cors and with corsgate/fastify (at the root, and inside an encapsulated plugin under
 * a prefix), and the same requests sent to both over HTTP. Status, body, every Access-Control-* header,
 * Vary and Cache-Control must be equal, except for the differences listed below (the README's list for
 * Fastify). Each difference says when it applies, asserts that it really occurs, and says how corsgate's
 * answer follows from @fastify/cors's; after that, everything must be equal.
 */
import fastifyCors from '@fastify/cors';
import Fastify, { type FastifyInstance, type FastifyPluginCallback } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import corsgate from '../../src/adapters/fastify.js';
import { isSerializedOrigin, mergeVary } from '../../src/core/index.js';
import { type ListedDifference, listedDifferences } from '../helpers/listed-differences.js';
import { type Reply, type Sent, send } from '../helpers/server.js';

const A = 'https://app.example.com';
const C = 'https://example.com';
const B = 'https://evil.example.net';
const LOCAL = 'http://localhost:3000';

type Options = Record<string, unknown> | ((...args: never[]) => unknown);
/** How a configuration treats one request: any origin, reflect, a single string, an allowlist, an origin function, CORS off. */
type Kind = 'any' | 'reflect' | 'string' | 'list' | 'function' | 'off';
/** What an origin function answers for an Origin. */
type Answer = 'allow' | 'refuse' | 'error';
interface Model {
  readonly kind: Kind;
  /** For string / list / function: the origins allowed. */
  readonly allowed?: readonly string[];
  /** For an origin function: its answer when called. */
  readonly answer?: (origin: string | undefined) => Answer;
  /** The options in effect, when they are not the registered object (a delegator's answer). */
  readonly options?: Readonly<Record<string, unknown>>;
}
interface Config {
  readonly name: string;
  readonly options: Options;
  /** How the configuration treats a request to this path (route-level options, a delegator's answer). */
  readonly model: (path: string, method: string, origin: string | undefined) => Model;
  /** Routes with their own `config.cors`, as in the README's route-level example. */
  readonly routes?: Readonly<Record<string, unknown>>;
}

const fixed = (model: Model) => () => model;
const allowIf =
  (...origins: string[]) =>
  (origin: string | undefined): Answer =>
    origin !== undefined && origins.includes(origin) ? 'allow' : 'refuse';

const later = <T>(value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), 5));

const configs: readonly Config[] = [
  { name: 'no options', options: {}, model: fixed({ kind: 'any' }) },
  { name: 'origin true', options: { origin: true }, model: fixed({ kind: 'reflect' }) },
  { name: 'origin "*"', options: { origin: '*' }, model: fixed({ kind: 'any' }) },
  { name: 'origin string', options: { origin: C }, model: fixed({ kind: 'string', allowed: [C] }) },
  { name: 'origin false', options: { origin: false }, model: fixed({ kind: 'off' }) },
  {
    name: 'origin RegExp (README)',
    options: { origin: /^https:\/\/([a-z0-9-]+\.)*example\.com$/ },
    model: fixed({ kind: 'list', allowed: [A, C] }),
  },
  {
    name: 'origin array of string and RegExp',
    options: { origin: [C, /^https:\/\/([a-z0-9-]+\.)+example\.com$/] },
    model: fixed({ kind: 'list', allowed: [A, C] }),
  },
  {
    name: 'origin function (README: localhost passes, others get an error)',
    model: fixed({ kind: 'function', allowed: [LOCAL], answer: (origin) => (origin === LOCAL ? 'allow' : 'error') }),
    options: {
      origin: (origin: string, cb: (err: Error | null, allow?: boolean) => void) => {
        const hostname = new URL(origin).hostname;
        if (hostname === 'localhost') {
          cb(null, true);
          return;
        }
        cb(new Error('Not allowed'), false);
      },
    },
  },
  {
    name: 'origin function answering later through the callback',
    model: fixed({ kind: 'function', allowed: [A, C], answer: allowIf(A, C) }),
    options: {
      origin: (origin: string | undefined, cb: (err: Error | null, allow?: boolean) => void) => {
        setTimeout(() => cb(null, origin === A || origin === C), 5);
      },
    },
  },
  {
    name: 'origin async function (this is the Fastify instance)',
    model: fixed({ kind: 'function', allowed: [A], answer: allowIf(A) }),
    options: {
      async origin(this: FastifyInstance, origin: string | undefined) {
        return typeof this.hasRoute === 'function' && (await later(origin === A));
      },
    },
  },
  {
    name: 'methods, allowedHeaders, exposedHeaders as arrays, credentials, maxAge',
    model: fixed({ kind: 'list', allowed: [A, C] }),
    options: {
      origin: [A, C],
      methods: ['GET', 'PUT', 'DELETE'],
      allowedHeaders: ['Content-Type', 'Authorization'],
      exposedHeaders: ['Content-Range', 'X-Content-Range'],
      credentials: true,
      maxAge: 600,
    },
  },
  {
    name: 'methods, allowedHeaders, exposedHeaders as comma-delimited strings',
    model: fixed({ kind: 'string', allowed: [A] }),
    options: {
      origin: A,
      methods: 'GET,PUT,POST',
      allowedHeaders: 'Content-Type,Authorization',
      exposedHeaders: 'Content-Range,X-Content-Range',
    },
  },
  {
    name: 'cacheControl as seconds',
    options: { origin: [A], cacheControl: 600 },
    model: fixed({ kind: 'list', allowed: [A] }),
  },
  {
    name: 'cacheControl as a string',
    options: { cacheControl: 'public, max-age=3600' },
    model: fixed({ kind: 'any' }),
  },
  {
    name: 'preflightContinue',
    options: { origin: [A], preflightContinue: true },
    model: fixed({ kind: 'list', allowed: [A] }),
  },
  {
    name: 'optionsSuccessStatus 200',
    options: { origin: [A], optionsSuccessStatus: 200 },
    model: fixed({ kind: 'list', allowed: [A] }),
  },
  { name: 'preflight false', options: { origin: [A], preflight: false }, model: fixed({ kind: 'list', allowed: [A] }) },
  {
    name: 'strictPreflight false',
    options: { origin: [A], strictPreflight: false },
    model: fixed({ kind: 'list', allowed: [A] }),
  },
  {
    name: 'hideOptionsRoute false, logLevel silent',
    options: { origin: [A], hideOptionsRoute: false, logLevel: 'silent' },
    model: fixed({ kind: 'list', allowed: [A] }),
  },
  { name: 'hook preHandler (README)', options: { hook: 'preHandler' }, model: fixed({ kind: 'any' }) },
  {
    name: 'hook preValidation',
    options: { origin: [A], hook: 'preValidation', credentials: true },
    model: fixed({ kind: 'list', allowed: [A] }),
  },
  {
    name: 'delegator with hook preHandler (README)',
    model: fixed({ kind: 'reflect', options: { origin: true } }),
    options: {
      hook: 'preHandler',
      delegator: (req: { headers: Record<string, string | undefined> }, callback: (e: null, o: object) => void) => {
        const corsOptions = { origin: true };
        if (/^localhost$/m.test(req.headers.origin ?? '')) corsOptions.origin = false;
        callback(null, corsOptions);
      },
    },
  },
  {
    name: 'delegator answering a Promise',
    model: (_path, _method, origin) =>
      origin === A
        ? { kind: 'list', allowed: [A], options: { origin: [A], credentials: true } }
        : { kind: 'off', options: { origin: false, credentials: true } },
    options: {
      delegator: async (req: { headers: Record<string, string | undefined> }) =>
        later({ origin: req.headers.origin === A ? [A] : false, credentials: true }),
    },
  },
  {
    name: 'register(plugin, (instance) => delegate) (README: Configuring CORS Asynchronously)',
    model: fixed({ kind: 'list', allowed: [A, C], options: { origin: [A], methods: ['GET', 'PUT'] } }),
    options:
      (_instance: never) =>
      (req: { headers: Record<string, string | undefined> }, callback: (e: null, o: object) => void) => {
        callback(null, { origin: req.headers.origin === C ? [C] : [A], methods: ['GET', 'PUT'] });
      },
  },
  {
    name: 'route-level config.cors (README)',
    model: (path, method) => {
      // OPTIONS requests go to the plugin's OPTIONS * route, which has no config.cors of its own.
      if (method === 'OPTIONS' || path === 'nowhere' || path === 'cors-enabled')
        return { kind: 'string', allowed: [C] };
      return path === 'cors-allow-all' ? { kind: 'any' } : { kind: 'off' };
    },
    options: { origin: C },
    routes: { 'cors-enabled': undefined, 'cors-allow-all': { origin: '*' }, 'cors-disabled': false },
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
  { name: 'GET from A', sent: { headers: { Origin: A } } },
  { name: 'PUT from C', sent: { method: 'PUT', headers: { Origin: C } } },
  { name: 'GET from B', sent: { headers: { Origin: B } } },
  { name: 'GET from localhost', sent: { headers: { Origin: LOCAL } } },
  { name: 'GET without Origin', sent: {} },
  { name: 'preflight from A', sent: pf(A, 'PUT', 'content-type,x-token') },
  { name: 'preflight from C, no headers', sent: pf(C, 'DELETE') },
  { name: 'preflight from A, headers not browser-shaped', sent: pf(A, 'PUT', 'X-Token, Content-Type') },
  { name: 'preflight from A for a safelisted method', sent: pf(A, 'POST', 'content-type') },
  { name: 'preflight from B', sent: pf(B, 'PUT', 'x-token') },
  { name: 'preflight from localhost', sent: pf(LOCAL, 'PUT', 'authorization') },
  { name: 'OPTIONS from A without Access-Control-Request-Method', sent: { method: 'OPTIONS', headers: { Origin: A } } },
  { name: 'OPTIONS without Origin', sent: { method: 'OPTIONS' } },
  { name: 'OPTIONS with Access-Control-Request-Method but no Origin', sent: pf(undefined, 'PUT') },
  { name: 'GET from null', sent: { headers: { Origin: 'null' } } },
  { name: 'GET from a malformed origin', sent: { headers: { Origin: `${A}/` } } },
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
    if ((name.startsWith('access-control-') || name === 'cache-control') && value !== undefined) {
      headers[name] = String(value);
    }
  }
  return { status: reply.status, body: reply.body, headers, vary: reply.headers.vary };
}

interface Case {
  readonly config: Config;
  readonly model: Model;
  /** Static options in effect. */
  readonly options: Readonly<Record<string, unknown>>;
  readonly method: string;
  readonly url: string;
  readonly origin: string | undefined;
  readonly isOptions: boolean;
  readonly isPreflight: boolean;
  readonly requestHeaders: string | undefined;
}

/** Would corsgate allow this origin (ignoring the difference rules themselves)? */
function allows(k: Case): boolean {
  const { kind, allowed = [] } = k.model;
  if (kind === 'any') return true;
  if (kind === 'off') return false;
  if (k.origin === undefined || k.origin === 'null' || !isSerializedOrigin(k.origin)) return false;
  return kind === 'reflect' || allowed.includes(k.origin);
}
const malformedOrigin = (k: Case) => k.origin !== undefined && (k.origin === 'null' || !isSerializedOrigin(k.origin));
/** @fastify/cors answers this OPTIONS request as a preflight (with the preflight headers). */
const peerPreflight = (k: Case) =>
  k.isOptions && k.options.preflight !== false && (k.isPreflight || k.options.strictPreflight === false);
const functionAnswer = (k: Case): Answer | undefined =>
  k.model.kind === 'function' ? k.model.answer?.(k.origin) : undefined;
const normalizedRequestHeaders = (value: string) =>
  value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean)
    .join(',');
const withoutAccessControl = (o: Observed) => {
  for (const name of Object.keys(o.headers)) if (name.startsWith('access-control-')) delete o.headers[name];
};
const accessControl = (o: Observed) => Object.keys(o.headers).filter((n) => n.startsWith('access-control-'));
const notFound = (k: Case) =>
  JSON.stringify({ message: `Route ${k.method}:${k.url} not found`, error: 'Not Found', statusCode: 404 });
/** What the application answers when no CORS rule ends the request. */
const application = (k: Case) =>
  k.url.endsWith('/nowhere') || k.isOptions ? { status: 404, body: notFound(k) } : { status: 200, body: 'app' };

type Difference = ListedDifference<Case, Observed>;

/** The README's list (Fastify section); the names below are its items. */
const differences: readonly Difference[] = [
  {
    name: 'a refused origin gets no CORS headers',
    applies: (k) =>
      k.model.kind === 'list' &&
      !allows(k) &&
      (peerPreflight(k) || k.options.credentials === true || k.options.exposedHeaders !== undefined),
    occurs: (peer, gate) => {
      expect(accessControl(peer).length).toBeGreaterThan(0);
      expect(peer.headers['access-control-allow-origin']).toBeUndefined();
      expect(accessControl(gate)).toEqual([]);
    },
    reconcile: withoutAccessControl,
  },
  {
    name: 'a single string origin is an allowlist of one',
    applies: (k) => k.model.kind === 'string',
    occurs: (peer, gate, k) => {
      expect(peer.vary ?? '').not.toMatch(/\bOrigin\b/);
      expect(gate.vary).toMatch(/^Origin\b/);
      if (!allows(k)) {
        expect(peer.headers['access-control-allow-origin']).toBe(k.model.allowed?.[0]);
        expect(accessControl(gate)).toEqual([]);
      }
    },
    reconcile: (peer, k) => {
      if (!allows(k)) withoutAccessControl(peer);
      peer.vary = peer.vary === undefined ? 'Origin' : `Origin, ${peer.vary}`;
    },
  },
  {
    name: 'an OPTIONS request that is not a preflight goes to your routes (strictPreflight: false)',
    applies: (k) => k.isOptions && !k.isPreflight && k.options.strictPreflight === false && k.model.kind !== 'off',
    occurs: (peer, gate) => {
      expect(peer.headers['access-control-allow-methods']).toBeDefined();
      expect(peer.status).toBe(204);
      expect(gate.headers['access-control-allow-methods']).toBeUndefined();
      expect(gate.status).toBe(404);
    },
    reconcile: (peer, k) => {
      Object.assign(peer, application(k));
      for (const name of ['access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age']) {
        delete peer.headers[name];
      }
      peer.vary = peer.vary?.replace(', Access-Control-Request-Headers', '');
    },
  },
  {
    name: 'preflights do not carry Access-Control-Expose-Headers',
    applies: (k) => peerPreflight(k) && k.isPreflight && k.options.exposedHeaders !== undefined && allows(k),
    occurs: (peer, gate) => {
      expect(peer.headers['access-control-expose-headers']).toBeDefined();
      expect(gate.headers['access-control-expose-headers']).toBeUndefined();
    },
    reconcile: (peer) => {
      delete peer.headers['access-control-expose-headers'];
    },
  },
  {
    name: 'reflected request headers are normalised to lower case',
    applies: (k) =>
      peerPreflight(k) &&
      k.isPreflight &&
      k.options.allowedHeaders === undefined &&
      allows(k) &&
      k.requestHeaders !== undefined &&
      normalizedRequestHeaders(k.requestHeaders) !== k.requestHeaders,
    occurs: (peer, gate, k) => {
      expect(peer.headers['access-control-allow-headers']).toBe(k.requestHeaders);
      expect(gate.headers['access-control-allow-headers']).toBe(normalizedRequestHeaders(k.requestHeaders ?? ''));
    },
    reconcile: (peer, k) => {
      peer.headers['access-control-allow-headers'] = normalizedRequestHeaders(k.requestHeaders ?? '');
    },
  },
  {
    name: 'origin true does not reflect "null" or a malformed Origin',
    applies: (k) => k.model.kind === 'reflect' && malformedOrigin(k),
    occurs: (peer, gate, k) => {
      expect(peer.headers['access-control-allow-origin']).toBe(k.origin);
      expect(accessControl(gate)).toEqual([]);
    },
    reconcile: withoutAccessControl,
  },
  {
    name: 'an origin function is not called for "null" or a malformed Origin',
    applies: (k) => k.model.kind === 'function' && malformedOrigin(k) && functionAnswer(k) !== 'refuse',
    occurs: (peer, gate) => {
      expect(peer.status).toBe(500);
      expect(gate.status).not.toBe(500);
    },
    reconcile: (peer, k) => {
      Object.assign(peer, application(k));
    },
  },
  {
    name: 'a preflight refused by an origin function is answered',
    applies: (k) => k.isPreflight && functionAnswer(k) === 'refuse',
    occurs: (peer, gate) => {
      expect(peer.status).toBe(404);
      expect(gate.status).toBe(204);
      expect(accessControl(gate)).toEqual([]);
    },
    reconcile: (peer) => {
      peer.status = 204;
      peer.body = '';
      peer.vary = mergeVary(peer.vary ?? '', 'Access-Control-Request-Headers');
    },
  },
  {
    name: 'with an origin function, an OPTIONS request without Origin gets the strictPreflight 400',
    applies: (k) => k.isOptions && k.origin === undefined && functionAnswer(k) === 'refuse',
    occurs: (peer, gate) => {
      expect(peer.status).toBe(404);
      expect(gate.status).toBe(400);
    },
    reconcile: (peer) => {
      peer.status = 400;
      peer.body = 'Invalid Preflight Request';
    },
  },
  {
    name: "an origin function's error: 500 without Vary",
    applies: (k) => functionAnswer(k) === 'error' && !malformedOrigin(k),
    occurs: (peer, gate) => {
      expect(peer.status).toBe(500);
      expect(peer.vary).toBe('Origin');
      expect(gate.status).toBe(500);
      expect(gate.vary).toBeUndefined();
    },
    reconcile: (peer) => {
      peer.vary = undefined;
    },
  },
];

const listed = listedDifferences(differences);

type Mount = 'root' | 'prefix';

async function start(plugin: FastifyPluginCallback<never>, config: Config, mount: Mount): Promise<FastifyInstance> {
  const app = Fastify();
  const routes = (scope: FastifyInstance) => {
    scope.route({
      method: ['GET', 'POST', 'PUT', 'DELETE'],
      url: '/items/:id',
      handler: (_request, reply) => reply.send('app'),
    });
    for (const [path, cors] of Object.entries(config.routes ?? {})) {
      scope.route({
        method: ['GET', 'PUT'],
        url: `/${path}`,
        config: cors === undefined ? {} : { cors: cors as never },
        handler: (_request, reply) => reply.send('app'),
      });
    }
  };
  if (mount === 'root') {
    // The README's shape: await the plugin, then add the routes.
    await app.register(plugin, config.options as never);
    routes(app);
  } else {
    // Scoped to /api; the routes are added before the plugin has loaded.
    await app.register(
      async (api) => {
        api.register(plugin, config.options as never);
        routes(api);
      },
      { prefix: '/api' },
    );
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

const portOf = (app: FastifyInstance): number => {
  const address = app.server.address();
  return typeof address === 'object' && address !== null ? address.port : 0;
};

describe.each([{ mount: 'root' as Mount }, { mount: 'prefix' as Mount }])('registered at $mount', ({ mount }) => {
  describe.each(configs.map((config) => ({ config, label: config.name })))('$label', ({ config }) => {
    let peer: FastifyInstance;
    let gate: FastifyInstance;
    beforeAll(async () => {
      peer = await start(fastifyCors as never, config, mount);
      gate = await start(corsgate as never, config, mount);
    });
    afterAll(async () => {
      await peer.close();
      await gate.close();
    });
    const paths = [...Object.keys(config.routes ?? { 'items/1': 0 }), 'nowhere'];
    it.each(
      paths.flatMap((path) => requests.map((request) => ({ request, path, label: `${request.name} to /${path}` }))),
    )('$label', async ({ request, path }) => {
      const url = `${mount === 'prefix' ? '/api' : ''}/${path}`;
      const [peerReply, gateReply] = await Promise.all([
        send(portOf(peer), { ...request.sent, path: url }),
        send(portOf(gate), { ...request.sent, path: url }),
      ]);
      const peerSaw = observe(peerReply);
      const gateSaw = observe(gateReply);
      const h = request.sent.headers ?? {};
      const method = request.sent.method ?? 'GET';
      const origin = h.Origin as string | undefined;
      // Under a prefix, only the plugin's context has CORS: a request Fastify sends to the root's
      // not-found handler gets none (an OPTIONS one is routed to the plugin's OPTIONS * route).
      const outside = mount === 'prefix' && path === 'nowhere' && method !== 'OPTIONS';
      const model: Model = outside ? { kind: 'off', options: {} } : config.model(path, method, origin);
      const k: Case = {
        config,
        model,
        options: model.options ?? (typeof config.options === 'function' ? {} : config.options),
        method,
        url,
        origin,
        isOptions: method === 'OPTIONS',
        isPreflight: method === 'OPTIONS' && origin !== undefined && 'Access-Control-Request-Method' in h,
        requestHeaders: h['Access-Control-Request-Headers'] as string | undefined,
      };
      listed.expectOnlyListed(peerSaw, gateSaw, k);
    });
  });
});

describe('the list of intended differences', () => {
  it('every listed difference occurred at least once (the list cannot go stale)', () => {
    listed.expectEveryOneOccurred();
  });
});
