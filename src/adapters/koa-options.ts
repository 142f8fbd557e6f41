/**
 * `@koa/cors`'s options, translated into corsgate's: names (`allowMethods` → `methods`, ...), value forms
 * (`maxAge: '600'`, `credentials: (ctx) => boolean`, `origin: (ctx) => string`) and defaults. Translation
 * only: every CORS rule and start-up check is the core's, run on the translated options with a compile
 * context (`koaCompileContext`) under which the core's start-up and refusal messages name the options as
 * the user wrote them and say what `@koa/cors` would do.
 */
import type { Context } from 'koa';
import {
  type CompileContext,
  type ConfigProblem,
  CorsConfigError,
  type CorsOptions,
  type CorsPolicy,
  closestOptionName,
  compile,
  type NameList,
  OPTION_NAMES,
  type OriginCallback,
  type OriginCallbackResult,
  type StaticOrigin,
  showConfigValue as show,
} from '../core/index.js';
import { requestOriginCallback } from '../core/origin-callback.js';
import { withTimeLimit } from '../core/time-limit.js';

/** What `@koa/cors`'s origin function answers: the `Access-Control-Allow-Origin` value; a falsy value declines. */
export type KoaOriginAnswer = string | undefined | null | false;

/** `@koa/cors`'s origin function: called with Koa's `ctx`, answers with the `Access-Control-Allow-Origin` value. */
export type KoaOriginFunction = (ctx: Context) => KoaOriginAnswer | PromiseLike<KoaOriginAnswer>;

/**
 * `@koa/cors`'s credentials function: decides per request whether credentials are allowed. Only `true`
 * allows them (as in `@koa/cors`); it must answer within `originCallbackTimeout` (default 10 s), or its
 * request fails (an error to Koa's error handling, never a grant).
 */
export type KoaCredentialsFunction = (ctx: Context) => boolean | PromiseLike<boolean>;

/**
 * The options of `corsgate/koa`: `@koa/cors`'s names and forms, and corsgate's own. In TypeScript an origin
 * function is `@koa/cors`'s `(ctx) => string`; a `cors`-style `(origin, callback)` function is accepted too
 * (see the second overload of `cors`).
 */
export interface KoaCorsOptions extends Omit<CorsOptions<Context>, 'origin' | 'credentials' | 'maxAge' | 'reportOnly'> {
  /**
   * `'*'` (default): any origin. A string: that origin only. A function `(ctx) => string | Promise<string>`
   * (`@koa/cors`'s form): answers with the allowed origin, i.e. `ctx.get('Origin')` to allow the request's
   * origin, `'*'` for any, or a falsy value to decline. corsgate's forms (`true`, `false`, RegExp, arrays,
   * patterns) also work.
   */
  origin?: StaticOrigin | KoaOriginFunction;
  /** `Access-Control-Allow-Credentials`; a function of `ctx` (sync or async) decides per request. */
  credentials?: boolean | KoaCredentialsFunction;
  /** Seconds a browser may cache a preflight answer; a numeric string is read as a number. */
  maxAge?: number | string;
  /** `@koa/cors`'s name for `methods`. Default `GET,HEAD,PUT,POST,DELETE,PATCH`. */
  allowMethods?: NameList;
  /** `@koa/cors`'s name for `allowedHeaders`. Default (or empty): reflect the requested headers. */
  allowHeaders?: NameList;
  /** `@koa/cors`'s name for `exposedHeaders`. */
  exposeHeaders?: NameList;
  /** `@koa/cors`'s name for `allowPrivateNetwork`. */
  privateNetworkAccess?: boolean;
  /** Keep the CORS headers on error responses (in `err.headers`). Default `true`. */
  keepHeadersOnError?: boolean;
  /** Also send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp`. */
  secureContext?: boolean;
  /** A stricter policy, in the same spelling, reported on and never enforced (see `CorsOptions.reportOnly`). */
  reportOnly?: KoaReportOnlyOptions;
}

/** The options of a report-only policy in `@koa/cors`'s spelling (`credentials` a boolean: one policy). */
export type KoaReportOnlyOptions = Omit<
  KoaCorsOptions,
  | 'reportOnly'
  | 'census'
  | 'preflightContinue'
  | 'optionsSuccessStatus'
  | 'onRefused'
  | 'keepHeadersOnError'
  | 'secureContext'
  | 'credentials'
> & { credentials?: boolean };

/** `@koa/cors`'s default `allowMethods` (the same methods as `cors`'s default, in another order). */
export const KOA_DEFAULT_METHODS = 'GET,HEAD,PUT,POST,DELETE,PATCH';

