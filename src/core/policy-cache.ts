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
import type { CorsOptions } from './options.js';
import { compileOriginRule, type OriginCompileContext, type OriginRule } from './origin-rule.js';
import { type CompileContext, type CorsPolicy, compileRead, type OriginRuleCompiler } from './policy.js';
import { readOptions } from './read-options.js';

/** Distinct option contents kept compiled per delegate. */
export const MAX_POLICIES_CACHED = 64;
/** Distinct `origin` values kept compiled per delegate. */
export const MAX_ORIGIN_RULES_CACHED = 64;

export type PolicyLookup<Req> = (options: CorsOptions<Req> | null | undefined) => CorsPolicy<Req>;

export function createPolicyCache<Req>(context: CompileContext): PolicyLookup<Req> {
  const policies = new Map<string, CorsPolicy<Req>>();
  const originRules = new Map<string, OriginRule>();
  const keyOf = createContentKey();

  const originRule: OriginRuleCompiler = (value, originContext: OriginCompileContext, problems: ConfigProblem[]) => {
    const key = `${keyOf(value)}|${originContext.production ? 'p' : ''}${originContext.allowNull ? 'n' : ''}${originContext.allowInsecure ? 'i' : ''}`;
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

  return (options) => {
    const read = readOptions(options);
    let key = '';
    for (const name in read) key += `${JSON.stringify(name)}=${keyOf((read as Record<string, unknown>)[name])};`;
    let policy = policies.get(key);
    if (policy === undefined) {
      policy = compileRead(read, context, originRule);
      if (policies.size >= MAX_POLICIES_CACHED) policies.clear();
      policies.set(key, policy);
    }
    return policy;
  };
}
