/**
 * Translation between the Web Fetch API (`Request`, `Response`, `Headers`) and the core: read the request
 * facts, write a decision's headers, build a preflight answer. No Node imports: it runs on Bun, Deno,
 * workers and Node alike. Shared by `corsgate/fetch` and `corsgate/hono`.
 */

import { createDecider, type Decider } from '../core/decide.js';
import type { CompileContext, CorsDecision } from '../core/index.js';
import { mergeVary } from '../core/index.js';
import type { RequestReader } from '../core/request.js';
import { onceEach } from '../core/warn-once.js';

const get = (request: Request, name: string): string | undefined => request.headers.get(name) ?? undefined;

/**
 * A Fetch `Request` as the core reads it. Reading a header is the adapter's main cost on an allowed
 * request, and the core asks only for what can matter (src/core/request.ts).
 */
const fetchReader: RequestReader<Request> = {
  method: (request) => request.method,
  origin: (request) => get(request, 'origin'),
  requestMethod: (request) => get(request, 'access-control-request-method'),
  requestHeaders: (request) => get(request, 'access-control-request-headers'),
  requestPrivateNetwork: (request) => get(request, 'access-control-request-private-network'),
  hasCookie: (request) => request.headers.has('cookie'),
  secFetchSite: (request) => get(request, 'sec-fetch-site'),
  secFetchMode: (request) => get(request, 'sec-fetch-mode'),
};

/**
 * The same, when nothing but the headers leaves the adapter (`withCors` or Hono without `onRefused`):
 * `Cookie` and `Sec-Fetch-*`, which only decide whether a refusal is reported (never a header), are not read.
 */
const fetchReaderWithoutRefusals: RequestReader<Request> = {
  ...fetchReader,
  hasCookie: () => false,
  secFetchSite: () => undefined,
  secFetchMode: () => undefined,
};

/** Decides for a Fetch `Request`, every fact read. */
export const decideFetch: Decider<Request> = createDecider(fetchReader);
const decideFetchWithoutRefusals: Decider<Request> = createDecider(fetchReaderWithoutRefusals);

/** The decider for a policy: refusal facts read only when they are reported (`onRefused`) or returned. */
export function fetchDeciderFor(forRefusals: boolean): Decider<Request> {
  return forRefusals ? decideFetch : decideFetchWithoutRefusals;
}

/**
 * The one header writer of the Fetch adapters: sets the decision's headers and appends its `Vary` names
 * to the existing `Vary`. Throws a TypeError on immutable headers.
 */
export function writeDecisionHeaders(headers: Headers, decision: CorsDecision): void {
  const list = decision.headers;
  for (let i = 0; i < list.length; i++) {
    const header = list[i] as CorsDecision['headers'][number];
    headers.set(header[0], header[1]);
  }
  if (decision.vary !== undefined) headers.set('Vary', mergeVary(headers.get('Vary') ?? undefined, decision.vary));
}

/**
 * The response with the decision's headers: the same object when its headers can be changed, otherwise
 * (`Response.redirect()`, a `fetch()` result: immutable headers) a copy with the same status, headers and body.
 */
export function applyDecision(response: Response, decision: CorsDecision): Response {
  if (decision.headers.length === 0 && decision.vary === undefined) return response;
  try {
    writeDecisionHeaders(response.headers, decision);
    return response;
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
  }
  // A network error (`Response.error()`, status 0) cannot be copied and is never readable by script anyway.
  if (response.type === 'error') return response;
  const copy = new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  writeDecisionHeaders(copy.headers, decision);
  return copy;
}

/** The answer to a preflight that corsgate answers itself (`decision.respond`). */
export function preflightResponse(decision: CorsDecision): Response {
  const response = new Response(null, { status: decision.status });
  writeDecisionHeaders(response.headers, decision);
  return response;
}

/** The answer when an origin callback failed: a plain 500, without CORS headers. */
export function internalErrorResponse(): Response {
  return new Response('Internal Server Error', {
    status: 500,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

interface MaybeProcess {
  readonly process?: { readonly env?: Record<string, string | undefined> };
}

/**
 * Compile-time context for runtimes that may have no `process` (workers, Deno): production when
 * `process.env.NODE_ENV` is `production` where that exists; warnings through `console.warn`, once each.
 */
export const fetchCompileContext: CompileContext = {
  get production(): boolean {
    return (globalThis as MaybeProcess).process?.env?.NODE_ENV === 'production';
  },
  warn: onceEach((message) => console.warn(message)),
};
