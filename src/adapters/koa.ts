/**
 * `corsgate/koa`: a Koa middleware, `app.use(cors(options))`, a drop-in for `@koa/cors`: it takes `@koa/cors`'s
 * options (translated in koa-options.ts) as well as corsgate's own. Translation only: every CORS rule lives
 * in `src/core/`. An origin or credentials function's error is thrown, so it reaches Koa's error handling
 * (a 500 by default).
 */
import type { ServerResponse } from 'node:http';
import type { Context, Middleware } from 'koa';
import { type CorsDecision, type CorsOptions, mergeVary } from '../core/index.js';
import { compileKoaOptions, type KoaCorsOptions } from './koa-options.js';
import { decideNode, nodeCompileContext, writeHeaders } from './node-http.js';

export type {
  KoaCorsOptions,
  KoaCredentialsFunction,
  KoaOriginAnswer,
  KoaOriginFunction,
  KoaReportOnlyOptions,
} from './koa-options.js';

/** `secureContext: true` (from `@koa/cors`): the headers that make a page cross-origin isolated. Not CORS. */
const SECURE_CONTEXT_HEADERS: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Cross-Origin-Embedder-Policy', 'require-corp'],
];

/** `@koa/cors`'s options (and corsgate's); an origin function is `(ctx) => string | Promise<string>`. */
export function cors(options?: KoaCorsOptions | null): Middleware;
/** corsgate's options as typed for the other adapters, e.g. with a `(origin, callback)` origin function. */
export function cors(options?: CorsOptions<Context> | null): Middleware;
export function cors(options?: KoaCorsOptions | CorsOptions<Context> | null): Middleware {
  // A `(ctx) => string` origin function receives `ctx` from the core: it is the request passed to decideNode.
  const { policy, credentialed, credentials, keepHeadersOnError, secureContext } = compileKoaOptions(
    options,
    nodeCompileContext,
  );
  return async function corsgate(ctx, next) {
    const chosen =
      credentials !== undefined && credentialed !== undefined && (await credentials(ctx)) === true
        ? credentialed
        : policy;
    const pending = decideNode(chosen, ctx.req, ctx);
    const decision = pending instanceof Promise ? await pending : pending;
    writeHeaders(ctx.res, decision);
    if (secureContext) writeSecureContext(ctx.res);
    if (decision.respond) {
      ctx.body = null; // an empty answer, whatever the status
      ctx.status = decision.status;
      return;
    }
    if (!keepHeadersOnError) {
      await next();
      return;
    }
    try {
      await next();
    } catch (err) {
      keepHeadersOnErrorResponse(ctx, decision, secureContext, err);
      throw err;
    }
  };
}

function writeSecureContext(res: ServerResponse): void {
  for (const [name, value] of SECURE_CONTEXT_HEADERS) res.setHeader(name, value);
}

/**
 * Koa's error handling removes every header already set before it answers, then sets `err.headers`:
 * carry the CORS headers there (over the error's own of the same name, as `@koa/cors` does; `Vary` merged),
 * so that script can read the error response as it could a success.
 */
function keepHeadersOnErrorResponse(ctx: Context, decision: CorsDecision, secureContext: boolean, err: unknown): void {
  if (typeof err !== 'object' || err === null || !Object.isExtensible(err)) return;
  if (decision.headers.length === 0 && decision.vary === undefined && !secureContext) return;
  const kept: Record<string, string> = {};
  for (const [name, value] of decision.headers) kept[name] = value;
  if (secureContext) for (const [name, value] of SECURE_CONTEXT_HEADERS) kept[name] = value;
  const target = err as { headers?: unknown };
  const own =
    typeof target.headers === 'object' && target.headers !== null ? (target.headers as Record<string, unknown>) : {};
  const replaced = new Set([...Object.keys(kept), 'Vary'].map((name) => name.toLowerCase()));
  const headers: Record<string, unknown> = {};
  let ownVary: string | undefined;
  for (const [name, value] of Object.entries(own)) {
    if (name.toLowerCase() === 'vary') ownVary = Array.isArray(value) ? value.join(', ') : String(value);
    else if (!replaced.has(name.toLowerCase())) headers[name] = value;
  }
  Object.assign(headers, kept);
  // Koa 3's response.get answers undefined for a header not set (Koa 2: ''); an undefined header value
  // would make Koa's error handling itself throw.
  const vary: unknown = ctx.response.get('Vary');
  const current = typeof vary === 'string' ? vary : Array.isArray(vary) ? vary.join(', ') : '';
  const merged =
    ownVary === undefined || ownVary === '' ? current : current === '' ? ownVary : mergeVary(ownVary, current);
  if (merged !== '') headers.Vary = merged;
  target.headers = headers;
}

export default cors;
