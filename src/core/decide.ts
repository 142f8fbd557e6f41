/**
 * Deciding one request: read the request through the adapter's `RequestReader`, classify it, answer from
 * the memo layer (src/core/decision-cache.ts) when it holds the answer, else run the full computation:
 * each header's file answers its part (src/core/headers/), in the order a browser checks them. Synchronous
 * except when the origin is decided by a user callback.
 */

import type { Header } from './decision.js';
import { type CorsDecision, NO_HEADERS, passThrough, type RequestFacts } from './decision.js';
import { cachedRefusal, createRecall, credentialRefusal, remember, rememberRefusal } from './decision-cache.js';
import { cookieWithoutCredentials } from './headers/allow-credentials.js';
import { answerRequestHeaders } from './headers/allow-headers.js';
import { refuseMethod } from './headers/allow-methods.js';
import { resolveAllowOrigin, withAllowOrigin } from './headers/allow-origin.js';
import { answerPrivateNetwork } from './headers/private-network.js';
import { runOriginCallback } from './origin-callback.js';
import type { CorsPolicy } from './policy.js';
import { classify, type RequestKind } from './preflight.js';
import type { CorsRefusal } from './refusal.js';
import { report } from './report.js';
import { createFactsReading, factsReader, type RequestReader } from './request.js';
import { createWatcher } from './watch.js';

/**
 * Decides one request, read from `source`; `req` is what `onRefused` and an adapter's request-aware origin
 * callback receive (the framework's own request or context).
 */
export type Decider<Source> = <Req>(
  policy: CorsPolicy<Req>,
  source: Source,
  req: Req,
) => CorsDecision | Promise<CorsDecision>;

/**
 * The one request path, for requests read by `reader`. Made once per reader (at module load, by each
 * adapter): the reader's functions are kept in the closure, so each read inlines as a property load or one
 * `Headers.get`, as hand-written code would. `always` (CORS off), then `Origin` (`noOrigin` without it),
 * then the memo layer (src/core/decision-cache.ts), then, on a miss, the full computation.
 */
export function createDecider<Source>(reader: RequestReader<Source>): Decider<Source> {
  const readOrigin = reader.origin;
  const readMethod = reader.method;
  const recall = createRecall(reader);
  const readFacts = createFactsReading(reader);
  const decideRequest: Decider<Source> = function decideRequest(policy, source, req) {
    // `census` and `reportOnly` (src/core/watch.ts): around this same path, for policies that have them.
    if (policy.watch !== undefined) return watched(policy, source, req);
    const cache = policy.cache;
    if (cache.always !== undefined) return cache.always;
    const origin = readOrigin(source);
    if (origin === undefined) {
      if (cache.noOrigin !== undefined) return cache.noOrigin;
    } else {
      const kept = recall(policy, source, origin);
      if (kept !== undefined) return kept;
    }
    // A miss: the full computation, and what it may keep for later requests.
    const facts = readFacts(source, readMethod(source), origin);
    const decision = computeDecision(policy, facts, req);
    if (!(decision instanceof Promise) && decision.allowed && decision.refusal === undefined) {
      remember(policy, facts, decision);
    }
    return decision;
  };
  const watched = createWatcher(reader, decideRequest);
  return decideRequest;
}

/** The decision for a `RequestFacts` object (the exported `decide`). */
export const decide: Decider<RequestFacts> = createDecider(factsReader);

/** The full computation, without the memo layer: what every memoized answer must equal. */
export function computeDecision<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  req: Req,
): CorsDecision | Promise<CorsDecision> {
  const rule = policy.origin;
  if (rule.kind === 'disabled') return passThrough(undefined);
  const origin = facts.origin;
  const kind = classify(facts.method, origin, facts.accessControlRequestMethod);
  if (rule.kind === 'any') {
    // The answer does not depend on the origin; `*` also serves responses cached from requests without Origin.
    return allow(policy, facts, kind, '*', req);
  }
  if (origin === undefined) {
    if (rule.kind === 'callback') {
      // Like `cors`, the callback also sees requests without Origin (and may fail them); an answer of '*'
      // (without credentials) gets `*`, as with `cors`: harmless, it is what `origin: '*'` sends.
      return runOriginCallback(policy, undefined, req).then((answer) =>
        answer === '*' && !policy.credentials ? allow(policy, facts, kind, '*', req) : passThrough(policy.varyActual),
      );
    }
    return passThrough(policy.varyActual);
  }
  if (kind === 'actual' && policy.cache.refused !== undefined) {
    // The same origin refused before: the same answer, reported again (an allowlist's refusals depend only on the origin).
    const refused = cachedRefusal(policy.cache.refused, origin);
    if (refused !== undefined) {
      report(policy, facts.secFetchSite, refused.refusal as CorsRefusal, req);
      return refused;
    }
  }
  const resolved = resolveAllowOrigin(policy, origin, kind === 'preflight', req);
  if (resolved instanceof Promise) return resolved.then((answer) => answerFor(policy, facts, kind, answer, req));
  return answerFor(policy, facts, kind, resolved, req);
}

function answerFor<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  kind: RequestKind,
  resolved: string | CorsRefusal,
  req: Req,
): CorsDecision {
  return typeof resolved === 'string'
    ? allow(policy, facts, kind, resolved, req)
    : refuse(policy, facts, kind, resolved, req);
}

function refuse<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  kind: RequestKind,
  refusal: CorsRefusal,
  req: Req,
): CorsDecision {
  const refused = policy.cache.refused;
  const kept = kind === 'actual' && refused !== undefined && facts.origin !== undefined;
  // Frozen when user code receives it (onRefused), or by the refused cache when a later request shares it;
  // not otherwise, as Object.freeze costs about 100 ns in Node 20.
  if (policy.onRefused !== undefined) Object.freeze(refusal);
  report(policy, facts.secFetchSite, refusal, req);
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
  if (kept) rememberRefusal(refused, facts.origin as string, decision);
  return decision;
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
    if (kind === 'actual' && cookieWithoutCredentials(policy.credentials, facts.hasCookie, facts.secFetchMode)) {
      refusal = credentialRefusal(policy.cache.credentialRefusals, facts.origin as string, policy.refusalNames);
      report(policy, facts.secFetchSite, refusal, req);
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
  // The checks of a CORS-preflight fetch (Fetch Standard §4.8, steps 7.3–7.7), then Private Network Access.
  const origin = facts.origin as string;
  const headers = withAllowOrigin(allowOrigin, policy.preflightHeaders) as Header[];
  const names = policy.refusalNames;
  const methodRefusal = refuseMethod(policy.methods, facts.accessControlRequestMethod as string, origin, names);
  let refusal = answerRequestHeaders(
    policy.requestHeaders,
    facts.accessControlRequestHeaders,
    origin,
    headers,
    methodRefusal,
    names,
  );
  const privateNetwork = answerPrivateNetwork(
    policy.allowPrivateNetwork,
    facts.accessControlRequestPrivateNetwork,
    origin,
    headers,
    names,
  );
  refusal ??= privateNetwork;
  if (refusal !== undefined) {
    if (policy.onRefused !== undefined) Object.freeze(refusal);
    report(policy, facts.secFetchSite, refusal, req);
  }
  return {
    kind,
    allowed: refusal === undefined,
    headers,
    vary: policy.varyPreflight,
    respond: !policy.preflightContinue,
    status: policy.preflightStatus,
    refusal,
  };
}
