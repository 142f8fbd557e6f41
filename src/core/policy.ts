/**
 * `compile(options)`: validates a configuration once and assembles an immutable policy from one piece per
 * header (src/core/headers/), each compiled, with its validation messages, in its own file. Every header
 * value that does not depend on the request is built here, so a request costs a lookup and a few header
 * writes.
 */
import { type RequestObserver, readCensus } from './census-option.js';
import { type CompileContext, optionNamer } from './compile-context.js';
import { type ConfigProblem, CorsConfigError } from './config-error.js';
import type { Header } from './decision.js';
import { buildDecisionCache, type DecisionCache } from './decision-cache.js';
import { CREDENTIALS_HEADER, checkCredentialsWithAnyOrigin } from './headers/allow-credentials.js';
import {
  ALLOW_HEADERS,
  compileAllowHeaders,
  type RequestHeaderRule,
  readAllowedHeaders,
} from './headers/allow-headers.js';
import { ALLOW_METHODS, compileAllowMethods } from './headers/allow-methods.js';
import { compileAllowOrigin, type OriginRuleCompiler } from './headers/allow-origin.js';
import { compileExposeHeaders, EXPOSE_HEADERS } from './headers/expose-headers.js';
import { compileMaxAge, MAX_AGE } from './headers/max-age.js';
import { compileVary } from './headers/vary.js';
import { checkOptionNames, readBoolean } from './option-names.js';
import type { CorsOptions } from './options.js';
import { compileOriginCallbackTimeout } from './origin-callback.js';
import { compileOriginRule, type OriginCompileContext, type OriginRule } from './origin-rule.js';
import { compilePreflightStatus } from './preflight.js';
import { type ReadOptions, readOptions } from './read-options.js';
import { CORS_NAMES, type RefusalNames, refusalNames } from './refusal.js';
import { checkOnRefused, type OnRefused } from './report.js';
import { compileReportOnly } from './report-only.js';

export type { CompileContext } from './compile-context.js';
export { DEFAULT_METHODS } from './headers/allow-methods.js';
export type { OriginRuleCompiler } from './headers/allow-origin.js';

export interface CorsPolicy<Req = unknown> {
  readonly origin: OriginRule;
  readonly credentials: boolean;
  readonly allowNullOrigin: boolean;
  /** `'any'` for `methods: '*'` (only without credentials). */
  readonly methods: ReadonlySet<string> | 'any';
  readonly requestHeaders: RequestHeaderRule;
  /** Headers after `Access-Control-Allow-Origin` on an allowed actual request. */
  readonly actualHeaders: readonly Header[];
  /** Headers after `Access-Control-Allow-Origin` on an allowed preflight (reflected request headers come on top). */
  readonly preflightHeaders: readonly Header[];
  /** `Vary` names for actual and non-CORS requests, and for preflights; undefined when nothing varies. */
  readonly varyActual: string | undefined;
  readonly varyPreflight: string | undefined;
  readonly preflightContinue: boolean;
  readonly preflightStatus: number;
  readonly allowPrivateNetwork: boolean;
  readonly originCallbackTimeout: number;
  readonly onRefused: OnRefused<Req> | undefined;
  /** The option names refusal messages tell the user to change (the compile context's, resolved once). */
  readonly refusalNames: RefusalNames;
  /** How origin-callback answers are compiled per request. */
  readonly originContext: OriginCompileContext;
  /** Decisions that depend only on the policy (and an allowed exact origin), shared between requests. */
  readonly cache: DecisionCache;
  /**
   * What is evaluated on each request besides the decision (`census`, `reportOnly`): undefined without
   * them, so the request path pays one property test (src/core/watch.ts).
   */
  readonly watch?: Watch<Req> | undefined;
}

/** The `census` and `reportOnly` of a policy, evaluated by src/core/watch.ts around the enforced decision. */
export interface Watch<Req> {
  /** The same policy without `watch` (same memo layer): what answers the request. */
  readonly enforced: CorsPolicy<Req>;
  readonly census: RequestObserver | undefined;
  /** The report-only policy (its `onRefused` forwards to the enforced one's); undefined when nothing would hear its reports. */
  readonly reportOnly: CorsPolicy<Req> | undefined;
}

const defaultWarn = (message: string): void => {
  console.warn(message);
};

export function compile<Req = unknown>(
  options?: CorsOptions<Req> | null,
  context: CompileContext = {},
): CorsPolicy<Req> {
  return compileRead(readOptions(options), context, compileOriginRule);
}

