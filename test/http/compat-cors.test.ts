/**
 * The drop-in check: the same safe configurations and requests against the `cors` package and corsgate,
 * on identical Express apps. Status, body, every Access-Control-* header and Vary must be equal, except
 * for the named, intended differences below. Each difference says when it applies, asserts that it really
 * occurs, and says how corsgate's answer follows from cors's; after that, everything must be equal.
 */
import corsPackage from 'cors';
import express5, { type RequestHandler } from 'express';
import express4 from 'express4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isSerializedOrigin, mergeVary } from '../../src/core/index.js';
import corsgate from '../../src/index.js';
import { type ListedDifference, listedDifferences } from '../helpers/listed-differences.js';
import { type Reply, type Sent, type Served, send, serve } from '../helpers/server.js';

const A = 'https://app.example';
const C = 'https://admin.example';
const B = 'https://evil.example';

type Kind = 'any' | 'reflect' | 'string' | 'list' | 'callback' | 'off';
interface Config {
  readonly name: string;
  /** Options for both packages (a delegate function is passed as is). */
  readonly options: Record<string, unknown> | ((req: unknown, cb: (err: null, o: object) => void) => unknown);
  readonly kind: Kind;
  /** For string / list / callback: the origins allowed. */
  readonly allowed?: readonly string[];
  /** The effective static options, to know what cors would send. */
  readonly effective?: Record<string, unknown>;
}

const onlyA = (origin: string | undefined, cb: (err: null, allow: boolean) => void) => cb(null, origin === A);
const later = (answer: () => void) => setTimeout(answer, 5);
/** A lookup helper that answers later and returns true (as `EventEmitter.emit` does): cors ignores the true. */
const lookupReturningTrue = (origin: string | undefined, cb: (err: null, allow: boolean) => void): boolean => {
  later(() => cb(null, origin === A));
  return true;
};