/** `@koa/cors`'s names for corsgate options. */
const RENAMED = {
  allowMethods: 'methods',
  allowHeaders: 'allowedHeaders',
  exposeHeaders: 'exposedHeaders',
  privateNetworkAccess: 'allowPrivateNetwork',
} as const satisfies Record<string, keyof CorsOptions>;
type RenamedName = keyof typeof RENAMED;

/** `@koa/cors` options with no corsgate counterpart; the Koa adapter handles them itself. */
const KOA_ONLY = ['keepHeadersOnError', 'secureContext'] as const;

/** Every name the Koa adapter accepts. */
const KOA_NAMES: readonly string[] = [...Object.keys(RENAMED), ...KOA_ONLY];

/** What the Koa middleware runs on: the compiled policies and the Koa-only settings. */
export interface KoaPlan {
  /** The policy (without credentials, when `credentials` is a function). */
  readonly policy: CorsPolicy<Context>;
  /** With `credentials` a function: the policy used when it answers `true`. */
  readonly credentialed: CorsPolicy<Context> | undefined;
  /** With `credentials` a function: the user's function under `originCallbackTimeout`, answering `true` or `false`. */
  readonly credentials: KoaCredentialsFunction | undefined;
  readonly keepHeadersOnError: boolean;
  readonly secureContext: boolean;
}

/** How messages show a `credentials` function where the core would show `credentials: true`. */
const CREDENTIALS_FUNCTION_SHOWN = 'a function (when it answers true)';

/**
 * The adapter's compile context for the core, in `@koa/cors`'s words: options named as the user wrote
 * them (`written`: corsgate's name → the user's, where they differ), in start-up and refusal messages;
 * `@koa/cors` as the package whose behaviour messages compare; a credentials function shown as one.
 */
function koaCompileContext(
  context: CompileContext,
  written: ReadonlyMap<string, string>,
  credentialsFunction: boolean,
): CompileContext {
  return {
    ...context,
    optionName: (name) => written.get(name) ?? name,
    dropInFor: '@koa/cors',
    credentialsShown: credentialsFunction ? CREDENTIALS_FUNCTION_SHOWN : undefined,
  };
}

/**
 * Validates and compiles `corsgate/koa`'s options under `context` (the node adapters' compile context, put
 * in `@koa/cors`'s words by `koaCompileContext`). Throws one `CorsConfigError` with every problem, named as
 * the user wrote the options.
 */
export function compileKoaOptions(
  options: KoaCorsOptions | CorsOptions<Context> | null | undefined,
  context: CompileContext,
): KoaPlan {
  if (options === null || options === undefined || typeof options !== 'object' || Array.isArray(options)) {
    // Not an object: the core's message says what to pass.
    const policy = compile(
      options as CorsOptions<Context> | null | undefined,
      koaCompileContext(context, new Map(), false),
    );
    return { policy, credentialed: undefined, credentials: undefined, keepHeadersOnError: true, secureContext: false };
  }
  const given = options as Record<string, unknown>;
  const problems: ConfigProblem[] = [];
  /**
   * corsgate's name → the name the user wrote, for messages. One for both policies (a name written in
   * `@koa/cors`'s spelling in either is used in the messages of both), as in corsgate/hono.
   */
  const written = new Map<string, string>();
  const translated = translateKoaOptions(given, problems, written, context);
  const reportOnly = given.reportOnly;
  if (typeof reportOnly === 'object' && reportOnly !== null && !Array.isArray(reportOnly)) {
    // the same spelling inside reportOnly; a credentials function there has no second policy to choose
    const nested = reportOnly as Record<string, unknown>;
    const nestedProblems: ConfigProblem[] = [];
    translated.reportOnly = translateKoaOptions(nested, nestedProblems, written, context);
    for (const name of [...KOA_ONLY, 'credentials'])
      if (name in nested && (name !== 'credentials' || typeof nested[name] === 'function')) {
        nestedProblems.push({
          option: name,
          value: show(nested[name]),
          problem:
            name === 'credentials'
              ? 'a credentials function chooses between two enforced policies per request; a report-only policy takes true or false.'
              : 'it has no meaning in a report-only policy, which never writes a response (the enforced policy does).',
          fix:
            name === 'credentials'
              ? 'write credentials: true or false inside reportOnly.'
              : 'remove it from reportOnly.',
        });
      }
    for (const p of nestedProblems) problems.push({ ...p, option: `reportOnly.${p.option}` });
  }

  const credentials =
    typeof given.credentials === 'function' ? (given.credentials as KoaCredentialsFunction) : undefined;
  // Refusal messages name the option to change in the user's spelling too, written so by the core.
  const koaContext = koaCompileContext(context, written, credentials !== undefined);
  const policy = compileCollecting(credentials === undefined ? translated : { ...translated, credentials: false });
  const credentialed = credentials === undefined ? undefined : compileCollecting({ ...translated, credentials: true });
  if (problems.length > 0) throw new CorsConfigError(problems);
  return {
    policy: policy as CorsPolicy<Context>,
    credentialed,
    credentials:
      credentials === undefined
        ? undefined
        : limitedCredentials(credentials, (policy as CorsPolicy<Context>).originCallbackTimeout, context),
    keepHeadersOnError: given.keepHeadersOnError !== false,
    secureContext: given.secureContext === true,
  };

  /** Compiles, collecting the problems (once each: with a credentials function, both policies have them). */
  function compileCollecting(opts: Record<string, unknown>): CorsPolicy<Context> | undefined {
    try {
      return compile(opts as CorsOptions<Context>, koaContext);
    } catch (err) {
      if (!(err instanceof CorsConfigError)) throw err;
      for (const problem of err.problems) if (!problems.some((p) => sameProblem(p, problem))) problems.push(problem);
      return undefined;
    }
  }
}

