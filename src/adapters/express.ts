/**
 * The Express middleware, also valid for Connect and any `(req, res, next)` stack on node:http.
 * A drop-in for the `cors` package: `cors()`, `cors(options)`, `cors((req, callback) => ...)`.
 * Translation only: every CORS rule lives in `src/core/`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideUncached } from '../core/decide.js';
import { decideCachedFromHeaders } from '../core/decision-cache.js';
import {
  type CorsDecision,
  type CorsOptions,
  type CorsOptionsDelegate,
  type CorsPolicy,
  compile,
  decide,
} from '../core/index.js';
import { endPreflight, nodeCompileContext, readFacts, writeHeaders } from './node-http.js';

export type NextFunction = (err?: unknown) => void;
export type CorsMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;
export type ExpressCorsOptions = CorsOptions<IncomingMessage>;
export type ExpressCorsOptionsDelegate = CorsOptionsDelegate<IncomingMessage>;

/**
 * Creates the middleware. Options are validated now: a dangerous or malformed configuration throws a
 * `CorsConfigError` at start-up. With a delegate, options are validated when first seen (and cached per
 * options object); an invalid one fails that request through `next(err)`.
 */
export function cors(options?: ExpressCorsOptions | ExpressCorsOptionsDelegate | null): CorsMiddleware {
  if (typeof options === 'function') return delegatingMiddleware(options);
  const policy = compile(options, nodeCompileContext);
  const shared = policy as CorsPolicy<never>;
  return function corsgate(req, res, next) {
    // Common cases (no Origin, an allowed exact origin, `*`, a repeated preflight): a decision shared
    // between requests, no facts object.
    const cached = decideCachedFromHeaders(shared, req.method, req.headers);
    if (cached === undefined) run(policy, req, res, next, true);
    else finish(res, cached, next);
  };
}

function run(
  policy: CorsPolicy<IncomingMessage>,
  req: IncomingMessage,
  res: ServerResponse,
  next: NextFunction,
  cacheTried = false,
): void {
  let decision: CorsDecision | Promise<CorsDecision>;
  try {
    decision = cacheTried ? decideUncached(policy, readFacts(req), req) : decide(policy, readFacts(req), req);
  } catch (err) {
    next(err);
    return;
  }
  if (decision instanceof Promise) {
    decision.then(
      (settled) => finish(res, settled, next),
      (err: unknown) => next(err),
    );
    return;
  }
  finish(res, decision, next);
}

function finish(res: ServerResponse, decision: CorsDecision, next: NextFunction): void {
  try {
    writeHeaders(res, decision);
  } catch (err) {
    next(err);
    return;
  }
  if (decision.respond) endPreflight(res, decision.status);
  else next();
}

function delegatingMiddleware(delegate: ExpressCorsOptionsDelegate): CorsMiddleware {
  const policies = new WeakMap<object, CorsPolicy<IncomingMessage>>();
  let defaultPolicy: CorsPolicy<IncomingMessage> | undefined;
  const policyFor = (options: ExpressCorsOptions | undefined | null): CorsPolicy<IncomingMessage> => {
    if (options === undefined || options === null) {
      defaultPolicy ??= compile<IncomingMessage>(undefined, nodeCompileContext);
      return defaultPolicy;
    }
    let policy = policies.get(options);
    if (policy === undefined) {
      policy = compile(options, nodeCompileContext);
      policies.set(options, policy);
    }
    return policy;
  };

  return function corsgateDelegate(req, res, next) {
    let called = false;
    const withOptions = (err: unknown, options?: ExpressCorsOptions | null): void => {
      if (called) return;
      called = true;
      if (err !== null && err !== undefined) {
        next(err);
        return;
      }
      let policy: CorsPolicy<IncomingMessage>;
      try {
        policy = policyFor(options);
      } catch (compileError) {
        next(compileError);
        return;
      }
      run(policy, req, res, next);
    };
    try {
      const returned = delegate(req, withOptions);
      if (returned !== undefined) {
        if (typeof (returned as PromiseLike<ExpressCorsOptions>).then === 'function') {
          (returned as PromiseLike<ExpressCorsOptions>).then(
            (options) => withOptions(null, options),
            (err: unknown) => withOptions(err ?? new Error('corsgate: the options delegate rejected')),
          );
        } else {
          withOptions(null, returned as ExpressCorsOptions);
        }
      }
    } catch (err) {
      withOptions(err);
    }
  };
}

export default cors;
