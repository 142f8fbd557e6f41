/**
 * `probe(url, options)`: does what a browser's `fetch(url, { method, headers, credentials, mode: 'cors' })`
 * from a page at `origin` does, over the network, and reports every step. The actual request is really
 * sent when the preflight passes (a DELETE deletes).
 *
 *   const report = await probe('http://localhost:3000/api/items/1', {
 *     origin: 'http://localhost:5173', method: 'PUT', headers: [['Content-Type', 'application/json']],
 *   });
 *   report.verdict; // 'allowed' | 'blocked'
 */
import { checkConfiguredOrigin } from '../core/origin.js';
import { checkAnyOrigin } from './any-origin.js';
import {
  checkAllowCredentials,
  checkAllowHeaders,
  checkAllowMethods,
  checkAllowOrigin,
  checkPreflightStatus,
  checkVaryOrigin,
  headerValues,
} from './checks.js';
import {
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isPotentiallyTrustworthy,
  isToken,
  needsPreflight,
  normalizeMethod,
  type PreflightNeed,
  readableResponseHeaders,
  secFetchSite,
} from './fetch-rules.js';
import { type HttpResponse, ProbeError, send } from './http.js';
import type { Check, ExchangeRequest, ExchangeResponse, Report, Step } from './report.js';
import { stepResult } from './report.js';

export { ProbeError, type ProbeErrorCode } from './http.js';
export type * from './report.js';

export interface ProbeOptions {
  /** The page's origin, e.g. `https://app.example.com` (or `null`). Required. */
  readonly origin: string;
  /** As passed to fetch(); normalized as fetch does. Default `GET`. */
  readonly method?: string;
  /**
   * Headers script sets, as `[name, value]` pairs or an object. A `Cookie` header stands for the cookies
   * the browser holds for the URL: it is sent on the actual request only, and needs `credentials`.
   */
  readonly headers?: readonly (readonly [string, string])[] | Readonly<Record<string, string>>;
  /** `credentials: 'include'`. Default false. */
  readonly credentials?: boolean;
  /** Milliseconds per request. Default 10000. */
  readonly timeout?: number;
  /** Default `corsgate-check`. */
  readonly userAgent?: string;
}

export const DEFAULT_TIMEOUT = 10_000;
/** The longest delay a timer can hold (2^31 - 1 ms, about 24.8 days); a larger one would fire at once. */
export const MAX_TIMEOUT = 2_147_483_647;

function usage(message: string): ProbeError {
  return new ProbeError('usage', message);
}

interface Prepared {
  url: URL;
  origin: string;
  method: string;
  credentials: boolean;
  timeout: number;
  userAgent: string;
  /** As given (one entry per header set), which is what the safelist rules look at; sent combined. */
  authorList: [string, string][];
  cookie: string | undefined;
  ignored: string[];
}

