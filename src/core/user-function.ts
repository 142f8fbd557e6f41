/**
 * Calling the user's functions that `cors` calls with a callback: the origin callback `(origin, callback)`
 * and the options delegate `(req, callback)`. Which way a function answers follows from how it is
 * declared, read from `fn.length`:
 *
 * - **Two or more parameters: node-style.** Only `callback` answers. A returned value is ignored (an
 *   `EventEmitter.emit` result, a `Timeout`, whatever a helper returns), except that a returned Promise (or
 *   thenable) that rejects fails the request, as calling `callback(err)` would.
 * - **Fewer parameters: by the returned value**, or by the value of a returned Promise (a rejection fails
 *   the request). A plain `undefined` return leaves the answer to `callback`, should the function call it.
 *
 * `fn.length` counts the parameters before the first one with a default value and before a rest
 * parameter: `(origin, cb = noop) => …` and `(...args) => …` count as fewer than two, as does a wrapper
 * `function () { return impl.apply(this, arguments) }`. Answering is the caller's `callback`, which must
 * keep only its first call.
 */
import { type ConfigProblem, CorsConfigError } from './config-error.js';
import { showConfigured as show } from './log-safe.js';
import { readTimeLimit } from './time-limit.js';

/** True when the function answers only through its callback: declared with two or more parameters. */
function answersByCallback(fn: { readonly length: number }): boolean {
  return fn.length >= 2;
}

/**
 * Calls `fn(arg, callback)` and routes what it returns by the rule above. A synchronous throw propagates
 * to the caller. `ignored` receives a value a node-style function returned or resolved to, for messages.
 */
export function callUserFunction<A, T>(
  fn: (arg: A, callback: (err: unknown, answer?: T) => void) => unknown,
  arg: A,
  callback: (err: unknown, answer?: T) => void,
  ignored?: (value: unknown) => void,
): void {
  const returned = fn(arg, callback);
  if (answersByCallback(fn)) {
    if (isThenable(returned)) {
      returned.then(
        (value) => {
          if (value !== undefined) ignored?.(value);
        },
        (err: unknown) => callback(rejection(err)),
      );
    } else if (returned !== undefined) {
      ignored?.(returned);
    }
    return;
  }
  if (returned === undefined) return;
  if (isThenable(returned)) {
    returned.then(
      (value) => callback(null, value as T),
      (err: unknown) => callback(rejection(err)),
    );
  } else {
    callback(null, returned as T);
  }
}

/** A rejection reason as an error: `Promise.reject()` without a reason must still fail the request. */
function rejection(err: unknown): unknown {
  return err ?? new Error('corsgate: the Promise returned by your function rejected without a reason');
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** Milliseconds an options delegate may take to answer before its request fails, unless `delegateTimeout` says otherwise. */
export const DELEGATE_TIMEOUT = 10_000;

/** Options of the options delegate itself (not the CORS options it answers): `cors(delegate, { delegateTimeout })`. */
export interface DelegateOptions {
  /**
   * Milliseconds the delegate may take to answer before its request fails (never allowed): 1 to 2^31-1,
   * or `Infinity` for no limit. Default 10000.
   */
  delegateTimeout?: number;
}

const DELEGATE_OPTION_NAMES: ReadonlySet<string> = new Set(['delegateTimeout']);

/**
 * The delegate's time limit from `cors(delegate, delegateOptions)`'s second argument. Throws a
 * `CorsConfigError` (at start-up) for anything but `undefined` or `{ delegateTimeout?: 1..2^31-1 | Infinity }`.
 */
export function compileDelegateOptions(options: unknown): number {
  if (options === undefined) return DELEGATE_TIMEOUT;
  const problems: ConfigProblem[] = [];
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    problems.push({
      option: 'delegate options',
      value: show(options),
      problem: 'the second argument of cors(delegate, ...) must be an object.',
      fix: 'write e.g. cors(delegate, { delegateTimeout: 5000 }), or leave it out (10 s).',
    });
    throw new CorsConfigError(problems);
  }
  for (const name of Object.keys(options)) {
    if (DELEGATE_OPTION_NAMES.has(name)) continue;
    problems.push({
      option: name,
      value: show((options as Record<string, unknown>)[name]),
      problem:
        'the second argument of cors(delegate, ...) takes only delegateTimeout; CORS options come from the delegate.',
      fix: `return ${name} from the delegate, or write delegateTimeout.`,
    });
  }
  const limit = readTimeLimit(
    'delegateTimeout',
    (options as DelegateOptions).delegateTimeout,
    DELEGATE_TIMEOUT,
    problems,
  );
  if (problems.length > 0) throw new CorsConfigError(problems);
  return limit;
}

/**
 * Why an options delegate's request failed: it never answered within `limit` ms. When a
 * node-style delegate returned an object (most likely the options, returned instead of passed to
 * callback), says so.
 */
export function delegateTimeoutMessage(ignored: unknown, limit: number, name = 'options delegate'): string {
  const returnedOptions = typeof ignored === 'object' && ignored !== null && !isThenable(ignored);
  return `corsgate: the ${name} did not answer within ${limit} ms; the request was failed, not allowed.${
    returnedOptions
      ? ' It is declared with two parameters (req, callback), so only callback answers; the object it returned was ignored. Call callback(null, options), or declare it (req) => options.'
      : ' Call callback(null, options) once per request.'
  }`;
}
