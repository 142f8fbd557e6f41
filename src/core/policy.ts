/**
 * `compile(options)`: validates a configuration once and turns it into an immutable policy. Every
 * header value that does not depend on the request is built here, so a request costs a lookup and a
 * few header writes.
 */
import { closestName } from './closest-name.js';
import { type ConfigProblem, CorsConfigError, show } from './config-error.js';
import { buildDecisionCache, type DecisionCache } from './decision-cache.js';
import {
  ALLOW_CREDENTIALS,
  ALLOW_HEADERS,
  ALLOW_METHODS,
  EXPOSE_HEADERS,
  type Header,
  MAX_AGE,
  REQUEST_HEADERS,
} from './header-names.js';
import { type CorsOptions, OPTION_NAMES } from './options.js';
import { compileOriginRule, type OriginCompileContext, type OriginRule } from './origin-rule.js';
import { type ReadOptions, readOptions } from './read-options.js';
import type { CorsRefusal } from './refusal.js';
import { readTimeLimit } from './time-limit.js';
import { isToken, NORMALIZED_METHODS, splitNameList } from './tokens.js';

export interface CompileContext {
  /** Compile for production: plain-http origins other than localhost are refused. Adapters pass NODE_ENV === 'production'. */
  readonly production?: boolean;
  /** Receives start-up warnings (an unanchored RegExp, say). Default: `console.warn`. */
  readonly warn?: (message: string) => void;
  /**
   * Joins the names of an array given for `methods`, `allowedHeaders` or `exposedHeaders` into the header
   * value. Default `','` (as `cors` writes it); `@fastify/cors` writes `', '`.
   */
  readonly listSeparator?: string;
  /** Option names an adapter reads itself (and removes) before compiling: offered for mistyped names. */
  readonly adapterOptionNames?: readonly string[];
}

export type RequestHeaderRule =
  /** No `allowedHeaders`: allow and reflect whatever the preflight asks for. */
  | { readonly kind: 'reflect' }
  /** Lower-case names; `wildcard` when `*` was listed (covers every name but `authorization`). */
  | { readonly kind: 'list'; readonly names: ReadonlySet<string>; readonly wildcard: boolean };

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
  readonly onRefused: ((refusal: CorsRefusal, req: Req) => void) | undefined;
  /** How origin-callback answers are compiled per request. */
  readonly originContext: OriginCompileContext;
  /** Decisions that depend only on the policy (and an allowed exact origin), shared between requests. */
  readonly cache: DecisionCache;
}

export const DEFAULT_METHODS = 'GET,HEAD,PUT,PATCH,POST,DELETE';
export const DEFAULT_PREFLIGHT_STATUS = 204;
export const DEFAULT_ORIGIN_CALLBACK_TIMEOUT = 10_000;

const defaultWarn = (message: string): void => {
  console.warn(message);
};

export function compile<Req = unknown>(
  options?: CorsOptions<Req> | null,
  context: CompileContext = {},
): CorsPolicy<Req> {
  return compileRead(readOptions(options), context, compileOriginRule);
}

/** Compiles the `origin` option (`compileOriginRule`, or a cache of its results). */
export type OriginRuleCompiler = (
  value: CorsOptions['origin'],
  context: OriginCompileContext,
  problems: ConfigProblem[],
) => OriginRule;

