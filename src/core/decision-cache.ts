/**
 * The memo layer around the full computation (src/core/decide.ts). A decision that depends only on the
 * policy and a few request facts is kept, shared and frozen, under exactly those facts:
 *
 * - without `Origin`, and every request when CORS is off: one decision each, made at start-up;
 * - an allowed actual request: by origin (one decision for `origin: '*'`), except a cookie-carrying one
 *   when `credentials` is off (its answer carries a refusal to report);
 * - an allowed preflight: the last one per origin (or `*`), under its `Access-Control-Request-Method`,
 *   `-Headers` and `-Private-Network` values as received;
 *
 *   an exact origin of the allowlist at once; an origin allowed by a pattern, a RegExp or `origin: true`
 *   (whose number is the sender's choice) from its second actual request, or second preflight: the first
 *   time it is only noted in a bounded set (`admitted`), so a flood of origins that are each sent once keeps
 *   nothing (origin callbacks, which may answer differently each time, are never memoized);
 * - a refused actual request of an allowlist: by origin, in a fixed number of slots (its refusal depends
 *   on the origin alone; decide.ts reports it again every time). Frozen only when the origin comes back,
 *   so a flood of origins that are never sent twice costs an array store each, not a frozen decision.
 *
 * `recall` reads only the facts that are the key; a miss runs the full computation, and `remember` keeps
 * what it may. test/unit/decision-cache.test.ts checks that a memoized answer equals the full computation.
 * Every memo is bounded: per origin at most `MAX_ORIGINS_MEMOIZED` (emptied when full), whatever is sent.
 */
import { type ContentKey, createContentKey } from './content-key.js';
import type { Header } from './decision.js';
import { type CorsDecision, freeze, passThrough, type RequestFacts } from './decision.js';
import { withAllowOrigin } from './headers/allow-origin.js';
import type { OriginRule } from './origin-rule.js';
import type { RequestKind } from './preflight.js';
import { type CorsRefusal, credentialsNotAllowed, type RefusalNames } from './refusal.js';
import type { RequestReader } from './request.js';

/**
 * The decisions kept for a policy, built by `compile` (fields undefined where they cannot apply).
 */
export interface DecisionCache {
  /** For every request when CORS is disabled. */
  readonly always: CorsDecision | undefined;
  /** For requests without `Origin` (undefined when an origin callback must see them). */
  readonly noOrigin: CorsDecision | undefined;
  /** For every actual request when `origin` is `'*'`. */
  readonly anyOrigin: CorsDecision | undefined;
  /** Allowed actual requests, by origin (an exact one as it is first allowed; others when `admitted`). */
  readonly byOrigin: Map<string, CorsDecision> | undefined;
  /** The last allowed preflight per origin (key '' when `origin` is `'*'`). */
  readonly preflights: Map<string, PreflightMemo> | undefined;
  /**
   * Origins allowed once by a pattern, a RegExp or `origin: true`, one set for actual requests and one for
   * preflights (each at most `MAX_ORIGINS_MEMOIZED`, emptied when full): such an origin is memoized from its
   * second time (`admitted`).
   */
  readonly seenActual: Set<string> | undefined;
  readonly seenPreflight: Set<string> | undefined;
  /** Recently refused actual requests of an allowlist, by origin, in fixed slots. */
  readonly refused: RefusedCache | undefined;
  /**
   * Origin-callback answers (a string, RegExp or list) compiled into rules, by the answer's contents
   * (`answerKey`), so that a callback that keeps answering the same value does not re-validate it on every
   * request. At most `MAX_CALLBACK_ANSWERS_CACHED` entries (origin-callback.ts), emptied when full.
   */
  readonly callbackAnswers: Map<string, OriginRule> | undefined;
  readonly answerKey: ContentKey | undefined;
  /** Recent frozen `credentials-not-allowed` refusals, by origin; undefined with `credentials: true`. */
  readonly credentialRefusals: CredentialRefusals | undefined;
}

/** What the memo layer needs of a policy. */
export interface MemoPolicy {
  readonly origin: OriginRule;
  readonly credentials: boolean;
  readonly cache: DecisionCache;
}

/** Distinct origins kept per memo (`byOrigin`, `preflights`); each is emptied when full. */
export const MAX_ORIGINS_MEMOIZED = 1024;

/** Slots of the refused-origin cache (a power of two). */
export const MAX_REFUSED_CACHED = 256;

interface PreflightMemo {
  readonly method: string;
  readonly requestHeaders: string | undefined;
  readonly privateNetwork: string | undefined;
  readonly decision: CorsDecision;
}

