/**
 * The Express middleware, also valid for Connect and any `(req, res, next)` stack on node:http.
 * A drop-in for the `cors` package: `cors()`, `cors(options)`, `cors((req, callback) => ...)`.
 * Translation only: every CORS rule lives in `src/core/`.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
// Express's `Request` is what this export's options delegate and `onRefused` receive, when the app has
// @types/express; corsgate never imports Express at run time. Without @types/express the import resolves
// to `any` (the @ts-ignore, put back into the emitted declarations by scripts/build.mjs, keeps that from
// being an error) and `ExpressRequest` falls back to Node's IncomingMessage.
// biome-ignore lint/suspicious/noTsIgnore: @ts-expect-error would fail where @types/express is installed.
// @ts-ignore -- optional: @types/express may be absent
import type { Request as MaybeExpressRequest } from 'express';
import {
  type CorsOptions as CoreCorsOptions,
  type CorsOptionsDelegate as CoreCorsOptionsDelegate,
  CorsConfigError,
  type CorsDecision,
  type CorsPolicy,
  compile,
} from '../core/index.js';
import { showConfigured as show } from '../core/log-safe.js';
import { createPolicyCache } from '../core/policy-cache.js';
import {
  callUserFunction,
  compileDelegateOptions,
  type DelegateOptions,
  delegateTimeoutMessage,
} from '../core/user-function.js';
import { firstTime } from '../core/warn-once.js';
import { decideNode, nodeCompileContext, writeDecision } from './node-http.js';

/**
 * `T`, unless it is the `any` of an unresolved import: then `Fallback`. (The usual `0 extends 1 & T` test
 * does not see through an unresolved import's type; this form does, checked by test/package/consumers.test.ts.)
 */
type Resolved<T, Fallback> = unknown extends T ? Fallback : T;

/** Express's `Request` if its types are installed (so `req.query`, `req.path`, `req.header()` type-check), else `IncomingMessage`. */
export type ExpressRequest = Resolved<MaybeExpressRequest, IncomingMessage>;
export type NextFunction = (err?: unknown) => void;
export type CorsMiddleware = (req: IncomingMessage, res: ServerResponse, next: NextFunction) => void;

/** The least a request must have, as `@types/cors` names it: Express's and Node's requests both qualify. */
export interface CorsRequest {
  method?: string | undefined;
  headers: IncomingHttpHeaders;
}

/**
 * The options, named as in `@types/cors`. `Req` is what `onRefused` receives: Express's `Request` by
 * default (when `@types/express` is installed).
 */
export type CorsOptions<Req = ExpressRequest> = CoreCorsOptions<Req>;

/**
 * An options delegate, named and parameterised as in `@types/cors`: `cors.CorsOptionsDelegate<express.Request>`
 * or just `cors.CorsOptionsDelegate` (Express's `Request` when `@types/express` is installed).
 */
export type CorsOptionsDelegate<Req extends CorsRequest = ExpressRequest> = CoreCorsOptionsDelegate<Req>;

export type { DelegateOptions };

export type ExpressCorsOptions = CorsOptions<ExpressRequest>;
export type ExpressCorsOptionsDelegate = CorsOptionsDelegate<ExpressRequest>;

/**
 * Creates the middleware. Options are validated now: a dangerous or malformed configuration throws a
 * `CorsConfigError` at start-up. With a delegate, options are validated when first seen (and kept per
 * options contents); an invalid one fails that request through `next(err)`. A delegate that does not
 * answer within `delegateOptions.delegateTimeout` (default 10 s) fails its request through `next(err)`.
 */
