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

/** Configured values in messages are rendered by log-safe.ts (`showConfigured`), the one renderer. */
export { showConfigured as show } from './log-safe.js';