/**
 * A direct-mapped cache: one origin per slot, chosen by a cheap hash; a newer origin replaces an older one.
 * A decision is frozen (shared) from its origin's second request on.
 */
export interface RefusedCache {
  readonly origins: (string | undefined)[];
  readonly decisions: (CorsDecision | undefined)[];
  /** 1 where the slot's decision is frozen and shared (its origin came back), 0 where it is not yet. */
  readonly shared: Uint8Array;
}

/** A direct-mapped cache of `credentials-not-allowed` refusals, by origin. */
export interface CredentialRefusals {
  readonly origins: (string | undefined)[];
  readonly refusals: (CorsRefusal | undefined)[];
}

/** The parts of a policy its cache is built from. */
export interface CacheParts {
  readonly origin: OriginRule;
  readonly credentials: boolean;
  readonly actualHeaders: readonly Header[];
  readonly varyActual: string | undefined;
}

function allowedActual(kind: RequestKind, allowOrigin: string, parts: CacheParts): CorsDecision {
  const headers = withAllowOrigin(allowOrigin, parts.actualHeaders);
  return { kind, allowed: true, headers, vary: parts.varyActual, respond: false, status: 0, refusal: undefined };
}

function slots<T>(): (T | undefined)[] {
  return new Array<T | undefined>(MAX_REFUSED_CACHED).fill(undefined);
}

/** Builds the decision cache of a policy. Called by `compile` once. */
export function buildDecisionCache(parts: CacheParts): DecisionCache {
  const rule = parts.origin;
  if (rule.kind === 'disabled') {
    return {
      always: freeze(passThrough(undefined)),
      noOrigin: undefined,
      anyOrigin: undefined,
      byOrigin: undefined,
      preflights: undefined,
      seenActual: undefined,
      seenPreflight: undefined,
      refused: undefined,
      callbackAnswers: undefined,
      answerKey: undefined,
      credentialRefusals: undefined,
    };
  }
  const any = rule.kind === 'any';
  const callback = rule.kind === 'callback';
  const byOrigin = rule.kind === 'allowlist' || rule.kind === 'reflect' ? new Map<string, CorsDecision>() : undefined;
  // Origins not listed exactly, whose number is the sender's: admitted to the memo from their second time.
  const inexact =
    rule.kind === 'reflect' || (rule.kind === 'allowlist' && (rule.patterns !== undefined || rule.regexps.length > 0));
  return {
    always: undefined,
    noOrigin: any
      ? freeze(allowedActual('not-cors', '*', parts))
      : callback
        ? undefined
        : freeze(passThrough(parts.varyActual)),
    anyOrigin: any ? freeze(allowedActual('actual', '*', parts)) : undefined,
    byOrigin,
    preflights: any || byOrigin !== undefined ? new Map<string, PreflightMemo>() : undefined,
    seenActual: inexact ? new Set<string>() : undefined,
    seenPreflight: inexact ? new Set<string>() : undefined,
    refused:
      rule.kind === 'allowlist'
        ? { origins: slots(), decisions: slots(), shared: new Uint8Array(MAX_REFUSED_CACHED) }
        : undefined,
    callbackAnswers: callback ? new Map<string, OriginRule>() : undefined,
    answerKey: callback ? createContentKey() : undefined,
    credentialRefusals: parts.credentials ? undefined : { origins: slots(), refusals: slots() },
  };
}

/** Looks up the memoized decision for a CORS request (`origin` present), or undefined: then the full computation runs. */
export type Recall<Source> = (policy: MemoPolicy, source: Source, origin: string) => CorsDecision | undefined;

/**
 * The memo's lookup for requests read by `reader` (made once per reader: its functions are kept in the
 * closure, so that each read inlines). Reads only what the key needs: the method (and
 * `Access-Control-Request-Method` for `OPTIONS`); for an actual request `Cookie` (when `credentials` is off
 * and a decision is kept), for a preflight its `Access-Control-Request-Headers` and `-Private-Network`
 * (when a decision is kept for the origin).
 */
export function createRecall<Source>(reader: RequestReader<Source>): Recall<Source> {
  const readMethod = reader.method;
  const readRequestMethod = reader.requestMethod;
  const readRequestHeaders = reader.requestHeaders;
  const readPrivateNetwork = reader.requestPrivateNetwork;
  const hasCookie = reader.hasCookie;
  return function recall(policy, source, origin) {
    const cache = policy.cache;
    if (readMethod(source) !== 'OPTIONS') {
      const kept = cache.anyOrigin ?? cache.byOrigin?.get(origin);
      return kept !== undefined && (policy.credentials || !hasCookie(source)) ? kept : undefined;
    }
    const requestMethod = readRequestMethod(source);
    if (requestMethod === undefined) return undefined; // an OPTIONS request that is not a preflight
    const memo = cache.preflights?.get(cache.anyOrigin !== undefined ? '' : origin);
    return memo !== undefined &&
      memo.method === requestMethod &&
      memo.requestHeaders === readRequestHeaders(source) &&
      memo.privateNetwork === readPrivateNetwork(source)
      ? memo.decision
      : undefined;
  };
}

