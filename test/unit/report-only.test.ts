/** `reportOnly` at start-up (src/core/report-only.ts) and the census option's check (src/core/census-option.ts). */
import { describe, expect, it } from 'vitest';
import { createCensus, observationOf } from '../../src/census/index.js';
import { type CorsRefusal, compile, decide } from '../../src/core/index.js';

describe('reportOnly at start-up', () => {
  it('warns when nothing would hear its reports, and then does not evaluate it', () => {
    const warnings: string[] = [];
    const policy = compile(
      { origin: true, reportOnly: { origin: ['https://a.example'] } },
      { warn: (m) => warnings.push(m) },
    );
    expect(warnings).toEqual([expect.stringContaining('reportOnly is set but onRefused is not')]);
    expect(policy.watch).toBeUndefined();
  });

  it('reports to the context’s reportOnlyLog (NODE_DEBUG) without onRefused, marked and frozen', async () => {
    const logged: CorsRefusal[] = [];
    const warnings: string[] = [];
    const policy = compile(
      { origin: true, reportOnly: { origin: ['https://a.example'] } },
      { warn: (m) => warnings.push(m), reportOnlyLog: (r) => logged.push(r) },
    );
    const decision = await decide(policy, { method: 'GET', origin: 'https://b.example' }, undefined);
    expect(decision.allowed).toBe(true);
    expect(warnings).toEqual([]);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ kind: 'origin-not-allowed', origin: 'https://b.example', reportOnly: true });
    expect(Object.isFrozen(logged[0])).toBe(true);
  });

  it('names the option as the adapter spells it, under reportOnly.', () => {
    const context = { optionName: (name: string) => (name === 'methods' ? 'allowMethods' : name) };
    expect(() => compile({ onRefused: () => {}, reportOnly: { methods: 'GET POST' } }, context)).toThrow(
      /option `reportOnly\.allowMethods`/,
    );
  });
});

describe('census option', () => {
  it('observes exactly what record(observationOf(facts)) counts', () => {
    const a = createCensus({ now: () => 1000 });
    const b = createCensus({ now: () => 1000 });
    const facts = {
      method: 'OPTIONS',
      origin: 'https://a.example',
      accessControlRequestMethod: 'PUT',
      accessControlRequestHeaders: 'content-type, X-Token',
    };
    const policy = compile({ origin: ['https://a.example'], census: a });
    decide(policy, facts, undefined);
    b.record(observationOf(facts));
    expect(a.snapshot()).toEqual(b.snapshot());
  });

  it('a census that throws is warned once and fails no request', async () => {
    const warnings: string[] = [];
    const census = {
      observe: () => {
        throw new Error('disk full');
      },
    };
    const policy = compile({ origin: '*', census }, { warn: (m) => warnings.push(m) });
    for (let i = 0; i < 3; i++) {
      const decision = await decide(policy, { method: 'GET', origin: 'https://a.example' }, undefined);
      expect(decision.allowed).toBe(true);
    }
    expect(warnings).toEqual([expect.stringContaining('the census threw (disk full)')]);
  });
});