/** `@koa/cors`'s names, value forms and defaults, as corsgate's options (the same for `reportOnly`'s). */
function translateKoaOptions(
  given: Record<string, unknown>,
  problems: ConfigProblem[],
  written: Map<string, string>,
  context: CompileContext,
): Record<string, unknown> {
  const translated: Record<string, unknown> = {};
  for (const name of Object.keys(given)) {
    const value = given[name];
    if (Object.hasOwn(RENAMED, name)) {
      const target = RENAMED[name as RenamedName];
      if (given[target] !== undefined) {
        problems.push({
          option: name,
          value: show(value),
          problem: `both ${name} (the @koa/cors name) and ${target} (the cors name) are set.`,
          fix: `keep only ${name}.`,
        });
        continue;
      }
      written.set(target, name);
      translated[target] = translateRenamed(name as RenamedName, value);
    } else if ((KOA_ONLY as readonly string[]).includes(name)) {
      if (value !== undefined && typeof value !== 'boolean') {
        problems.push({
          option: name,
          value: show(value),
          problem: 'it must be true or false.',
          fix: `write ${name}: ${['false', 'no', 'off', '0', 0].includes(value as string) ? 'false' : 'true'} (a boolean).`,
        });
      }
    } else if (name === 'headers' && given.allowHeaders !== undefined) {
      problems.push({
        option: name,
        value: show(value),
        problem: 'both allowHeaders (the @koa/cors name) and headers (a cors alias) are set.',
        fix: 'keep only allowHeaders.',
      });
    } else if (name === 'maxAge' && typeof value === 'string') {
      if (/^[0-9]+$/.test(value)) translated.maxAge = Number(value);
      else {
        problems.push({
          option: 'maxAge',
          value: show(value),
          problem: 'it must be a whole number of seconds, 0 or more (a number or a string of digits).',
          fix: 'write e.g. maxAge: 600 (ten minutes; Chromium caps it at 7200).',
        });
      }
    } else if (name === 'origin' && typeof value === 'function' && value.length < 2) {
      // @koa/cors's form. A two-parameter function is cors's (origin, callback) and goes to the core as is.
      translated.origin = koaOriginCallback(value as KoaOriginFunction, context);
    } else if (name === 'credentials' && typeof value === 'function') {
      // compiled twice below, once for each answer
    } else if ((OPTION_NAMES as readonly string[]).includes(name)) {
      translated[name] = value;
    } else {
      const guess = closestOptionName(name, [...KOA_NAMES, ...OPTION_NAMES]);
      problems.push({
        option: name,
        value: show(value),
        problem: 'corsgate/koa has no option of that name, so it would be ignored.',
        fix:
          guess !== undefined
            ? `did you mean \`${guess}\`?`
            : `use one of: ${[...KOA_NAMES, ...OPTION_NAMES].join(', ')}.`,
      });
    }
  }
  // @koa/cors's default, whichever names the options use: switching changes nothing a browser sees.
  if (!('methods' in translated) && given.methods === undefined) translated.methods = KOA_DEFAULT_METHODS;
  return translated;
}

