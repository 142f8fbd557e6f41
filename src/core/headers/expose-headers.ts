/**
 * `Access-Control-Expose-Headers`, from `exposedHeaders` (Fetch Standard §3.2.3: the response headers,
 * beyond the CORS-safelisted ones, that script may read; `*` only on a response to a request without
 * credentials). Sent on allowed actual requests.
 */
import type { OptionNamer } from '../compile-context.js';
import type { ConfigProblem } from '../config-error.js';
import { showConfigured as show } from '../log-safe.js';
import type { CorsOptions } from '../options.js';
import { badTokens, joinLikeCors, readNames } from './name-list.js';

export const EXPOSE_HEADERS = 'Access-Control-Expose-Headers';

/** The header value, or undefined when nothing is exposed. */
export function compileExposeHeaders(
  value: CorsOptions['exposedHeaders'],
  credentials: boolean,
  separator: string,
  n: OptionNamer,
  problems: ConfigProblem[],
): string | undefined {
  if (value === undefined) return undefined;
  const option = 'exposedHeaders';
  const names = readNames(value, option, n, problems);
  if (names === undefined || badTokens(names, option, 'header', n, problems)) return undefined;
  if (credentials && names.includes('*')) {
    problems.push({
      option: n(option),
      value: show(value),
      problem:
        'with credentials, browsers read "*" as a header literally named "*", so script could read no extra header.',
      fix: `list the response headers script may read, e.g. ${n(option)}: ["X-Request-Id", "Content-Range"].`,
    });
  }
  const header = joinLikeCors(value, names, separator);
  return header === '' ? undefined : header;
}
