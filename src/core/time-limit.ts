/**
 * Time limits on the user's functions (`originCallbackTimeout`, the options delegate's `delegateTimeout`):
 * whole milliseconds from 1 to 2^31-1 (the most a Node, browser or Bun timer can wait: a larger delay
 * fires after 1 ms), or `Infinity` for no limit. Anything else is a configuration problem.
 */
import { type ConfigProblem, show } from './config-error.js';

/** The largest delay a timer honours: 2^31-1 ms (about 24.8 days). */
export const MAX_TIME_LIMIT = 2 ** 31 - 1;

/** The time limit written as `value` for `option`, or `fallback` (with a problem pushed) when it is not one. */
export function readTimeLimit(option: string, value: unknown, fallback: number, problems: ConfigProblem[]): number {
  if (value === undefined) return fallback;
  if (isTimeLimit(value)) return value;
  const asNumber = typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  problems.push({
    option,
    value: show(value),
    problem: `it must be a whole number of milliseconds from 1 to ${MAX_TIME_LIMIT} (about 24.8 days; a timer given more fires after 1 ms), or Infinity for no limit.`,
    fix: isTimeLimit(asNumber)
      ? `write ${option}: ${asNumber} (a number, not a string).`
      : typeof value === 'number' && value > MAX_TIME_LIMIT
        ? `write ${option}: Infinity to wait without limit, or at most ${option}: ${MAX_TIME_LIMIT}.`
        : `write e.g. ${option}: ${fallback} (the default), or Infinity for no limit.`,
  });
  return fallback;
}

function isTimeLimit(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    (value === Number.POSITIVE_INFINITY || (Number.isInteger(value) && value >= 1 && value <= MAX_TIME_LIMIT))
  );
}

/**
 * Runs the user's function `run` under a time limit, for functions that answer by their returned value or
 * Promise (a Koa `credentials` function, a Hono `allowMethods` function). A value returned synchronously is
 * returned as is, with no timer; a synchronous throw propagates. A returned Promise (or thenable) gives a
 * Promise that settles with its outcome, or rejects with `timedOut()` once `limit` ms have passed (never with
 * an answer: a function that does not answer in time fails its request). What it does after that (answers
 * or rejects late) is handed to `late`, never left as an unhandled rejection. `limit` is a value
 * `readTimeLimit` accepted: `Infinity` sets no timer.
 */
export function withTimeLimit<T>(
  run: () => T | PromiseLike<T>,
  limit: number,
  timedOut: () => Error,
  late?: (outcome: { readonly answer: T } | { readonly error: unknown }) => void,
): T | Promise<T> {
  const returned = run();
  if (!isThenable(returned)) return returned;
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (limit !== Number.POSITIVE_INFINITY) {
      timer = setTimeout(() => {
        settled = true;
        reject(timedOut());
      }, limit);
    }
    const settle = (outcome: { readonly answer: T } | { readonly error: unknown }): void => {
      if (settled) {
        late?.(outcome);
        return;
      }
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if ('answer' in outcome) resolve(outcome.answer);
      else
        reject(outcome.error ?? new Error('corsgate: the Promise returned by your function rejected without a reason'));
    };
    try {
      returned.then(
        (answer) => settle({ answer }),
        (error: unknown) => settle({ error }),
      );
    } catch (error) {
      // a thenable whose `then` throws
      settle({ error });
    }
  });
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
