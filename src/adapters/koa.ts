/**
 * `corsgate/koa`: a Koa middleware, `app.use(cors(options))`.
 * Translation only: every CORS rule lives in `src/core/`.
 * An origin callback's error is thrown, so it reaches Koa's error handling (a 500 by default).
 */
import type { Context, Middleware } from 'koa';
import { type CorsDecision, type CorsOptions, compile } from '../core/index.js';
import { decideNode, nodeCompileContext, writeHeaders } from './node-http.js';

export type KoaCorsOptions = CorsOptions<Context>;

export function cors(options?: KoaCorsOptions | null): Middleware {
  const policy = compile(options, nodeCompileContext);
  return async function corsgate(ctx, next) {
    const pending = decideNode(policy, ctx.req, ctx);
    const decision = pending instanceof Promise ? await pending : pending;
    writeHeaders(ctx.res, decision);
    if (decision.respond) {
      ctx.body = null; // an empty answer, whatever the status
      ctx.status = decision.status;
      return;
    }
    try {
      await next();
    } catch (err) {
      keepHeadersOnError(ctx, decision, err);
      throw err;
    }
  };
}

/**
 * Koa's error handling removes every header already set before it answers, then sets `err.headers`:
 * carry the CORS headers there, so that script can read the error response as it could a success.
 */
function keepHeadersOnError(ctx: Context, decision: CorsDecision, err: unknown): void {
  if (typeof err !== 'object' || err === null || !Object.isExtensible(err)) return;
  if (decision.headers.length === 0 && decision.vary === undefined) return;
  const kept: Record<string, string> = {};
  for (const [name, value] of decision.headers) kept[name] = value;
  const vary = ctx.response.get('Vary');
  if (vary !== '') kept.Vary = vary;
  const target = err as { headers?: unknown };
  target.headers =
    typeof target.headers === 'object' && target.headers !== null ? { ...kept, ...target.headers } : kept;
}

export default cors;
