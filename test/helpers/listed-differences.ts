/**
 * The side-by-side compatibility tests (corsgate against `cors`, `@fastify/cors`, `@koa/cors`): the peer's
 * answer and corsgate's may differ only by the README's listed differences, and each listed difference must
 * really occur somewhere, so the list cannot go stale.
 */
import { expect } from 'vitest';

export interface ListedDifference<Case, Observed> {
  readonly name: string;
  /** Why corsgate differs (the security or Fetch Standard reason), where the list says it. */
  readonly why?: string;
  readonly applies: (k: Case) => boolean;
  /** Asserts the difference really occurs. */
  readonly occurs: (peer: Observed, gate: Observed, k: Case) => void;
  /** Turns the peer's answer into corsgate's, for this difference only. */
  readonly reconcile: (peer: Observed, k: Case) => void;
}

export function listedDifferences<Case, Observed>(differences: readonly ListedDifference<Case, Observed>[]) {
  const used = new Set<string>();
  return {
    /** First: each applicable difference really shows in the raw answers; then: nothing else differs. */
    expectOnlyListed(peer: Observed, gate: Observed, k: Case): void {
      const applicable = differences.filter((difference) => difference.applies(k));
      for (const difference of applicable) {
        used.add(difference.name);
        difference.occurs(structuredClone(peer), gate, k);
      }
      for (const difference of applicable) difference.reconcile(peer, k);
      expect(gate).toEqual(peer);
    },
    /** Every listed difference occurred at least once. */
    expectEveryOneOccurred(): void {
      expect([...used].sort()).toEqual(differences.map((d) => d.name).sort());
    },
  };
}
