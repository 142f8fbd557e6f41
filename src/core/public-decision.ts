/**
 * Decisions handed to user code: `decide` as exported by the package (and `createCorsDecider` in
 * corsgate/fetch) returns a frozen copy, so that no caller can change the answer of a later request.
 * Decisions are shared between requests (src/core/decision-cache.ts), and their `headers` arrays and
 * header pairs are shared with the policy; they stay unfrozen inside corsgate because reading frozen
 * arrays is measurably slower in Node 20's V8 on the adapters' hot path, and the adapters never hand them out.
 * Refusals are frozen when `onRefused` receives them or a decision that holds one is shared (src/core/decide.ts).
 */
import { decide as decideShared } from './decide.js';
import type { Header } from './decision.js';
import { type CorsDecision, isShared, type RequestFacts } from './decision.js';
import type { CorsPolicy } from './policy.js';

/** The frozen copies of shared decisions, made once each: a shared decision's copy can be shared too. */
const copies = new WeakMap<CorsDecision, CorsDecision>();

/**
 * A frozen copy of a decision: a new object, a new `headers` array and new header pairs, all frozen, and
 * the refusal (a flat object of strings) frozen. Object.freeze costs about 100 ns in Node 20, so a
 * shared decision's copy is made once and kept.
 */
export function snapshot(decision: CorsDecision): CorsDecision {
  const kept = copies.get(decision);
  if (kept !== undefined) return kept;
  const copy = frozenCopy(decision);
  if (isShared(decision)) copies.set(decision, copy);
  return copy;
}

function frozenCopy(decision: CorsDecision): CorsDecision {
  const shared = decision.headers;
  const headers = new Array<Header>(shared.length);
  for (let i = 0; i < shared.length; i++) {
    const header = shared[i] as Header;
    headers[i] = Object.freeze([header[0], header[1]]) as unknown as Header;
  }
  return Object.freeze({
    kind: decision.kind,
    allowed: decision.allowed,
    headers: Object.freeze(headers),
    vary: decision.vary,
    respond: decision.respond,
    status: decision.status,
    refusal: decision.refusal === undefined ? undefined : Object.freeze(decision.refusal),
  });
}

/**
 * The decision for one request, as the package exports it: a frozen copy that the caller may keep. The
 * same as the adapters' decision in every value.
 */
export function decide<Req>(
  policy: CorsPolicy<Req>,
  facts: RequestFacts,
  req: Req,
): CorsDecision | Promise<CorsDecision> {
  const decision = decideShared(policy, facts, req);
  return decision instanceof Promise ? decision.then(snapshot) : snapshot(decision);
}