/**
 * Keeps a decision the full computation made, when it may answer later requests: an allowed answer to an
 * exact origin (or to any origin for `'*'`), under the facts `recall` compares.
 */
export function remember(policy: MemoPolicy, facts: RequestFacts, decision: CorsDecision): void {
  const cache = policy.cache;
  const origin = facts.origin;
  if (!decision.allowed || origin === undefined || decision.refusal !== undefined) return;
  if (decision.kind === 'actual') {
    const byOrigin = cache.byOrigin;
    if (byOrigin !== undefined && !byOrigin.has(origin) && admitted(policy.origin, cache.seenActual, origin)) {
      bounded(byOrigin).set(origin, freeze(decision));
    }
  } else if (decision.kind === 'preflight' && cache.preflights !== undefined) {
    const key = cache.anyOrigin !== undefined ? '' : origin;
    if (key !== '' && !admitted(policy.origin, cache.seenPreflight, key)) return;
    bounded(cache.preflights).set(key, {
      method: facts.accessControlRequestMethod as string,
      requestHeaders: facts.accessControlRequestHeaders,
      privateNetwork: facts.accessControlRequestPrivateNetwork,
      decision: freeze(decision),
    });
  }
}

/** The map, emptied first when it holds `MAX_ORIGINS_MEMOIZED` origins. */
function bounded<V>(map: Map<string, V>): Map<string, V> {
  if (map.size >= MAX_ORIGINS_MEMOIZED) map.clear();
  return map;
}

/**
 * Whether an allowed origin's decision may be memoized: at once for an origin of the allowlist's exact Set
 * (`null` is only there with `dangerouslyAllowNullOrigin`); otherwise when `seen` already holds it (its
 * second time), else it is noted now. (`recall`'s lookup has already hashed the origin string: V8 keeps
 * the hash, so these lookups cost little.)
 */
function admitted(rule: OriginRule, seen: Set<string> | undefined, origin: string): boolean {
  if (rule.kind === 'allowlist' && rule.exact.has(origin)) return true;
  if (seen === undefined) return false;
  if (seen.has(origin)) return true;
  if (seen.size >= MAX_ORIGINS_MEMOIZED) seen.clear();
  seen.add(origin);
  return false;
}

function originSlot(origin: string): number {
  const len = origin.length;
  if (len === 0) return 0;
  return (
    (Math.imul(len, 31) + origin.charCodeAt(len - 1) + (origin.charCodeAt(len >> 1) << 3)) & (MAX_REFUSED_CACHED - 1)
  );
}

export function cachedRefusal(cache: RefusedCache, origin: string): CorsDecision | undefined {
  const slot = originSlot(origin);
  if (cache.origins[slot] !== origin) return undefined;
  const decision = cache.decisions[slot] as CorsDecision;
  // The origin's second request: its decision is shared from now on (`rememberRefusal`).
  if (cache.shared[slot] === 0) {
    Object.freeze(decision.refusal);
    freeze(decision);
    cache.shared[slot] = 1;
  }
  return decision;
}

/**
 * Remembers a refused actual request, for the next request from the same origin (one slot, overwritten).
 * Kept as it is: it is frozen and shared by `cachedRefusal` when the origin comes back, so a flood of
 * origins that are never sent twice costs one array store each, not a frozen decision.
 */
export function rememberRefusal(cache: RefusedCache, origin: string, decision: CorsDecision): void {
  const slot = originSlot(origin);
  cache.origins[slot] = origin;
  cache.decisions[slot] = decision;
  cache.shared[slot] = 0;
}

/** The frozen `credentials-not-allowed` refusal for `origin`: the one kept for it, or a new one, kept. */
export function credentialRefusal(
  cache: CredentialRefusals | undefined,
  origin: string,
  names: RefusalNames,
): CorsRefusal {
  if (cache === undefined) return credentialsNotAllowed(origin, names);
  const slot = originSlot(origin);
  if (cache.origins[slot] === origin) return cache.refusals[slot] as CorsRefusal;
  const refusal = Object.freeze(credentialsNotAllowed(origin, names));
  cache.origins[slot] = origin;
  cache.refusals[slot] = refusal;
  return refusal;
}
