/**
 * `decide(policy, facts, req)`: from the facts of one request to a decision (what kind of request it
 * is, whether a browser will allow it, the headers to set, the preflight answer, and the reason for a
 * refusal). Synchronous except when the origin is decided by a user callback. Common requests are
 * answered from the policy's decision cache (src/core/decision-cache.ts); the rest are computed here.
 */

import {
  type CorsDecision,
  NO_HEADERS,
  passThrough,
  type RequestFacts,
  type RequestKind,
  withAllowOrigin,
} from './decision.js';
import {
  cachedRefusal,
  credentialRefusal,
  decideCached,
  rememberAllowed,
  rememberPreflight,
  rememberRefusal,
} from './decision-cache.js';
import { ALLOW_HEADERS, ALLOW_PRIVATE_NETWORK, type Header } from './header-names.js';
import { scanOrigin } from './origin.js';
import { interpretCallbackAnswer, runOriginCallback } from './origin-callback.js';
import { inexactMatches } from './origin-rule.js';
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

const SAFELISTED_METHODS = new Set(['GET', 'HEAD', 'POST']);

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
      // Like `cors`, the callback also sees requests without Origin (and may fail them); an answer of '*'
      // (without credentials) gets `*`, as with `cors`: harmless, it is what `origin: '*'` sends.
      return runOriginCallback(policy, undefined).then((answer) =>
        answer === '*' && !policy.credentials ? allow(policy, facts, kind, '*', req) : passThrough(policy.varyActual),
      );
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

function refuse<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  kind: RequestKind,
  refusal: CorsRefusal,
  req: Req,
): CorsDecision {
  const refused = policy.cache.refused;
  const shared = kind === 'actual' && refused !== undefined && facts.origin !== undefined;
  // Frozen when user code receives it (onRefused) or later requests share it (the refused cache); not
  // otherwise, as Object.freeze costs about 100 ns in Node 20.
  if (shared || policy.onRefused !== undefined) Object.freeze(refusal);
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
  if (shared) {
    rememberRefusal(refused, facts.origin as string, decision);
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
    if (kind === 'actual' && !policy.credentials && facts.hasCookie === true && blocksCredentialedRead(facts)) {
      const credentialRefusals = policy.cache.credentialRefusals;
      refusal =
        credentialRefusals === undefined
          ? credentialsNotAllowed(facts.origin as string)
          : credentialRefusal(credentialRefusals, facts.origin as string);
      report(policy, facts, refusal, req);
    }
    const decision: CorsDecision = {
      kind,
      allowed: refusal === undefined,
      headers: withAllowOrigin(allowOrigin, policy.actualHeaders),
      vary: policy.varyActual,
      respond: false,
      status: 0,
      refusal,
    };
    if (kind === 'actual' && refusal === undefined && allowOrigin === facts.origin) {
      rememberAllowed(policy as CorsPolicy<never>, allowOrigin, decision);
    }
    return decision;
  }
  const origin = facts.origin as string;
  const headers = withAllowOrigin(allowOrigin, policy.preflightHeaders) as Header[];
  let refusal = checkPreflight(policy, facts, origin, headers);
  if (facts.accessControlRequestPrivateNetwork === 'true') {
    if (policy.allowPrivateNetwork) headers.push([ALLOW_PRIVATE_NETWORK, 'true']);
    else refusal ??= privateNetworkNotAllowed(origin);
  }
  if (refusal !== undefined) {
    if (policy.onRefused !== undefined) Object.freeze(refusal);
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
  rememberPreflight(policy as CorsPolicy<never>, allowOrigin, facts, decision);
  return decision;
}

/**
 * A browser blocks a cookie-carrying response only from script reading it in a CORS fetch (mode `cors`).
 * A cross-site form post or link (`navigate`), an `<img>` or a `no-cors` fetch carries cookies and is not
 * blocked, so it is not a refusal. Without `Sec-Fetch-Mode` (Safari before 16.4, older browsers, or not a
 * browser) the request is taken as CORS: a refusal reported in doubt rather than one missed.
 */
function blocksCredentialedRead(facts: RequestFacts): boolean {
  const mode = facts.secFetchMode;
  return mode === undefined || mode === 'cors';
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
    if (rule.wildcard) narrowWildcard(headers, parsed.names);
    return headerNotAllowed(name, origin, rule.wildcard);
  }
  return undefined;
}

/**
 * `Access-Control-Allow-Headers: *` with Authorization requested and not listed: the Fetch Standard says a browser
 * must block it, but Firefox (by default) and WebKit let `*` cover Authorization. So the answer names the requested
 * headers `*` does cover instead of `*`, and every browser blocks the request (test/browser, every engine).
 */
function narrowWildcard(headers: Header[], requested: readonly string[]): void {
  const index = headers.findIndex(([name]) => name === ALLOW_HEADERS);
  if (index === -1) return;
  const covered = requested.filter((name) => name !== 'authorization');
  if (covered.length === 0) headers.splice(index, 1);
  else headers[index] = [ALLOW_HEADERS, covered.join(',')];
}
