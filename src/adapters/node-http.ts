/**
 * Translation between Node's `IncomingMessage`/`ServerResponse` and the core: decide for a request
 * (the shared-decision fast path first), write a decision's headers, answer a preflight. Shared by the
 * Express/Connect middleware, the plain node:http handler, Koa and Fastify.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { decideUncached } from '../core/decide.js';
import { decideCachedFromHeaders } from '../core/decision-cache.js';
import type { CompileContext, CorsDecision, CorsPolicy, RequestFacts } from '../core/index.js';
import { mergeVary } from '../core/index.js';
import { DEBUG_ENABLED, logDecision } from './debug-log.js';

export function readFacts(req: IncomingMessage): RequestFacts {
  const h = req.headers;
  return {
    method: req.method ?? 'GET',
    origin: h.origin,
    accessControlRequestMethod: h['access-control-request-method'] as string | undefined,
    accessControlRequestHeaders: h['access-control-request-headers'] as string | undefined,
    accessControlRequestPrivateNetwork: h['access-control-request-private-network'] as string | undefined,
    hasCookie: h.cookie !== undefined,
    secFetchSite: h['sec-fetch-site'] as string | undefined,
    secFetchMode: h['sec-fetch-mode'] as string | undefined,
  };
}

/**
 * The decision for a node:http request: a decision shared between requests when the policy's cache has
 * one (no facts object is built), else the full computation. `context` is what `onRefused` receives.
 */
export function decideNode<Ctx>(
  policy: CorsPolicy<Ctx>,
  req: IncomingMessage,
  context: Ctx,
): CorsDecision | Promise<CorsDecision> {
  return (
    decideCachedFromHeaders(policy as CorsPolicy<never>, req.method, req.headers) ??
    decideUncached(policy, readFacts(req), context)
  );
}

/** The `Vary` value after adding `names` to what the response has (usually nothing yet: then `names`, built at start-up). */
export function mergedVary(existing: string | number | readonly string[] | undefined, names: string): string {
  if (existing === undefined) return names;
  return mergeVary(Array.isArray(existing) ? existing.join(', ') : String(existing), names);
}

export function writeHeaders(res: ServerResponse, decision: CorsDecision): void {
  if (DEBUG_ENABLED) logNodeDecision(res.req, decision);
  const headers = decision.headers;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as CorsDecision['headers'][number];
    res.setHeader(header[0], header[1]);
  }
  if (decision.vary !== undefined) res.setHeader('Vary', mergedVary(res.getHeader('Vary'), decision.vary));
}

/** Writes the decision; when it answers a preflight, ends the response and returns true. */
export function writeDecision(res: ServerResponse, decision: CorsDecision): boolean {
  writeHeaders(res, decision);
  if (!decision.respond) return false;
  res.statusCode = decision.status;
  res.setHeader('Content-Length', '0');
  res.end();
  return true;
}

/**
 * The debug line for a decision about a node:http request. Reads the request again, which only happens
 * when debugging; call only when `DEBUG_ENABLED`.
 */
export function logNodeDecision(req: IncomingMessage | undefined, decision: CorsDecision): void {
  if (req === undefined) logDecision({ method: '?', origin: undefined }, decision);
  else logDecision(readFacts(req), decision, pathOf(req));
}

/** The request path without its query string (which may hold secrets). */
function pathOf(req: IncomingMessage): string | undefined {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url;
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

const warned = new Set<string>();

/** Compile-time context for Node: production from NODE_ENV, warnings through process.emitWarning (once each). */
export const nodeCompileContext: CompileContext = {
  get production(): boolean {
    return process.env.NODE_ENV === 'production';
  },
  warn(message: string): void {
    if (warned.has(message)) return;
    warned.add(message);
    process.emitWarning(message, { code: 'CORSGATE_CONFIG' });
  },
};
