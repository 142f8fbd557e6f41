/**
 * The `reportOnly` option, at start-up: a second policy compiled from the options it holds, validated like
 * the enforced one (its problems named `reportOnly.<option>`), whose refusals go to the enforced policy's
 * `onRefused` marked `reportOnly: true`. It is evaluated on every request and never enforced
 * (src/core/watch.ts).
 */
import type { CompileContext } from './compile-context.js';
import { type ConfigProblem, CorsConfigError } from './config-error.js';
import { showConfigured as show } from './log-safe.js';
import { type ReadOptions, readOptions } from './read-options.js';
import type { CorsRefusal } from './refusal.js';
import type { OnRefused } from './report.js';

/** Options of the enforced policy that have no meaning inside `reportOnly`, and why. */
const NOT_IN_REPORT_ONLY: Readonly<Record<string, string>> = {
  preflightContinue:
    'a report-only policy never answers a request (the enforced policy does), so whether preflights are passed on is the enforced policy’s setting.',
  optionsSuccessStatus:
    'a report-only policy never answers a preflight (the enforced policy does), so the preflight status is the enforced policy’s setting.',
  onRefused:
    'the report-only policy’s refusals go to the enforced policy’s onRefused, marked refusal.reportOnly === true, so that one function sees both.',
  census: 'the census counts requests, not policies: it is set once, next to the enforced options.',
  reportOnly: 'a report-only policy cannot have a report-only policy of its own.',
};

/**
 * Compiles `reportOnly` with `compileNested` (the core's `compileRead`), or returns undefined when it is not
 * set. Its problems are added to `problems` under `reportOnly.<option>`.
 */
export function compileReportOnly<Req, P>(
  value: unknown,
  onRefused: OnRefused<Req> | undefined,
  context: CompileContext,
  compileNested: (opts: ReadOptions<Req>, context: CompileContext) => P,
  problems: ConfigProblem[],
): P | undefined {
  if (value === undefined) return undefined;
  const n = context.optionName ?? ((name: string) => name);
  const name = n('reportOnly');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push({
      option: name,
      value: show(value),
      problem: 'it must be an options object (the stricter policy to report on, never enforced).',
      fix: `pass ${name}: { origin: ['https://app.example.com'] } with the options you mean to enforce later.`,
    });
    return undefined;
  }
  let read: ReadOptions<Req>;
  try {
    read = readOptions(value as ReadOptions<Req>);
  } catch (err) {
    if (!(err instanceof CorsConfigError)) throw err;
    problems.push(...prefixed(err.problems, name));
    return undefined;
  }
  const allowed: Record<string, unknown> = {};
  for (const key of Object.keys(read)) {
    const why = Object.hasOwn(NOT_IN_REPORT_ONLY, key) ? NOT_IN_REPORT_ONLY[key] : undefined;
    if (why === undefined) {
      allowed[key] = read[key];
      continue;
    }
    problems.push({
      option: `${name}.${n(key)}`,
      value: show(read[key]),
      problem: `it has no meaning in a report-only policy: ${why}`,
      fix: `remove it from ${name}${key === 'onRefused' || key === 'census' ? ` and set it next to ${name}` : ''}.`,
    });
  }
  const forward = reportOnlyForwarder(onRefused, context.reportOnlyLog);
  if (forward === undefined) {
    context.warn?.(
      `corsgate: ${name} is set but ${n('onRefused')} is not, so the report-only policy's refusals are reported nowhere. Add ${n('onRefused')}: (refusal) => { if (refusal.reportOnly) log.info(refusal.message); } (or set NODE_DEBUG=corsgate).`,
    );
  }
  if (forward !== undefined) allowed.onRefused = forward;
  // `credentialsShown` describes the enforced policy's credentials; the report-only policy's are its own.
  const nestedContext = context.credentialsShown === undefined ? context : { ...context, credentialsShown: undefined };
  try {
    return compileNested(allowed as ReadOptions<Req>, nestedContext);
  } catch (err) {
    if (!(err instanceof CorsConfigError)) throw err;
    problems.push(...prefixed(err.problems, name));
    return undefined;
  }
}

function prefixed(list: readonly ConfigProblem[], name: string): ConfigProblem[] {
  return list.map((p) => (p.option.startsWith(`${name}.`) ? p : { ...p, option: `${name}.${p.option}` }));
}

/**
 * The report-only policy's `onRefused`: the refusal, copied with `reportOnly: true` and frozen, to the debug
 * line (`reportOnlyLog`) and the enforced policy's `onRefused`. Undefined when neither is there.
 */
function reportOnlyForwarder<Req>(
  onRefused: OnRefused<Req> | undefined,
  log: ((refusal: CorsRefusal) => void) | undefined,
): OnRefused<Req> | undefined {
  if (onRefused === undefined && log === undefined) return undefined;
  return (refusal, req) => {
    const reported: CorsRefusal = Object.freeze({ ...refusal, reportOnly: true });
    if (log !== undefined) log(reported);
    // returned: an async onRefused's Promise, whose rejection `report` catches and warns about
    if (onRefused !== undefined) return onRefused(reported, req);
  };
}
