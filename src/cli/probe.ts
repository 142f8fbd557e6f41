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
import { checkConfiguredOrigin, isSerializedOrigin } from '../core/origin.js';
import {
  checkAllowCredentials,
  checkAllowHeaders,
  checkAllowMethods,
  checkAllowOrigin,
  checkPreflightStatus,
  checkVaryOrigin,
  headerValues,
  readable,
} from './checks.js';
import {
  isForbiddenMethod,
  isForbiddenRequestHeader,
  isPotentiallyTrustworthy,
  isToken,
  needsPreflight,
  normalizeMethod,
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
  /** Combined per name, as sent. */
  authorHeaders: [string, string][];
  /** As given (one entry per header set), which is what the safelist rules look at. */
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
  if (origin !== 'null' && !isSerializedOrigin(origin)) {
    const problem = checkConfiguredOrigin(origin);
    throw usage(
      `--origin ${JSON.stringify(origin)} is not an origin as browsers send it${problem === undefined ? '' : `: ${problem.problem} Fix: ${problem.fix}`}`,
    );
  }

  const rawMethod = options.method ?? 'GET';
  if (!isToken(rawMethod)) throw usage(`--method ${JSON.stringify(rawMethod)} is not a valid method name.`);
  if (isForbiddenMethod(rawMethod)) throw usage(`fetch() refuses the method ${rawMethod}: browsers never send it.`);
  const method = normalizeMethod(rawMethod);

  const credentials = options.credentials === true;
  const timeout = options.timeout ?? DEFAULT_TIMEOUT;
  if (!Number.isFinite(timeout) || timeout <= 0) throw usage('--timeout must be a positive number of milliseconds.');

  const given =
    options.headers === undefined
      ? []
      : Array.isArray(options.headers)
        ? options.headers
        : Object.entries(options.headers);
  const authorHeaders: [string, string][] = [];
  const authorList: [string, string][] = [];
  const ignored: string[] = [];
  let cookie: string | undefined;
  for (const [name, rawValue] of given as readonly (readonly [string, string])[]) {
    if (!isToken(name)) throw usage(`${JSON.stringify(name)} is not a valid header name.`);
    // fetch() strips leading and trailing HTTP whitespace from values, and refuses CR, LF and NUL.
    const value = rawValue.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    if (/[\0\r\n]/.test(value)) throw usage(`the value of header ${name} contains a line break or NUL.`);
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
    // Headers combines values of one name with ", " (names compared case-insensitively, first spelling kept).
    const existing = authorHeaders.find(([n]) => n.toLowerCase() === name.toLowerCase());
    if (existing !== undefined) existing[1] = `${existing[1]}, ${value}`;
    else authorHeaders.push([name, value]);
  }
  return {
    url,
    origin,
    method,
    credentials,
    timeout,
    userAgent: options.userAgent ?? 'corsgate-check',
    authorHeaders,
    authorList,
    cookie,
    ignored,
  };
}

function fetchMetadata(p: Prepared): [string, string][] {
  if (!isPotentiallyTrustworthy(p.url)) return [];
  return [
    ['Sec-Fetch-Mode', 'cors'],
    ['Sec-Fetch-Site', secFetchSite(p.origin, p.url)],
    ['Sec-Fetch-Dest', 'empty'],
  ];
}

function toExchange(response: HttpResponse): ExchangeResponse {
  return { status: response.status, statusText: response.statusText, headers: response.headers };
}

