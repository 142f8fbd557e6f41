/**
 * Per request, around the enforced decision: the `census` counts the request and the `reportOnly` policy
 * is evaluated on the same request, through the same path (its memo layer first: a kept decision is an
 * allowed one, so a hit has nothing to report). Its refusals are reported by its `onRefused`, which
 * forwards them to the enforced policy's, marked `reportOnly: true` (src/core/report-only.ts); its decision
 * is dropped, so no response header changes.
 *
 * An origin callback of the report-only policy is not awaited: the response never waits for it; its
 * refusal is reported when it settles, and a callback that fails (or times out) is warned once per policy.
 */
import type { CorsDecision } from './decision.js';
import type { CorsPolicy, Watch } from './policy.js';
import { createFactsReading, type RequestReader } from './request.js';
import { firstTime } from './warn-once.js';

type DecideRequest<Source> = <Req>(
  policy: CorsPolicy<Req>,
  source: Source,
  req: Req,
) => CorsDecision | Promise<CorsDecision>;

/** Report-only policies whose origin callback failed, and censuses that threw (each warned once). */
const failures = new WeakSet<object>();

/** The path of a policy with `watch`, for requests read by `reader`; `decideRequest` is the one request path. */
export function createWatcher<Source>(
  reader: RequestReader<Source>,
  decideRequest: DecideRequest<Source>,
): DecideRequest<Source> {
  const readFacts = createFactsReading(reader);
  return function watched(policy, source, req) {
    const watch = policy.watch as Watch<typeof req>;
    const census = watch.census;
    if (census !== undefined) {
      try {
        census.observe(readFacts(source));
      } catch (err) {
        if (firstTime(failures, census)) {
          policy.originContext.warn(
            `corsgate: the census threw (${err instanceof Error ? err.message : String(err)}); the request was answered all the same. Pass a census made by createCensus() from corsgate/census.`,
          );
        }
      }
    }
    const decision = decideRequest(watch.enforced, source, req);
    const reportOnly = watch.reportOnly;
    if (reportOnly !== undefined) {
      // Whatever happens in the report-only policy, the enforced decision stands.
      const failed = (err: unknown): void => reportOnlyFailed(reportOnly, err);
      try {
        const verdict = decideRequest(reportOnly, source, req);
        if (verdict instanceof Promise) verdict.then(undefined, failed);
      } catch (err) {
        failed(err);
      }
    }
    return decision;
  };
}

function reportOnlyFailed(policy: CorsPolicy<never>, err: unknown): void {
  if (!firstTime(failures, policy)) return;
  policy.originContext.warn(
    `corsgate: the reportOnly policy failed on a request (${err instanceof Error ? err.message : String(err)}), usually its origin callback; the request was answered by the enforced policy and nothing was reported for it. Fix the reportOnly.origin function.`,
  );
}
