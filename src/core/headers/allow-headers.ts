/**
 * `Access-Control-Allow-Headers`, from `allowedHeaders` (alias `headers`) (Fetch Standard §4.8
 * "CORS-preflight fetch", steps 7.4, 7.7: every requested header name must be listed, or covered by `*`
 * on a request without credentials; `*` never covers `Authorization`). Without `allowedHeaders`, the
 * requested names are reflected (as `cors` does), so the answer varies on `Access-Control-Request-Headers`
 * (see vary.ts). Sent on preflights only.
 */
import type { OptionNamer } from '../compile-context.js';
import type { ConfigProblem } from '../config-error.js';
import type { Header } from '../decision.js';
import { showConfigured as show } from '../log-safe.js';
import type { CorsOptions } from '../options.js';
import {
  type CorsRefusal,
  headerNotAllowed,
  type RefusalNames,
  requestHeadersMalformed,
  requestHeadersTooLarge,
} from '../refusal.js';
import { isCanonicalHeaderList, parseRequestHeaders } from '../tokens.js';
import { badTokens, joinLikeCors, readNames } from './name-list.js';

export const ALLOW_HEADERS = 'Access-Control-Allow-Headers';
export const REQUEST_HEADERS = 'Access-Control-Request-Headers';

export type RequestHeaderRule =
  /** No `allowedHeaders`: allow and reflect whatever the preflight asks for. */
  | { readonly kind: 'reflect' }
  /** Lower-case names; `wildcard` when `*` was listed (covers every name but `authorization`). */
  | { readonly kind: 'list'; readonly names: ReadonlySet<string>; readonly wildcard: boolean };

export interface AllowHeaders {
  readonly rule: RequestHeaderRule;
  /** The constant header value, or undefined when reflected (or empty). */
  readonly header: string | undefined;
}

/** `allowedHeaders`, or its alias `headers` (the same value if both are given). */
export function readAllowedHeaders(
  opts: CorsOptions<never>,
  n: OptionNamer,
  problems: ConfigProblem[],
): CorsOptions['allowedHeaders'] {
  const { allowedHeaders, headers } = opts;
  if (allowedHeaders !== undefined && headers !== undefined && show(allowedHeaders) !== show(headers)) {
    problems.push({
      option: n('headers'),
      value: show(headers),
      problem: `both ${n('allowedHeaders')} (${show(allowedHeaders)}) and its alias ${n('headers')} are set, to different values.`,
      fix: `keep only ${n('allowedHeaders')}.`,
    });
  }
  return allowedHeaders ?? headers;
}

export function compileAllowHeaders(
  value: CorsOptions['allowedHeaders'],
  credentials: boolean,
  separator: string,
  n: OptionNamer,
  problems: ConfigProblem[],
): AllowHeaders {
  if (value === undefined) return { rule: { kind: 'reflect' }, header: undefined };
  const option = 'allowedHeaders';
  const names = readNames(value, option, n, problems);
  if (names === undefined || badTokens(names, option, 'header', n, problems)) {
    return { rule: { kind: 'reflect' }, header: undefined };
  }
  const wildcard = names.includes('*');
  if (wildcard && credentials) {
    problems.push({
      option: n(option),
      value: show(value),
      problem: 'with credentials, browsers read "*" as a header literally named "*", not as a wildcard.',
      fix: `list the request headers, e.g. ${n(option)}: ["Content-Type", "Authorization"], or leave ${n(option)} out to reflect what the browser asks for.`,
    });
  }
  const lower = new Set(names.filter((name) => name !== '*').map((name) => name.toLowerCase()));
  const header = joinLikeCors(value, names, separator);
  return { rule: { kind: 'list', names: lower, wildcard }, header: header === '' ? undefined : header };
}

/**
 * Answers the preflight's `Access-Control-Request-Headers`: pushes the reflected `Access-Control-Allow-Headers`
 * onto `headers` (or narrows a `*`), and returns the refusal, if any. A method refusal already found comes
 * first, but a reflected header is still written (the answer is the same whatever the method).
 */
export function answerRequestHeaders(
  rule: RequestHeaderRule,
  requested: string | undefined,
  origin: string,
  headers: Header[],
  methodRefusal: CorsRefusal | undefined,
  names: RefusalNames,
): CorsRefusal | undefined {
  if (rule.kind === 'reflect' && requested !== undefined && isCanonicalHeaderList(requested)) {
    // What browsers send (lower case, no spaces, no empty elements) is already the reflected value.
    headers.push([ALLOW_HEADERS, requested]);
    return methodRefusal;
  }
  const parsed = parseRequestHeaders(requested);
  if (!parsed.ok) {
    return (
      methodRefusal ??
      (parsed.problem === 'too-large'
        ? requestHeadersTooLarge(parsed.value, origin)
        : requestHeadersMalformed(parsed.value, origin))
    );
  }
  if (rule.kind === 'reflect') {
    if (parsed.names.length > 0) headers.push([ALLOW_HEADERS, parsed.names.join(',')]);
    return methodRefusal;
  }
  if (methodRefusal !== undefined) return methodRefusal;
  for (const name of parsed.names) {
    if (rule.names.has(name)) continue;
    if (rule.wildcard && name !== 'authorization') continue;
    if (rule.wildcard) narrowWildcard(headers, parsed.names);
    return headerNotAllowed(name, origin, rule.wildcard, names);
  }
  return undefined;
}

/**
 * `Access-Control-Allow-Headers: *` with Authorization requested and not listed: the Fetch Standard says a browser
 * must block it, but Firefox (by default) and WebKit let `*` cover Authorization. So the answer names the requested
 * headers `*` does cover instead of `*`, and every browser blocks the request (test/browser, every engine).
 */
function narrowWildcard(headers: Header[], requested: readonly string[]): void {
  const index = headers.findIndex(([name]) => name === ALLOW_HEADERS);
  if (index === -1) return;
  const covered = requested.filter((name) => name !== 'authorization');
  if (covered.length === 0) headers.splice(index, 1);
  else headers[index] = [ALLOW_HEADERS, covered.join(',')];
}