/** `compile` for options already read by `readOptions`, with the origin rule compiled by `originRule`. */
export function compileRead<Req>(
  opts: ReadOptions<Req>,
  context: CompileContext,
  originRule: OriginRuleCompiler,
): CorsPolicy<Req> {
  const problems: ConfigProblem[] = [];
  const n = optionNamer(context);
  checkOptionNames(opts, context.adapterOptionNames, problems);
  const separator = context.listSeparator ?? ',';
  const flag = (name: Parameters<typeof readBoolean>[1]) => readBoolean(opts, name, n, problems);

  const credentials = flag('credentials');
  const dangerAnyOrigin = flag('dangerouslyAllowCredentialsWithAnyOrigin');
  const allowNullOrigin = flag('dangerouslyAllowNullOrigin');
  const originContext: OriginCompileContext = {
    production: context.production === true,
    allowNull: allowNullOrigin,
    allowInsecure: flag('dangerouslyAllowInsecureOrigins'),
    allowUnsafeRegExp: flag('dangerouslyAllowUnsafeRegExp'),
    warn: context.warn ?? defaultWarn,
  };
  const preflightContinue = flag('preflightContinue');
  const allowPrivateNetwork = flag('allowPrivateNetwork');

  const origin = checkCredentialsWithAnyOrigin(
    opts,
    credentials,
    dangerAnyOrigin,
    compileAllowOrigin(opts, originContext, originRule, n, context.dropInFor ?? 'cors', problems),
    n,
    context.credentialsShown ?? 'true',
    problems,
  );
  const methods = compileAllowMethods(opts.methods, credentials, separator, n, problems);
  const allowHeaders = compileAllowHeaders(readAllowedHeaders(opts, n, problems), credentials, separator, n, problems);
  const exposed = compileExposeHeaders(opts.exposedHeaders, credentials, separator, n, problems);
  const maxAge = compileMaxAge(opts.maxAge, n, problems);
  const preflightStatus = compilePreflightStatus(opts.optionsSuccessStatus, n, problems);
  const originCallbackTimeout = compileOriginCallbackTimeout(opts.originCallbackTimeout, n, problems);
  checkOnRefused(opts.onRefused, n, problems);
  const census = readCensus(opts.census, n, problems);
  const reportOnly = compileReportOnly(
    opts.reportOnly,
    opts.onRefused,
    context,
    (nested: ReadOptions<Req>, nestedContext) => compileRead(nested, nestedContext, originRule),
    problems,
  );
  if (problems.length > 0) throw new CorsConfigError(problems);

  // The constant headers, in the order they are written: credentials first, then each list.
  const actualHeaders: Header[] = [];
  const preflightHeaders: Header[] = [];
  if (credentials) {
    actualHeaders.push(CREDENTIALS_HEADER);
    preflightHeaders.push(CREDENTIALS_HEADER);
  }
  if (exposed !== undefined) actualHeaders.push([EXPOSE_HEADERS, exposed]);
  if (methods.header !== '') preflightHeaders.push([ALLOW_METHODS, methods.header]);
  if (allowHeaders.header !== undefined) preflightHeaders.push([ALLOW_HEADERS, allowHeaders.header]);
  if (maxAge !== undefined) preflightHeaders.push([MAX_AGE, maxAge]);
  const vary = compileVary(origin, allowHeaders.rule);

  const base = {
    origin,
    credentials,
    allowNullOrigin,
    methods: methods.rule,
    requestHeaders: allowHeaders.rule,
    actualHeaders: Object.freeze(actualHeaders),
    preflightHeaders: Object.freeze(preflightHeaders),
    varyActual: vary.actual,
    varyPreflight: vary.preflight,
    preflightContinue,
    preflightStatus,
    allowPrivateNetwork,
    originCallbackTimeout,
    onRefused: opts.onRefused,
    refusalNames: context.optionName === undefined ? CORS_NAMES : refusalNames(n),
    originContext,
  };
  const enforced: CorsPolicy<Req> = Object.freeze({ ...base, cache: buildDecisionCache(base), watch: undefined });
  if (census === undefined && (reportOnly === undefined || reportOnly.onRefused === undefined)) return enforced;
  // The same policy, with what is watched: both share one memo layer (`cache`).
  const watch: Watch<Req> = Object.freeze({
    enforced,
    census,
    reportOnly: reportOnly?.onRefused === undefined ? undefined : reportOnly,
  });
  return Object.freeze({ ...enforced, watch });
}

/**
 * True when `decide` returns a Promise for this policy (its origin is a callback); otherwise `decide`
 * always returns the decision itself.
 */
export function decidesAsynchronously(policy: CorsPolicy<never>): boolean {
  return policy.origin.kind === 'callback';
}
