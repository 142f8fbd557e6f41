/**
 * `withTimeLimit` (src/core/time-limit.ts): the limit on user functions that answer by their returned value
 * or Promise. A synchronous answer needs no timer; a Promise that does not settle in time rejects with the
 * caller's error, and what it does later is reported, never left unhandled.
 */
import { describe, expect, it } from 'vitest';
import { withTimeLimit } from '../../src/core/time-limit.js';

const timedOut = () => new Error('too slow');

describe('withTimeLimit', () => {
  it('returns a synchronous answer as is, and lets a synchronous throw propagate', () => {
    expect(withTimeLimit(() => 42, 10, timedOut)).toBe(42);
    expect(() =>
      withTimeLimit(
        () => {
          throw new Error('sync');
        },
        10,
        timedOut,
      ),
    ).toThrow('sync');
  });

  it('settles with a Promise that answers or rejects in time', async () => {
    await expect(withTimeLimit(() => Promise.resolve('yes'), 1000, timedOut)).resolves.toBe('yes');
    await expect(withTimeLimit(() => Promise.reject(new Error('no')), 1000, timedOut)).rejects.toThrow('no');
    await expect(withTimeLimit(() => Promise.reject(null), 1000, timedOut)).rejects.toThrow(
      'rejected without a reason',
    );
  });

  it("rejects with the caller's error when the Promise never settles, then reports a late answer", async () => {
    const late: unknown[] = [];
    let answer: (value: string) => void = () => {};
    const pending = withTimeLimit(
      () =>
        new Promise<string>((resolve) => {
          answer = resolve;
        }),
      20,
      timedOut,
      (outcome) => late.push(outcome),
    );
    await expect(pending).rejects.toThrow('too slow');
    answer('late');
    await new Promise((resolve) => setImmediate(resolve));
    expect(late).toEqual([{ answer: 'late' }]);
  });

  it('a thenable whose then throws fails, and Infinity sets no timer', async () => {
    // A hand-written thenable, as some libraries return.
    const broken = Object.defineProperty({}, 'then', {
      value: () => {
        throw new Error('bad then');
      },
    }) as PromiseLike<number>;
    await expect(withTimeLimit(() => broken, 1000, timedOut)).rejects.toThrow('bad then');
    const slow = () => new Promise<number>((resolve) => setTimeout(() => resolve(7), 30));
    await expect(withTimeLimit(slow, Number.POSITIVE_INFINITY, timedOut)).resolves.toBe(7);
  });
});
