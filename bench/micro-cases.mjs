// The micro-benchmark cases. Each case names the request and builds one runner per implementation
// (see harness.mjs). To add a case (or an implementation such as another adapter), push an entry to
// `microCases`: { id, title, runners: () => ({ name: (iterations) => void, ... }) }. The runner named
// 'corsgate' is compared with 'cors' and 'floor' when those exist. `buildMicroCases(corsgate)` makes the
// same cases for another build of corsgate (bench/compare.mjs runs two builds side by side).
import { createRequire } from 'node:module';
import corsgateFromDist from '../dist/esm/index.js';
import { cyclingMiddlewareRunner, floorMiddleware, middlewareRunner, realResponseRunner, request } from './harness.mjs';

const require = createRequire(import.meta.url);
const cors = require('cors');

const THREE = ['https://admin.example.com', 'https://www.example.com', 'https://app.example.com'];

/**
 * The same header writes corsgate makes for a case, from constants, with no CORS logic at all: what any
 * correct middleware must at least spend on `res` for that answer. Reported as the 'writes only' column.
 */
function writesOnly(headers, vary, preflight) {
  return (_req, res, next) => {
    for (let i = 0; i < headers.length; i++) res.setHeader(headers[i][0], headers[i][1]);
    const existing = res.getHeader('Vary');
    res.setHeader('Vary', existing === undefined ? vary : `${existing}, ${vary}`);
    if (preflight) {
      res.statusCode = 204;
      res.setHeader('Content-Length', '0');
      res.end();
    } else next();
  };
}
/** A flat string, as node:http makes header values (a template literal may give a rope). */
const flat = (value) => Buffer.from(value, 'latin1').toString('latin1');
const get = (origin) => request('GET', { host: 'api.example.com', origin: flat(origin), accept: '*/*' });

export const exactList = (n) => Array.from({ length: n }, (_, i) => `https://app${i}.example.com`);
export const patternList = (n) => Array.from({ length: n }, (_, i) => `https://*.tenant${i}.example.com`);
/** The RegExp a `cors` user writes for "any subdomain of tenantN.example.com". */
export const regexpList = (n) =>
  Array.from(
    { length: n },
    (_, i) => new RegExp(`^https:\\/\\/[a-z0-9-]+(\\.[a-z0-9-]+)*\\.tenant${i}\\.example\\.com$`),
  );

const preflightRequest = () =>
  request('OPTIONS', {
    host: 'api.example.com',
    origin: 'https://app.example.com',
    'access-control-request-method': 'PUT',
    'access-control-request-headers': 'content-type,x-request-id',
  });
const PREFLIGHT_HEADERS = [
  ['Access-Control-Allow-Origin', 'https://app.example.com'],
  ['Access-Control-Allow-Credentials', 'true'],
  ['Access-Control-Allow-Methods', 'GET,HEAD,PUT,PATCH,POST,DELETE'],
  ['Access-Control-Max-Age', '600'],
  ['Access-Control-Allow-Headers', 'content-type,x-request-id'],
];

