/**
 * Answers handed to user code cannot change the answer of a later request: `decide` (as the package exports
 * it) and `createCorsDecider` return frozen copies, and refusals (which `onRefused` receives, and which a
 * refused origin's shared decision keeps) are frozen. Each attack is what a careless or hostile caller
 * would try; afterwards the same request must get exactly the first answer.
 */
import { describe, expect, it, vi } from 'vitest';
import { createCorsDecider } from '../../src/adapters/fetch.js';
import { type CorsDecision, type CorsRefusal, compile, decide, type RequestFacts } from '../../src/index.js';

const A = 'https://app.example';
const EVIL = 'https://evil.example';

/** Every way a caller might try to change a decision in place; errors (frozen objects) are swallowed. */
function attack(decision: CorsDecision): void {
  const tries: (() => void)[] = [
    () => (decision.headers as [string, string][]).push(['Access-Control-Allow-Credentials', 'true']),
    () => (decision.headers as [string, string][]).splice(0, decision.headers.length),
    () => {
      (decision.headers as [string, string][])[0] = ['Access-Control-Allow-Origin', EVIL];
    },
    () => {
      ((decision.headers[0] ?? []) as string[])[1] = EVIL;
    },
    () => ((decision.headers[0] ?? []) as string[]).reverse(),
    () => {
      (decision as { allowed: boolean }).allowed = true;
    },
    () => {
      (decision as { vary: string | undefined }).vary = undefined;
    },
    () => {
      (decision as { headers: unknown }).headers = [['Access-Control-Allow-Origin', '*']];
    },
    () => Object.defineProperty(decision, 'allowed', { value: true }),
    () => Object.setPrototypeOf(decision.headers, { length: 0 }),
    () => {
      if (decision.refusal !== undefined) (decision.refusal as { message: string }).message = 'forged';
    },
    () => {
      if (decision.refusal !== undefined) (decision.refusal as { kind: string }).kind = 'origin-malformed';
    },
  ];
  for (const attempt of tries) {
    try {
      attempt();
    } catch {
      // a frozen object: the attempt failed, as it should
    }
  }
}

const plain = (decision: CorsDecision) => JSON.parse(JSON.stringify(decision)) as unknown;

const REQUESTS: [string, RequestFacts][] = [
  ['an allowed actual request (shared, cached)', { method: 'GET', origin: A }],
  ['a request without Origin (shared)', { method: 'GET', origin: undefined }],
  ['an allowed preflight (memoised)', { method: 'OPTIONS', origin: A, accessControlRequestMethod: 'PUT' }],
  ['a refused origin (cached refusal)', { method: 'GET', origin: EVIL }],
  ['a refused preflight', { method: 'OPTIONS', origin: A, accessControlRequestMethod: 'PURGE' }],
  ['cookies without credentials', { method: 'GET', origin: A, hasCookie: true }],
];

describe('decide() hands out answers no caller can change', () => {
  it.each(REQUESTS)('%s', (_what, facts) => {
    for (const options of [
      { origin: [A], maxAge: 60 },
      { origin: [A], credentials: false, exposedHeaders: 'X-Id' },
    ]) {
      const policy = compile(options);
      const first = decide(policy, facts, {}) as CorsDecision;
      const expected = plain(first);
      expect(Object.isFrozen(first)).toBe(true);
      expect(Object.isFrozen(first.headers)).toBe(true);
      for (const header of first.headers) expect(Object.isFrozen(header)).toBe(true);
      if (first.refusal !== undefined) expect(Object.isFrozen(first.refusal)).toBe(true);
      attack(first);
      expect(plain(first)).toEqual(expected);
      for (let i = 0; i < 3; i++) {
        const later = decide(policy, facts, {}) as CorsDecision;
        expect(plain(later)).toEqual(expected);
        attack(later);
      }
    }
  });

  it("'*' (the default): the answer shared by every origin cannot be widened with credentials", () => {
    const policy = compile({});
    const first = decide(policy, { method: 'GET', origin: A }, {}) as CorsDecision;
    attack(first);
    expect(decide(policy, { method: 'GET', origin: EVIL }, {})).toEqual({
      kind: 'actual',
      allowed: true,
      headers: [['Access-Control-Allow-Origin', '*']],
      vary: undefined,
      respond: false,
      status: 0,
      refusal: undefined,
    });
  });

  it('an origin callback: the asynchronous answer is frozen too', async () => {
    const policy = compile({ origin: async (origin) => origin === A, credentials: true });
    const first = await decide(policy, { method: 'GET', origin: A }, {});
    expect(Object.isFrozen(first)).toBe(true);
    attack(first);
    expect(plain(await decide(policy, { method: 'GET', origin: A }, {}))).toEqual(plain(first));
  });
});

describe('createCorsDecider (corsgate/fetch) hands out answers no caller can change', () => {
  it.each(REQUESTS)('%s', (_what, facts) => {
    const decider = createCorsDecider({ origin: [A], maxAge: 60 });
    const headers: Record<string, string> = {};
    if (facts.origin !== undefined) headers.origin = facts.origin;
    if (facts.accessControlRequestMethod !== undefined)
      headers['access-control-request-method'] = facts.accessControlRequestMethod;
    if (facts.hasCookie) headers.cookie = 'sid=1';
    const request = () => new Request('https://api.example/x', { method: facts.method, headers });
    const first = decider(request());
    const expected = plain(first);
    attack(first);
    for (let i = 0; i < 3; i++) {
      const later = decider(request());
      expect(plain(later)).toEqual(expected);
      attack(later);
    }
  });
});

describe('onRefused receives a frozen refusal', () => {
  it.each([
    ['a refused origin', { method: 'GET', origin: EVIL }],
    ['cookies without credentials', { method: 'GET', origin: A, hasCookie: true }],
    ['a refused preflight', { method: 'OPTIONS', origin: A, accessControlRequestMethod: 'PURGE' }],
  ] as [string, RequestFacts][])(
    '%s: a logger that rewrites the refusal changes neither the next report nor the answer',
    (_what, facts) => {
      const seen: CorsRefusal[] = [];
      const warn = vi.fn();
      const policy = compile(
        {
          origin: [A],
          onRefused: (refusal) => {
            seen.push({ ...refusal });
            (refusal as { message: string }).message = 'forged';
            (refusal as { origin: string }).origin = 'https://forged.example';
          },
        },
        { warn },
      );
      const first = decide(policy, facts, {}) as CorsDecision;
      const second = decide(policy, facts, {}) as CorsDecision;
      expect(seen).toHaveLength(2);
      expect(seen[1]).toEqual(seen[0]);
      expect(seen[0]?.origin).toBe(facts.origin);
      expect(seen[0]?.message).not.toBe('forged');
      expect(second).toEqual(first);
      expect(second.allowed).toBe(false);
      // the throwing assignment is the app's bug: warned once, the request still answered as refused
      expect(warn).toHaveBeenCalledTimes(1);
    },
  );
});
