/**
 * What one engine's run saw, row by row, written to test-results/browser/<engine>.json at the end of the run.
 * scripts/browser-matrix.ts turns the three files into docs/browser-matrix.md.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Engine } from './engines.js';
import type { Middleware, Observed } from './runner.js';
import type { ExpressVersion, Scenario, Verdict } from './scenarios.js';

export const RESULTS_DIR = join('test-results', 'browser');

export interface RowResult {
  readonly group: string;
  readonly name: string;
  readonly middleware: Middleware;
  readonly express: ExpressVersion;
  readonly verdict: Verdict;
  /** With a second fetch (repeat, or from another page): what it got. */
  readonly second?: Verdict;
  /** The status script read, when it read one. */
  readonly status?: number;
  readonly preflights: number;
  readonly actualRequests: number;
  /** Whether the row's assertions held. */
  readonly passed: boolean;
}

export interface EngineRun {
  readonly engine: Engine;
  readonly version: string;
  readonly date: string;
  readonly node: string;
  readonly rows: RowResult[];
  readonly playground: { readonly name: string; readonly passed: boolean }[];
}

export function newRun(engine: Engine, version: string): EngineRun {
  return { engine, version, date: new Date().toISOString(), node: process.version, rows: [], playground: [] };
}

/** What the page got, in one word: a readable response, a rejected fetch, or nothing (the `cors` package hung). */
export function observedVerdict(observed: Observed): Verdict {
  if (observed.unanswered > 0) return 'no answer';
  return observed.first.ok ? 'allowed' : 'blocked';
}

export function rowResult(scenario: Scenario, express: ExpressVersion, observed: Observed, passed: boolean): RowResult {
  const status = observed.first.ok ? observed.first.status : undefined;
  return {
    group: scenario.group,
    name: scenario.name,
    middleware: observed.middleware,
    express,
    verdict: observedVerdict(observed),
    ...(observed.second !== undefined ? { second: observed.second.ok ? 'allowed' : 'blocked' } : {}),
    ...(status !== undefined ? { status } : {}),
    preflights: observed.seen.filter((r) => r.preflight).length,
    actualRequests: observed.seen.filter((r) => !r.preflight).length,
    passed,
  };
}

export function writeRun(run: EngineRun): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${run.engine}.json`);
  writeFileSync(path, `${JSON.stringify(run, null, 2)}\n`);
  return path;
}