/** The micro cases, run against `corsgate` (the Express middleware factory of some build). */
export function buildMicroCases(corsgate) {
  /** One runner per middleware implementation for the same options and request. */
  const middlewareRunners = (options, req, { corsOptions = options } = {}) => ({
    corsgate: middlewareRunner(corsgate(options), req),
    cors: middlewareRunner(cors(corsOptions), req),
    floor: middlewareRunner(floorMiddleware, req),
  });
  /** The same, each request the next of `reqs` in turn. */
  const cyclingRunners = (options, reqs, { corsOptions = options } = {}) => ({
    corsgate: cyclingMiddlewareRunner(corsgate(options), reqs),
    cors: cyclingMiddlewareRunner(cors(corsOptions), reqs),
    floor: cyclingMiddlewareRunner(floorMiddleware, reqs),
  });
  /** GETs from `n` subdomains of tenant99.example.com, which the last of 100 patterns or RegExps allows. */
  const tenantSubdomains = (n) => Array.from({ length: n }, (_, i) => get(`https://app${i}.tenant99.example.com`));
  return [
    {
      id: 'default-get',
      title: 'default cors(), GET with Origin',
      runners: () => middlewareRunners(undefined, get('https://app.example.com')),
    },
    {
      id: 'list-credentials-get',
      title: 'allowed origin from a 3-entry list, credentials, GET',
      runners: () => {
        const req = get('https://app.example.com');
        const writes = writesOnly(
          [
            ['Access-Control-Allow-Origin', 'https://app.example.com'],
            ['Access-Control-Allow-Credentials', 'true'],
          ],
          'Origin',
          false,
        );
        return {
          ...middlewareRunners({ origin: THREE, credentials: true }, req),
          writesOnly: middlewareRunner(writes, req),
        };
      },
    },
    {
      id: 'refused-origin',
      title: 'refused origin (3-entry list, credentials), GET',
      runners: () => middlewareRunners({ origin: THREE, credentials: true }, get('https://evil.example.net')),
    },
    {
      // corsgate remembers the last 256 refused origins; here every request comes from another one of 1,000,
      // so none is remembered: the cost of refusing an origin seen for the first time.
      id: 'refused-origin-distinct',
      title: 'refused origin, a different one each request (1,000 in turn)',
      runners: () =>
        cyclingRunners(
          { origin: THREE, credentials: true },
          Array.from({ length: 1000 }, (_, i) => get(`https://evil${i}.example.net`)),
        ),
    },
    {
      id: 'credentialed-preflight',
      title: 'credentialed preflight, 2 requested headers',
      runners: () => {
        const req = preflightRequest();
        const writes = writesOnly(PREFLIGHT_HEADERS, 'Origin, Access-Control-Request-Headers', true);
        return {
          ...middlewareRunners({ origin: THREE, credentials: true, maxAge: 600 }, req),
          writesOnly: middlewareRunner(writes, req),
        };
      },
    },
    {
      // The same preflight on a real http.ServerResponse (a new one per request, ended: its head is built),
      // next to cors, the floor and a hand-written middleware that makes the same writes from constants.
      id: 'credentialed-preflight-real-response',
      title: 'credentialed preflight, real http.ServerResponse',
      runners: () => {
        const headers = preflightRequest().headers;
        const writes = writesOnly(PREFLIGHT_HEADERS, 'Origin, Access-Control-Request-Headers', true);
        return {
          corsgate: realResponseRunner(corsgate({ origin: THREE, credentials: true, maxAge: 600 }), 'OPTIONS', headers),
          cors: realResponseRunner(cors({ origin: THREE, credentials: true, maxAge: 600 }), 'OPTIONS', headers),
          floor: realResponseRunner(floorMiddleware, 'OPTIONS', headers),
          writesOnly: realResponseRunner(writes, 'OPTIONS', headers),
        };
      },
    },
    ...[1, 10, 100, 1000, 10000].map((n) => ({
      id: `exact-${n}`,
      title: `${n.toLocaleString('en')} exact origin${n > 1 ? 's' : ''}, credentials, match the last`,
      runners: () =>
        middlewareRunners({ origin: exactList(n), credentials: true }, get(`https://app${n - 1}.example.com`)),
    })),
    {
      id: 'exact-10000-patterns-100',
      title: '10,000 exact origins + 100 patterns, match the last exact',
      runners: () =>
        middlewareRunners(
          { origin: [...exactList(10000), ...patternList(100)], credentials: true },
          get('https://app9999.example.com'),
          { corsOptions: { origin: [...exactList(10000), ...regexpList(100)], credentials: true } },
        ),
    },
    {
      // The scaling target, measured in one interleaved case so that load drifting between cases cannot
      // skew it: 10,000 exact origins + 100 patterns against a single origin, for both packages.
      id: 'scaling',
      title: '10,000 exact + 100 patterns ÷ 1 origin (paired)',
      table: false,
      runners: () => {
        const many = middlewareRunners(
          { origin: [...exactList(10000), ...patternList(100)], credentials: true },
          get('https://app9999.example.com'),
          { corsOptions: { origin: [...exactList(10000), ...regexpList(100)], credentials: true } },
        );
        const one = middlewareRunners({ origin: exactList(1), credentials: true }, get('https://app0.example.com'));
        return { corsgate: many.corsgate, 'corsgate-one': one.corsgate, cors: many.cors, 'cors-one': one.cors };
      },
    },
    {
      // The usual options delegate: a fresh options object with the same contents on every request.
      id: 'delegate-same-options',
      title: 'options delegate, the same options each request (3-entry list, credentials), GET',
      runners: () =>
        middlewareRunners((_req, cb) => cb(null, { origin: THREE, credentials: true }), get('https://app.example.com')),
    },
    {
      // A delegate whose options differ on every request (here a fresh onRefused closure, which cors
      // ignores): corsgate compiles a new policy each time but keeps the 1,000-origin rule compiled.
      id: 'delegate-varying-1000',
      title: 'options delegate, options changing every request, 1,000 exact origins, match the last',
      runners: () => {
        const origins = exactList(1000);
        const log = [];
        return middlewareRunners(
          (req, cb) => cb(null, { origin: origins, credentials: true, onRefused: (refusal) => log.push(req, refusal) }),
          get('https://app999.example.com'),
        );
      },
    },
    {
      // The same origin each time is answered from the memo from its second request (as an exact origin is
      // from its first); these two cases keep measuring the match itself: a different subdomain each request,
      // 4,096 in turn, more than the memo keeps (1,024), so each is matched afresh.
      id: 'patterns-100-distinct',
      title: '100 patterns (cors: the equivalent RegExps), match the last, a new subdomain each request',
      runners: () =>
        cyclingRunners({ origin: patternList(100), credentials: true }, tenantSubdomains(4096), {
          corsOptions: { origin: regexpList(100), credentials: true },
        }),
    },
    {
      id: 'regexps-100-distinct',
      title: '100 RegExps in both, match the last, a new subdomain each request',
      runners: () => cyclingRunners({ origin: regexpList(100), credentials: true }, tenantSubdomains(4096)),
    },
    {
      id: 'patterns-100',
      title: '100 patterns (cors: the equivalent RegExps), match the last',
      runners: () =>
        middlewareRunners({ origin: patternList(100), credentials: true }, get('https://app.tenant99.example.com'), {
          corsOptions: { origin: regexpList(100), credentials: true },
        }),
    },
    {
      id: 'regexps-100',
      title: '100 RegExps (the cors way) in both, match the last',
      runners: () =>
        middlewareRunners({ origin: regexpList(100), credentials: true }, get('https://app.tenant99.example.com')),
    },
  ];
}

export const microCases = buildMicroCases(corsgateFromDist);
