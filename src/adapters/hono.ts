/**
 * `corsgate/hono`: a Hono middleware, `app.use(cors(options))`.
 * Translation only: every CORS rule lives in `src/core/`.
 * An origin callback's error is thrown, so it reaches Hono's `app.onError` (a 500 by default).
 */
import type { Context, MiddlewareHandler } from 'hono';
import { type CorsDecision, type CorsOptions, compile, decide } from '../core/index.js';
import { applyDecision, fetchCompileContext, preflightResponse, readRequestFacts } from './fetch-api.js';

export type HonoCorsOptions = CorsOptions<Context>;

export function cors(options?: HonoCorsOptions | null): MiddlewareHandler {
  const policy = compile(options, fetchCompileContext);
  return async function corsgate(c, next) {
    const pending = decide(policy, readRequestFacts(c.req.raw), c);
    const decision = pending instanceof Promise ? await pending : pending;
    if (decision.respond) return preflightResponse(decision);
    await next();
    apply(c, decision);
    return undefined;
  };
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
