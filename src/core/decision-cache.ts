/**
 * The decision cache of a policy, built once by `compile`: decisions that depend only on the policy and
 * the origin are made at start-up and shared, so that a common request costs a lookup. The fast paths
 * here return exactly what the full computation (`decideUncached`, src/core/decide.ts) would, or
 * undefined when it must run; test/unit/decision-cache.test.ts holds them to that.
 */
import { type ContentKey, createContentKey } from './content-key.js';
import { actualAllowed, type CorsDecision, freeze, passThrough, type RequestFacts } from './decision.js';
import type { OriginRule } from './origin-rule.js';
import type { CorsPolicy } from './policy.js';
import { type CorsRefusal, credentialsNotAllowed } from './refusal.js';

/**
 * The decisions that do not depend on anything but the policy and the origin, built once and shared,
 * frozen: requests without `Origin`, allowed actual requests (per exact origin, or for `*`) that carry
 * no cookie the policy would refuse, and the last allowed preflight per exact origin. Built by `compile`.
 */
export interface DecisionCache {
  /** For every request when CORS is disabled. */
  readonly always: CorsDecision | undefined;
  /** For requests without `Origin` (undefined when an origin callback must see them). */
  readonly noOrigin: CorsDecision | undefined;
  /** For every actual request when `origin` is `'*'`. */
  readonly anyOrigin: CorsDecision | undefined;
  /** Allowed actual requests, by exact origin of the allowlist, filled as each origin is first allowed. */
  readonly byOrigin: Map<string, CorsDecision> | undefined;
  /**
   * The last allowed preflight answer per exact origin (key '' when `origin` is `'*'`), reused when the
   * next preflight from that origin asks for the same method and headers. Bounded by the exact list.
   */
  readonly preflights: Map<string, PreflightMemo> | undefined;
  /**
   * Recently refused actual requests of an allowlist: the same refusal for the same origin (still
   * reported to `onRefused` every time). A fixed number of slots, so it never grows with what is sent.
   */
  readonly refused: RefusedCache | undefined;
  /**
   * Origin-callback answers (a string, RegExp or list) compiled into rules, by the answer's contents
   * (`answerKey`), so that a callback that keeps answering the same value does not re-validate it (Public
   * Suffix List included) on every request, and one whose array changed in place is read afresh. At most
   * `MAX_CALLBACK_ANSWERS_CACHED` entries, emptied when full.
   */
  readonly callbackAnswers: Map<string, OriginRule> | undefined;
  readonly answerKey: ContentKey | undefined;
  /**
   * Recent `credentials-not-allowed` refusals (they depend only on the origin), frozen and shared, so that
   * a cookie-carrying request does not build and freeze a new one each time. Same slots as `refused`;
   * undefined with `credentials: true` or CORS off.
   */
  readonly credentialRefusals: CredentialRefusals | undefined;
}

/** A direct-mapped cache of `credentials-not-allowed` refusals, by origin. */
export interface CredentialRefusals {
  readonly origins: (string | undefined)[];
  readonly refusals: (CorsRefusal | undefined)[];
}

/** The frozen `credentials-not-allowed` refusal for `origin`: the one kept for it, or a new one, kept. */
export function credentialRefusal(cache: CredentialRefusals, origin: string): CorsRefusal {
  const slot = refusedSlot(origin);
  if (cache.origins[slot] === origin) return cache.refusals[slot] as CorsRefusal;
  const refusal = Object.freeze(credentialsNotAllowed(origin));
  cache.origins[slot] = origin;
  cache.refusals[slot] = refusal;
  return refusal;
}

/** Slots of the refused-origin cache (a power of two). */
export const MAX_REFUSED_CACHED = 256;

/** A direct-mapped cache: one origin per slot, chosen by a cheap hash; a newer origin replaces an older one. */
export interface RefusedCache {
  readonly origins: (string | undefined)[];
  readonly decisions: (CorsDecision | undefined)[];
}

function refusedSlot(origin: string): number {
  const len = origin.length;
  if (len === 0) return 0;
  return (
    (Math.imul(len, 31) + origin.charCodeAt(len - 1) + (origin.charCodeAt(len >> 1) << 3)) & (MAX_REFUSED_CACHED - 1)
  );
}

export function cachedRefusal(cache: RefusedCache, origin: string): CorsDecision | undefined {
  const slot = refusedSlot(origin);
  return cache.origins[slot] === origin ? cache.decisions[slot] : undefined;
}

interface PreflightMemo {
  readonly method: string;
  readonly requestHeaders: string | undefined;
  readonly privateNetwork: string | undefined;
  readonly decision: CorsDecision;
}

/** Remembers a refused actual request, for the next request from the same origin (one slot, overwritten). */
export function rememberRefusal(cache: RefusedCache, origin: string, decision: CorsDecision): void {
  const slot = refusedSlot(origin);
  cache.origins[slot] = origin;
  cache.decisions[slot] = freeze(decision);
}

/** Remembers an allowed preflight answer for the next identical preflight from the same exact origin (one per origin). */
export function rememberPreflight(
  policy: CorsPolicy<never>,
  allowOrigin: string,
  facts: RequestFacts,
  decision: CorsDecision,
): void {
  const cache = policy.cache;
  const key = allowOrigin === '*' ? '' : (facts.origin as string);
  if (cache.preflights !== undefined && (key === '' ? cache.anyOrigin !== undefined : isExactOrigin(policy, key))) {
    cache.preflights.set(key, {
      method: facts.accessControlRequestMethod as string,
      requestHeaders: facts.accessControlRequestHeaders,
      privateNetwork: facts.accessControlRequestPrivateNetwork,
      decision: freeze(decision),
    });
  }
}

