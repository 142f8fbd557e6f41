/**
 * Origin callbacks in every shape `cors` users write them, at the core: a function declared with two
 * parameters answers only through its callback (its returned value is ignored, a rejected Promise fails the
 * request); one with fewer answers by its return value or Promise. Answers are read by their contents at
 * the time of the request. Adapters run the same shapes through real servers (test/conformance).
 */
import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CorsConfigError,
  type CorsDecision,
  type CorsOptions,
  CorsOriginTimeoutError,
  compile,
  decide,
  type RequestFacts,
} from '../../src/core/index.js';

const A = 'https://app.example';
const B = 'https://other.example';

function policyOf(options: CorsOptions, warn: (message: string) => void = () => {}) {
  return compile(options, { warn });
}
const get = (origin?: string): RequestFacts => ({ method: 'GET', origin });
const allowOrigin = (decision: CorsDecision) =>
  decision.headers.find(([n]) => n === 'Access-Control-Allow-Origin')?.[1];
/** Allow-Origin for a request, or undefined when refused. */
async function answer(options: CorsOptions, origin: string, warn?: (message: string) => void) {
  return allowOrigin(await decide(policyOf(options, warn), get(origin), {}));
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a function declared (origin, callback) answers only through the callback', () => {
  it('a timer: (origin, cb) => setTimeout(() => cb(null, ok), 5) returns a Timeout, which is ignored', async () => {
    const options: CorsOptions = { origin: (origin, cb) => setTimeout(() => cb(null, origin === A), 5) };
    expect(await answer(options, A)).toBe(A);
    expect(await answer(options, B)).toBeUndefined();
  });

  it('a helper that returns true (EventEmitter.emit) never grants: the real answer does', async () => {
    const bus = new EventEmitter();
    bus.on('check', (origin: string, cb: (err: null, ok: boolean) => void) => {
      setImmediate(() => cb(null, origin === A));
    });
    const options: CorsOptions = { origin: (origin, cb) => bus.emit('check', origin, cb) };
    expect(bus.emit('check', A, () => {})).toBe(true);
    expect(await answer({ ...options, credentials: true }, B)).toBeUndefined();
    expect(await answer({ ...options, credentials: true }, A)).toBe(A);
  });

  it('a helper that returns true or an object, then refuses through the callback', async () => {
    const lookup = (_origin: string | undefined, cb: (err: null, ok: boolean) => void) => {
      setImmediate(() => cb(null, false));
      return { pending: true };
    };
    expect(await answer({ origin: (o, cb) => lookup(o, cb) }, A)).toBeUndefined();
    expect(
      await answer(
        {
          origin: (_o, cb) => {
            setImmediate(() => cb(null, false));
            return true;
          },
        },
        A,
      ),
    ).toBeUndefined();
  });

  it('async (origin, cb) => { setTimeout(...) }: the Promise resolving first is not the answer', async () => {
    const options: CorsOptions = {
      origin: async (origin, cb) => {
        setTimeout(() => cb(null, origin === A ? [A] : false), 5);
      },
    };
    expect(await answer(options, A)).toBe(A);
    expect(await answer(options, B)).toBeUndefined();
  });

  it('async (origin, cb) => { return true } never grants: the callback must answer (timeout names the ignored value)', async () => {
    const policy = policyOf({
      // biome-ignore lint/correctness/noUnusedFunctionParameters: declared node-style on purpose
      origin: async (origin, cb) => true,
      originCallbackTimeout: 20,
    });
    const failure = await Promise.resolve(decide(policy, get(A), {})).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(CorsOriginTimeoutError);
    expect((failure as Error).message).toContain('declared with two parameters');
    expect((failure as Error).message).toContain('true');
  });

  it('a slow callback returning its Timeout times out with the usual advice (the Timeout is no mistake)', async () => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const policy = policyOf({
      origin: (_origin, cb) => {
        timer = setTimeout(() => cb(null, true), 60_000);
        return timer;
      },
      originCallbackTimeout: 10,
    });
    const failure = await Promise.resolve(decide(policy, get(A), {})).catch((err: unknown) => err);
    clearTimeout(timer);
    expect(failure).toBeInstanceOf(CorsOriginTimeoutError);
    expect((failure as Error).message).toContain('raise originCallbackTimeout');
    expect((failure as Error).message).not.toContain('declared with two parameters');
  });

  it('a returned Promise that rejects fails the request (no unhandled rejection)', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const policy = policyOf({
        origin: async (_origin, _cb) => {
          throw new Error('redis down');
        },
      });
      await expect(decide(policy, get(A), {})).rejects.toThrow('redis down');
      const rejectsUndefined = policyOf({ origin: (_o, _cb) => Promise.reject(undefined) });
      await expect(decide(rejectsUndefined, get(A), {})).rejects.toThrow(/rejected/);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('the first answer counts: a second call, or a rejection after the answer, is ignored with a warning', async () => {
    const warnings: string[] = [];
    const twice: CorsOptions = {
      origin: (_o, cb) => {
        cb(null, false);
        cb(null, true);
      },
    };
    expect(await answer(twice, A, (m) => warnings.push(m))).toBeUndefined();
    expect(warnings.join('\n')).toMatch(/answered more than once.*first answer counted/);

    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const warned: string[] = [];
      const answerThenReject: CorsOptions = {
        origin: async (_o, cb) => {
          cb(null, true);
          throw new Error('audit log failed');
        },
      };
      expect(await answer(answerThenReject, A, (m) => warned.push(m))).toBe(A);
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
      expect(warned.join('\n')).toContain('audit log failed');
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('a callback called after the time limit changes nothing: the request already failed', async () => {
    const warnings: string[] = [];
    let late: ((err: null, ok: boolean) => void) | undefined;
    const policy = policyOf(
      {
        origin: (_o, cb) => {
          late = cb;
        },
        originCallbackTimeout: 10,
      },
      (m) => warnings.push(m),
    );
    await expect(decide(policy, get(A), {})).rejects.toBeInstanceOf(CorsOriginTimeoutError);
    late?.(null, true);
    expect(warnings.join('\n')).toMatch(/after its time limit/);
  });

  it('throwing synchronously: before answering fails the request; after answering, the answer stands (warned)', async () => {
    await expect(
      decide(
        policyOf({
          origin: (_o, _cb) => {
            throw new Error('bad lookup');
          },
        }),
        get(A),
        {},
      ),
    ).rejects.toThrow('bad lookup');
    const warnings: string[] = [];
    expect(
      await answer(
        {
          origin: (_o, cb) => {
            cb(null, false);
            throw new Error('after');
          },
        },
        A,
        (m) => warnings.push(m),
      ),
    ).toBeUndefined();
    expect(warnings.join('\n')).toContain('after');
  });
});

describe('a function declared with fewer parameters answers by its return value or Promise', () => {
  it.each([
    ['a boolean', (origin: string | undefined) => origin === A],
    ['an array', () => [A]],
    ['a Promise', async (origin: string | undefined) => origin === A],
  ])('%s', async (_name, origin) => {
    expect(await answer({ origin }, A)).toBe(A);
    expect(await answer({ origin }, B)).toBeUndefined();
  });

  it('fn.length counts parameters before a default value or a rest parameter: those are value-style', async () => {
    const withDefault = (origin: string | undefined, _cb: unknown = undefined) => origin === A;
    const rest = (...args: unknown[]) => args[0] === A;
    expect(withDefault.length).toBe(1);
    expect(rest.length).toBe(0);
    expect(await answer({ origin: withDefault }, A)).toBe(A);
    expect(await answer({ origin: rest }, A)).toBe(A);
    // returning nothing leaves the answer to the callback
    const restCallback = (...args: unknown[]) => {
      setImmediate(() => (args[1] as (e: null, ok: boolean) => void)(null, args[0] === A));
    };
    expect(await answer({ origin: restCallback }, A)).toBe(A);
    expect(await answer({ origin: restCallback }, B)).toBeUndefined();
  });
});

describe('answers are values, read at the time of the request', () => {
  it('an origin removed in place from the returned array is refused on the very next request', async () => {
    const tenants = [A, B];
    const policy = policyOf({ origin: (_o, cb) => cb(null, tenants), credentials: true });
    for (let i = 0; i < 100; i++) expect(allowOrigin(await decide(policy, get(B), {}))).toBe(B);
    tenants.splice(1, 1);
    expect(allowOrigin(await decide(policy, get(B), {}))).toBeUndefined();
    expect(allowOrigin(await decide(policy, get(A), {}))).toBe(A);
    tenants.push(B);
    expect(allowOrigin(await decide(policy, get(B), {}))).toBe(B);
    tenants[1] = 'https://third.example';
    expect(allowOrigin(await decide(policy, get(B), {}))).toBeUndefined();
  });

  it('a RegExp answer recompiled in place is matched by its new source; g/y flags keep no state', async () => {
    const re = /^https:\/\/app\.example$/g;
    const policy = policyOf({ origin: () => re });
    for (let i = 0; i < 3; i++) expect(allowOrigin(await decide(policy, get(A), {}))).toBe(A);
    expect(re.lastIndex).toBe(0);
    // RegExp.prototype.compile (Annex B) replaces the source of the same object
    (re as unknown as { compile(source: string, flags: string): void }).compile('^https:\\/\\/other\\.example$', 'g');
    expect(allowOrigin(await decide(policy, get(A), {}))).toBeUndefined();
    expect(allowOrigin(await decide(policy, get(B), {}))).toBe(B);
    const inList = /^https:\/\/app\.example$/y;
    const list = [inList];
    const listed = policyOf({ origin: () => list });
    expect(allowOrigin(await decide(listed, get(A), {}))).toBe(A);
    (inList as unknown as { compile(source: string, flags: string): void }).compile('^https:\\/\\/x\\.example$', 'y');
    expect(allowOrigin(await decide(listed, get(A), {}))).toBeUndefined();
  });

  it('[] and "null" are refusals, not errors', async () => {
    expect(await answer({ origin: () => [] }, A)).toBeUndefined();
    expect(await answer({ origin: (_o, cb) => cb(null, []) }, A)).toBeUndefined();
    expect(await answer({ origin: () => 'null' }, A)).toBeUndefined();
    expect(await answer({ origin: () => ['null', B] }, A)).toBeUndefined();
    expect(await answer({ origin: () => ['null', A] }, A)).toBe(A);
    const nullPolicy = policyOf({ origin: () => 'null', dangerouslyAllowNullOrigin: true });
    expect(allowOrigin(await decide(nullPolicy, get('null'), {}))).toBe('null');
    const refusedNull = policyOf({ origin: () => ['null'] });
    expect(allowOrigin(await decide(refusedNull, get('null'), {}))).toBeUndefined();
  });

  it('an invalid answer still fails the request (a configuration error, never a grant)', async () => {
    await expect(decide(policyOf({ origin: () => 'https://app.example/' }), get(A), {})).rejects.toBeInstanceOf(
      CorsConfigError,
    );
  });
});
