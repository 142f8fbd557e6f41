/**
 * `@fastify/cors`'s options, translated into corsgate's: its defaults (`methods: 'GET,HEAD,POST'`,
 * `strictPreflight: true`, `hook: 'onRequest'`), its value forms (nested origin arrays, `'*'` in an
 * array, an origin function bound to the Fastify instance whose empty answer fails the request), and
 * the options it has and `cors` has not (`cacheControl`, `preflight`, `strictPreflight`, ...), checked
 * at start-up like every corsgate option. Translation only: the CORS rules stay in `src/core/`.
 */
import type { FastifyInstance, FastifyRequest, LogLevel } from 'fastify';
import {
  type CompileContext,
  type ConfigProblem,
  CorsConfigError,
  type CorsOptions,
  type CorsPolicy,
  type OriginCallback,
  type OriginCallbackResult,
  showConfigValue as show,
} from '../core/index.js';
import { readTimeLimit } from '../core/time-limit.js';
import { DELEGATE_TIMEOUT } from '../core/user-function.js';

/** The Fastify hooks `@fastify/cors` can run in (option `hook`). */
const FASTIFY_HOOKS = ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization'] as const;
export type FastifyCorsHook = (typeof FASTIFY_HOOKS)[number];

/** `@fastify/cors`'s default methods: the CORS-safelisted ones (`cors` has `GET,HEAD,PUT,PATCH,POST,DELETE`). */
const FASTIFY_DEFAULT_METHODS = 'GET,HEAD,POST';

/** An origin value, as `@fastify/cors` takes it: arrays may nest. */
export type FastifyOrigin = boolean | string | RegExp | ReadonlyArray<FastifyOriginEntry>;
export type FastifyOriginEntry = string | RegExp | ReadonlyArray<FastifyOriginEntry>;

/**
 * `origin` as a function, called with the Fastify instance as `this`. Declared with two parameters
 * `(origin, callback)` it answers through the callback only; with one, by its returned value or Promise.
 * Answering `false` refuses; answering nothing (`undefined`, `null`, `''`) fails the request, as in
 * `@fastify/cors`.
 */
export type FastifyOriginFunction = (
  this: FastifyInstance,
  origin: string | undefined,
  callback: (err: Error | null, origin?: FastifyOrigin) => void,
  // biome-ignore lint/suspicious/noConfusingVoidType: `(origin, cb) => cb(null, true)` returns void; an async one resolves void.
) => void | FastifyOrigin | PromiseLike<FastifyOrigin | void>;

/** The plugin's options: `@fastify/cors`'s, plus corsgate's own (`allowPrivateNetwork`, `onRefused`, ...). */
export interface FastifyCorsOptions extends Omit<CorsOptions<FastifyRequest>, 'origin' | 'reportOnly'> {
  /** Default `'*'`. A string, RegExp or (nested) array is an allowlist; `true` reflects; `false` turns CORS off. */
  origin?: FastifyOrigin | FastifyOriginFunction;
  /** The Fastify hook that adds the headers and answers preflights. Default `'onRequest'`. */
  hook?: FastifyCorsHook;
  /** Options per request: `(request, callback)` or `(request) => options | Promise<options>`. */
  delegator?: FastifyCorsOptionsDelegate;
  /** Milliseconds a `delegator` may take to answer before its request fails: 1 to 2^31-1, or `Infinity`. Default 10000. */
  delegateTimeout?: number;
  /** `Cache-Control` of preflight answers: a number of seconds (`max-age=N`) or the header value. */
  cacheControl?: number | string;
  /** `false`: preflights are not answered (they get the headers of an actual request and go to your routes). */
  preflight?: boolean;
  /** An `OPTIONS` request without `Origin` or `Access-Control-Request-Method` gets a 400. Default `true`. */
  strictPreflight?: boolean;
  /** Hide the plugin's `OPTIONS *` route from `@fastify/swagger`. Default `true`. */
  hideOptionsRoute?: boolean;
  /** Log level of the plugin's `OPTIONS *` route. */
  logLevel?: LogLevel;
  /** A stricter policy, in the same spelling, reported on and never enforced (see `CorsOptions.reportOnly`). */
  reportOnly?: FastifyReportOnlyOptions;
}

/** The options of a report-only policy in `@fastify/cors`'s spelling: what decides an answer. */
export type FastifyReportOnlyOptions = Omit<
  FastifyCorsOptions,
  | 'reportOnly'
  | 'census'
  | 'preflightContinue'
  | 'optionsSuccessStatus'
  | 'onRefused'
  | 'hook'
  | 'delegator'
  | 'delegateTimeout'
  | 'cacheControl'
  | 'preflight'
  | 'strictPreflight'
  | 'hideOptionsRoute'
  | 'logLevel'
>;