/** `compile` for options already read by `readOptions`, with the origin rule compiled by `originRule`. */
export function compileRead<Req>(
  opts: ReadOptions<Req>,
  context: CompileContext,
  originRule: OriginRuleCompiler,
): CorsPolicy<Req> {
  const problems: ConfigProblem[] = [];
  checkOptionNames(opts, context.adapterOptionNames, problems);
  const separator = context.listSeparator ?? ',';

  const credentials = readBoolean(opts, 'credentials', problems);
  const dangerAnyOrigin = readBoolean(opts, 'dangerouslyAllowCredentialsWithAnyOrigin', problems);
  const allowNullOrigin = readBoolean(opts, 'dangerouslyAllowNullOrigin', problems);
  const allowInsecure = readBoolean(opts, 'dangerouslyAllowInsecureOrigins', problems);
  const allowUnsafeRegExp = readBoolean(opts, 'dangerouslyAllowUnsafeRegExp', problems);
  const preflightContinue = readBoolean(opts, 'preflightContinue', problems);
  const allowPrivateNetwork = readBoolean(opts, 'allowPrivateNetwork', problems);

  const originContext: OriginCompileContext = {
    production: context.production === true,
    allowNull: allowNullOrigin,
    allowInsecure,
    allowUnsafeRegExp,
    warn: context.warn ?? defaultWarn,
  };
  let origin: OriginRule;
  if (Object.hasOwn(opts, 'origin') && (opts.origin === undefined || opts.origin === '')) {
    // Present but unset: `cors` would allow every origin. Never compiled to the default.
    problems.push(unsetOriginProblem(opts.origin));
    origin = { kind: 'disabled' };
  } else {
    origin = originRule(opts.origin, originContext, problems);
  }
  if (credentials && (origin.kind === 'any' || origin.kind === 'reflect')) {
    if (!dangerAnyOrigin) {
      problems.push({
        option: 'credentials',
        value: `true with origin ${opts.origin === true ? 'true' : '"*"'}`,
        problem:
          'credentials with any origin lets every website send requests as your logged-in users and read the answers.',
        fix: 'list the origins that may send credentials, e.g. origin: ["https://app.example.com"]; if every origin really must, set dangerouslyAllowCredentialsWithAnyOrigin: true.',
      });
    } else {
      // `*` is never valid with credentials in a browser: the loud opt-in means "reflect every origin".
      origin = { kind: 'reflect' };
    }
  }

  const methods = compileMethods(opts.methods, credentials, separator, problems);
  const allowedHeadersValue = readHeaderOption(opts, problems);
  const requestHeaders = compileRequestHeaders(allowedHeadersValue, credentials, separator, problems);
  const exposed = compileNameList(opts.exposedHeaders, 'exposedHeaders', credentials, separator, problems);
  const maxAge = compileMaxAge(opts.maxAge, problems);
  const preflightStatus = compileStatus(opts.optionsSuccessStatus, problems);
  const originCallbackTimeout = compileTimeout(opts.originCallbackTimeout, problems);
  if (opts.onRefused !== undefined && typeof opts.onRefused !== 'function') {
    problems.push({
      option: 'onRefused',
      value: show(opts.onRefused),
      problem: 'it must be a function (refusal, req) => void.',
      fix: 'pass a function, e.g. onRefused: (refusal) => logger.warn(refusal.message).',
    });
  }
  if (problems.length > 0) throw new CorsConfigError(problems);

  const actualHeaders: Header[] = [];
  const preflightHeaders: Header[] = [];
  if (credentials) {
    actualHeaders.push([ALLOW_CREDENTIALS, 'true']);
    preflightHeaders.push([ALLOW_CREDENTIALS, 'true']);
  }
  if (exposed !== undefined && exposed !== '') actualHeaders.push([EXPOSE_HEADERS, exposed]);
  if (methods.header !== '') preflightHeaders.push([ALLOW_METHODS, methods.header]);
  if (requestHeaders.header !== undefined && requestHeaders.header !== '') {
    preflightHeaders.push([ALLOW_HEADERS, requestHeaders.header]);
  }
  if (maxAge !== undefined) preflightHeaders.push([MAX_AGE, String(maxAge)]);

  const reflectsHeaders = requestHeaders.rule.kind === 'reflect';
  const varyOrigin = origin.kind !== 'any' && origin.kind !== 'disabled';
  const varyPreflightNames = [varyOrigin ? 'Origin' : '', reflectsHeaders ? REQUEST_HEADERS : ''].filter(Boolean);

  const base = {
    origin,
    credentials,
    allowNullOrigin,
    methods: methods.rule,
    requestHeaders: requestHeaders.rule,
    actualHeaders: Object.freeze(actualHeaders),
    preflightHeaders: Object.freeze(preflightHeaders),
    varyActual: varyOrigin ? 'Origin' : undefined,
    varyPreflight: varyPreflightNames.length > 0 ? varyPreflightNames.join(', ') : undefined,
    preflightContinue,
    preflightStatus,
    allowPrivateNetwork,
    originCallbackTimeout,
    onRefused: opts.onRefused,
    originContext,
  };
  return Object.freeze({ ...base, cache: buildDecisionCache(base) });
}

