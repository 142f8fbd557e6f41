/**
 * Translation between Node's `IncomingMessage`/`ServerResponse` and the core: the request read through
 * `nodeReader`, the one header writer of the node-style adapters (`writeHeaders`: Express, node, Koa,
 * Fastify through a small sink), a preflight answered. Shared by the Express/Connect middleware, the plain
 * node:http handler, Koa and Fastify.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createDecider, type Decider } from '../core/decide.js';
import type { CompileContext, CorsDecision, RequestFacts } from '../core/index.js';
import { mergeVary } from '../core/index.js';
import { createFactsReading, type RequestReader } from '../core/request.js';
import { onceEach } from '../core/warn-once.js';
import { DEBUG_ENABLED, logDecision, logReportOnly } from './debug-log.js';

/**
 * node:http's request as the core reads it: lower-case header names, one string per name (node joins
 * repeated ones; a list, which it makes only for `set-cookie`, is joined here all the same).
 */
export const nodeReader: RequestReader<IncomingMessage> = {
  method: (req) => req.method ?? 'GET',
  origin: (req) => oneValue(req.headers.origin),
  requestMethod: (req) => oneValue(req.headers['access-control-request-method']),
  requestHeaders: (req) => oneValue(req.headers['access-control-request-headers']),
  requestPrivateNetwork: (req) => oneValue(req.headers['access-control-request-private-network']),
  hasCookie: (req) => req.headers.cookie !== undefined,
  secFetchSite: (req) => oneValue(req.headers['sec-fetch-site']),
  secFetchMode: (req) => oneValue(req.headers['sec-fetch-mode']),
};

function oneValue(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' || value === undefined ? value : value.join(', ');
}

/** The facts of a node:http request (for debug lines and adapters that adjust them). */
const nodeFacts: (req: IncomingMessage) => RequestFacts = createFactsReading(nodeReader);

/**
 * The decision for a node:http request: memoized, or computed. Its third argument is what `onRefused` and a
 * request-aware origin callback receive (the framework's request or context). The decider itself, not a
 * wrapper: one call less on every request.
 */
export const decideNode: Decider<IncomingMessage> = createDecider(nodeReader);

/** The `Vary` value after adding `names` to what the response has (usually nothing yet: then `names`, built at start-up). */
function mergedVary(existing: unknown, names: string): string {
  if (existing === undefined) return names;
  return mergeVary(Array.isArray(existing) ? existing.join(', ') : String(existing), names);
}

/** Where the node-style adapters write headers: a `ServerResponse`, or a sink over Fastify's reply. */
export interface HeaderSink {
  setHeader(name: string, value: string): unknown;
  getHeader(name: string): unknown;
  /** The request, for the debug line. */
  readonly req?: IncomingMessage | undefined;
}

/**
 * Writes a decision's headers, one `setHeader` each, then appends `vary` (the decision's `Vary` names by
 * default) to the response's `Vary`.
 */
export function writeHeaders(sink: HeaderSink, decision: CorsDecision, vary = decision.vary): void {
  if (DEBUG_ENABLED) logNodeDecision(sink.req, decision);
  const headers = decision.headers;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as CorsDecision['headers'][number];
    sink.setHeader(header[0], header[1]);
  }
  if (vary !== undefined) sink.setHeader('Vary', mergedVary(sink.getHeader('Vary'), vary));
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
function logNodeDecision(req: IncomingMessage | undefined, decision: CorsDecision): void {
  if (req === undefined) logDecision({ method: '?', origin: undefined }, decision);
  else logDecision(nodeFacts(req), decision, pathOf(req));
}

/** The request path without its query string (which may hold secrets). */
function pathOf(req: IncomingMessage): string | undefined {
  const url = (req as { originalUrl?: string }).originalUrl ?? req.url;
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

/** Compile-time context for Node: production from NODE_ENV, warnings through process.emitWarning (once each). */
export const nodeCompileContext: CompileContext = {
  get production(): boolean {
    return process.env.NODE_ENV === 'production';
  },
  warn: onceEach((message) => process.emitWarning(message, { code: 'CORSGATE_CONFIG' })),
  reportOnlyLog: DEBUG_ENABLED ? logReportOnly : undefined,
};
