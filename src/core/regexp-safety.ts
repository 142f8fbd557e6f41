/**
 * ReDoS check of origin RegExps, at configuration time only (never per request). The detector is
 * `redos-detector` (pure TypeScript, synchronous, about 280 KB with its parser, no worker, no native
 * binary): it enumerates the ways one input can be matched, and a RegExp whose ways grow without
 * bound is refused. Why not the others (measured on 38 real-world origin RegExps and 7 vulnerable
 * ones, see docs/architecture.md): `safe-regex2` (star height) refused 8 safe RegExps and passed 3
 * vulnerable ones; `recheck` is the most accurate (it tells exponential from polynomial) but its
 * synchronous check needs the Scala.js build (5.6 MB, 150-200 ms to load, 0.2-0.6 s per RegExp) or a
 * worker and a native binary, and npm installs its optional 23 MB jar and 29 MB binary with it.
 *
 * `redos-detector` refuses every RegExp that can match one input in an unbounded number of ways, so it
 * also refuses quadratic ones that the 512-character Origin cap makes harmless
 * (`^https:\/\/.*-.*\.example\.com$`: at most about 0.9 million backtracking steps, well under a
 * millisecond). A RegExp it refuses gets a second opinion from src/core/backtracking-bound.ts, which
 * counts, without running the RegExp, an upper bound on the steps a backtracking engine can take on any
 * Origin of up to 512 characters: at most `MAX_BACKTRACKING_STEPS` and it is accepted. Exponential and
 * cubic RegExps stay refused (their bound is over 100 million); so does a RegExp whose syntax the bound
 * does not model (lookaround, back-references). A `v`-flag RegExp is checked as the same source with `u`
 * when it compiles so; one the detector cannot parse at all (a named back-reference, set operations) is
 * decided by the bound alone, and refused when the bound cannot model it either.
 * `dangerouslyAllowUnsafeRegExp` is the way out, and the message says which ways overlap.
 */
import { isSafe, type RedosDetectorResult, type RedosDetectorTrailEntry } from 'redos-detector';
import { backtrackingWorkBound } from './backtracking-bound.js';
import type { ConfigProblem } from './config-error.js';
import { MAX_ORIGIN_LENGTH } from './origin.js';

/**
 * Most backtracking steps a RegExp may need on one Origin (512 characters at most) to be accepted after
 * `redos-detector` refused it. The quadratic origin RegExps measured need under 1 million (about 0.2 ms
 * in V8); the cubic `.*-.*-.*` needs 142 million (about 70 ms per request), an exponential one far more.
 */
export const MAX_BACKTRACKING_STEPS = 2_000_000;

/**
 * The detector's step budget: every safe origin RegExp measured needs far fewer; a RegExp that runs out
 * is refused (it could not be shown safe), in tens of milliseconds instead of seconds.
 */
const MAX_STEPS = 2000;

/** Verdicts kept by RegExp contents, so a RegExp compiled again (a delegate's options) is checked once. */
const MAX_VERDICTS_CACHED = 256;
const verdicts = new Map<string, ConfigProblem | null>();

/** Longest attack string shown in a message. */
const MAX_SHOWN = 120;

/**
 * A problem when the RegExp can backtrack without bound (exponentially, or polynomially with
 * overlapping wildcards) on an input an attacker sends in `Origin`; undefined when it is safe.
 */
export function checkRegExpSafety(regexp: RegExp, option: string): ConfigProblem | undefined {
  const key = `${regexp.flags}/${regexp.source}`;
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = analyse(regexp, option);
    if (verdicts.size >= MAX_VERDICTS_CACHED) verdicts.clear();
    verdicts.set(key, verdict);
  }
  return verdict === null ? undefined : { ...verdict, option };
}

