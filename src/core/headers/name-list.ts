/**
 * The list options (`methods`, `allowedHeaders`, `exposedHeaders`): read as a comma-separated string or
 * an array of strings, each name an HTTP token, and written back into the header value the way `cors`
 * writes it. Shared by allow-methods.ts, allow-headers.ts and expose-headers.ts.
 */
import type { OptionNamer } from '../compile-context.js';
import type { ConfigProblem } from '../config-error.js';
import { showConfigured as show } from '../log-safe.js';
import { isToken, splitNameList } from '../tokens.js';

export function readNames(
  value: unknown,
  option: string,
  n: OptionNamer,
  problems: ConfigProblem[],
): string[] | undefined {
  if (typeof value === 'string') return splitNameList(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return splitNameList(value as string[]);
  problems.push({
    option: n(option),
    value: show(value),
    problem: 'it must be a comma-separated string or an array of strings.',
    fix: `write e.g. ${n(option)}: ["${option === 'methods' ? 'GET' : 'Content-Type'}", "${option === 'methods' ? 'POST' : 'X-Request-Id'}"].`,
  });
  return undefined;
}

/** The header value as `cors` would write it: a string as given, an array joined with `separator`. */
export function joinLikeCors(value: string | readonly string[], names: readonly string[], separator: string): string {
  return typeof value === 'string' ? value.trim().replace(/\s*,\s*$/, '') : names.join(separator);
}

/** Pushes a problem for each name that is not a token (`*` aside); true when there was one. */
export function badTokens(
  names: readonly string[],
  option: string,
  kind: 'method' | 'header',
  n: OptionNamer,
  problems: ConfigProblem[],
): boolean {
  let bad = false;
  for (const name of names) {
    if (name !== '*' && !isToken(name)) {
      bad = true;
      problems.push({
        option: n(option),
        value: show(name),
        problem: `it is not a valid ${kind} name (an HTTP token: letters, digits and !#$%&'*+-.^_\`|~, no spaces).`,
        fix: `remove it or correct it, e.g. "${kind === 'method' ? 'PATCH' : 'X-Request-Id'}".`,
      });
    }
  }
  return bad;
}
