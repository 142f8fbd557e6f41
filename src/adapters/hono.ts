/**
 * `corsgate/hono`: a Hono middleware, `app.use(cors(options))`, a drop-in for `hono/cors` (its option names
 * and defaults are translated in hono-options.ts; corsgate's own names work too).
 * Translation only: every CORS rule lives in `src/core/`.
 * An origin callback's error is thrown, so it reaches Hono's `app.onError` (a 500 by default).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import { type CompileContext, CorsConfigError, type CorsDecision, type CorsPolicy, compile } from '../core/index.js';
import { createPolicyCache } from '../core/policy-cache.js';
import { withTimeLimit } from '../core/time-limit.js';
import { applyDecision, fetchCompileContext, fetchDeciderFor, writeDecisionHeaders } from './fetch-api.js';
import {
  HONO_OPTION_NAMES,
  type HonoCorsOptions,
  type HonoMethodsFunction,
  inAnswerOf,
  type TranslatedOptions,
  translateHonoOptions,
} from './hono-options.js';

export type {
  HonoCorsOptions,
  HonoMethodsFunction,
  HonoOriginAnswer,
  HonoOriginFunction,
  HonoReportOnlyOptions,
} from './hono-options.js';

/**
 * The Fetch compile context, with `hono/cors`'s names offered for a mistyped option name and used in
 * messages for the options the user wrote under them.
 */
function honoCompileContext(names: Readonly<Record<string, string>>): CompileContext {
  return {
    get production() {
      return fetchCompileContext.production;
    },
    warn: (message) => fetchCompileContext.warn?.(message),
    adapterOptionNames: HONO_OPTION_NAMES,
    optionName: (name) => names[name] ?? name,
  };
}

export function cors(options?: HonoCorsOptions | null): MiddlewareHandler {
  const translated = translateHonoOptions(options);
  const context = honoCompileContext(translated.names);
  const policy: CorsPolicy<Context> = compile(translated.options, context);
  const policyFor =
    translated.methods === undefined
      ? undefined
      : methodsLookup(translated, translated.methods, context, policy.originCallbackTimeout);
  const decideFor = fetchDeciderFor(policy.onRefused !== undefined || policy.watch !== undefined);

  return async function corsgate(c, next) {
    const request = c.req.raw;
    const chosen = policyFor !== undefined && request.method === 'OPTIONS' ? await policyFor(c) : policy;
    const pending = decideFor(chosen, request, c);
    const decision = pending instanceof Promise ? await pending : pending;
    if (decision.respond) return preflightAnswer(c, decision);
    await next();
    apply(c, decision);
    return undefined;
  };
}

/**
 * `allowMethods` as a function: asked on each preflight, as `hono/cors` does, and each distinct answer
 * compiled once (kept by contents, bounded). An invalid answer fails the request with a `CorsConfigError`,
 * and so does no answer (`undefined` or `null`: a forgotten `return` must not mean the default methods,
 * which include DELETE; `hono/cors` fails it too); one that does not come within `originCallbackTimeout`
 * fails it too (never a grant).
 */
function methodsLookup(
  translated: TranslatedOptions,
  methods: HonoMethodsFunction,
  context: CompileContext,
  limit: number,
): (c: Context) => Promise<CorsPolicy<Context>> {
  const lookup = createPolicyCache<Context>(context);
  const timedOut = (): Error =>
    new Error(
      `corsgate/hono: the allowMethods function did not answer within ${limit} ms (originCallbackTimeout); the request was failed, not allowed.`,
    );
  return async (c) => {
    const answer = await withTimeLimit(() => methods(c.req.raw.headers.get('origin') ?? '', c), limit, timedOut);
    if (answer === undefined || answer === null) throw noMethodsAnswer(answer);
    try {
      return lookup({ ...translated.options, methods: answer });
    } catch (err) {
      throw inAnswerOf(err, 'allowMethods');
    }
  };
}

function noMethodsAnswer(answer: null | undefined): unknown {
  return inAnswerOf(
    new CorsConfigError([
      {
        option: 'allowMethods',
        value: String(answer),
        problem:
          'the function answered no methods, so the preflight was failed (not answered with the default methods).',
        fix: "return the methods to allow for this origin, e.g. ['GET', 'POST'], or [] to allow only the CORS-safelisted GET, HEAD and POST.",
      },
    ]),
    'allowMethods',
  );
}

/**
 * The preflight answer, with the headers set so far (`c.header()` in earlier middleware, as `hono/cors`
 * keeps them): the answer made by `c.body()`, then the CORS headers and `Vary` written on it by the Fetch
 * writer (`Vary` appended to, never replaced). It is installed as the final response directly, after
 * clearing `c.res`: otherwise Hono would copy it once more and write the headers of an earlier `c.res`
 * (its old `Vary`) over it.
 */
function preflightAnswer(c: Context, decision: CorsDecision): Response {
  const response = c.body(null, decision.status as StatusCode);
  const headers = response.headers;
  writeDecisionHeaders(headers, decision);
  headers.delete('Content-Length');
  headers.delete('Content-Type');
  c.res = undefined;
  c.res = response;
  return response;
}

function apply(c: Context, decision: CorsDecision): void {
  const response = c.res;
  const applied = applyDecision(response, decision);
  if (applied === response) return;
  // The headers were immutable (a `fetch()` result returned as is) and `applied` is a copy. Clear `c.res`
  // first, or Hono would copy the old headers (the old `Vary`) over the new ones.
  c.res = undefined;
  c.res = applied;
}

export default cors;
