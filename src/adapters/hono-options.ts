/**
 * corsgate/hono's options: `hono/cors`'s names, value forms and defaults, next to corsgate's own, turned
 * into corsgate's options. Translation only: what each answer means is decided in `src/core/`.
 *
 * - `allowMethods` → `methods` (or, as a function of origin and context, the methods of each preflight),
 *   `allowHeaders` → `allowedHeaders`, `exposeHeaders` → `exposedHeaders`. An empty `allowHeaders` means
 *   "reflect the requested headers", as in `hono/cors`.
 * - The default methods are `hono/cors`'s, whatever names are used: switching the import changes nothing
 *   a browser sees.
 * - An origin function has `hono/cors`'s shape, `(origin, c) => answer`, and answers by its return value
 *   (or Promise): the second argument is Hono's Context, never a callback. See `readOriginAnswer`.
 * - Start-up errors name the options as the user wrote them (`names`, given to `compile` as the context's
 *   `optionName`).
 */
import type { Context } from 'hono';
import {
  type ConfigProblem,
  CorsConfigError,
  type CorsOptions,
  type NameList,
  OPTION_NAMES,
  type StaticOrigin,
  showConfigValue as show,
} from '../core/index.js';
import { requestOriginCallback } from '../core/origin-callback.js';

/** What an origin function may answer: the origin to allow, `'*'`, or `null`/`undefined` to refuse. */
export type HonoOriginAnswer = string | boolean | null | undefined;

/**
 * `hono/cors`'s origin function. `origin` is the request's `Origin`, `''` when it has none; `c` is Hono's
 * Context. Answer with the origin to allow (the string given), `'*'` for any origin (not with credentials),
 * or `null`/`undefined` to refuse; any other string refuses too (`hono/cors` would send it, and browsers
 * would block the response). A function declared with one parameter may also answer `true` or `false`.
 */
export type HonoOriginFunction = (origin: string, c: Context) => HonoOriginAnswer | Promise<HonoOriginAnswer>;

/** `hono/cors`'s methods function, called for each preflight (`OPTIONS`) with its origin (`''` when none). */
export type HonoMethodsFunction = (origin: string, c: Context) => readonly string[] | Promise<readonly string[]>;

/** `hono/cors`'s options and corsgate's own (see the README's options table). */
export interface HonoCorsOptions extends Omit<CorsOptions<Context>, 'origin' | 'reportOnly'> {
  /** `'*'` (default), an allowlist (string, RegExp, array) or `(origin, c) => string | null | undefined`. */
  origin?: StaticOrigin | HonoOriginFunction;
  /** `hono/cors`'s name for `methods`; also `(origin, c) => string[]`, asked on each preflight. */
  allowMethods?: NameList | HonoMethodsFunction;
  /** `hono/cors`'s name for `allowedHeaders`; empty (its default): reflect the requested headers. */
  allowHeaders?: NameList;
  /** `hono/cors`'s name for `exposedHeaders`. */
  exposeHeaders?: NameList;
  /** A stricter policy, in the same spelling, reported on and never enforced (see `CorsOptions.reportOnly`). */
  reportOnly?: HonoReportOnlyOptions;
}

/** The options of a report-only policy in `hono/cors`'s spelling (`allowMethods` a list). */
export type HonoReportOnlyOptions = Omit<
  HonoCorsOptions,
  'reportOnly' | 'census' | 'preflightContinue' | 'optionsSuccessStatus' | 'onRefused' | 'allowMethods'
> & { allowMethods?: NameList };

/** `hono/cors`'s default `allowMethods` (hono 4.13), used when neither `allowMethods` nor `methods` is given. */
const HONO_DEFAULT_METHODS: readonly string[] = Object.freeze([
  'GET',
  'HEAD',
  'PUT',
  'POST',
  'DELETE',
  'PATCH',
  'QUERY',
]);

/** `hono/cors`'s names and the corsgate options they stand for. */
const HONO_NAMES = {
  allowMethods: 'methods',
  allowHeaders: 'allowedHeaders',
  exposeHeaders: 'exposedHeaders',
} as const;
type HonoName = keyof typeof HONO_NAMES;
const HONO_NAME_LIST = Object.keys(HONO_NAMES) as HonoName[];
/** `hono/cors`'s own names, offered by `compile` for a mistyped option name (`adapterOptionNames`). */
export const HONO_OPTION_NAMES: readonly string[] = HONO_NAME_LIST;

/** The corsgate options with the same meaning as each of `hono/cors`'s names (an alias included). */
const SAME_MEANING: Record<HonoName, readonly string[]> = {
  allowMethods: ['methods'],
  allowHeaders: ['allowedHeaders', 'headers'],
  exposeHeaders: ['exposedHeaders'],
};

export interface TranslatedOptions {
  /** corsgate's options; an origin function is wrapped to answer in corsgate's terms. */
  readonly options: CorsOptions<Context>;
  /** `allowMethods` when it is a function. */
  readonly methods: HonoMethodsFunction | undefined;
  /** corsgate's option name → the name the user wrote, where they differ (for messages). */
  readonly names: Readonly<Record<string, string>>;
}

/**
 * Translates `cors(options)`'s argument. `contextOf` gives the Context of the request being decided
 * (an origin function receives it). Throws a `CorsConfigError` for names it does not know and for two names
 * of one option; everything else is left to `compile`, which names options through `names`.
 */
