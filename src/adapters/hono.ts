/**
 * `corsgate/hono`: a Hono middleware, `app.use(cors(options))`, a drop-in for `hono/cors` (its option names
 * and defaults are translated in hono-options.ts; corsgate's own names work too).
 * Translation only: every CORS rule lives in `src/core/`.
 * An origin callback's error is thrown, so it reaches Hono's `app.onError` (a 500 by default).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { StatusCode } from 'hono/utils/http-status';
import { decide } from '../core/decide.js';
import {
  type CompileContext,
  type CorsDecision,
  type CorsPolicy,
  compile,
  mergeVary,
  type RequestFacts,
} from '../core/index.js';
import { createPolicyCache } from '../core/policy-cache.js';
import { applyDecision, fetchCompileContext, readRequestFacts } from './fetch-api.js';
import {
  HONO_OPTION_NAMES,
  type HonoCorsOptions,
  type HonoMethodsFunction,
  inUserNames,
  type TranslatedOptions,
  translateHonoOptions,
} from './hono-options.js';

export type {
  HonoCorsOptions,
  HonoMethodsFunction,
  HonoOriginAnswer,
  HonoOriginFunction,
} from './hono-options.js';

/** The Fetch compile context, with `hono/cors`'s names offered for a mistyped option name. */
const HONO_COMPILE_CONTEXT: CompileContext = {
  get production() {
    return fetchCompileContext.production;
  },
  warn: (message) => fetchCompileContext.warn?.(message),
  adapterOptionNames: HONO_OPTION_NAMES,
};

export function cors(options?: HonoCorsOptions | null): MiddlewareHandler {
  // The Context of the request being decided: an origin function receives it (see hono-options.ts).
  let current: Context | undefined;
  const translated = translateHonoOptions(options, () => current);
  let policy: CorsPolicy<Context>;
  try {
    policy = compile(translated.options, HONO_COMPILE_CONTEXT);
  } catch (err) {
    throw inUserNames(err, translated.names);
  }
  const policyFor = translated.methods === undefined ? undefined : methodsLookup(translated, translated.methods);

  const decideFor = (chosen: CorsPolicy<Context>, facts: RequestFacts, c: Context) => {
    current = c;
    try {
      return decide(chosen, facts, c);
    } finally {
      current = undefined;
    }
  };

  return async function corsgate(c, next) {
    const facts = readRequestFacts(c.req.raw, policy.onRefused !== undefined);
    const chosen = policyFor !== undefined && facts.method === 'OPTIONS' ? await policyFor(facts, c) : policy;
    const pending = decideFor(chosen, facts, c);
    const decision = pending instanceof Promise ? await pending : pending;
    if (decision.respond) return preflightAnswer(c, decision);
    await next();
    apply(c, decision);
    return undefined;
  };
}

/**
 * `allowMethods` as a function: asked on each preflight, as `hono/cors` does, and each distinct answer
 * compiled once (kept by contents, bounded). An invalid answer fails the request with a `CorsConfigError`.
 */
function methodsLookup(
  translated: TranslatedOptions,
  methods: HonoMethodsFunction,
): (facts: RequestFacts, c: Context) => Promise<CorsPolicy<Context>> {
  const lookup = createPolicyCache<Context>(HONO_COMPILE_CONTEXT);
  return async (facts, c) => {
    const answer = await methods(facts.origin ?? '', c);
    try {
      return lookup({ ...translated.options, methods: answer });
    } catch (err) {
      throw inUserNames(err, translated.names, ' (the answer of the allowMethods function)');
    }
  };
}

/**
 * The preflight answer, with the headers set so far (`c.header()` in earlier middleware, as `hono/cors`
 * keeps them): the CORS headers written with `c.header()`, the answer made by `c.body()`, then `Vary`
 * merged on it (appended to, never replaced). It is installed as the final response directly, after
 * clearing `c.res`: otherwise Hono would copy it once more and write the headers of an earlier `c.res`
 * (its old `Vary`) over it.
 */
function preflightAnswer(c: Context, decision: CorsDecision): Response {
  const list = decision.headers;
  for (let i = 0; i < list.length; i++) {
    const header = list[i] as CorsDecision['headers'][number];
    c.header(header[0], header[1]);
  }
  const response = c.body(null, decision.status as StatusCode);
  const headers = response.headers;
  if (decision.vary !== undefined) headers.set('Vary', mergeVary(headers.get('Vary') ?? undefined, decision.vary));
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
