/**
 * Policies for options that arrive per request (the `cors` options delegate). A delegate usually answers
 * with a fresh object literal each time, so policies are kept by the options' contents, not their
 * identity: the same contents compile once. Bounded: emptied when full, so varying options cannot grow it.
 */
import type { CorsOptions } from './options.js';
import { type CompileContext, type CorsPolicy, compile } from './policy.js';

/** Distinct option contents kept compiled per delegate. */
export const MAX_POLICIES_CACHED = 64;

export type PolicyLookup<Req> = (options: CorsOptions<Req> | null | undefined) => CorsPolicy<Req>;

export function createPolicyCache<Req>(context: CompileContext): PolicyLookup<Req> {
  const byContents = new Map<string, CorsPolicy<Req>>();
  const functionIds = new WeakMap<object, number>();
  let nextId = 0;
  const idOf = (fn: object): number => {
    let id = functionIds.get(fn);
    if (id === undefined) {
      id = nextId++;
      functionIds.set(fn, id);
    }
    return id;
  };
  const keyOf = (value: unknown): string => {
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'function') return `f${idOf(value)}`;
    if (value instanceof RegExp) return `r${JSON.stringify(value.source)}/${value.flags}`;
    if (Array.isArray(value)) return `[${value.map(keyOf).join(',')}]`;
    if (typeof value === 'object' && value !== null) {
      const keys = Object.keys(value).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${keyOf((value as Record<string, unknown>)[k])}`).join(',')}}`;
    }
    return String(value);
  };
  return (options) => {
    const key = options === null || options === undefined ? '' : keyOf(options);
    let policy = byContents.get(key);
    if (policy === undefined) {
      policy = compile(options, context);
      if (byContents.size >= MAX_POLICIES_CACHED) byContents.clear();
      byContents.set(key, policy);
    }
    return policy;
  };
}
