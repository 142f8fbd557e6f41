/**
 * `NODE_DEBUG=corsgate`: one line per CORS decision on stderr, through node's `util.debuglog`
 * (no dependency, nothing sent to the client). When the variable does not name corsgate, `DEBUG_ENABLED`
 * is false and adapters skip the call entirely: the per-request cost is one boolean test.
 *
 *   CORSGATE 4242: preflight PUT /api/items/1 origin=https://app.example.com allowed=false reason=method-not-allowed value=PUT: Method PUT is not allowed …
 *
 * Every request value (method, path, headers, origin, value) is rendered by the core's log-safe renderer:
 * bare only when it is a short plain token or origin, otherwise quoted, escaped and bounded. So the line is
 * one line, bounded, and its `key=value` fields are exactly the ones written here (a quoted value is one
 * token; the message after `value=…:` quotes its request values the same way).
 */
import { debuglog } from 'node:util';
import { type CorsDecision, type CorsRefusal, type RequestFacts, showRequestValue as show } from '../core/index.js';

const log = debuglog('corsgate');

/** Read once at start-up: NODE_DEBUG is fixed for the life of the process. */
export const DEBUG_ENABLED: boolean = log.enabled;

/** Formats the debug line for one decision (exported for tests; `logDecision` is what adapters call). */
export function formatDecision(facts: RequestFacts, decision: CorsDecision, path?: string): string {
  const parts: string[] = [decision.kind];
  if (decision.kind === 'preflight') {
    parts.push(show(facts.accessControlRequestMethod ?? ''));
    if (facts.accessControlRequestHeaders !== undefined && facts.accessControlRequestHeaders !== '') {
      parts.push(`headers=${show(facts.accessControlRequestHeaders)}`);
    }
  } else {
    parts.push(show(facts.method));
  }
  if (path !== undefined) parts.splice(2, 0, show(path));
  parts.push(`origin=${facts.origin === undefined ? '(none)' : show(facts.origin)}`);
  parts.push(`allowed=${decision.allowed}`);
  const refusal = decision.refusal;
  if (refusal !== undefined) {
    parts.push(`reason=${refusal.kind}`, `value=${show(refusal.value)}:`, refusal.message);
  } else if (decision.kind !== 'not-cors') {
    const allowOrigin = decision.headers.find((h) => h[0] === 'Access-Control-Allow-Origin');
    if (allowOrigin !== undefined) parts.push(`allow-origin=${show(allowOrigin[1])}`);
  }
  if (decision.respond) parts.push(`answered=${decision.status}`);
  return parts.join(' ');
}

/** Writes the debug line for one decision. Call only when `DEBUG_ENABLED`. */
export function logDecision(facts: RequestFacts, decision: CorsDecision, path?: string): void {
  log('%s', formatDecision(facts, decision, path));
}

/**
 * The line for a refusal of the `reportOnly` policy (the response was the enforced policy's):
 *
 *   CORSGATE 4242: report-only actual origin=https://old.example.com allowed=false reason=origin-not-allowed value=https://old.example.com: Origin …
 */
export function formatReportOnly(refusal: CorsRefusal): string {
  const kind = refusal.preflight ? 'preflight' : 'actual';
  return `report-only ${kind} origin=${show(refusal.origin)} allowed=false reason=${refusal.kind} value=${show(refusal.value)}: ${refusal.message}`;
}

/** Writes the report-only line (the compile context's `reportOnlyLog` when `DEBUG_ENABLED`). */
export function logReportOnly(refusal: CorsRefusal): void {
  log('%s', formatReportOnly(refusal));
}
