/**
 * `Access-Control-Allow-Methods`, from the `methods` option (Fetch Standard §4.8 "CORS-preflight fetch",
 * steps 7.3 and 7.6: a preflight succeeds when the requested method is CORS-safelisted, is listed, or
 * the list is `*` on a request without credentials). Sent on preflights only.
 */
import type { OptionNamer } from '../compile-context.js';
import type { ConfigProblem } from '../config-error.js';
import { showConfigured as show } from '../log-safe.js';
import { NORMALIZED_METHODS, SAFELISTED_METHODS } from '../methods.js';
import type { CorsOptions } from '../options.js';
import { type CorsRefusal, methodNotAllowed, type RefusalNames } from '../refusal.js';
import { badTokens, joinLikeCors, readNames } from './name-list.js';

export const ALLOW_METHODS = 'Access-Control-Allow-Methods';
export const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';

/** The allowed methods (`'any'` for `*`, only without credentials) and the header value ('' for none). */
export interface AllowMethods {
  readonly rule: ReadonlySet<string> | 'any';
  readonly header: string;
}

export function compileAllowMethods(
  value: CorsOptions['methods'],
  credentials: boolean,
  separator: string,
  n: OptionNamer,
  problems: ConfigProblem[],
): AllowMethods {
  const source = value ?? DEFAULT_METHODS;
  const names = readNames(source, 'methods', n, problems);
  if (names === undefined || badTokens(names, 'methods', 'method', n, problems)) return { rule: new Set(), header: '' };
  if (names.includes('*')) {
    if (credentials) {
      problems.push({
        option: n('methods'),
        value: show(source),
        problem: 'with credentials, browsers read "*" as a method literally named "*", not as a wildcard.',
        fix: `list the methods, e.g. ${n('methods')}: ["GET", "POST", "PUT", "DELETE"].`,
      });
    }
    return { rule: 'any', header: '*' };
  }
  // `fetch()` upper-cases these six: a lower-case `get` in the list could never match what it sends.
  let changed = false;
  const normalized = names.map((name) => {
    const upper = name.toUpperCase();
    if (upper !== name && NORMALIZED_METHODS.has(upper)) {
      changed = true;
      return upper;
    }
    return name;
  });
  return {
    rule: new Set(normalized),
    header: changed
      ? normalized.join(typeof source === 'string' ? ',' : separator)
      : joinLikeCors(source, names, separator),
  };
}

/** The preflight's requested method checked against the list (methods are case-sensitive). */
export function refuseMethod(
  rule: ReadonlySet<string> | 'any',
  method: string,
  origin: string,
  names: RefusalNames,
): CorsRefusal | undefined {
  return rule === 'any' || SAFELISTED_METHODS.has(method) || rule.has(method)
    ? undefined
    : methodNotAllowed(method, origin, names);
}
