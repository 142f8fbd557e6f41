/**
 * Origin callbacks: running the user's function with a time limit (node-style or by its returned value,
 * by the rule in user-function.ts), and reading its answer by contents. The only asynchronous step of a
 * decision.
 */
import type { OptionNamer } from './compile-context.js';
import { type ConfigProblem, CorsConfigError } from './config-error.js';
import type { ContentKey } from './content-key.js';
import { quote, showConfigured as show } from './log-safe.js';
import type { OriginCallbackResult } from './options.js';
import {
  allowlistMatches,
  compileOriginRule,
  type OriginCompileContext,
  type OriginRule,
  requestOriginCallbacks,
} from './origin-rule.js';
import { readTimeLimit } from './time-limit.js';
import { callUserFunction } from './user-function.js';
import { firstTime } from './warn-once.js';

/** What running an origin callback needs of the policy. */
export interface CallbackPolicy {
  readonly origin: OriginRule;
  readonly credentials: boolean;
  readonly originCallbackTimeout: number;
  readonly originContext: OriginCompileContext;
  readonly cache: {
    readonly callbackAnswers: Map<string, OriginRule> | undefined;
    readonly answerKey: ContentKey | undefined;
  };
}

/** The request object the adapter passes along, for a callback that takes it (see `requestOriginCallback`). */
export type RequestOfCallback<Req> = Req;

const DEFAULT_ORIGIN_CALLBACK_TIMEOUT = 10_000;

/** `originCallbackTimeout`: 1 to 2^31-1 ms or `Infinity` (src/core/time-limit.ts). */
export function compileOriginCallbackTimeout(value: unknown, n: OptionNamer, problems: ConfigProblem[]): number {
  return readTimeLimit(n('originCallbackTimeout'), value, DEFAULT_ORIGIN_CALLBACK_TIMEOUT, problems);
}

/**
 * Marks an adapter's origin function that answers from the request's origin and the framework's own
 * request object (Hono's Context): `fn(origin, req)`, answering by its returned value or Promise. The core
 * passes the request it is deciding, so no adapter has to keep "the request being decided" aside.
 */
export function requestOriginCallback<Req>(
  fn: (origin: string | undefined, req: Req) => OriginCallbackResult | Promise<OriginCallbackResult>,
): (origin: string | undefined) => unknown {
  const callback = fn as (origin: string | undefined) => unknown;
  requestOriginCallbacks.add(callback);
  return callback;
}

/** Distinct callback answers (strings, RegExps, lists) kept compiled per policy; emptied when full. */
export const MAX_CALLBACK_ANSWERS_CACHED = 64;

/** Policies already warned about a callback answering twice, late, or failing after its answer. */
const lateWarnings = new WeakSet<object>();

/**
 * Runs the user's origin callback with a time limit. The first answer counts: a second call, a call after
 * the time limit, or an error after the answer changes nothing (the compile context's `warn` says so, once
 * per policy).
 */
export function runOriginCallback<Req>(
  policy: CallbackPolicy,
  origin: string | undefined,
  req: Req,
): Promise<OriginCallbackResult> {
  const rule = policy.origin as Extract<OriginRule, { kind: 'callback' }>;
  return new Promise((resolve, reject) => {
    let settled: 'answered' | 'timed out' | undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ignored: unknown;
    const settle = (err: unknown, answer?: OriginCallbackResult): void => {
      if (settled !== undefined) {
        warnLate(policy, settled, err);
        return;
      }
      settled = 'answered';
      if (timer !== undefined) clearTimeout(timer);
      if (err !== null && err !== undefined) reject(err instanceof Error ? err : new Error(String(err)));
      else resolve(answer);
    };
    if (policy.originCallbackTimeout !== Number.POSITIVE_INFINITY) {
      timer = setTimeout(() => {
        if (settled !== undefined) return;
        settle(new CorsOriginTimeoutError(timeoutMessage(policy, origin, ignored)));
        settled = 'timed out';
      }, policy.originCallbackTimeout);
    }
    try {
      if (rule.withRequest) {
        // An adapter's `(origin, req) => answer`: by its returned value, with the framework's request.
        const withRequest = rule.callback as (origin: string | undefined, req: Req) => unknown;
        callUserFunction((o: string | undefined) => withRequest(o, req), origin, settle);
      } else {
        callUserFunction(rule.callback, origin, settle, (value) => {
          ignored = value;
        });
      }
    } catch (err) {
      settle(err ?? new Error('corsgate: the origin callback threw'));
    }
  });
}

function timeoutMessage(policy: CallbackPolicy, origin: string | undefined, ignored: unknown): string {
  // A returned value that looks like an answer (not a Timeout or a helper's object): the likely mistake.
  const looksLikeAnswer =
    typeof ignored === 'boolean' || typeof ignored === 'string' || ignored instanceof RegExp || Array.isArray(ignored);
  const hint = looksLikeAnswer
    ? ` It is declared with two parameters (origin, callback), so only callback answers; the value it returned (${show(ignored)}) was ignored. Call callback(null, answer), or declare it (origin) => answer.`
    : ' Make the callback answer faster or raise originCallbackTimeout.';
  return `corsgate: the origin callback did not answer within ${policy.originCallbackTimeout} ms for Origin ${origin === undefined ? 'undefined' : quote(origin)}; the request was failed, not allowed.${hint}`;
}

function warnLate(policy: CallbackPolicy, settled: 'answered' | 'timed out', err: unknown): void {
  if (!firstTime(lateWarnings, policy)) return;
  const what =
    err !== null && err !== undefined
      ? `failed (${err instanceof Error ? err.message : String(err)}) after it had answered`
      : settled === 'timed out'
        ? 'answered after its time limit (the request had already failed)'
        : 'answered more than once';
  policy.originContext.warn(
    `corsgate: the origin callback ${what}; only the first answer counted. Call the callback exactly once per request.`,
  );
}

/** The callback's answer as the value for Access-Control-Allow-Origin, or false to refuse. */
export function interpretCallbackAnswer(
  policy: CallbackPolicy,
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
  const rule = compiledAnswer(policy, answer);
  if (rule.kind === 'allowlist') return allowlistMatches(rule, origin) ? origin : false;
  return false;
}

/** The answer compiled into a rule, from the policy's cache when the same contents were answered before. */
function compiledAnswer(policy: CallbackPolicy, answer: OriginCallbackResult): OriginRule {
  const { callbackAnswers: cache, answerKey } = policy.cache;
  const key = cache !== undefined && answerKey !== undefined ? answerKey(answer) : undefined;
  let rule = key !== undefined ? cache?.get(key) : undefined;
  if (rule === undefined) {
    const problems: Parameters<typeof compileOriginRule>[2] = [];
    rule = compileOriginRule(answer, policy.originContext, problems, 'origin (callback answer)', true);
    if (problems.length > 0) throw new CorsConfigError(problems);
    if (cache !== undefined && key !== undefined) {
      if (cache.size >= MAX_CALLBACK_ANSWERS_CACHED) cache.clear();
      cache.set(key, rule);
    }
  }
  return rule;
}

/** The origin callback took longer than `originCallbackTimeout`. */
export class CorsOriginTimeoutError extends Error {
  override readonly name = 'CorsOriginTimeoutError';
}
