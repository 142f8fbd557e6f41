/**
 * The Express middleware, also valid for Connect and any `(req, res, next)` stack on node:http.
 * A drop-in for the `cors` package: `cors()`, `cors(options)`, `cors((req, callback) => ...)`.
 * Translation only: every CORS rule lives in `src/core/`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CorsDecision,
  type CorsOptions,
  type CorsOptionsDelegate,
  type CorsPolicy,
  compile,
} from '../core/index.js';
import { createPolicyCache } from '../core/policy-cache.js';
import { callUserFunction, DELEGATE_TIMEOUT, delegateTimeoutMessage } from '../core/user-function.js';
import { decideNode, nodeCompileContext, writeDecision } from './node-http.js';

export type NextFunction = (err?: unknown) => void;
export type CorsMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;
export type ExpressCorsOptions = CorsOptions<IncomingMessage>;
export type ExpressCorsOptionsDelegate = CorsOptionsDelegate<IncomingMessage>;

/**
 * Creates the middleware. Options are validated now: a dangerous or malformed configuration throws a
 * `CorsConfigError` at start-up. With a delegate, options are validated when first seen (and kept per
 * options contents); an invalid one fails that request through `next(err)`.
 */
export function cors(options?: ExpressCorsOptions | ExpressCorsOptionsDelegate | null): CorsMiddleware {
  if (typeof options === 'function') return delegatingMiddleware(options);
  const policy = compile(options, nodeCompileContext);
  return function corsgate(req, res, next) {
    run(policy, req, res, next);
  };
}

function run(policy: CorsPolicy<IncomingMessage>, req: IncomingMessage, res: ServerResponse, next: NextFunction): void {
  let decision: CorsDecision | Promise<CorsDecision>;
  try {
    decision = decideNode(policy, req, req);
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
  let answered: boolean;
  try {
    answered = writeDecision(res, decision);
  } catch (err) {
    next(err);
    return;
  }
  if (!answered) next();
}

function delegatingMiddleware(delegate: ExpressCorsOptionsDelegate): CorsMiddleware {
  const policyFor = createPolicyCache<IncomingMessage>(nodeCompileContext);

  return function corsgateDelegate(req, res, next) {
    let called = false;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const withOptions = (err: unknown, options?: ExpressCorsOptions | null): void => {
      if (called) {
        warnLateDelegate(delegate, err, timedOut);
        return;
      }
      called = true;
      if (timer !== undefined) clearTimeout(timer);
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
    let ignored: unknown;
    try {
      // (req, callback): only the callback answers; (req) => options: the returned value or Promise does.
      callUserFunction(delegate, req, withOptions, (value) => {
        ignored = value;
      });
    } catch (err) {
      // An error thrown after the options were delivered belongs to whatever ran next, not to the delegate.
      if (called) throw err;
      withOptions(err ?? new Error('corsgate: the options delegate threw'));
    }
    // Not answered yet: a request must not hang forever on a delegate that never calls back.
    if (!called) {
      timer = setTimeout(() => {
        withOptions(new Error(delegateTimeoutMessage(ignored)));
        timedOut = true;
      }, DELEGATE_TIMEOUT);
    }
  };
}

const lateDelegates = new WeakSet<object>();

/** A delegate that answered twice, or failed after answering: the first answer stood (warned once per delegate). */
function warnLateDelegate(delegate: object, err: unknown, timedOut: boolean): void {
  if (lateDelegates.has(delegate)) return;
  lateDelegates.add(delegate);
  const what =
    err !== null && err !== undefined
      ? `failed (${err instanceof Error ? err.message : String(err)}) after it had answered`
      : timedOut
        ? `answered after ${DELEGATE_TIMEOUT} ms (the request had already failed)`
        : 'answered more than once';
  nodeCompileContext.warn?.(
    `corsgate: the options delegate ${what}; only the first answer counted. Call the callback exactly once per request.`,
  );
}

export default cors;