/** An origin of the allowlist's exact Set (`null` is only there with `dangerouslyAllowNullOrigin`). */
function isExactOrigin(policy: CorsPolicy<never>, origin: string): boolean {
  const rule = policy.origin;
  return rule.kind === 'allowlist' && rule.exact.has(origin);
}

/**
 * Remembers the allowed answer to an actual request from an exact origin (without a cookie the policy
 * refuses), for every later one: `byOrigin` fills as origins are seen, so compiling a long allowlist does
 * not build a decision per origin up front.
 */
export function rememberAllowed(policy: CorsPolicy<never>, origin: string, decision: CorsDecision): void {
  const byOrigin = policy.cache.byOrigin;
  if (byOrigin !== undefined && !byOrigin.has(origin) && isExactOrigin(policy, origin)) {
    byOrigin.set(origin, freeze(decision));
  }
}

/** Builds the decision cache of a policy. Called by `compile` once. */
export function buildDecisionCache(policy: Omit<CorsPolicy<never>, 'cache'>): DecisionCache {
  const rule = policy.origin;
  if (rule.kind === 'disabled') {
    return {
      always: freeze(passThrough(undefined)),
      noOrigin: undefined,
      anyOrigin: undefined,
      byOrigin: undefined,
      preflights: undefined,
      refused: undefined,
      callbackAnswers: undefined,
      answerKey: undefined,
      credentialRefusals: undefined,
    };
  }
  const anyOrigin = rule.kind === 'any' ? freeze(actualAllowed(policy, 'actual', '*')) : undefined;
  const noOrigin =
    rule.kind === 'any'
      ? freeze(actualAllowed(policy, 'not-cors', '*'))
      : rule.kind === 'callback'
        ? undefined
        : freeze(passThrough(policy.varyActual));
  // Filled by `rememberAllowed` as exact origins are first seen.
  const byOrigin = rule.kind === 'allowlist' && rule.exact.size > 0 ? new Map<string, CorsDecision>() : undefined;
  const preflights = rule.kind === 'any' || byOrigin !== undefined ? new Map<string, PreflightMemo>() : undefined;
  const refused: RefusedCache | undefined =
    rule.kind === 'allowlist'
      ? {
          origins: new Array(MAX_REFUSED_CACHED).fill(undefined),
          decisions: new Array(MAX_REFUSED_CACHED).fill(undefined),
        }
      : undefined;
  const callback = rule.kind === 'callback';
  return {
    always: undefined,
    noOrigin,
    anyOrigin,
    byOrigin,
    preflights,
    refused,
    callbackAnswers: callback ? new Map<string, OriginRule>() : undefined,
    answerKey: callback ? createContentKey() : undefined,
    credentialRefusals: policy.credentials
      ? undefined
      : {
          origins: new Array(MAX_REFUSED_CACHED).fill(undefined),
          refusals: new Array(MAX_REFUSED_CACHED).fill(undefined),
        },
  };
}

/**
 * The fast path shared by `decide` and the adapters: the answer for the common cases straight from the
 * raw header values, without building a facts object, or undefined when `decideUncached` must do the
 * work. Returns exactly the decision `decideUncached` would (shared and frozen).
 */
export function decideCached(
  policy: CorsPolicy<never>,
  method: string | undefined,
  origin: string | undefined,
  accessControlRequestMethod: string | undefined,
  accessControlRequestHeaders: string | undefined,
  accessControlRequestPrivateNetwork: string | undefined,
  hasCookie: boolean,
): CorsDecision | undefined {
  const cache = policy.cache;
  if (cache.always !== undefined) return cache.always;
  if (origin === undefined) return cache.noOrigin;
  if (accessControlRequestMethod !== undefined && method === 'OPTIONS') {
    const preflights = cache.preflights;
    if (preflights === undefined) return undefined;
    const memo = preflights.get(cache.anyOrigin !== undefined ? '' : origin);
    return memo !== undefined &&
      memo.method === accessControlRequestMethod &&
      memo.requestHeaders === accessControlRequestHeaders &&
      memo.privateNetwork === accessControlRequestPrivateNetwork
      ? memo.decision
      : undefined;
  }
  if (hasCookie && !policy.credentials) return undefined;
  if (cache.anyOrigin !== undefined) return cache.anyOrigin;
  return cache.byOrigin?.get(origin);
}

/** Request headers as node:http presents them: lower-case names, a value per name. */
export type LowerCaseHeaders = { readonly [name: string]: string | readonly string[] | undefined };

/**
 * `decideCached` straight from a node:http-style header record, reading only the headers the case needs.
 * A header given as a list (which node:http does only for a few names, none of these) is not cached.
 */
export function decideCachedFromHeaders(
  policy: CorsPolicy<never>,
  method: string | undefined,
  headers: LowerCaseHeaders,
): CorsDecision | undefined {
  const cache = policy.cache;
  if (cache.always !== undefined) return cache.always;
  const origin = headers.origin;
  if (origin === undefined) return cache.noOrigin;
  if (typeof origin !== 'string') return undefined;
  const requestMethod = headers['access-control-request-method'];
  if (requestMethod === undefined || method !== 'OPTIONS') {
    // An actual request: the same steps as decideCached, without the preflight branch.
    if (!policy.credentials && headers.cookie !== undefined) return undefined;
    return cache.anyOrigin ?? cache.byOrigin?.get(origin);
  }
  const requestHeaders = headers['access-control-request-headers'];
  const privateNetwork = headers['access-control-request-private-network'];
  if (typeof requestMethod !== 'string' || Array.isArray(requestHeaders) || Array.isArray(privateNetwork)) {
    return undefined;
  }
  return decideCached(
    policy,
    method,
    origin,
    requestMethod,
    requestHeaders as string | undefined,
    privateNetwork as string | undefined,
    false,
  );
}
