import { quote } from './log-safe.js';

/** One thing wrong with a configuration: which option, the bad value, what is wrong and how to fix it. */
export interface ConfigProblem {
  readonly option: string;
  readonly value: string;
  readonly problem: string;
  readonly fix: string;
}

/**
 * Thrown at start-up (when the middleware is created) for a configuration that is dangerous or can never
 * match what browsers send. The message lists every problem found, each with its fix.
 */
export class CorsConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(formatProblems(problems));
    this.name = 'CorsConfigError';
    this.problems = problems;
  }

  /** The first problem's option, for the common single-problem case. */
  get option(): string {
    return this.problems[0]?.option ?? '';
  }
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `option \`${p.option}\` (${p.value}): ${p.problem} Fix: ${p.fix}`);
  if (lines.length === 1) return `corsgate: invalid configuration: ${lines[0]}`;
  return `corsgate: invalid configuration (${lines.length} problems):\n${lines.map((l) => `  - ${l}`).join('\n')}`;
}

/**
 * A configured string is shown longer than a request value: an allowlist entry or a comma-separated
 * list from an environment variable should be readable whole in the start-up error.
 */
export const MAX_CONFIG_SHOWN = 200;

/**
 * Renders a configured value the way a user wrote it, for messages. Strings go through the same renderer
 * as request values (log-safe.ts: quoted, escaped, bounded), since a user function's answer or a value
 * read from the environment can carry anything.
 */
export function show(value: unknown, depth = 0): string {
  if (typeof value === 'string') return quote(value, MAX_CONFIG_SHOWN);
  if (value instanceof RegExp) return String(value);
  if (typeof value === 'function') return 'a function';
  // one level of nesting shown: a list that contains itself must not recurse forever
  if (Array.isArray(value)) return depth > 0 ? 'a list' : `[${value.map((v) => show(v, depth + 1)).join(', ')}]`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
