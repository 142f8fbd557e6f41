/**
 * The option names and plain values every policy starts from: a name corsgate does not know is a problem
 * with a "did you mean" (usually a typo that would be ignored), and a flag must be a boolean.
 */
import { closestName } from './closest-name.js';
import type { OptionNamer } from './compile-context.js';
import type { ConfigProblem } from './config-error.js';
import { showConfigured as show } from './log-safe.js';
import { type CorsOptions, OPTION_NAMES } from './options.js';

export function checkOptionNames(
  opts: object,
  adapterNames: readonly string[] | undefined,
  problems: ConfigProblem[],
): void {
  const known = OPTION_NAMES as readonly string[];
  const offered = adapterNames === undefined ? known : [...known, ...adapterNames];
  for (const name of Object.keys(opts)) {
    if (known.includes(name)) continue;
    const guess = closestName(name, offered);
    problems.push({
      option: name,
      value: show((opts as Record<string, unknown>)[name]),
      problem: 'corsgate has no option of that name, so it would be ignored.',
      fix: guess !== undefined ? `did you mean \`${guess}\`?` : `use one of: ${offered.join(', ')}.`,
    });
  }
}

export type BooleanOption =
  | 'credentials'
  | 'preflightContinue'
  | 'allowPrivateNetwork'
  | 'dangerouslyAllowCredentialsWithAnyOrigin'
  | 'dangerouslyAllowNullOrigin'
  | 'dangerouslyAllowInsecureOrigins'
  | 'dangerouslyAllowUnsafeRegExp';

/** A flag: `undefined` is false; anything but a boolean is a problem (then false). */
export function readBoolean(
  opts: CorsOptions<never>,
  name: BooleanOption,
  n: OptionNamer,
  problems: ConfigProblem[],
): boolean {
  const value: unknown = opts[name];
  if (value === undefined) return false;
  if (typeof value === 'boolean') return value;
  problems.push({
    option: n(name),
    value: show(value),
    problem: 'it must be true or false.',
    fix: `write ${n(name)}: ${value === 'false' || value === 0 ? 'false' : 'true'} (a boolean, not ${typeof value === 'string' ? 'a string' : typeof value}).`,
  });
  return false;
}