/** Route-level options (`config: { cors }`): merged over the plugin's, or `false` for no CORS on the route. */
export type FastifyRouteCorsOptions = Omit<
  FastifyCorsOptions,
  'hook' | 'delegator' | 'delegateTimeout' | 'hideOptionsRoute' | 'logLevel'
>;

export type FastifyCorsOptionsDelegate = (
  request: FastifyRequest,
  callback: (err: Error | null, options?: FastifyCorsOptions) => void,
  // biome-ignore lint/suspicious/noConfusingVoidType: `(req, cb) => cb(null, options)` returns void.
) => void | FastifyCorsOptions | PromiseLike<FastifyCorsOptions>;

/** Options of `@fastify/cors` that corsgate's core does not read: this adapter reads them. */
const FASTIFY_OPTION_NAMES = [
  'hook',
  'delegator',
  'delegateTimeout',
  'cacheControl',
  'preflight',
  'strictPreflight',
  'hideOptionsRoute',
  'logLevel',
] as const;

/** Options Fastify's `register` reads for itself; they are not CORS options. */
const REGISTER_OPTION_NAMES = ['prefix', 'logSerializers'] as const;

const ADAPTER_NAMES: ReadonlySet<string> = new Set([...FASTIFY_OPTION_NAMES, ...REGISTER_OPTION_NAMES]);

/** A compiled configuration: the core's policy and what this adapter does around it. */
export interface FastifyPolicy {
  readonly policy: CorsPolicy<FastifyRequest>;
  /** `preflight` option: answer preflights at all. */
  readonly preflight: boolean;
  readonly strictPreflight: boolean;
  /** The `Cache-Control` value for preflight answers, or undefined. */
  readonly cacheControl: string | undefined;
}

export interface FastifyCompileContext {
  /** `this` of origin functions. */
  readonly instance: FastifyInstance;
  /** Compiles the translated options (directly, or through a policy cache for a delegator's answers). */
  readonly compile: (options: CorsOptions<FastifyRequest>) => CorsPolicy<FastifyRequest>;
  /** Origin functions already bound, so that the same function gives the same wrapper (policy caches key on it). */
  readonly bound: WeakMap<object, OriginCallback>;
}

/** The core's compile context for options written for `@fastify/cors`. */
export function fastifyCoreContext(context: CompileContext): CompileContext {
  return { ...context, listSeparator: ', ', adapterOptionNames: FASTIFY_OPTION_NAMES };
}

/**
 * Validates and compiles options written for `@fastify/cors` (or for corsgate). Throws one
 * `CorsConfigError` with every problem; `where` (e.g. "route GET /items: config.cors") prefixes the
 * option names of a route's options.
 */
export function compileFastifyOptions(
  options: FastifyCorsOptions,
  context: FastifyCompileContext,
  where?: string,
): FastifyPolicy {
  const problems: ConfigProblem[] = [];
  const preflight = readFlag(options, 'preflight', true, problems);
  const strictPreflight = readFlag(options, 'strictPreflight', true, problems);
  const cacheControl = readCacheControl(options.cacheControl, problems);
  let policy: CorsPolicy<FastifyRequest> | undefined;
  try {
    policy = context.compile(toCoreOptions(options, context));
  } catch (err) {
    if (!(err instanceof CorsConfigError)) throw err;
    problems.push(...err.problems);
  }
  if (problems.length > 0 || policy === undefined) {
    throw new CorsConfigError(
      where === undefined ? problems : problems.map((p) => ({ ...p, option: `${where}.${p.option}` })),
    );
  }
  return { policy, preflight, strictPreflight, cacheControl };
}

/** Problems with the options only the plugin registration reads (`hook`, `delegator`, `hideOptionsRoute`). */
export function registrationProblems(options: FastifyCorsOptions): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const { hook, delegator } = options;
  if (hook !== undefined && !(FASTIFY_HOOKS as readonly unknown[]).includes(hook)) {
    problems.push({
      option: 'hook',
      value: show(hook),
      problem: 'it is not a hook @fastify/cors can run in.',
      fix: `use one of: ${FASTIFY_HOOKS.join(', ')} (default onRequest).`,
    });
  }
  if (delegator !== undefined && typeof delegator !== 'function') {
    problems.push({
      option: 'delegator',
      value: show(delegator),
      problem: 'it must be a function (request, callback) or (request) => options | Promise<options>.',
      fix: 'pass a function, e.g. delegator: (request, callback) => callback(null, { origin: ["https://app.example.com"] }).',
    });
  }
  if (options.delegateTimeout !== undefined && delegator === undefined) {
    problems.push({
      option: 'delegateTimeout',
      value: show(options.delegateTimeout),
      problem: 'it limits a delegator, and there is none.',
      fix: 'leave it out; to limit an origin function, write originCallbackTimeout.',
    });
  } else {
    readTimeLimit('delegateTimeout', options.delegateTimeout, DELEGATE_TIMEOUT, problems);
  }
  readFlag(options, 'hideOptionsRoute', true, problems);
  return problems;
}

