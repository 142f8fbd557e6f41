/**
 * `Access-Control-Max-Age`, from `maxAge` (Fetch Standard §4.8, step 7.9: how many seconds a browser may
 * keep the preflight's answer in its CORS-preflight cache; browsers cap it, Chromium at 7200). Sent on
 * preflights only, and only when set.
 */
import type { OptionNamer } from '../compile-context.js';
import type { ConfigProblem } from '../config-error.js';
import { showConfigured as show } from '../log-safe.js';

export const MAX_AGE = 'Access-Control-Max-Age';

/** The header value, or undefined when `maxAge` is not set (or invalid: a problem is pushed). */
export function compileMaxAge(value: unknown, n: OptionNamer, problems: ConfigProblem[]): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return String(value);
  const asNumber = typeof value === 'string' ? Number(value) : Number.NaN;
  problems.push({
    option: n('maxAge'),
    value: show(value),
    problem: 'it must be a whole number of seconds, 0 or more.',
    fix:
      Number.isInteger(asNumber) && asNumber >= 0
        ? `write ${n('maxAge')}: ${asNumber} (a number, not a string).`
        : `write e.g. ${n('maxAge')}: 600 (ten minutes; Chromium caps it at 7200).`,
  });
  return undefined;
}
