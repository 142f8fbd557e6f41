/**
 * What kind of request this is (Fetch Standard §4.8: a CORS-preflight request is an `OPTIONS` request
 * with `Origin` and `Access-Control-Request-Method`), and how a preflight is answered: with
 * `optionsSuccessStatus` (a 2xx, §4.8 step 7: "ok status"), or passed on (`preflightContinue`).
 */
import type { OptionNamer } from './compile-context.js';
import type { ConfigProblem } from './config-error.js';
import { showConfigured as show } from './log-safe.js';

/**
 * - `preflight`: OPTIONS with `Origin` and `Access-Control-Request-Method` (Fetch Standard §4.8).
 * - `actual`: any other request with `Origin`.
 * - `not-cors`: no `Origin` (or CORS turned off): the browser applies no CORS check.
 */
export type RequestKind = 'preflight' | 'actual' | 'not-cors';

export function classify(
  method: string,
  origin: string | undefined,
  accessControlRequestMethod: string | undefined,
): RequestKind {
  if (origin === undefined) return 'not-cors';
  return method === 'OPTIONS' && accessControlRequestMethod !== undefined ? 'preflight' : 'actual';
}

const DEFAULT_PREFLIGHT_STATUS = 204;

export function compilePreflightStatus(value: unknown, n: OptionNamer, problems: ConfigProblem[]): number {
  if (value === undefined) return DEFAULT_PREFLIGHT_STATUS;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 200 && value <= 299) return value;
  problems.push({
    option: n('optionsSuccessStatus'),
    value: show(value),
    problem: 'browsers accept a preflight answer only with a 2xx status.',
    fix: 'use 204 (the default) or 200 (for old browsers that choke on 204).',
  });
  return DEFAULT_PREFLIGHT_STATUS;
}