export function cors<Req extends CorsRequest = ExpressRequest>(
  options?: CorsOptions<Req> | CorsOptionsDelegate<Req> | null,
  // A default value keeps `cors.length` at 1, as the `cors` package's (code that checks the arity still works).
  delegateOptions: DelegateOptions | undefined = undefined,
): CorsMiddleware {
  // `Req` only says what the delegate and `onRefused` receive (as `cors<Request>(...)` does with @types/cors):
  // at run time they get the request the framework passed in, whatever it was declared as.
  if (typeof options === 'function') {
    return delegatingMiddleware(
      options as unknown as ExpressCorsOptionsDelegate,
      compileDelegateOptions(delegateOptions),
    );
  }
  if (delegateOptions !== undefined) throw delegateOptionsWithoutDelegate(delegateOptions);
  const policy = compile(options as ExpressCorsOptions | null | undefined, nodeCompileContext);
  return function corsgate(req, res, next) {
    run(policy, req, res, next);
  };
}

function run(policy: CorsPolicy<ExpressRequest>, req: IncomingMessage, res: ServerResponse, next: NextFunction): void {
  let decision: CorsDecision | Promise<CorsDecision>;
  try {
    decision = decideNode(policy, req, req as ExpressRequest);
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

/** `cors(options, { delegateTimeout })`: a second argument is read only with an options delegate. */
function delegateOptionsWithoutDelegate(delegateOptions: unknown): CorsConfigError {
  return new CorsConfigError([
    {
      option: 'delegateTimeout',
      value: show(delegateOptions),
      problem: 'the second argument of cors() is read only when the first is an options delegate (req, callback).',
      fix: 'leave it out; to limit an origin callback, write originCallbackTimeout in the options.',
    },
  ]);
}

function delegatingMiddleware(delegate: ExpressCorsOptionsDelegate, timeLimit: number): CorsMiddleware {
  const policyFor = createPolicyCache<ExpressRequest>(nodeCompileContext);

  return function corsgateDelegate(req, res, next) {
    let called = false;
    let timedOut = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const withOptions = (err: unknown, options?: ExpressCorsOptions | null): void => {
      if (called) {
        warnLateDelegate(delegate, err, timedOut, timeLimit);
        return;
      }
      called = true;
      if (timer !== undefined) clearTimeout(timer);
      if (err !== null && err !== undefined) {
        next(err);
        return;
      }
      // `cors` answers these with its defaults, and so does corsgate; said once, as it is rarely meant.
      if (options === undefined || options === null) nodeCompileContext.warn?.(NO_DELEGATE_OPTIONS);
      let policy: CorsPolicy<ExpressRequest>;
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
      // Under Express (this export's framework) `req` is Express's request; the type says so.
      callUserFunction(delegate, req as ExpressRequest, withOptions, (value) => {
        ignored = value;
      });
    } catch (err) {
      // An error thrown after the options were delivered belongs to whatever ran next, not to the delegate.
      if (called) throw err;
      withOptions(err ?? new Error('corsgate: the options delegate threw'));
    }
    // Not answered yet: a request must not hang forever on a delegate that never calls back.
    if (!called && timeLimit !== Number.POSITIVE_INFINITY) {
      timer = setTimeout(() => {
        withOptions(new Error(delegateTimeoutMessage(ignored, timeLimit)));
        timedOut = true;
      }, timeLimit);
    }
  };
}

const lateDelegates = new WeakSet<object>();

const NO_DELEGATE_OPTIONS =
  'corsgate: the options delegate answered no options (undefined or null), so the request got the default options, as with cors: any website may read the response (Access-Control-Allow-Origin: *). To turn CORS off for a request, answer { origin: false }; to use the defaults on purpose, answer {}.';

/** A delegate that answered twice, or failed after answering: the first answer stood (warned once per delegate). */
function warnLateDelegate(delegate: object, err: unknown, timedOut: boolean, timeLimit: number): void {
  if (!firstTime(lateDelegates, delegate)) return;
  const what =
    err !== null && err !== undefined
      ? `failed (${err instanceof Error ? err.message : String(err)}) after it had answered`
      : timedOut
        ? `answered after ${timeLimit} ms (the request had already failed)`
        : 'answered more than once';
  nodeCompileContext.warn?.(
    `corsgate: the options delegate ${what}; only the first answer counted. Call the callback exactly once per request.`,
  );
}

export default cors;