/** Runs the probe. Rejects with a `ProbeError` for bad options (code `usage`) or when the server cannot be reached. */
export async function probe(target: string | URL, options: ProbeOptions): Promise<Report> {
  const p = prepare(target, options);
  if (p.origin === p.url.origin) return sameOrigin(p);
  const need = needsPreflight(p.method, p.authorList);
  const unsafeNames = need.requestHeaders === '' ? [] : need.requestHeaders.split(',');
  const steps: Step[] = [];

  if (need.needed) {
    const headers: [string, string][] = [
      ['Accept', '*/*'],
      ['Access-Control-Request-Method', p.method],
    ];
    if (need.requestHeaders !== '') headers.push(['Access-Control-Request-Headers', need.requestHeaders]);
    headers.push(['Origin', p.origin], ['User-Agent', p.userAgent], ...fetchMetadata(p));
    const request: ExchangeRequest = { method: 'OPTIONS', url: p.url.href, headers };
    const response = toExchange(await send({ method: 'OPTIONS', url: p.url, headers, timeout: p.timeout }));
    const checks: Check[] = [checkPreflightStatus(response), checkAllowOrigin(response, p.origin, p.credentials)];
    if (p.credentials) checks.push(checkAllowCredentials(response));
    // The browser stops at the first failure; the method and header lists are checked (and worth
    // showing) only once the answer is a 2xx for this origin; otherwise they share the same cause.
    if (stepResult(checks) === 'passed') {
      checks.push(checkAllowMethods(response, p.method, p.credentials));
      checks.push(...checkAllowHeaders(response, unsafeNames, p.credentials));
    }
    const result = stepResult(checks);
    steps.push({ name: 'preflight', result, request, response, checks });
    if (result === 'failed') {
      steps.push({ name: 'actual', result: 'skipped', checks: [] });
      return finish(p, need, steps, 'blocked');
    }
  }

  const headers: [string, string][] = [...p.authorHeaders];
  if (!p.authorHeaders.some(([n]) => n.toLowerCase() === 'accept')) headers.push(['Accept', '*/*']);
  headers.push(['Origin', p.origin]);
  if (p.cookie !== undefined) headers.push(['Cookie', p.cookie]);
  if (p.method === 'POST' || p.method === 'PUT') headers.push(['Content-Length', '0']);
  headers.push(['User-Agent', p.userAgent], ...fetchMetadata(p));
  const request: ExchangeRequest = { method: p.method, url: p.url.href, headers };
  const response = toExchange(await send({ method: p.method, url: p.url, headers, timeout: p.timeout }));
  const checks: Check[] = [checkAllowOrigin(response, p.origin, p.credentials)];
  if (p.credentials) checks.push(checkAllowCredentials(response));
  const result = stepResult(checks);
  if (result === 'passed') {
    const vary = checkVaryOrigin(response);
    if (vary !== undefined) checks.push(vary);
    if (response.status >= 300 && response.status <= 399 && headerValues(response, 'location').length > 0) {
      const location = headerValues(response, 'location').join(', ');
      checks.push({
        id: 'redirect',
        result: 'warning',
        message: `the response is a ${response.status} redirect to ${location}, which a browser would follow; this check stops here.`,
        seen: location,
        rule: 'A browser follows the redirect and checks CORS again on every response; after a cross-origin redirect it sends Origin: null.',
        fix: `run corsgate check on ${location} too, or call that URL directly.`,
      });
    }
  }
  const { readable: canRead, hidden } = readable(response, p.credentials);
  steps.push({ name: 'actual', result, request, response, checks, readableHeaders: canRead, hiddenHeaders: hidden });
  return finish(p, need, steps, result === 'passed' ? 'allowed' : 'blocked');
}

/** A same-origin request: the browser applies no CORS check (and sends Origin only for methods other than GET and HEAD). */
async function sameOrigin(p: Prepared): Promise<Report> {
  const headers: [string, string][] = [...p.authorHeaders];
  if (!p.authorHeaders.some(([n]) => n.toLowerCase() === 'accept')) headers.push(['Accept', '*/*']);
  if (p.method !== 'GET' && p.method !== 'HEAD') headers.push(['Origin', p.origin]);
  if (p.cookie !== undefined) headers.push(['Cookie', p.cookie]);
  if (p.method === 'POST' || p.method === 'PUT') headers.push(['Content-Length', '0']);
  headers.push(['User-Agent', p.userAgent], ...fetchMetadata(p));
  const request: ExchangeRequest = { method: p.method, url: p.url.href, headers };
  const response = toExchange(await send({ method: p.method, url: p.url, headers, timeout: p.timeout }));
  const checks: Check[] = [
    {
      id: 'same-origin',
      result: 'passed',
      message: `the page and the URL share the origin ${p.origin}: CORS does not apply, script reads every response.`,
    },
  ];
  const names = [...new Set(response.headers.map(([n]) => n))];
  const readableHeaders = names.filter((n) => n !== 'set-cookie' && n !== 'set-cookie2');
  const hiddenHeaders = names.filter((n) => n === 'set-cookie' || n === 'set-cookie2');
  const steps: Step[] = [
    { name: 'actual', result: 'passed', request, response, checks, readableHeaders, hiddenHeaders },
  ];
  return {
    ...finish(p, { needed: false, reasons: [], requestHeaders: '' }, steps, 'allowed'),
    summary: `Same origin: a page at ${p.origin} can send ${p.method} ${p.url.href} and read the response without CORS.`,
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
  const summary =
    verdict === 'allowed'
      ? `A browser lets ${who} send ${what} and read the response.`
      : steps[0]?.name === 'preflight' && steps[0].result === 'failed'
        ? `A browser blocks ${what} from ${who}: the preflight failed, so the request is never sent and fetch() rejects with a TypeError.`
        : `A browser blocks ${what} from ${who}: the request is sent, but script cannot read the response (fetch() rejects with a TypeError).`;
  return {
    version: 1,
    url: p.url.href,
    origin: p.origin,
    method: p.method,
    credentials: p.credentials,
    requestHeaders: p.authorHeaders,
    ignoredHeaders: p.ignored,
    preflight: { needed: need.needed, reasons: need.reasons },
    steps,
    verdict,
    summary,
  };
}
