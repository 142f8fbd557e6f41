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