const configs: readonly Config[] = [
  { name: 'default', options: {}, kind: 'any' },
  { name: 'origin *', options: { origin: '*' }, kind: 'any' },
  {
    name: 'origin * with options',
    options: { origin: '*', methods: 'GET,PUT', maxAge: 60, exposedHeaders: 'X-Total' },
    kind: 'any',
  },
  { name: 'origin true', options: { origin: true }, kind: 'reflect' },
  { name: 'origin string', options: { origin: A }, kind: 'string', allowed: [A] },
  { name: 'origin list', options: { origin: [A, C] }, kind: 'list', allowed: [A, C] },
  { name: 'origin RegExp', options: { origin: /^https:\/\/app\.example$/ }, kind: 'list', allowed: [A] },
  {
    name: 'origin list with RegExp',
    options: { origin: [C, /^https:\/\/app\.example$/] },
    kind: 'list',
    allowed: [A, C],
  },
  { name: 'credentials', options: { origin: [A], credentials: true }, kind: 'list', allowed: [A] },
  {
    name: 'full options',
    options: {
      origin: [A],
      methods: ['GET', 'POST'],
      allowedHeaders: ['Content-Type', 'X-Token'],
      exposedHeaders: ['X-Total', 'X-Page'],
      credentials: true,
      maxAge: 600,
    },
    kind: 'list',
    allowed: [A],
  },
  {
    name: 'headers alias, string lists',
    options: { origin: [A], headers: 'Content-Type,X-Token', methods: 'GET,PUT' },
    kind: 'list',
    allowed: [A],
  },
  { name: 'maxAge 0', options: { origin: [A], maxAge: 0 }, kind: 'list', allowed: [A] },
  { name: 'optionsSuccessStatus 200', options: { origin: [A], optionsSuccessStatus: 200 }, kind: 'list', allowed: [A] },
  { name: 'preflightContinue', options: { origin: [A], preflightContinue: true }, kind: 'list', allowed: [A] },
  { name: 'lower-case methods', options: { origin: [A], methods: 'get,put,patch' }, kind: 'list', allowed: [A] },
  { name: 'origin callback', options: { origin: onlyA }, kind: 'callback', allowed: [A] },
  {
    name: 'origin callback answering from a timer',
    options: { origin: (o: string | undefined, cb: (e: null, a: boolean) => void) => later(() => onlyA(o, cb)) },
    kind: 'callback',
    allowed: [A],
  },
  {
    name: 'origin callback returning true, answering later',
    options: { origin: lookupReturningTrue, credentials: true },
    kind: 'callback',
    allowed: [A],
  },
  {
    name: 'async origin callback answering from a timer',
    options: {
      origin: async (o: string | undefined, cb: (e: null, a: boolean) => void) => {
        later(() => onlyA(o, cb));
      },
    },
    kind: 'callback',
    allowed: [A],
  },
  { name: 'origin false', options: { origin: false }, kind: 'off' },
  {
    name: 'options delegate',
    options: (_req, cb) => cb(null, { origin: [A], credentials: true }),
    effective: { origin: [A], credentials: true },
    kind: 'list',
    allowed: [A],
  },
  {
    name: 'options delegate answering from a timer (returns a Timeout)',
    options: (_req, cb) => later(() => cb(null, { origin: [A], credentials: true })),
    effective: { origin: [A], credentials: true },
    kind: 'list',
    allowed: [A],
  },
  {
    name: 'async options delegate answering from a timer',
    options: async (_req, cb) => {
      later(() => cb(null, { origin: [A, C] }));
    },
    effective: { origin: [A, C] },
    kind: 'list',
    allowed: [A, C],
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
  { name: 'POST from C', sent: { method: 'POST', headers: { Origin: C } } },
  { name: 'GET from B', sent: { headers: { Origin: B } } },
  { name: 'GET without Origin', sent: {} },
  { name: 'preflight from A', sent: pf(A, 'PUT', 'content-type,x-token') },
  { name: 'preflight from A, no headers', sent: pf(A, 'DELETE') },
  { name: 'preflight from A, headers not browser-shaped', sent: pf(A, 'PUT', 'X-Token, Content-Type') },
  { name: 'preflight from B', sent: pf(B, 'PUT', 'x-token') },
  { name: 'OPTIONS from A without Access-Control-Request-Method', sent: { method: 'OPTIONS', headers: { Origin: A } } },
  { name: 'OPTIONS without Origin', sent: { method: 'OPTIONS' } },
  { name: 'OPTIONS with Access-Control-Request-Method but no Origin', sent: pf(undefined, 'PUT') },
  { name: 'GET from null', sent: { headers: { Origin: 'null' } } },
  { name: 'GET from a malformed origin', sent: { headers: { Origin: 'https://app.example/' } } },
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
  readonly request: Request;
  readonly origin: string | undefined;
  readonly isPreflight: boolean;
  readonly isOptions: boolean;
  readonly requestHeaders: string | undefined;
}

const staticOptions = (c: Config): Record<string, unknown> =>
  c.effective ?? (typeof c.options === 'function' ? {} : c.options);

/** Would corsgate allow this origin (ignoring the difference rules themselves)? */
function allows(c: Config, origin: string | undefined): boolean {
  switch (c.kind) {
    case 'any':
      return true;
    case 'reflect':
      return origin !== undefined && origin !== 'null' && isSerializedOrigin(origin);
    case 'off':
      return false;
    default:
      return origin !== undefined && (c.allowed ?? []).includes(origin);
  }
}
const callbackRefuses = (k: Case) => k.config.kind === 'callback' && !allows(k.config, k.origin);
const reflectsHeaders = (c: Config) => {
  const o = staticOptions(c);
  return o.allowedHeaders === undefined && o.headers === undefined;
};
const normalizedRequestHeaders = (value: string) =>
  value
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean)
    .join(',');