/** `origin: undefined` or `origin: ''` written out: almost always an environment variable that is not set. */
function unsetOriginProblem(value: undefined | ''): ConfigProblem {
  const what = value === undefined ? 'the value is undefined' : 'an empty string is not an origin; the value is empty';
  return {
    option: 'origin',
    value: show(value),
    problem: `${what}, typically an environment variable that is not set (origin: process.env.FRONTEND_URL). cors would send Access-Control-Allow-Origin: * to every website.`,
    fix: 'set the variable (e.g. FRONTEND_URL=https://app.example.com), or fail at start-up when it is missing; to allow every origin on purpose, write origin: "*" or leave the origin key out.',
  };
}

/**
 * True when `decide` returns a Promise for this policy (its origin is a callback); otherwise `decide`
 * always returns the decision itself.
 */
export function decidesAsynchronously(policy: CorsPolicy<never>): boolean {
  return policy.origin.kind === 'callback';
}

function checkOptionNames(opts: object, adapterNames: readonly string[] | undefined, problems: ConfigProblem[]): void {
  const known = OPTION_NAMES as readonly string[];
  const offered = adapterNames === undefined ? known : [...known, ...adapterNames];
  for (const name of Object.keys(opts)) {
    if (known.includes(name)) continue;
    const guess = closestName(name, offered);
    problems.push({
      option: name,
      value: show((opts as Record<string, unknown>)[name]),
      problem: 'corsgate has no option of that name, so it would be ignored.',
      fix: guess !== undefined ? `did you mean \`${guess}\`?` : `use one of: ${offered.join(', ')}.`,
    });
  }
}

type BooleanOption =
  | 'credentials'
  | 'preflightContinue'
  | 'allowPrivateNetwork'
  | 'dangerouslyAllowCredentialsWithAnyOrigin'
  | 'dangerouslyAllowNullOrigin'
  | 'dangerouslyAllowInsecureOrigins'
  | 'dangerouslyAllowUnsafeRegExp';

function readBoolean(opts: CorsOptions<never>, name: BooleanOption, problems: ConfigProblem[]): boolean {
  const value: unknown = opts[name];
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  problems.push({
    option: name,
    value: show(value),
    problem: 'it must be true or false.',
    fix: `write ${name}: ${value === 'false' || value === 0 ? 'false' : 'true'} (a boolean, not ${typeof value === 'string' ? 'a string' : typeof value}).`,
  });
  return false;
}