/** The options the core compiles: Fastify-only names removed, `@fastify/cors`'s defaults and value forms applied. */
function toCoreOptions(options: FastifyCorsOptions, context: FastifyCompileContext): CorsOptions<FastifyRequest> {
  const core: Record<string, unknown> = {};
  for (const name of Object.keys(options)) {
    if (!ADAPTER_NAMES.has(name)) core[name] = (options as Record<string, unknown>)[name];
  }
  if (core.methods === undefined) core.methods = FASTIFY_DEFAULT_METHODS;
  if ('origin' in core) core.origin = translateOrigin(core.origin, context);
  const reportOnly = core.reportOnly;
  if (typeof reportOnly === 'object' && reportOnly !== null && !Array.isArray(reportOnly)) {
    // the same value forms and defaults inside reportOnly
    core.reportOnly = toCoreOptions(reportOnly as FastifyCorsOptions, context);
  }
  return core as CorsOptions<FastifyRequest>;
}

function translateOrigin(origin: unknown, context: FastifyCompileContext): unknown {
  if (typeof origin === 'function') {
    let bound = context.bound.get(origin);
    if (bound === undefined) {
      bound = bindOriginFunction(origin as FastifyOriginFunction, context.instance);
      context.bound.set(origin, bound);
    }
    return bound;
  }
  return Array.isArray(origin) ? translateOriginList(origin) : origin;
}

/** `@fastify/cors` flattens nested arrays, and an array that holds `'*'` means any origin. */
function translateOriginList(list: readonly unknown[]): unknown {
  const flat = list.some(Array.isArray) ? (list as unknown[]).flat(Number.POSITIVE_INFINITY) : list;
  return flat.includes('*') ? '*' : flat;
}

/**
 * The origin function as the core runs it: `this` is the Fastify instance, the declared arity is kept
 * (two parameters: node-style), and an answer that is neither an origin value nor `false` is an error.
 */
function bindOriginFunction(fn: FastifyOriginFunction, instance: FastifyInstance): OriginCallback {
  if (fn.length >= 2) {
    return function fastifyOrigin(origin, callback) {
      return fn.call(instance, origin, (err, answer) => {
        if (err !== null && err !== undefined) callback(err);
        else {
          const problem = answerProblem(answer);
          if (problem !== undefined) callback(problem);
          else callback(null, translateAnswer(answer));
        }
      }) as ReturnType<OriginCallback>;
    };
  }
  return function fastifyOrigin(origin) {
    const returned = (fn as (this: FastifyInstance, origin: string | undefined) => unknown).call(instance, origin);
    if (typeof (returned as PromiseLike<unknown> | null)?.then === 'function') {
      return Promise.resolve(returned).then(checkedAnswer);
    }
    return checkedAnswer(returned);
  } as OriginCallback;
}

function checkedAnswer(answer: unknown): OriginCallbackResult {
  const problem = answerProblem(answer);
  if (problem !== undefined) throw problem;
  return translateAnswer(answer);
}

/** An answer in `@fastify/cors`'s forms, in the core's (anything else is left for the core to refuse). */
function translateAnswer(answer: unknown): OriginCallbackResult {
  return (Array.isArray(answer) ? translateOriginList(answer) : answer) as OriginCallbackResult;
}

/** `@fastify/cors` fails the request when the origin function answers a falsy value other than `false`. */
function answerProblem(answer: unknown): Error | undefined {
  if (answer === false || answer) return undefined;
  return new Error(
    `corsgate: the origin function answered ${show(answer)}; answer true, false, an origin, a RegExp or a list (Invalid CORS origin option).`,
  );
}

function readFlag(
  options: FastifyCorsOptions,
  name: 'preflight' | 'strictPreflight' | 'hideOptionsRoute',
  fallback: boolean,
  problems: ConfigProblem[],
): boolean {
  const value: unknown = options[name];
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  problems.push({
    option: name,
    value: show(value),
    problem: 'it must be true or false.',
    fix: `write ${name}: ${value === 'false' || value === 0 ? 'false' : 'true'} (a boolean).`,
  });
  return fallback;
}

function readCacheControl(value: unknown, problems: ConfigProblem[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return `max-age=${value}`;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (typeof value === 'string' && value.trim() !== '' && !/[\u0000-\u001f\u007f]/.test(value)) return value;
  problems.push({
    option: 'cacheControl',
    value: show(value),
    problem:
      'it must be a whole number of seconds (sent as Cache-Control: max-age=N) or a Cache-Control value on one line; @fastify/cors would silently send nothing.',
    fix: 'write e.g. cacheControl: 600, or cacheControl: "public, max-age=600".',
  });
  return undefined;
}