function prepare(target: string | URL, options: ProbeOptions): Prepared {
  let url: URL;
  try {
    url = new URL(String(target));
  } catch {
    throw usage(
      `${JSON.stringify(String(target))} is not a URL: write it in full, e.g. http://localhost:3000/api/items.`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usage(`only http: and https: URLs can be checked, not ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    throw usage('browsers refuse fetch() to a URL with a user name or password in it: remove them from the URL.');
  }
  url.hash = '';

  const origin = options.origin;
  if (typeof origin !== 'string' || origin === '')
    throw usage(
      '--origin is required: the origin of the page making the request, e.g. --origin https://app.example.com',
    );
  const originProblem = origin === 'null' ? undefined : checkConfiguredOrigin(origin);
  if (originProblem !== undefined) {
    throw usage(
      `--origin ${JSON.stringify(origin)} is not an origin as browsers send it: ${originProblem.problem} Fix: ${originProblem.fix}`,
    );
  }

  const rawMethod = options.method ?? 'GET';
  if (!isToken(rawMethod)) throw usage(`--method ${JSON.stringify(rawMethod)} is not a valid method name.`);
  if (isForbiddenMethod(rawMethod)) throw usage(`fetch() refuses the method ${rawMethod}: browsers never send it.`);
  const method = normalizeMethod(rawMethod);

  const credentials = options.credentials === true;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > MAX_TIMEOUT) {
    throw usage(`--timeout must be a positive number of milliseconds, at most ${MAX_TIMEOUT}.`);
  }

  const given =
    options.headers === undefined
      ? []
      : Array.isArray(options.headers)
        ? options.headers
        : Object.entries(options.headers);
  const authorList: [string, string][] = [];
  const ignored: string[] = [];
  let cookie: string | undefined;
  for (const [name, rawValue] of given as readonly (readonly [string, string])[]) {
    if (!isToken(name)) throw usage(`${JSON.stringify(name)} is not a valid header name.`);
    // fetch() strips leading and trailing HTTP whitespace from values, and refuses CR, LF and NUL.
    const value = rawValue.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    if (/[\0\r\n]/.test(value)) throw usage(`the value of header ${name} contains a line break or NUL.`);
    // fetch() refuses characters above U+00FF (a header value is bytes, one per character); node cannot send them.
    if (/[^\t\x20-\x7e\x80-\xff]/.test(value)) {
      throw usage(`the value of header ${name} has a character that is not a single byte (above U+00FF or a control).`);
    }
    if (name.toLowerCase() === 'cookie') {
      if (!credentials) {
        throw usage(
          'a Cookie header needs --credentials: browsers send cookies on a cross-origin fetch() only with credentials: "include".',
        );
      }
      cookie = cookie === undefined ? value : `${cookie}; ${value}`;
      continue;
    }
    if (isForbiddenRequestHeader(name, value)) {
      ignored.push(name.toLowerCase());
      continue;
    }
    authorList.push([name, value]);
  }
  return {
    url,
    origin,
    method,
    credentials,
    timeout,
    userAgent: options.userAgent ?? 'corsgate-check',
    authorList,
    cookie,
    ignored,
  };
}

/**
 * The headers as `Headers` holds them, i.e. as sent: the values of one name (compared case-insensitively)
 * joined with ", ", under the first spelling, at the position of the first.
 */
function combineHeaders(list: readonly (readonly [string, string])[]): [string, string][] {
  const combined: [string, string][] = [];
  for (const [name, value] of list) {
    const existing = combined.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (existing !== undefined) existing[1] = `${existing[1]}, ${value}`;
    else combined.push([name, value]);
  }
  return combined;
}

function fetchMetadata(p: Prepared, url: URL, tainted: boolean): [string, string][] {
  if (!isPotentiallyTrustworthy(url)) return [];
  return [
    ['Sec-Fetch-Mode', 'cors'],
    ['Sec-Fetch-Site', tainted ? 'cross-site' : secFetchSite(p.origin, url)],
    ['Sec-Fetch-Dest', 'empty'],
  ];
}

function toExchange(response: HttpResponse): ExchangeResponse {
  return { status: response.status, statusText: response.statusText, headers: response.headers };
}

/** Browsers give up after this many redirects (Fetch Standard "HTTP-redirect fetch"). */
const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);
/** Dropped when a redirect turns a request into a GET without body. */
const REQUEST_BODY_HEADERS: ReadonlySet<string> = new Set([
  'content-encoding',
  'content-language',
  'content-location',
  'content-type',
]);

/** The request as it goes from hop to hop. */
interface Hop {
  url: URL;
  method: string;
  /** As set (for the safelist rules); `combineHeaders` gives them as sent. */
  list: [string, string][];
  /** Set after a cross-origin redirect from a cross-origin URL: Origin becomes `null`. */
  tainted: boolean;
  /** Once a response is CORS-checked, every later one is too. */
  cors: boolean;
}

/**
 * Runs the probe: the preflight when one is needed, the request, and every redirect a browser would follow
 * (each hop CORS-checked, with a new preflight when it needs one). With credentials to another origin, the
 * request is also tried from an origin nobody would list (`report.anyOrigin`, src/cli/any-origin.ts).
 * Rejects with a `ProbeError` for bad options (code `usage`) or when a server cannot be reached.
 */
export async function probe(target: string | URL, options: ProbeOptions): Promise<Report> {
  const report = await browserFetch(target, options);
  if (!report.credentials || new URL(report.url).origin === report.origin) return report;
  const anyOrigin = await checkAnyOrigin(report.steps, report.origin, options.timeout ?? DEFAULT_TIMEOUT);
  return anyOrigin === undefined ? report : { ...report, anyOrigin };
}

/** What the browser does: every step, and the verdict. */
async function browserFetch(target: string | URL, options: ProbeOptions): Promise<Report> {
  const p = prepare(target, options);
  const steps: Step[] = [];
  let firstNeed: PreflightNeed | undefined;
  const hop: Hop = { url: p.url, method: p.method, list: p.authorList, tainted: false, cors: false };

  for (let n = 0; ; n++) {
    const origin = hop.tainted ? 'null' : p.origin;
    // A tainted hop follows a redirect from another origin than the page's, so it is already a CORS hop.
    hop.cors ||= hop.url.origin !== p.origin;

    if (hop.cors) {
      const need = needsPreflight(hop.method, hop.list);
      firstNeed ??= need;
      if (need.needed) {
        const step = await preflight(p, hop, origin, need, n);
        steps.push(step);
        if (step.result === 'failed') {
          steps.push({ name: 'actual', hop: n, result: 'skipped', checks: [] });
          return finish(p, firstNeed, steps, 'blocked');
        }
      }
    }

    const { step, redirected } = await actualRequest(p, hop, origin, n);
    steps.push(step);
    if (redirected) continue;
    return finish(p, firstNeed ?? NO_PREFLIGHT, steps, step.result === 'passed' ? 'allowed' : 'blocked');
  }
}

const NO_PREFLIGHT: PreflightNeed = { needed: false, reasons: [], requestHeaders: [] };

async function preflight(p: Prepared, hop: Hop, origin: string, need: PreflightNeed, n: number): Promise<Step> {
  const headers: [string, string][] = [
    ['Accept', '*/*'],
    ['Access-Control-Request-Method', hop.method],
  ];
  if (need.requestHeaders.length > 0) {
    headers.push(['Access-Control-Request-Headers', need.requestHeaders.join(',')]);
  }
  headers.push(['Origin', origin], ['User-Agent', p.userAgent], ...fetchMetadata(p, hop.url, hop.tainted));
  const request: ExchangeRequest = { method: 'OPTIONS', url: hop.url.href, headers };
  const response = toExchange(await send({ method: 'OPTIONS', url: hop.url, headers, timeout: p.timeout }));
  const checks: Check[] = [checkPreflightStatus(response), checkAllowOrigin(response, origin, p.credentials)];
  if (p.credentials) checks.push(checkAllowCredentials(response));
  // The browser stops at the first failure; the method and header lists are checked (and worth
  // showing) only once the answer is a 2xx for this origin; otherwise they share the same cause.
  if (stepResult(checks) === 'passed') {
    checks.push(checkAllowMethods(response, hop.method, p.credentials));
    checks.push(...checkAllowHeaders(response, need.requestHeaders, p.credentials));
  }
  return { name: 'preflight', hop: n, result: stepResult(checks), request, response, checks };
}

/**
 * The actual request of one hop and the checks of its answer. When the answer is a redirect a browser
 * follows, `hop` is updated for the next hop and `redirected` is true.
 */
async function actualRequest(
  p: Prepared,
  hop: Hop,
  origin: string,
  n: number,
): Promise<{ step: Step; redirected: boolean }> {
  const headers = combineHeaders(hop.list);
  if (!hop.list.some(([name]) => name.toLowerCase() === 'accept')) headers.push(['Accept', '*/*']);
  if (hop.cors || (hop.method !== 'GET' && hop.method !== 'HEAD')) headers.push(['Origin', origin]);
  // The given cookies stand for the browser's cookies for the URL checked: they go to that host only.
  if (p.cookie !== undefined && hop.url.host === p.url.host) headers.push(['Cookie', p.cookie]);
  if (hop.method === 'POST' || hop.method === 'PUT') headers.push(['Content-Length', '0']);
  if (!hop.list.some(([name]) => name.toLowerCase() === 'user-agent')) headers.push(['User-Agent', p.userAgent]);
  headers.push(...fetchMetadata(p, hop.url, hop.tainted));
  const request: ExchangeRequest = { method: hop.method, url: hop.url.href, headers };
  const response = toExchange(await send({ method: hop.method, url: hop.url, headers, timeout: p.timeout }));

  const checks: Check[] = [];
  if (hop.cors) {
    checks.push(checkAllowOrigin(response, origin, p.credentials));
    if (p.credentials) checks.push(checkAllowCredentials(response));
  } else {
    checks.push({
      id: 'same-origin',
      result: 'passed',
      message: `${hop.url.origin} is the page's own origin: no CORS check applies.`,
    });
  }
  const location = headerValues(response, 'location');
  if (stepResult(checks) === 'passed' && REDIRECT_STATUSES.has(response.status) && location.length > 0) {
    checks.push(followRedirect(hop, response.status, location.join(', '), p.origin, n));
    const result = stepResult(checks);
    return { step: { name: 'actual', hop: n, result, request, response, checks }, redirected: result === 'passed' };
  }
  const result = stepResult(checks);
  if (result === 'passed' && hop.cors) {
    const vary = checkVaryOrigin(response);
    if (vary !== undefined) checks.push(vary);
  }
  const { readable: readableHeaders, hidden: hiddenHeaders } = readableResponseHeaders(
    response.headers,
    hop.cors ? 'cors' : 'basic',
    p.credentials,
  );
  return {
    step: { name: 'actual', hop: n, result, request, response, checks, readableHeaders, hiddenHeaders },
    redirected: false,
  };
}

