/**
 * `decide(policy, facts, req)`: from the facts of one request to a decision (what kind of request it
 * is, whether a browser will allow it, the headers to set, the preflight answer, and the reason for a
 * refusal). Synchronous except when the origin is decided by a user callback.
 */
import { CorsConfigError } from './config-error.js';
import { ALLOW_HEADERS, ALLOW_ORIGIN, ALLOW_PRIVATE_NETWORK, type Header } from './header-names.js';
import type { OriginCallbackResult } from './options.js';
import { scanOrigin } from './origin.js';
import { allowlistMatches, compileOriginRule, inexactMatches, type OriginRule } from './origin-rule.js';
import type { CorsPolicy } from './policy.js';
import {
  type CorsRefusal,
  credentialsNotAllowed,
  headerNotAllowed,
  methodNotAllowed,
  originMalformed,
  originNotAllowed,
  privateNetworkNotAllowed,
  requestHeadersMalformed,
  requestHeadersTooLarge,
} from './refusal.js';
import { isCanonicalHeaderList, parseRequestHeaders } from './tokens.js';

/** What an adapter reads off a request. Header values as received, `undefined` when absent. */
export interface RequestFacts {
  readonly method: string;
  readonly origin: string | undefined;
  readonly accessControlRequestMethod?: string | undefined;
  readonly accessControlRequestHeaders?: string | undefined;
  readonly accessControlRequestPrivateNetwork?: string | undefined;
  /** The request carries a `Cookie` header (so it was sent with credentials). */
  readonly hasCookie?: boolean;
  /** `Sec-Fetch-Site`: a same-origin request is not reported as refused. */
  readonly secFetchSite?: string | undefined;
}

/**
 * - `preflight`: OPTIONS with `Origin` and `Access-Control-Request-Method` (Fetch Standard §4.8).
 * - `actual`: any other request with `Origin`.
 * - `not-cors`: no `Origin` (or CORS turned off): the browser applies no CORS check.
 */
export type RequestKind = 'preflight' | 'actual' | 'not-cors';

export interface CorsDecision {
  readonly kind: RequestKind;
  /** False when a browser will block the request; `refusal` then says why. */
  readonly allowed: boolean;
  /** CORS response headers to set (Vary excluded). */
  readonly headers: readonly Header[];
  /** Names to append to `Vary`, or undefined. */
  readonly vary: string | undefined;
  /** True when the middleware answers the request itself (a preflight, unless `preflightContinue`). */
  readonly respond: boolean;
  /** The status of that answer. */
  readonly status: number;
  readonly refusal: CorsRefusal | undefined;
}

const NO_HEADERS: readonly Header[] = Object.freeze([]);
const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

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
  /** Allowed actual requests, by exact origin (every exact origin of the allowlist). */
  readonly byOrigin: ReadonlyMap<string, CorsDecision> | undefined;
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
   * Origin-callback answers (a string, RegExp or list) compiled into rules, by the answer itself, so that
   * a callback that keeps answering the same value does not re-validate it (Public Suffix List
   * included) on every request. At most `MAX_CALLBACK_ANSWERS_CACHED` entries, emptied when full.
   */
  readonly callbackAnswers: Map<unknown, OriginRule> | undefined;
}

export const MAX_CALLBACK_ANSWERS_CACHED = 64;

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

function cachedRefusal(cache: RefusedCache, origin: string): CorsDecision | undefined {
  const slot = refusedSlot(origin);
  return cache.origins[slot] === origin ? cache.decisions[slot] : undefined;
}

interface PreflightMemo {
  readonly method: string;
  readonly requestHeaders: string | undefined;
  readonly privateNetwork: string | undefined;
  readonly decision: CorsDecision;
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
    };
  }
  const anyOrigin = rule.kind === 'any' ? freeze(actualAllowed(policy, 'actual', '*')) : undefined;
  const noOrigin =
    rule.kind === 'any'
      ? freeze(actualAllowed(policy, 'not-cors', '*'))
      : rule.kind === 'callback'
        ? undefined
        : freeze(passThrough(policy.varyActual));
  let byOrigin: Map<string, CorsDecision> | undefined;
  if (rule.kind === 'allowlist' && rule.exact.size > 0) {
    byOrigin = new Map();
    for (const origin of rule.exact) {
      if (origin !== 'null' || policy.allowNullOrigin)
        byOrigin.set(origin, freeze(actualAllowed(policy, 'actual', origin)));
    }
  }
  const preflights = rule.kind === 'any' || byOrigin !== undefined ? new Map<string, PreflightMemo>() : undefined;
  const refused: RefusedCache | undefined =
    rule.kind === 'allowlist'
      ? {
          origins: new Array(MAX_REFUSED_CACHED).fill(undefined),
          decisions: new Array(MAX_REFUSED_CACHED).fill(undefined),
        }
      : undefined;
  const callbackAnswers = rule.kind === 'callback' ? new Map<unknown, OriginRule>() : undefined;
  return { always: undefined, noOrigin, anyOrigin, byOrigin, preflights, refused, callbackAnswers };
}

