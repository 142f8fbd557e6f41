/**
 * The `census` option: what the middleware counts each request into (a `Census` from `corsgate/census`).
 * The core knows it only by this shape, so it imports nothing from src/census.
 */
import type { OptionNamer } from './compile-context.js';
import type { ConfigProblem } from './config-error.js';
import type { RequestFacts } from './decision.js';
import { showConfigured as show } from './log-safe.js';

/** Counts one request from the facts the core reads (`Census.observe` from `corsgate/census`). Must not throw. */
export interface RequestObserver {
  observe(facts: RequestFacts): void;
}

/** The `census` option, checked: undefined, or an object with an `observe` method. */
export function readCensus(value: unknown, n: OptionNamer, problems: ConfigProblem[]): RequestObserver | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'object' && value !== null && typeof (value as RequestObserver).observe === 'function') {
    return value as RequestObserver;
  }
  problems.push({
    option: n('census'),
    value: show(value),
    problem:
      'it must be a census made by createCensus() from corsgate/census (an object with an observe(facts) method).',
    fix: `import { createCensus } from 'corsgate/census'; then pass ${n('census')}: createCensus().`,
  });
  return undefined;
}