/**
 * Fetch "HTTP-redirect fetch" for a request in mode "cors": validates the Location, and updates the
 * request for the next hop (tainted origin, method rewrite, Authorization dropped across origins).
 */
function followRedirect(hop: Hop, status: number, location: string, pageOrigin: string, n: number): Check {
  const rule =
    'A browser follows redirects of a CORS request (at most 20), checking CORS on every response; after a redirect between two other origins it sends Origin: null.';
  const fail = (message: string, fix: string): Check => ({
    id: 'redirect',
    result: 'failed',
    message,
    seen: location,
    rule,
    fix,
  });
  let next: URL;
  try {
    next = new URL(location, hop.url);
  } catch {
    return fail(
      `the ${status} redirect points to ${JSON.stringify(location)}, which is not a URL.`,
      'send a valid Location.',
    );
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    return fail(
      `the ${status} redirect goes to a ${next.protocol} URL; fetch() follows only http: and https:.`,
      'redirect to an http(s) URL.',
    );
  }
  if (n + 1 > MAX_REDIRECTS) {
    return fail(`more than ${MAX_REDIRECTS} redirects.`, 'break the redirect loop.');
  }
  if (next.username !== '' || next.password !== '') {
    return fail(
      'the redirect URL contains a user name or password, which a CORS request may not follow.',
      'remove the credentials from the Location URL.',
    );
  }
  next.hash = '';
  const crossOrigin = next.origin !== hop.url.origin;
  if (crossOrigin && pageOrigin !== hop.url.origin) hop.tainted = true;
  const toGet =
    ((status === 301 || status === 302) && hop.method === 'POST') ||
    (status === 303 && hop.method !== 'GET' && hop.method !== 'HEAD');
  if (toGet) {
    hop.method = 'GET';
    hop.list = hop.list.filter(([name]) => !REQUEST_BODY_HEADERS.has(name.toLowerCase()));
  }
  if (crossOrigin) {
    hop.list = hop.list.filter(([name]) => name.toLowerCase() !== 'authorization');
  }
  hop.url = next;
  const notes = [hop.tainted ? 'Origin is null from here on' : '', toGet ? 'the method is now GET' : ''].filter(
    Boolean,
  );
  return {
    id: 'redirect',
    result: 'passed',
    message: `followed the ${status} redirect to ${next.href}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`,
    seen: location,
  };
}