function readNames(value: unknown, option: string, problems: ConfigProblem[]): string[] | undefined {
  if (typeof value === 'string') return splitNameList(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return splitNameList(value as string[]);
  problems.push({
    option,
    value: show(value),
    problem: 'it must be a comma-separated string or an array of strings.',
    fix: `write e.g. ${option}: ["${option === 'methods' ? 'GET' : 'Content-Type'}", "${option === 'methods' ? 'POST' : 'X-Request-Id'}"].`,
  });
  return undefined;
}

/** The header value as `cors` would write it: a string as given, an array joined with `separator`. */
function joinLikeCors(value: string | readonly string[], names: readonly string[], separator: string): string {
  return typeof value === 'string' ? value.trim().replace(/\s*,\s*$/, '') : names.join(separator);
}

function badTokens(names: readonly string[], option: string, kind: string, problems: ConfigProblem[]): boolean {
  let bad = false;
  for (const name of names) {
    if (name !== '*' && !isToken(name)) {
      bad = true;
      problems.push({
        option,
        value: show(name),
        problem: `it is not a valid ${kind} name (an HTTP token: letters, digits and !#$%&'*+-.^_\`|~, no spaces).`,
        fix: `remove it or correct it, e.g. "${kind === 'method' ? 'PATCH' : 'X-Request-Id'}".`,
      });
    }
  }
  return bad;
}

function compileMethods(
  value: CorsOptions['methods'],
  credentials: boolean,
  separator: string,
  problems: ConfigProblem[],
): { rule: ReadonlySet<string> | 'any'; header: string } {
  const source = value ?? DEFAULT_METHODS;
  const names = readNames(source, 'methods', problems);
  if (names === undefined || badTokens(names, 'methods', 'method', problems)) return { rule: new Set(), header: '' };
  if (names.includes('*')) {
    if (credentials) {
      problems.push({
        option: 'methods',
        value: show(source),
        problem: 'with credentials, browsers read "*" as a method literally named "*", not as a wildcard.',
        fix: 'list the methods, e.g. methods: ["GET", "POST", "PUT", "DELETE"].',
      });
    }
    return { rule: 'any', header: '*' };
  }
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

function readHeaderOption(opts: CorsOptions<never>, problems: ConfigProblem[]): CorsOptions['allowedHeaders'] {
  const { allowedHeaders, headers } = opts;
  if (allowedHeaders !== undefined && headers !== undefined && show(allowedHeaders) !== show(headers)) {
    problems.push({
      option: 'headers',
      value: show(headers),
      problem: `both allowedHeaders (${show(allowedHeaders)}) and its alias headers are set, to different values.`,
      fix: 'keep only allowedHeaders.',
    });
  }
  return allowedHeaders ?? headers;
}

function compileRequestHeaders(
  value: CorsOptions['allowedHeaders'],
  credentials: boolean,
  separator: string,
  problems: ConfigProblem[],
): { rule: RequestHeaderRule; header: string | undefined } {
  if (value === undefined) return { rule: { kind: 'reflect' }, header: undefined };
  const option = 'allowedHeaders';
  const names = readNames(value, option, problems);
  if (names === undefined || badTokens(names, option, 'header', problems)) {
    return { rule: { kind: 'reflect' }, header: undefined };
  }
  const wildcard = names.includes('*');
  if (wildcard && credentials) {
    problems.push({
      option,
      value: show(value),
      problem: 'with credentials, browsers read "*" as a header literally named "*", not as a wildcard.',
      fix: 'list the request headers, e.g. allowedHeaders: ["Content-Type", "Authorization"], or leave allowedHeaders out to reflect what the browser asks for.',
    });
  }
  const lower = new Set(names.filter((n) => n !== '*').map((n) => n.toLowerCase()));
  return { rule: { kind: 'list', names: lower, wildcard }, header: joinLikeCors(value, names, separator) };
}

function compileNameList(
  value: CorsOptions['exposedHeaders'],
  option: 'exposedHeaders',
  credentials: boolean,
  separator: string,
  problems: ConfigProblem[],
): string | undefined {
  if (value === undefined) return undefined;
  const names = readNames(value, option, problems);
  if (names === undefined || badTokens(names, option, 'header', problems)) return undefined;
  if (credentials && names.includes('*')) {
    problems.push({
      option,
      value: show(value),
      problem:
        'with credentials, browsers read "*" as a header literally named "*", so script could read no extra header.',
      fix: 'list the response headers script may read, e.g. exposedHeaders: ["X-Request-Id", "Content-Range"].',
    });
  }
  return joinLikeCors(value, names, separator);
}

function compileMaxAge(value: unknown, problems: ConfigProblem[]): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  const asNumber = typeof value === 'string' ? Number(value) : Number.NaN;
  problems.push({
    option: 'maxAge',
    value: show(value),
    problem: 'it must be a whole number of seconds, 0 or more.',
    fix:
      Number.isInteger(asNumber) && asNumber >= 0
        ? `write maxAge: ${asNumber} (a number, not a string).`
        : 'write e.g. maxAge: 600 (ten minutes; Chromium caps it at 7200).',
  });
  return undefined;
}

function compileStatus(value: unknown, problems: ConfigProblem[]): number {
  if (value === undefined) return DEFAULT_PREFLIGHT_STATUS;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 200 && value <= 299) return value;
  problems.push({
    option: 'optionsSuccessStatus',
    value: show(value),
    problem: 'browsers accept a preflight answer only with a 2xx status.',
    fix: 'use 204 (the default) or 200 (for old browsers that choke on 204).',
  });
  return DEFAULT_PREFLIGHT_STATUS;
}

function compileTimeout(value: unknown, problems: ConfigProblem[]): number {
  return readTimeLimit('originCallbackTimeout', value, DEFAULT_ORIGIN_CALLBACK_TIMEOUT, problems);
}
