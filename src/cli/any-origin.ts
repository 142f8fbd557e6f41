/**
 * The most dangerous setup `corsgate check --credentials` can meet: a server that allows ANY origin with
 * credentials, by reflecting the Origin header (as `cors({ origin: true, credentials: true })` does). The
 * answer to the page's own origin cannot show it, so the check asks again from an origin nobody would
 * list (a random name under the reserved `.invalid` top-level domain) and warns when that one is allowed
 * with credentials too. Only requests without side effects are repeated: GET and HEAD as they were sent;
 * for any other method, the preflight (an OPTIONS request) is sent instead.
 */
import { randomBytes } from 'node:crypto';
import { headerValues } from './checks.js';
import { send } from './http.js';
import type { AnyOriginCheck, Check, ExchangeRequest, ExchangeResponse, Step } from './report.js';

/** An origin no allowlist holds: `https://corsgate-probe-<random>.invalid` (RFC 2606 reserves .invalid). */
export function unlistedOrigin(): string {
  return `https://corsgate-probe-${randomBytes(4).toString('hex')}.invalid`;
}

/** The request to repeat from `origin`, built from what was sent for the URL checked (hop 0). */
function requestFrom(steps: readonly Step[], origin: string): ExchangeRequest | undefined {
  const preflight = steps.find((step) => step.hop === 0 && step.name === 'preflight')?.request;
  const actual = steps.find((step) => step.hop === 0 && step.name === 'actual')?.request;
  const base = preflight ?? actual;
  if (base === undefined) return undefined;
  const swap = (headers: readonly (readonly [string, string])[]): [string, string][] =>
    headers
      .filter(([name]) => name.toLowerCase() !== 'cookie' || base === actual)
      .map(([name, value]): [string, string] => {
        const lower = name.toLowerCase();
        if (lower === 'origin') return [name, origin];
        if (lower === 'sec-fetch-site') return [name, 'cross-site'];
        return [name, value];
      });
  if (preflight !== undefined) return { method: 'OPTIONS', url: preflight.url, headers: swap(preflight.headers) };
  if (base.method === 'GET' || base.method === 'HEAD') {
    return { method: base.method, url: base.url, headers: swap(base.headers) };
  }
  // A simple POST: not repeated (it may change something); its preflight-shaped OPTIONS asks the same question.
  const userAgent = base.headers.find(([name]) => name.toLowerCase() === 'user-agent')?.[1] ?? 'corsgate-check';
  return {
    method: 'OPTIONS',
    url: base.url,
    headers: [
      ['Accept', '*/*'],
      ['Access-Control-Request-Method', base.method],
      ['Origin', origin],
      ['User-Agent', userAgent],
    ],
  };
}

function judge(request: ExchangeRequest, response: ExchangeResponse, origin: string, pageOrigin: string): Check {
  const allowOrigin = headerValues(response, 'access-control-allow-origin');
  const allowCredentials = headerValues(response, 'access-control-allow-credentials');
  const preflightOk = request.method !== 'OPTIONS' || (response.status >= 200 && response.status < 300);
  const reflected =
    preflightOk && allowOrigin.length === 1 && allowOrigin[0] === origin && allowCredentials.join(', ') === 'true';
  const seen = allowOrigin.length === 0 ? null : allowOrigin.join(', ');
  if (!reflected) {
    return {
      id: 'any-origin',
      result: 'passed',
      message: `${origin}, an origin nobody would list, is not allowed with credentials: the server does not allow any origin.`,
      seen,
    };
  }
  return {
    id: 'any-origin',
    result: 'warning',
    message: `the server also allows ${origin}, an origin nobody would list, with credentials: it allows ANY origin (it reflects the Origin header), so every website can send requests as your logged-in users and read the answers.`,
    seen,
    rule: "Access-Control-Allow-Origin with Access-Control-Allow-Credentials: true must name only origins you trust; echoing the request's Origin trusts every site on the web.",
    fix: `list the origins that may send credentials: with corsgate or cors, origin: ["${pageOrigin}"], not origin: true, a callback that allows every origin, or a RegExp that matches any (corsgate refuses credentials with any origin unless dangerouslyAllowCredentialsWithAnyOrigin is set).`,
  };
}

/**
 * Repeats the request for the URL checked from an unlisted origin. `undefined` when there is nothing to
 * repeat or the server cannot be reached a second time (the main report stands on its own).
 */
export async function checkAnyOrigin(
  steps: readonly Step[],
  pageOrigin: string,
  timeout: number,
  origin: string = unlistedOrigin(),
): Promise<AnyOriginCheck | undefined> {
  const request = requestFrom(steps, origin);
  if (request === undefined) return undefined;
  let response: ExchangeResponse;
  try {
    const answer = await send({ method: request.method, url: new URL(request.url), headers: request.headers, timeout });
    response = { status: answer.status, statusText: answer.statusText, headers: answer.headers };
  } catch {
    return undefined;
  }
  return { origin, request, response, check: judge(request, response, origin, pageOrigin) };
}