/**
 * Shared decisions are frozen objects; their `headers` arrays are left unfrozen (they are typed readonly)
 * because reading elements of a frozen array is measurably slower in Node 20's V8, on the hot path.
 */
function freeze(decision: CorsDecision): CorsDecision {
  return Object.freeze(decision);
}

function actualAllowed(policy: Omit<CorsPolicy<never>, 'cache'>, kind: RequestKind, allowOrigin: string): CorsDecision {
  return {
    kind,
    allowed: true,
    headers: withAllowOrigin(allowOrigin, policy.actualHeaders),
    vary: policy.varyActual,
    respond: false,
    status: 0,
    refusal: undefined,
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

export function decide<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  req: Req,
): CorsDecision | Promise<CorsDecision> {
  return (
    decideCached(
      policy as CorsPolicy<never>,
      facts.method,
      facts.origin,
      facts.accessControlRequestMethod,
      facts.accessControlRequestHeaders,
      facts.accessControlRequestPrivateNetwork,
      facts.hasCookie === true,
    ) ?? decideUncached(policy, facts, req)
  );
}

/** `decide` without the cache lookup, for adapters that tried `decideCached` already. */
export function decideUncached<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  req: Req,
): CorsDecision | Promise<CorsDecision> {
  const rule = policy.origin;
  if (rule.kind === 'disabled') return passThrough(undefined);
  const origin = facts.origin;
  const kind: RequestKind =
    origin === undefined
      ? 'not-cors'
      : facts.method === 'OPTIONS' && facts.accessControlRequestMethod !== undefined
        ? 'preflight'
        : 'actual';

  if (rule.kind === 'any') {
    // The answer does not depend on the origin; `*` also serves responses cached from requests without Origin.
    return allow(policy, facts, kind, '*', req);
  }
  if (origin === undefined) {
    if (rule.kind === 'callback') {
      // Like `cors`, the callback also sees requests without Origin (and may fail them).
      return runOriginCallback(policy, undefined).then(() => passThrough(policy.varyActual));
    }
    return passThrough(policy.varyActual);
  }
  if (kind === 'actual') {
    // The same origin refused before: the same answer, reported again (an allowlist's refusals depend only on the origin).
    const refused = policy.cache.refused !== undefined ? cachedRefusal(policy.cache.refused, origin) : undefined;
    if (refused !== undefined) {
      report(policy, facts, refused.refusal as CorsRefusal, req);
      return refused;
    }
  }
  if (origin === 'null') {
    // The opt-in permits "null"; an allowlist must still list it (a RegExp never matches it).
    if (!policy.allowNullOrigin || (rule.kind === 'allowlist' && !rule.exact.has(origin)))
      return refuse(policy, facts, kind, originNotAllowed(origin, kind === 'preflight'), req);
    if (rule.kind !== 'callback') return allow(policy, facts, kind, origin, req);
  } else if (rule.kind === 'allowlist' && rule.exact.has(origin)) {
    return allow(policy, facts, kind, origin, req);
  } else if (!scanOrigin(origin)) {
    // Bounded, linear in the (length-capped) value, no allocation; patterns then use the parts found.
    return refuse(policy, facts, kind, originMalformed(origin, kind === 'preflight'), req);
  }
  switch (rule.kind) {
    case 'reflect':
      return allow(policy, facts, kind, origin, req);
    case 'allowlist':
      return inexactMatches(rule, origin, true)
        ? allow(policy, facts, kind, origin, req)
        : refuse(policy, facts, kind, originNotAllowed(origin, kind === 'preflight'), req);
    case 'callback':
      return runOriginCallback(policy, origin).then((answer) => {
        const allowed = interpretCallbackAnswer(policy, answer, origin);
        if (allowed === false) return refuse(policy, facts, kind, originNotAllowed(origin, kind === 'preflight'), req);
        return allow(policy, facts, kind, allowed, req);
      });
  }
}

function passThrough(vary: string | undefined): CorsDecision {
  return { kind: 'not-cors', allowed: true, headers: NO_HEADERS, vary, respond: false, status: 0, refusal: undefined };
}

function refuse<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  kind: RequestKind,
  refusal: CorsRefusal,
  req: Req,
): CorsDecision {
  report(policy, facts, refusal, req);
  const preflight = kind === 'preflight';
  const decision: CorsDecision = {
    kind,
    allowed: false,
    headers: NO_HEADERS,
    vary: preflight ? policy.varyPreflight : policy.varyActual,
    respond: preflight && !policy.preflightContinue,
    status: preflight ? policy.preflightStatus : 0,
    refusal,
  };
  const refused = policy.cache.refused;
  if (kind === 'actual' && refused !== undefined && facts.origin !== undefined) {
    const slot = refusedSlot(facts.origin);
    refused.origins[slot] = facts.origin;
    refused.decisions[slot] = decision;
  }
  return decision;
}

/** Policies whose onRefused has thrown (warned once each, so a broken logger cannot flood the warnings). */
const onRefusedFailures = new WeakSet<object>();

