/**
 * Origin callbacks: running the user's function (node-style callback, returned value or Promise) with a
 * time limit, and reading its answer. The only asynchronous step of a decision.
 */
import { CorsConfigError } from './config-error.js';
import type { OriginCallbackResult } from './options.js';
import { allowlistMatches, compileOriginRule, type OriginRule } from './origin-rule.js';
import type { CorsPolicy } from './policy.js';

/** Distinct callback answers (strings, RegExps, lists) kept compiled per policy; emptied when full. */
export const MAX_CALLBACK_ANSWERS_CACHED = 64;

/** Runs the user's origin callback (node-style, returned value, or Promise) with a time limit. */
export function runOriginCallback(
  policy: CorsPolicy<never>,
  origin: string | undefined,
): Promise<OriginCallbackResult> {
  const rule = policy.origin as Extract<OriginRule, { kind: 'callback' }>;
  return new Promise((resolve, reject) => {
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const settle = (err: unknown, answer?: OriginCallbackResult): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      if (err !== null && err !== undefined) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(answer);
    };
    if (policy.originCallbackTimeout !== Number.POSITIVE_INFINITY) {
      timer = setTimeout(() => {
        settle(
          new CorsOriginTimeoutError(
            `corsgate: the origin callback did not answer within ${policy.originCallbackTimeout} ms for Origin ${JSON.stringify(origin)}; the request was failed, not allowed. Make the callback answer faster or raise originCallbackTimeout.`,
          ),
        );
      }, policy.originCallbackTimeout);
    }
    try {
      const returned = rule.callback(origin, settle);
      if (returned !== undefined) {
        if (isThenable(returned))
          returned.then(
            // A promise resolved without a value (void) is an `undefined` answer: refused.
            (answer) => settle(null, answer as OriginCallbackResult),
            (err: unknown) => settle(err ?? new Error('origin callback rejected')),
          );
        else settle(null, returned);
      }
    } catch (err) {
      settle(err ?? new Error('origin callback threw'));
    }
  });
}

// biome-ignore lint/suspicious/noConfusingVoidType: an async node-style callback resolves void
function isThenable(value: unknown): value is PromiseLike<OriginCallbackResult | void> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/** The callback's answer as the value for Access-Control-Allow-Origin, or false to refuse. */
export function interpretCallbackAnswer(
  policy: CorsPolicy<never>,
  answer: OriginCallbackResult,
  origin: string,
): string | false {
  if (answer === true) return origin;
  if (answer === false || answer === undefined || answer === null) return false;
  if (answer === '*') {
    if (policy.credentials) {
      throw new CorsConfigError([
        {
          option: 'origin',
          value: 'callback answered "*"',
          problem: 'with credentials, "*" would let every website act as your users (and browsers reject it).',
          fix: 'answer true for the origins you trust, false for the rest.',
        },
      ]);
    }
    return '*';
  }
  const cache = policy.cache.callbackAnswers;
  let rule = cache?.get(answer);
  if (rule === undefined) {
    const problems: Parameters<typeof compileOriginRule>[2] = [];
    rule = compileOriginRule(answer, policy.originContext, problems, 'origin (callback answer)');
    if (problems.length > 0) throw new CorsConfigError(problems);
    if (cache !== undefined) {
      if (cache.size >= MAX_CALLBACK_ANSWERS_CACHED) cache.clear();
      cache.set(answer, rule);
    }
  }
  if (rule.kind === 'allowlist') return allowlistMatches(rule, origin) ? origin : false;
  return false;
}

/** The origin callback took longer than `originCallbackTimeout`. */
export class CorsOriginTimeoutError extends Error {
  override readonly name = 'CorsOriginTimeoutError';
}