function analyse(given: RegExp, option: string): ConfigProblem | null {
  const regexp = withoutSetNotation(given);
  let result: RedosDetectorResult;
  try {
    result = isSafe(regexp, { maxSteps: MAX_STEPS });
  } catch {
    // Syntax the detector does not parse even downgraded (a named back-reference, `v`-flag set operations):
    // the bound decides, and a RegExp neither can analyse is refused (not shown safe).
    const bound = backtrackingWorkBound(regexp, MAX_ORIGIN_LENGTH, MAX_BACKTRACKING_STEPS);
    if (bound !== undefined && bound <= MAX_BACKTRACKING_STEPS) return null;
    return {
      option,
      value: String(given),
      problem: `the ReDoS check cannot analyse it (${bound === undefined ? 'its syntax' : `over ${shortNumber(MAX_BACKTRACKING_STEPS)} backtracking steps on one ${MAX_ORIGIN_LENGTH}-character Origin`}), so it could let one request keep the server busy.`,
      fix: `use an origin pattern such as ${JSON.stringify(suggestPattern(given))} or an exact list of origins, write the RegExp without back-references or \`v\`-flag set operations, or set dangerouslyAllowUnsafeRegExp: true.`,
    };
  }
  if (result.safe) return null;
  const bound = backtrackingWorkBound(regexp, MAX_ORIGIN_LENGTH, MAX_BACKTRACKING_STEPS);
  if (bound !== undefined && bound <= MAX_BACKTRACKING_STEPS) return null;
  const attack = attackString(regexp, result);
  const example =
    attack !== undefined
      ? ` An Origin such as ${attack} makes it try each of them before it fails.`
      : ` ${overlap(result)}`;
  const why =
    bound !== undefined
      ? `it can match the same input in so many ways that one ${MAX_ORIGIN_LENGTH}-character Origin could take over ${shortNumber(MAX_BACKTRACKING_STEPS)} backtracking steps (catastrophic backtracking, ReDoS)`
      : result.error === 'hitMaxScore'
        ? 'it can match the same input in an unbounded number of ways (catastrophic backtracking, ReDoS)'
        : 'the ReDoS check could not show that it matches each input in a bounded number of ways';
  return {
    option,
    value: String(given),
    problem: `${why}: a single request could keep the server busy.${example}`,
    fix: `use an origin pattern such as ${JSON.stringify(suggestPattern(regexp))} or an exact list of origins, write the RegExp without nested or overlapping repetition (e.g. /^https:\\/\\/([a-z0-9-]+\\.)*example\\.com$/), or set dangerouslyAllowUnsafeRegExp: true.`,
  };
}

/**
 * The same RegExp with the `u` flag for `v` (which the detector does not read), when its source means the
 * same there (it compiles): the ways through it are the same. Otherwise the RegExp as given.
 */
function withoutSetNotation(regexp: RegExp): RegExp {
  if (!regexp.flags.includes('v')) return regexp;
  try {
    return new RegExp(regexp.source, regexp.flags.replace('v', 'u'));
  } catch {
    return regexp;
  }
}

/**
 * An attack string built from the first trail the detector found (two ways through the RegExp that
 * read the same characters): its characters up to the first repetition, the repeated part many times,
 * then a character no origin RegExp expects. Shown as an expression, bounded; never matched here.
 */
function attackString(regexp: RegExp, result: RedosDetectorResult): string | undefined {
  const trail = result.trails[0]?.trail;
  if (trail === undefined || trail.length === 0) return undefined;
  const flags = regexp.flags.replace(/[gyd]/g, '');
  let prefix = '';
  let pump = '';
  for (const entry of trail) {
    const char = sharedCharacter(entry, flags);
    if (char === undefined) return undefined;
    const repeated = entry.a.quantifierIterations.length > 0 || entry.b.quantifierIterations.length > 0;
    if (repeated || pump !== '') pump += char;
    else prefix += char;
  }
  if (pump === '') return undefined;
  // One character read over and over: repeat that character. (The RegExp itself is never run on it.)
  if (/^(.)\1*$/s.test(pump)) pump = pump.charAt(0);
  const times = Math.max(1, Math.floor(400 / pump.length));
  const shown = `${prefix === '' ? '' : `${JSON.stringify(prefix)} + `}${JSON.stringify(pump)}.repeat(${times}) + "!"`;
  return shown.length > MAX_SHOWN ? `${shown.slice(0, MAX_SHOWN)}…` : shown;
}

function shortNumber(n: number): string {
  return n >= 1e6 ? `${n / 1e6} million` : String(n);
}

const CANDIDATES = 'abcdefghijklmnopqrstuvwxyz0123456789-._~:/ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** A character both sides of a trail entry read. */
function sharedCharacter(entry: RedosDetectorTrailEntry, flags: string): string | undefined {
  try {
    const a = new RegExp(`^(?:${entry.a.node.source})$`, flags);
    const b = new RegExp(`^(?:${entry.b.node.source})$`, flags);
    const literal = [entry.a.node.source, entry.b.node.source].map((s) => s.replace(/^\\(?=[^a-zA-Z0-9])/, ''));
    for (const c of [...literal.filter((s) => s.length === 1), ...CANDIDATES]) {
      if (a.test(c) && b.test(c)) return c;
    }
  } catch {
    // a back-reference or another node that is not one character on its own
  }
  return undefined;
}

/** The detector's first overlap, in words, when no attack string could be built. */
function overlap(result: RedosDetectorResult): string {
  const entry = result.trails[0]?.trail.find((e) => e.a.node.start.offset !== e.b.node.start.offset);
  if (entry === undefined) return '';
  return `Parts ${JSON.stringify(entry.a.node.source)} and ${JSON.stringify(entry.b.node.source)} can read the same characters.`;
}

/** An origin pattern for the domain the RegExp names (`https://*.example.com`), or a placeholder. */
function suggestPattern(regexp: RegExp): string {
  const host = /((?:[a-z0-9-]+\\\.)+[a-z]{2,})\$?$/i.exec(regexp.source)?.[1]?.replace(/\\\./g, '.');
  const scheme = /^\^?(https?)/.exec(regexp.source)?.[1] ?? 'https';
  return `${scheme}://*.${host ?? 'example.com'}`;
}
