/**
 * Translation between Node's `IncomingMessage`/`ServerResponse` and the core: read the request facts,
 * write a decision's headers. Shared by the Express/Connect middleware and the plain node:http handler.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CompileContext, CorsDecision, RequestFacts } from '../core/index.js';
import { mergeVary } from '../core/index.js';
import { DEBUG_ENABLED, logNodeDecision } from './debug-log.js';

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
  };
}

export function writeHeaders(res: ServerResponse, decision: CorsDecision): void {
  if (DEBUG_ENABLED) logNodeDecision(res.req, decision);
  const headers = decision.headers;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as CorsDecision['headers'][number];
    res.setHeader(header[0], header[1]);
  }
  const vary = decision.vary;
  if (vary !== undefined) {
    const existing = res.getHeader('Vary');
    // Usually nothing has set Vary yet: then the names are the value, as computed at start-up.
    res.setHeader('Vary', existing === undefined ? vary : mergeVary(varyString(existing), vary));
  }
}

export function appendVary(res: ServerResponse, names: string): void {
  const existing = res.getHeader('Vary');
  res.setHeader('Vary', mergeVary(existing === undefined ? undefined : varyString(existing), names));
}

function varyString(existing: string | number | readonly string[]): string {
  return Array.isArray(existing) ? existing.join(', ') : String(existing);
}

/** Ends a preflight that the middleware answers itself. */
export function endPreflight(res: ServerResponse, status: number): void {
  res.statusCode = status;
  res.setHeader('Content-Length', '0');
  res.end();
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
