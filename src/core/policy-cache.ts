/**
 * Policies for options that arrive per request (the `cors` options delegate). A delegate usually answers
 * with a fresh object each time, so policies are kept by the options' contents, not their identity: the
 * same contents compile once, and contents changed in place compile afresh. Options are read once
 * (`readOptions`: plain objects, class instances with getters and inherited values alike) and the key is
 * built from exactly what was read.
 *
 * A delegate whose options differ on every request (a fresh `onRefused` closure, a per-request `maxAge`)
 * still compiles its `origin` once: compiled origin rules are kept by the origin's contents on their own,
 * so a new policy costs the cheap options only, not the validation of a long allowlist again.
 * Both caches are bounded: emptied when full, so varying options cannot grow them.
 */
import type { ConfigProblem } from './config-error.js';
import { createContentKey } from './content-key.js';
import { type CorsOptions, OPTION_NAMES, type OriginCallback } from './options.js';
import {
  compileOriginRule,
  type OriginCompileContext,
  type OriginRule,
  requestOriginCallbacks,
} from './origin-rule.js';
import { type CompileContext, type CorsPolicy, compileRead, type OriginRuleCompiler } from './policy.js';
import { readOptions } from './read-options.js';

/** Distinct option contents kept compiled per delegate. */
export const MAX_POLICIES_CACHED = 64;
/** Distinct `origin` values kept compiled per delegate. */
const MAX_ORIGIN_RULES_CACHED = 64;

/** Short key parts for the known option names (an unknown name is keyed as a JSON string). */
const NAME_KEYS = new Map<string, string>(OPTION_NAMES.map((name, i) => [name, String(i)]));

export type PolicyLookup<Req> = (options: CorsOptions<Req> | null | undefined) => CorsPolicy<Req>;

export function createPolicyCache<Req>(context: CompileContext): PolicyLookup<Req> {
  const policies = new Map<string, CorsPolicy<Req>>();
  const originRules = new Map<string, OriginRule>();
  const keyOf = createContentKey();

  /** The origin's key, computed once per lookup for the policy key and reused by `originRule`. */
  let originKey: string | undefined;
  const originRule: OriginRuleCompiler = (value, originContext: OriginCompileContext, problems: ConfigProblem[]) => {
    // `originKey` is the enforced origin's (a `reportOnly` origin, compiled after it, is keyed by its own value)
    const key = `${originKey ?? keyOf(value)}|${originContext.production ? 'p' : ''}${originContext.allowNull ? 'n' : ''}${originContext.allowInsecure ? 'i' : ''}${originContext.allowUnsafeRegExp ? 'u' : ''}`;
    originKey = undefined;
    let rule = originRules.get(key);
    if (rule === undefined) {
      const before = problems.length;
      rule = compileOriginRule(value, originContext, problems);
      if (problems.length === before) {
        if (originRules.size >= MAX_ORIGIN_RULES_CACHED) originRules.clear();
        originRules.set(key, rule);
      }
    }
    return rule;
  };

  /** The key of options read by `readOptions`; functions by identity when `rebind` cannot swap them. */
  const optionsKey = (read: Readonly<Record<string, unknown>>, rebindable: boolean, top: boolean): string => {
    let key = '';
    for (const name in read) {
      const value = read[name];
      let part: string;
      if (rebindable && typeof value === 'function' && (name === 'onRefused' || name === 'origin')) {
        // A function given per request (often a closure over req) is not part of the key: see `rebind`.
        part = 'function';
      } else if (name === 'reportOnly' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
        // by contents, as the options themselves (a delegate usually answers with a fresh object)
        part = `{${optionsKey(readOptions(value), false, false)}}`;
      } else {
        part = keyOf(value);
        if (top && name === 'origin') originKey = part;
      }
      key += `${NAME_KEYS.get(name) ?? JSON.stringify(name)}=${part};`;
    }
    return key;
  };

  return (options) => {
    const read = readOptions(options);
    const onRefused = read.onRefused;
    const origin = read.origin;
    // A policy with `census` or `reportOnly` holds its functions in more than one place (the enforced
    // policy it watches, the report-only policy's forwarder): it is kept per function, not rebound.
    const watched = read.reportOnly !== undefined || read.census !== undefined;
    const key = optionsKey(read, !watched, true);
    let policy = policies.get(key);
    if (policy === undefined) {
      policy = compileRead(read, context, originRule);
      originKey = undefined;
      if (policies.size >= MAX_POLICIES_CACHED) policies.clear();
      policies.set(key, policy);
      return policy;
    }
    originKey = undefined;
    return rebind(policy, typeof origin === 'function' ? origin : undefined, onRefused);
  };
}

/**
 * The cached policy with this request's own origin callback and `onRefused`, when they are other functions
 * than the ones it was compiled with: what compile checked of them (that they are functions) holds, and
 * the decision cache does not depend on them, so it is shared.
 */
function rebind<Req>(
  policy: CorsPolicy<Req>,
  callback: OriginCallback | undefined,
  onRefused: CorsPolicy<Req>['onRefused'],
): CorsPolicy<Req> {
  const sameCallback =
    callback === undefined || (policy.origin.kind === 'callback' && policy.origin.callback === callback);
  if (sameCallback && policy.onRefused === onRefused) return policy;
  return Object.freeze({
    ...policy,
    origin: sameCallback
      ? policy.origin
      : {
          kind: 'callback' as const,
          callback: callback as OriginCallback,
          withRequest: requestOriginCallbacks.has(callback as OriginCallback),
        },
    onRefused,
  });
}