export function translateHonoOptions(input: unknown): TranslatedOptions {
  if (input === undefined || input === null) {
    return { options: { methods: HONO_DEFAULT_METHODS }, methods: undefined, names: {} };
  }
  // Not an object (a delegate function, a string): `compile` says what is wrong.
  if (typeof input !== 'object' || Array.isArray(input)) {
    return { options: input as CorsOptions<Context>, methods: undefined, names: {} };
  }
  const given = input as Record<string, unknown>;
  const problems: ConfigProblem[] = [];

  const options: Record<string, unknown> = {};
  // `in` and plain reads: inherited values count, and a key present with `undefined` stays present.
  for (const name of OPTION_NAMES) if (name in given) options[name] = given[name];
  // Names neither hono/cors nor corsgate knows are left for `compile` to report (see `HONO_OPTION_NAMES`).
  for (const name of Object.keys(given)) {
    if (!(name in HONO_NAMES) && !(OPTION_NAMES as readonly string[]).includes(name)) options[name] = given[name];
  }
  const names: Record<string, string> = {};
  let methods: HonoMethodsFunction | undefined;
  for (const name of HONO_NAME_LIST) {
    if (!(name in given)) continue;
    const both = SAME_MEANING[name].filter((other) => other in given);
    if (both.length > 0) {
      problems.push({
        option: name,
        value: show(given[name]),
        problem: `both ${name} (hono/cors's name) and ${both.join(' and ')} (cors's) are set, for the same option.`,
        fix: `keep only ${name}.`,
      });
      continue;
    }
    const target = HONO_NAMES[name];
    names[target] = name;
    const value = given[name];
    if (name === 'allowMethods' && typeof value === 'function') methods = value as HonoMethodsFunction;
    // hono/cors: an empty list of request headers reflects the requested ones; no exposed header sends none.
    else if (name !== 'allowMethods' && (value === '' || (Array.isArray(value) && value.length === 0))) continue;
    else options[target] = value;
  }
  const reportOnly = given.reportOnly;
  if (typeof reportOnly === 'object' && reportOnly !== null && !Array.isArray(reportOnly)) {
    // the same spelling and defaults inside reportOnly
    try {
      const nested = translateHonoOptions(reportOnly);
      options.reportOnly = nested.options;
      for (const [core, user] of Object.entries(nested.names)) names[core] ??= user;
      if (nested.methods !== undefined) {
        problems.push({
          option: 'reportOnly.allowMethods',
          value: show(nested.methods),
          problem: 'a function for allowMethods is not supported in a report-only policy.',
          fix: 'give reportOnly.allowMethods as a list of methods.',
        });
      }
    } catch (err) {
      if (!(err instanceof CorsConfigError)) throw err;
      for (const p of err.problems) problems.push({ ...p, option: `reportOnly.${p.option}` });
    }
  }
  if (problems.length > 0) throw new CorsConfigError(problems);

  if (!('methods' in options)) options.methods = HONO_DEFAULT_METHODS;
  if (typeof options.origin === 'function') {
    options.origin = originCallback(options.origin as HonoOriginFunction);
  }
  return { options: options as CorsOptions<Context>, methods, names };
}

/**
 * A `hono/cors` origin function as a corsgate origin callback that takes the request (`requestOriginCallback`):
 * the core calls it with the origin and the request's Context, and reads its answer from the returned value
 * (never from a callback), which is never `undefined`.
 */
function originCallback(fn: HonoOriginFunction): (origin: string | undefined) => unknown {
  const acceptsBoolean = fn.length < 2;
  return requestOriginCallback((origin: string | undefined, c: Context) => {
    const answer = fn(origin ?? '', c);
    if (answer instanceof Promise || isThenable(answer)) {
      return Promise.resolve(answer).then((settled) => readOriginAnswer(settled, origin, acceptsBoolean));
    }
    return readOriginAnswer(answer, origin, acceptsBoolean);
  });
}

/**
 * An origin function's answer in corsgate's terms. Only two answers grant: the request's own origin
 * (reflected) and `'*'`; `true` too from a function declared `(origin) => …`, which has nothing else to
 * answer with. From a function declared `(origin, c)` a boolean is an error: that is the shape of cors's
 * node-style `(origin, callback)`, whose returned value is not its answer, so it must never grant.
 */
function readOriginAnswer(answer: unknown, origin: string | undefined, acceptsBoolean: boolean): boolean | '*' {
  if (typeof answer === 'string') {
    if (answer === '*') return '*';
    return origin !== undefined && origin !== '' && answer === origin;
  }
  if (answer === null || answer === undefined) return false;
  if (typeof answer === 'boolean' && acceptsBoolean) return answer;
  throw new TypeError(
    `corsgate/hono: the origin function returned ${show(answer)}. As in hono/cors, return the origin to allow (the string it was given), "*" for any origin, or null to refuse` +
      (typeof answer === 'boolean'
        ? ". Its second argument is Hono's Context, not a callback; true and false are answers only from a function declared with one parameter, (origin) => boolean."
        : '.'),
  );
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * A start-up error raised while compiling the answer of one of the user's functions (`allowMethods` as a
 * function): each problem's option says so. The option names in it are already the user's (the compile
 * context's `optionName`). Other errors are returned as they are.
 */
export function inAnswerOf(err: unknown, functionName: string): unknown {
  if (!(err instanceof CorsConfigError)) return err;
  return new CorsConfigError(
    err.problems.map((p) => ({ ...p, option: `${p.option} (the answer of the ${functionName} function)` })),
  );
}
