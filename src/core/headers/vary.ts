/**
 * `Vary` (Fetch Standard §3.2.5 "CORS protocol and HTTP caches": when `Access-Control-Allow-Origin`
 * depends on the request's `Origin`, the response must say `Vary: Origin`, or a shared cache hands one
 * origin's answer to another). corsgate varies on:
 *
 * - `Origin`, on every response (CORS or not, allowed or not), unless the answer is the same for every
 *   origin (`origin: '*'`) or CORS is off (`origin: false`);
 * - `Access-Control-Request-Headers` on preflights, when the allowed headers are reflected from it (no
 *   `allowedHeaders`).
 *
 * Names are appended to the response's existing `Vary`, never replacing it (`mergeVary`).
 */
import type { OriginRule } from '../origin-rule.js';
import type { RequestHeaderRule } from './allow-headers.js';
import { REQUEST_HEADERS } from './allow-headers.js';

export interface VaryNames {
  /** For actual and non-CORS requests; undefined when nothing varies. */
  readonly actual: string | undefined;
  /** For preflights. */
  readonly preflight: string | undefined;
}

export function compileVary(origin: OriginRule, requestHeaders: RequestHeaderRule): VaryNames {
  const byOrigin = origin.kind !== 'any' && origin.kind !== 'disabled';
  const names = [byOrigin ? 'Origin' : '', requestHeaders.kind === 'reflect' ? REQUEST_HEADERS : ''].filter(Boolean);
  return { actual: byOrigin ? 'Origin' : undefined, preflight: names.length > 0 ? names.join(', ') : undefined };
}

/**
 * Adds field names to an existing `Vary` value without overwriting it or repeating a name (compared
 * case-insensitively); `*` already varies on everything.
 */
export function mergeVary(existing: string | undefined, add: string): string {
  if (existing === undefined || existing === '') return add;
  if (existing === add) return existing;
  const present = existing.split(',').map((name) => name.trim().toLowerCase());
  if (present.includes('*')) return existing;
  let merged = existing;
  for (const name of add.split(',')) {
    const trimmed = name.trim();
    if (!present.includes(trimmed.toLowerCase())) merged += `, ${trimmed}`;
  }
  return merged;
}