function finish(
  p: Prepared,
  need: ReturnType<typeof needsPreflight>,
  steps: Step[],
  verdict: Report['verdict'],
): Report {
  const who = `a page at ${p.origin}`;
  const what = `${p.method} ${p.url.href}${p.credentials ? ' with credentials' : ''}`;
  const redirected = steps.some((step) => step.hop > 0);
  const sameOrigin = steps.every((step) => step.checks.some((check) => check.id === 'same-origin'));
  const summary =
    verdict === 'allowed'
      ? sameOrigin
        ? `Same origin: ${who} can send ${what} and read the response without CORS.`
        : `A browser lets ${who} send ${what}${redirected ? ', follow the redirects,' : ''} and read the response.`
      : steps.some((step) => step.name === 'preflight' && step.result === 'failed')
        ? `A browser blocks ${what} from ${who}: a preflight failed, so the request${redirected ? ' is not sent on' : ' is never sent'} and fetch() rejects with a TypeError.`
        : `A browser blocks ${what} from ${who}: the request is sent, but script cannot read the response (fetch() rejects with a TypeError).`;
  return {
    version: 1,
    url: p.url.href,
    origin: p.origin,
    method: p.method,
    credentials: p.credentials,
    requestHeaders: combineHeaders(p.authorList),
    ignoredHeaders: p.ignored,
    preflight: { needed: need.needed, reasons: need.reasons },
    steps,
    verdict,
    summary,
  };
}
