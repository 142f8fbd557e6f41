/**
 * `Access-Control-Allow-Origin`, from `origin` (Fetch Standard §3.2.3 and §4.10 "CORS check": the browser
 * lets script read the response only when the value is `*`, on a request without credentials, or the
 * request's `Origin` byte for byte). Sent on every allowed CORS request and preflight, first.
 *
 * Compiling checks the form of the option (src/core/origin-rule.ts turns it into a rule); per request,
 * `resolveAllowOrigin` finds the value for a request's `Origin`, or the refusal.
 */
import type { OptionNamer } from '../compile-context.js';
import type { ConfigProblem } from '../config-error.js';
import type { Header } from '../decision.js';
import { showConfigured as show } from '../log-safe.js';
import type { CorsOptions } from '../options.js';
import { scanOrigin } from '../origin.js';
import {
  type CallbackPolicy,
  interpretCallbackAnswer,
  type RequestOfCallback,
  runOriginCallback,
} from '../origin-callback.js';
import { inexactMatches, type OriginCompileContext, type OriginRule } from '../origin-rule.js';
import { type CorsRefusal, originMalformed, originNotAllowed, type RefusalNames } from '../refusal.js';

const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';

/** Compiles the `origin` option (`compileOriginRule`, or a cache of its results). */
export type OriginRuleCompiler = (
  value: CorsOptions['origin'],
  context: OriginCompileContext,
  problems: ConfigProblem[],
) => OriginRule;

export function compileAllowOrigin(
  opts: CorsOptions<never>,
  context: OriginCompileContext,
  originRule: OriginRuleCompiler,
  n: OptionNamer,
  dropInFor: string,
  problems: ConfigProblem[],
): OriginRule {
  if (Object.hasOwn(opts, 'origin') && (opts.origin === undefined || opts.origin === '')) {
    // Present but unset: `cors` (and the package the adapter stands in for) would allow every origin.
    // Never compiled to the default.
    problems.push(unsetOriginProblem(opts.origin, n, dropInFor));
    return { kind: 'disabled' };
  }
  return originRule(opts.origin, context, problems);
}

/**
 * `origin: undefined` or `origin: ''` written out: almost always an environment variable that is not set.
 * `dropInFor` is the package whose answer the message compares (`cors`, or the one an adapter stands in for).
 */
function unsetOriginProblem(value: undefined | '', n: OptionNamer, dropInFor: string): ConfigProblem {
  const what = value === undefined ? 'the value is undefined' : 'an empty string is not an origin; the value is empty';
  return {
    option: n('origin'),
    value: show(value),
    problem: `${what}, typically an environment variable that is not set (${n('origin')}: process.env.FRONTEND_URL). ${dropInFor} would send Access-Control-Allow-Origin: * to every website.`,
    fix: `set the variable (e.g. FRONTEND_URL=https://app.example.com), or fail at start-up when it is missing; to allow every origin on purpose, write ${n('origin')}: "*" or leave the ${n('origin')} key out.`,
  };
}

/** What resolving an origin needs of the policy. */
export interface OriginPolicy extends CallbackPolicy {
  readonly allowNullOrigin: boolean;
  readonly refusalNames: RefusalNames;
}

/**
 * The `Access-Control-Allow-Origin` value for a request's `Origin` (present, and the rule neither `any` nor
 * `disabled`), or the refusal; a Promise only for an origin callback. In order: `null` (only with the
 * opt-in, and listed when there is a list), the exact Set, the form of the origin (`scanOrigin`: bounded, no
 * allocation), then reflection, the patterns and RegExps, or the callback.
 */
export function resolveAllowOrigin<Req>(
  policy: OriginPolicy,
  origin: string,
  preflight: boolean,
  req: RequestOfCallback<Req>,
): string | CorsRefusal | Promise<string | CorsRefusal> {
  const rule = policy.origin;
  let hostEnd = -1;
  if (origin === 'null') {
    // The opt-in permits "null"; an allowlist must still list it (a RegExp never matches it).
    if (!policy.allowNullOrigin || (rule.kind === 'allowlist' && !rule.exact.has(origin))) {
      return originNotAllowed(origin, preflight, policy.refusalNames);
    }
    if (rule.kind !== 'callback') return origin;
  } else if (rule.kind === 'allowlist' && rule.exact.has(origin)) {
    return origin;
  } else {
    hostEnd = scanOrigin(origin);
    if (hostEnd < 0) return originMalformed(origin, preflight);
  }
  switch (rule.kind) {
    case 'reflect':
      return origin;
    case 'allowlist':
      return inexactMatches(rule, origin, hostEnd) ? origin : originNotAllowed(origin, preflight, policy.refusalNames);
    case 'callback':
      return runOriginCallback(policy, origin, req).then((answer) => {
        const allowed = interpretCallbackAnswer(policy, answer, origin);
        return allowed === false ? originNotAllowed(origin, preflight, policy.refusalNames) : allowed;
      });
    default:
      // `any` and `disabled` never get here (decide.ts answers them first).
      return originNotAllowed(origin, preflight, policy.refusalNames);
  }
}

/** `Access-Control-Allow-Origin` followed by the policy's constant headers, in a new array. */
export function withAllowOrigin(allowOrigin: string, rest: readonly Header[]): Header[] {
  const headers: Header[] = [[ALLOW_ORIGIN, allowOrigin]];
  for (let i = 0; i < rest.length; i++) headers.push(rest[i] as Header);
  return headers;
}
