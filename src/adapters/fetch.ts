/**
 * `corsgate/fetch`: CORS for any Web Fetch handler `(request: Request) => Response | Promise<Response>`
 * (Bun, Deno, Cloudflare-style workers, Next.js route handlers, `@hono/node-server`).
 * Translation only: every CORS rule lives in `src/core/`.
 */

import {
  type CallbackCorsOptions,
  type CorsDecision,
  type CorsOptions,
  compile,
  decidesAsynchronously,
  type StaticCorsOptions,
} from '../core/index.js';
import { snapshot } from '../core/public-decision.js';
import {
  applyDecision,
  decideFetch,
  fetchCompileContext,
  fetchDeciderFor,
  internalErrorResponse,
  preflightResponse,
} from './fetch-api.js';

export { applyDecision, preflightResponse } from './fetch-api.js';

export type FetchCorsOptions<R extends Request = Request> = CorsOptions<R>;

/** A Web Fetch handler; extra arguments (a worker's `env` and `ctx`, a Next.js route `context`) are passed through. */
export type FetchHandler<R extends Request = Request, Args extends unknown[] = []> = (
  request: R,
  ...args: Args
) => Response | Promise<Response>;

export interface WithCorsHooks<R extends Request = Request> {
  /**
   * Answers when the origin callback fails (throws, rejects, calls back with an error or times out).
   * Default: log the error with `console.error` and answer a plain 500 without CORS headers.
   * Access is never granted on an error.
   */
  onError?: (error: unknown, request: R) => Response | Promise<Response>;
}

/**
 * Wraps a Fetch handler: answers preflights itself (unless `preflightContinue`), and adds the CORS
 * headers and `Vary` to the handler's response, copying the response when its headers are immutable
 * (`Response.redirect()`, a `fetch()` result). Options are validated now (`CorsConfigError` at start-up).
 */
export function withCors<R extends Request, Args extends unknown[]>(
  handler: FetchHandler<R, Args>,
  options?: FetchCorsOptions<R> | null,
  hooks?: WithCorsHooks<R>,
): FetchHandler<R, Args> {
  const policy = compile(options, fetchCompileContext);
  const onError = hooks?.onError ?? logAndFail;
  const decideFor = fetchDeciderFor(policy.onRefused !== undefined || policy.watch !== undefined); // only headers leave withCors, not the decision
  const respond = (decision: CorsDecision, request: R, args: Args): Response | Promise<Response> => {
    if (decision.respond) return preflightResponse(decision);
    const response = handler(request, ...args);
    if (response instanceof Promise) return response.then((settled) => applyDecision(settled, decision));
    return applyDecision(response, decision);
  };
  return function corsgate(request: R, ...args: Args): Response | Promise<Response> {
    let decision: CorsDecision | Promise<CorsDecision>;
    try {
      decision = decideFor(policy, request, request);
    } catch (err) {
      return onError(err, request);
    }
    if (decision instanceof Promise) {
      return decision.then(
        (settled) => respond(settled, request, args),
        (err: unknown) => onError(err, request),
      );
    }
    return respond(decision, request, args);
  };
}

function logAndFail(error: unknown): Response {
  console.error('corsgate: the origin callback failed; answered 500 without CORS headers.', error);
  return internalErrorResponse();
}

/** Decides for one `Request`: synchronous for a fixed origin setting. */
export type CorsDecider<R extends Request = Request> = (request: R) => CorsDecision;
/** Decides for one `Request` when the origin is a callback: rejects with the callback's error. */
export type AsyncCorsDecider<R extends Request = Request> = (request: R) => Promise<CorsDecision>;

/**
 * The lower-level API: compile the options once, then get the decision for a `Request` (its kind, whether
 * a browser will allow it, the headers, the preflight answer, the reason for a refusal). Use
 * `preflightResponse(decision)` and `applyDecision(response, decision)` to turn it into a `Response`.
 * Static origin settings give a synchronous decider; an origin callback gives one that returns a Promise.
 */
export function createCorsDecider<R extends Request = Request>(options?: StaticCorsOptions<R> | null): CorsDecider<R>;
export function createCorsDecider<R extends Request = Request>(options: CallbackCorsOptions<R>): AsyncCorsDecider<R>;
export function createCorsDecider<R extends Request = Request>(
  options?: FetchCorsOptions<R> | null,
): CorsDecider<R> | AsyncCorsDecider<R>;
export function createCorsDecider<R extends Request = Request>(
  options?: FetchCorsOptions<R> | null,
): CorsDecider<R> | AsyncCorsDecider<R> {
  const policy = compile(options, fetchCompileContext);
  if (decidesAsynchronously(policy)) {
    return async function decideAsync(request: R): Promise<CorsDecision> {
      return snapshot(await decideFetch(policy, request, request));
    };
  }
  return function decideSync(request: R): CorsDecision {
    return snapshot(decideFetch(policy, request, request) as CorsDecision);
  };
}

export type { CorsDecision } from '../core/index.js';
