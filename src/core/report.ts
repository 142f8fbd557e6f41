/**
 * `onRefused`: the app hears about every CORS request or preflight a browser will block, with the
 * reason, except same-origin ones (`Sec-Fetch-Site: same-origin`: no browser applies CORS to them).
 */
import type { OptionNamer } from './compile-context.js';
import type { ConfigProblem } from './config-error.js';
import { showConfigured as show } from './log-safe.js';
import type { CorsRefusal } from './refusal.js';
import { firstTime } from './warn-once.js';

export type OnRefused<Req> = (refusal: CorsRefusal, req: Req) => void;

export function checkOnRefused(value: unknown, n: OptionNamer, problems: ConfigProblem[]): void {
  if (value === undefined || typeof value === 'function') return;
  problems.push({
    option: n('onRefused'),
    value: show(value),
    problem: 'it must be a function (refusal, req) => void.',
    fix: `pass a function, e.g. ${n('onRefused')}: (refusal) => logger.warn(refusal.message).`,
  });
}

export interface ReportPolicy<Req> {
  readonly onRefused: OnRefused<Req> | undefined;
  readonly originContext: { readonly warn: (message: string) => void };
}

/** Policies whose onRefused has thrown (warned once each, so a broken logger cannot flood the warnings). */
const onRefusedFailures = new WeakSet<object>();

/**
 * Tells the app about a refusal (enforced, or `reportOnly`). A throwing or rejecting `onRefused` (a logging
 * bug) must not turn a request into a 500 nor change its answer: the error goes to the compile context's `warn` (a process warning on Node).
 */
export function report<Req>(
  policy: ReportPolicy<Req>,
  secFetchSite: string | undefined,
  refusal: CorsRefusal,
  req: Req,
): void {
  if (policy.onRefused === undefined || secFetchSite === 'same-origin') return;
  let returned: unknown;
  try {
    returned = policy.onRefused(refusal, req);
  } catch (err) {
    warnFailed(policy, 'threw', err);
    return;
  }
  // An `async` onRefused (a logger that awaits) whose Promise rejects must not become an unhandled
  // rejection, which ends a Node process by default: it is warned about like a throw.
  if (returned === null || (typeof returned !== 'object' && typeof returned !== 'function')) return;
  try {
    const then: unknown = (returned as { then?: unknown }).then;
    if (typeof then === 'function') {
      then.call(returned, undefined, (err: unknown) => warnFailed(policy, 'rejected', err));
    }
  } catch (err) {
    warnFailed(policy, 'threw', err);
  }
}

function warnFailed<Req>(policy: ReportPolicy<Req>, how: 'threw' | 'rejected', err: unknown): void {
  if (!firstTime(onRefusedFailures, policy)) return;
  policy.originContext.warn(
    `corsgate: onRefused ${how} (${err instanceof Error ? err.message : String(err)}); the request's answer is unchanged. Fix the onRefused function.`,
  );
}