/** `@koa/cors` reads an empty or missing list in its own way: these keep its meaning. */
function translateRenamed(name: RenamedName, value: unknown): unknown {
  const empty = !value || (Array.isArray(value) && value.length === 0);
  switch (name) {
    case 'allowMethods':
      // A present but empty value (`allowMethods: process.env.METHODS`, unset) sends no Allow-Methods in @koa/cors.
      return empty ? '' : value;
    case 'allowHeaders':
      // An empty allowHeaders reflects the requested headers in @koa/cors.
      return empty ? undefined : value;
    case 'exposeHeaders':
      return empty ? undefined : value;
    case 'privateNetworkAccess':
      return value;
  }
}

/**
 * `@koa/cors`'s `(ctx) => string` as a corsgate origin callback that takes the request
 * (`requestOriginCallback`): the core calls it with the origin and the Koa context it is deciding (koa.ts
 * passes `ctx` as the request), and reads its answer from the returned value or Promise; a throw or a
 * rejection fails the request.
 */
function koaOriginCallback(fn: KoaOriginFunction, context: CompileContext): OriginCallback {
  return requestOriginCallback((origin: string | undefined, ctx: Context) => {
    const returned = fn(ctx);
    if (typeof (returned as { then?: unknown } | null)?.then === 'function') {
      return Promise.resolve(returned as PromiseLike<KoaOriginAnswer>).then((value) =>
        readKoaAnswer(value, origin, context),
      );
    }
    return readKoaAnswer(returned, origin, context);
  }) as OriginCallback;
}

/**
 * An `Access-Control-Allow-Origin` value as a corsgate answer. A browser accepts only the request's own
 * origin or `*`, so any other string is a refusal, never read as an allowlist or a pattern (which could
 * allow more than `@koa/cors` would).
 */
function readKoaAnswer(value: unknown, origin: string | undefined, context: CompileContext): OriginCallbackResult {
  if (!value) return false;
  if (value === '*') return '*';
  if (typeof value === 'string') return value === origin;
  (context.warn ?? console.warn)(
    `corsgate/koa: the origin function answered ${typeof value === 'object' ? 'an object' : String(value)}; the request was refused. A one-parameter origin function is @koa/cors's (ctx) => string: return ctx.get('Origin') to allow the request's origin, '*' for any, or '' to decline. For cors's form, declare (origin, callback) and call callback(null, true).`,
  );
  return false;
}

/**
 * The user's credentials function as the middleware runs it: an answer that is not a boolean is read as
 * `@koa/cors` reads it (only `true` allows credentials) and warned about once; a Promise that does not
 * settle within `limit` ms (`originCallbackTimeout`) fails the request, as an origin function's does. A
 * throw or a rejection fails it too: either way Koa's error handling answers, without CORS headers.
 */
function limitedCredentials(
  fn: KoaCredentialsFunction,
  limit: number,
  context: CompileContext,
): KoaCredentialsFunction {
  const warn = context.warn ?? console.warn;
  const warned = new Set<'answer' | 'late'>();
  const warnOnce = (kind: 'answer' | 'late', message: string): void => {
    if (warned.has(kind)) return;
    warned.add(kind);
    warn(message);
  };
  const read = (answer: unknown): boolean => {
    if (typeof answer !== 'boolean') {
      warnOnce(
        'answer',
        `corsgate/koa: the credentials function answered ${show(answer)}, not true or false; credentials were not allowed (only true allows them, as in @koa/cors). Return a boolean, e.g. credentials: (ctx) => ctx.path.startsWith('/account').`,
      );
    }
    return answer === true;
  };
  const timedOut = (): Error =>
    new Error(
      `corsgate/koa: the credentials function did not answer within ${limit} ms; the request was failed, not allowed. Make it answer faster or raise originCallbackTimeout (it limits the origin and credentials functions).`,
    );
  const late = (outcome: { readonly answer: unknown } | { readonly error: unknown }): void =>
    warnOnce(
      'late',
      `corsgate/koa: the credentials function ${'error' in outcome ? 'failed' : 'answered'} after its time limit (${limit} ms, originCallbackTimeout); its request had already failed.`,
    );
  return (ctx) => {
    const answer = withTimeLimit<unknown>(() => fn(ctx), limit, timedOut, late);
    return answer instanceof Promise ? answer.then(read) : read(answer);
  };
}

function sameProblem(a: ConfigProblem, b: ConfigProblem): boolean {
  return a.option === b.option && a.value === b.value && a.problem === b.problem;
}
