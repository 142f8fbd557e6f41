/**
 * `Access-Control-Allow-Credentials: true`, from `credentials` (Fetch Standard §4.10 "CORS check", steps
 * 5-7: a response to a request with credentials is readable only with this header and an
 * `Access-Control-Allow-Origin` naming the origin, never `*`). Sent on allowed actual requests and
 * preflights. Per request, a cookie-carrying CORS read without it is reported as `credentials-not-allowed`.
 */
import type { OptionNamer } from '../compile-context.js';
import type { ConfigProblem } from '../config-error.js';
import type { Header } from '../decision.js';
import type { CorsOptions } from '../options.js';
import type { OriginRule } from '../origin-rule.js';

const ALLOW_CREDENTIALS = 'Access-Control-Allow-Credentials';

/** The header when `credentials` is on. */
export const CREDENTIALS_HEADER: Header = [ALLOW_CREDENTIALS, 'true'];

/**
 * Credentials with every origin (`'*'` or `true`) is a problem, unless
 * `dangerouslyAllowCredentialsWithAnyOrigin`: then the rule becomes `reflect`, since `*` is never valid
 * with credentials in a browser. Returns the origin rule to use. `credentialsShown` is how the message
 * shows the `true` (the compile context's `credentialsShown`).
 */
export function checkCredentialsWithAnyOrigin(
  opts: CorsOptions<never>,
  credentials: boolean,
  dangerAnyOrigin: boolean,
  origin: OriginRule,
  n: OptionNamer,
  credentialsShown: string,
  problems: ConfigProblem[],
): OriginRule {
  if (!credentials || (origin.kind !== 'any' && origin.kind !== 'reflect')) return origin;
  if (dangerAnyOrigin) return { kind: 'reflect' };
  problems.push({
    option: n('credentials'),
    value: `${credentialsShown} with ${n('origin')} ${opts.origin === true ? 'true' : '"*"'}`,
    problem:
      'credentials with any origin lets every website send requests as your logged-in users and read the answers.',
    fix: `list the origins that may send credentials, e.g. ${n('origin')}: ["https://app.example.com"]; if every origin really must, set ${n('dangerouslyAllowCredentialsWithAnyOrigin')}: true.`,
  });
  return origin;
}

/**
 * True when an allowed actual request carries a cookie that the browser will not let script read the
 * answer to (no `credentials`). A browser blocks only a read by script in a CORS fetch (mode `cors`): a
 * cross-site form post or link (`navigate`), an `<img>` or a `no-cors` fetch carries cookies and is not
 * blocked, so it is not a refusal. Without `Sec-Fetch-Mode` (Safari before 16.4, older browsers, or not a
 * browser) the request is taken as CORS: a refusal reported in doubt rather than one missed.
 */
export function cookieWithoutCredentials(
  credentials: boolean,
  hasCookie: boolean | undefined,
  secFetchMode: string | undefined,
): boolean {
  return !credentials && hasCookie === true && (secFetchMode === undefined || secFetchMode === 'cors');
}