/**
 * Tells the app about a refusal. A throwing `onRefused` (a logging bug) must not turn a request into a
 * 500 nor change its answer: the error goes to the compile context's `warn` (a process warning on Node).
 */
function report<Req>(policy: CorsPolicy<Req>, facts: RequestFacts, refusal: CorsRefusal, req: Req): void {
  if (policy.onRefused === undefined || facts.secFetchSite === 'same-origin') return;
  try {
    policy.onRefused(refusal, req);
  } catch (err) {
    if (onRefusedFailures.has(policy)) return;
    onRefusedFailures.add(policy);
    policy.originContext.warn(
      `corsgate: onRefused threw (${err instanceof Error ? err.message : String(err)}); the request was answered as refused all the same. Fix the onRefused function.`,
    );
  }
}

function allow<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  kind: RequestKind,
  allowOrigin: string,
  req: Req,
): CorsDecision {
  if (kind !== 'preflight') {
    let refusal: CorsRefusal | undefined;
    if (kind === 'actual' && !policy.credentials && facts.hasCookie === true) {
      refusal = credentialsNotAllowed(facts.origin as string);
      report(policy, facts, refusal, req);
    }
    return {
      kind,
      allowed: refusal === undefined,
      headers: withAllowOrigin(allowOrigin, policy.actualHeaders),
      vary: policy.varyActual,
      respond: false,
      status: 0,
      refusal,
    };
  }
  const origin = facts.origin as string;
  const headers = withAllowOrigin(allowOrigin, policy.preflightHeaders) as Header[];
  let refusal = checkPreflight(policy, facts, origin, headers);
  if (facts.accessControlRequestPrivateNetwork === 'true') {
    if (policy.allowPrivateNetwork) headers.push([ALLOW_PRIVATE_NETWORK, 'true']);
    else refusal ??= privateNetworkNotAllowed(origin);
  }
  if (refusal !== undefined) {
    report(policy, facts, refusal, req);
    return {
      kind,
      allowed: false,
      headers,
      vary: policy.varyPreflight,
      respond: !policy.preflightContinue,
      status: policy.preflightStatus,
      refusal,
    };
  }
  const decision: CorsDecision = {
    kind,
    allowed: true,
    headers,
    vary: policy.varyPreflight,
    respond: !policy.preflightContinue,
    status: policy.preflightStatus,
    refusal: undefined,
  };
  const cache = policy.cache;
  const key = allowOrigin === '*' ? '' : origin;
  if (cache.preflights !== undefined && (key === '' ? cache.anyOrigin !== undefined : cache.byOrigin?.has(key))) {
    // Remember this answer for the next identical preflight from the same exact origin (one per origin).
    cache.preflights.set(key, {
      method: facts.accessControlRequestMethod as string,
      requestHeaders: facts.accessControlRequestHeaders,
      privateNetwork: facts.accessControlRequestPrivateNetwork,
      decision: freeze(decision),
    });
  }
  return decision;
}

function withAllowOrigin(allowOrigin: string, rest: readonly Header[]): Header[] {
  const headers: Header[] = [[ALLOW_ORIGIN, allowOrigin]];
  for (let i = 0; i < rest.length; i++) headers.push(rest[i] as Header);
  return headers;
}

/** The method and header checks of a CORS-preflight fetch (Fetch Standard §4.8, steps 7.3–7.7). */
function checkPreflight(
  policy: CorsPolicy<never>,
  facts: RequestFacts,
  origin: string,
  headers: Header[],
): CorsRefusal | undefined {
  const method = facts.accessControlRequestMethod as string;
  const methods = policy.methods;
  const methodRefusal =
    methods === 'any' || SAFELISTED_METHODS.has(method) || methods.has(method)
      ? undefined
      : methodNotAllowed(method, origin);

  const rule = policy.requestHeaders;
  const requested = facts.accessControlRequestHeaders;
  if (rule.kind === 'reflect' && requested !== undefined && isCanonicalHeaderList(requested)) {
    // What browsers send (lower case, no spaces, no empty elements) is already the reflected value.
    headers.push([ALLOW_HEADERS, requested]);
    return methodRefusal;
  }
  const parsed = parseRequestHeaders(requested);
  if (!parsed.ok) {
    return (
      methodRefusal ??
      (parsed.problem === 'too-large'
        ? requestHeadersTooLarge(parsed.value, origin)
        : requestHeadersMalformed(parsed.value, origin))
    );
  }
  if (rule.kind === 'reflect') {
    if (parsed.names.length > 0) headers.push([ALLOW_HEADERS, parsed.names.join(',')]);
    return methodRefusal;
  }
  if (methodRefusal !== undefined) return methodRefusal;
  for (const name of parsed.names) {
    if (rule.names.has(name)) continue;
    if (rule.wildcard && name !== 'authorization') continue;
    return headerNotAllowed(name, origin, rule.wildcard);
  }
  return undefined;
}

/** Runs the user's origin callback (node-style, returned value, or Promise) with a time limit. */
function runOriginCallback(policy: CorsPolicy<never>, origin: string | undefined): Promise<OriginCallbackResult> {
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
function interpretCallbackAnswer(
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