const preflightOnly = ['access-control-allow-methods', 'access-control-allow-headers', 'access-control-max-age'];
const withoutVaryName = (vary: string | undefined, name: string) => {
  const rest = (vary ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter((n) => n !== '' && n !== name);
  return rest.length > 0 ? rest.join(', ') : undefined;
};

const upperCaseFetchMethods = (methods: string) =>
  methods
    .split(',')
    .map((m) => m.trim())
    .map((m) => (['delete', 'get', 'head', 'options', 'post', 'put'].includes(m) ? m.toUpperCase() : m))
    .join(',');

type Difference = ListedDifference<Case, Observed>;

const differences: readonly Difference[] = [
  {
    name: 'refused origin gets no CORS headers',
    why: 'cors still sends Allow-Credentials, Allow-Methods, Max-Age, Expose-Headers and others to origins it refuses.',
    applies: (k) => {
      const o = staticOptions(k.config);
      return (
        k.config.kind === 'list' &&
        !allows(k.config, k.origin) &&
        (k.isOptions || o.credentials === true || o.exposedHeaders !== undefined)
      );
    },
    occurs: (cors, gate) => {
      expect(Object.keys(cors.headers).length).toBeGreaterThan(0);
      expect(cors.headers['access-control-allow-origin']).toBeUndefined();
      expect(gate.headers).toEqual({});
    },
    reconcile: (cors) => {
      cors.headers = {};
    },
  },
  {
    name: 'single-string origin is an allowlist of one',
    why: 'cors sends Access-Control-Allow-Origin: <the string> to every origin (and requests without one).',
    applies: (k) => k.config.kind === 'string' && !allows(k.config, k.origin),
    occurs: (cors, gate) => {
      expect(cors.headers['access-control-allow-origin']).toBe(A);
      expect(gate.headers).toEqual({});
    },
    reconcile: (cors) => {
      cors.headers = {};
    },
  },
  {
    name: 'OPTIONS without Access-Control-Request-Method goes to next',
    why: 'only OPTIONS with Origin and Access-Control-Request-Method is a CORS preflight (Fetch Standard); cors answers every OPTIONS itself, hiding the route.',
    applies: (k) => k.isOptions && !k.isPreflight && k.config.kind !== 'off' && !callbackRefuses(k),
    occurs: (cors, gate, k) => {
      // cors answers it as a preflight (or, with preflightContinue, decorates it as one)
      expect(cors.headers['access-control-allow-methods']).toBeDefined();
      expect(cors.body).toBe(staticOptions(k.config).preflightContinue === true ? 'app' : '');
      expect(gate.headers['access-control-allow-methods']).toBeUndefined();
      expect(gate.body).toBe('app');
    },
    reconcile: (cors) => {
      cors.status = 200;
      cors.body = 'app';
      for (const name of preflightOnly) delete cors.headers[name];
      cors.vary = withoutVaryName(cors.vary, 'Access-Control-Request-Headers');
    },
  },
  {
    name: 'preflight does not send Expose-Headers',
    why: 'Access-Control-Expose-Headers means nothing on a preflight answer.',
    applies: (k) => k.isPreflight && staticOptions(k.config).exposedHeaders !== undefined && allows(k.config, k.origin),
    occurs: (cors, gate) => {
      expect(cors.headers['access-control-expose-headers']).toBeDefined();
      expect(gate.headers['access-control-expose-headers']).toBeUndefined();
    },
    reconcile: (cors) => {
      delete cors.headers['access-control-expose-headers'];
    },
  },
  {
    name: 'reflected request headers are normalised to lower case',
    why: 'corsgate parses Access-Control-Request-Headers (bounded) and reflects the parsed names, never raw input.',
    applies: (k) =>
      k.isPreflight &&
      reflectsHeaders(k.config) &&
      allows(k.config, k.origin) &&
      k.requestHeaders !== undefined &&
      normalizedRequestHeaders(k.requestHeaders) !== k.requestHeaders,
    occurs: (cors, gate, k) => {
      expect(cors.headers['access-control-allow-headers']).toBe(k.requestHeaders);
      expect(gate.headers['access-control-allow-headers']).toBe(normalizedRequestHeaders(k.requestHeaders ?? ''));
    },
    reconcile: (cors, k) => {
      cors.headers['access-control-allow-headers'] = normalizedRequestHeaders(k.requestHeaders ?? '');
    },
  },
  {
    name: 'Vary: Origin also when an origin callback refuses',
    why: 'the answer depended on the Origin, so a cache must not reuse it for another origin; cors adds nothing.',
    applies: (k) => callbackRefuses(k) && !k.isPreflight,
    occurs: (cors, gate) => {
      expect(cors.vary).toBeUndefined();
      expect(gate.vary).toBe('Origin');
    },
    reconcile: (cors) => {
      cors.vary = mergeVary(cors.vary, 'Origin');
    },
  },
  {
    name: 'a preflight refused by an origin callback is answered',
    why: 'cors passes it to the application (often a 404 or the route itself); corsgate ends it with no CORS headers.',
    applies: (k) => callbackRefuses(k) && k.isPreflight,
    occurs: (cors, gate) => {
      expect(cors.body).toBe('app');
      expect(gate.status).toBe(204);
      expect(gate.body).toBe('');
      expect(gate.headers).toEqual({});
    },
    reconcile: (cors) => {
      cors.status = 204;
      cors.body = '';
      cors.vary = mergeVary(cors.vary, 'Origin, Access-Control-Request-Headers');
    },
  },
  {
    name: 'lower-case DELETE, GET, HEAD, OPTIONS, POST, PUT in methods are upper-cased',
    why: 'fetch() always sends these upper-case and compares case-sensitively, so "put" would never match.',
    applies: (k) =>
      k.isPreflight &&
      allows(k.config, k.origin) &&
      typeof staticOptions(k.config).methods === 'string' &&
      /\b(get|put|post|delete|head|options)\b/.test(staticOptions(k.config).methods as string),
    occurs: (cors, gate) => {
      const methods = cors.headers['access-control-allow-methods'] ?? '';
      expect(methods).toMatch(/\b(get|put|post|delete|head|options)\b/);
      expect(gate.headers['access-control-allow-methods']).toBe(upperCaseFetchMethods(methods));
      expect(gate.headers['access-control-allow-methods']).not.toBe(methods);
    },
    reconcile: (cors) => {
      cors.headers['access-control-allow-methods'] = upperCaseFetchMethods(
        cors.headers['access-control-allow-methods'] ?? '',
      );
    },
  },
  {
    name: 'origin true does not reflect "null"',
    why: 'any sandboxed iframe or file: page sends "null"; corsgate needs dangerouslyAllowNullOrigin.',
    applies: (k) => k.config.kind === 'reflect' && k.origin === 'null',
    occurs: (cors, gate) => {
      expect(cors.headers['access-control-allow-origin']).toBe('null');
      expect(gate.headers).toEqual({});
    },
    reconcile: (cors) => {
      cors.headers = {};
    },
  },
  {
    name: 'origin true does not reflect a malformed Origin',
    why: 'no browser sends it; reflecting request data that is not an origin is never useful.',
    applies: (k) =>
      k.config.kind === 'reflect' && k.origin !== undefined && k.origin !== 'null' && !isSerializedOrigin(k.origin),
    occurs: (cors, gate, k) => {
      expect(cors.headers['access-control-allow-origin']).toBe(k.origin);
      expect(gate.headers).toEqual({});
    },
    reconcile: (cors) => {
      cors.headers = {};
    },
  },
];

const listed = listedDifferences(differences);

describe.each([
  { name: 'Express 4', express: express4 },
  { name: 'Express 5', express: express5 },
])('drop-in compatibility with the cors package on $name', ({ express }) => {
  let corsServer: Served;
  let gateServer: Served;
  const app = (factory: (options: never) => RequestHandler) => {
    const a = express();
    configs.forEach((config, i) => {
      a.use(`/c${i}`, factory(config.options as never));
    });
    a.use((_req, res) => {
      res.status(200).send('app');
    });
    return a;
  };

  beforeAll(async () => {
    corsServer = await serve(app(corsPackage as never));
    gateServer = await serve(app(corsgate as never));
  });
  afterAll(async () => {
    await corsServer.close();
    await gateServer.close();
  });

  describe.each(configs.map((config, index) => ({ config, index, label: config.name })))(
    '$label',
    ({ config, index }) => {
      it.each(requests.map((request) => ({ request, label: request.name })))('$label', async ({ request }) => {
        const sent = { ...request.sent, path: `/c${index}/items/1` };
        const [corsReply, gateReply] = await Promise.all([send(corsServer.port, sent), send(gateServer.port, sent)]);
        const cors = observe(corsReply);
        const gate = observe(gateReply);
        const h = request.sent.headers ?? {};
        const k: Case = {
          config,
          request,
          origin: h.Origin as string | undefined,
          isOptions: request.sent.method === 'OPTIONS',
          isPreflight:
            request.sent.method === 'OPTIONS' && h.Origin !== undefined && 'Access-Control-Request-Method' in h,
          requestHeaders: h['Access-Control-Request-Headers'] as string | undefined,
        };
        listed.expectOnlyListed(cors, gate, k);
      });
    },
  );
});

describe('the list of intended differences', () => {
  it('every listed difference occurred at least once (the list cannot go stale)', () => {
    listed.expectEveryOneOccurred();
  });
});

describe('the difference at start-up: an origin key present but unset', () => {
  it('cors silently turns CORS off (no header, preflights reach the app); corsgate refuses to start and says why', async () => {
    const options = { origin: undefined, credentials: true };
    const app = express5();
    app.use(corsPackage(options));
    app.use((_req, res) => {
      res.send('app');
    });
    const served = await serve(app);
    try {
      const reply = await send(served.port, pf(A, 'PUT'));
      expect(observe(reply)).toMatchObject({ status: 200, body: 'app' });
      expect(observe(reply).headers).toEqual({});
    } finally {
      await served.close();
    }
    expect(() => corsgate(options)).toThrow(/origin.*the value is undefined, typically an environment variable/);
  });
});
