/**
 * src/core/backtracking-bound.ts bounds the work of a backtracking RegExp engine on every input up to a
 * length. Checked against a reference: a backtracking matcher written here, which explores every way
 * through the RegExp (as an engine does on an input that does not match) and counts its attempts to read
 * a character, run on every input over a small alphabet. The bound must never be below it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backtrackingWorkBound } from '../../src/core/backtracking-bound.js';

/** A RegExp as the reference runs it, with its source. */
type Ast =
  | { kind: 'char'; chars: string; source: string }
  | { kind: 'seq'; items: Ast[] }
  | { kind: 'alt'; options: Ast[] }
  | { kind: 'rep'; body: Ast; min: number; max: number; source: string };

const ALPHABET = ['a', 'b', '-', '.'];

function sourceOf(ast: Ast): string {
  switch (ast.kind) {
    case 'char':
      return ast.source;
    case 'seq':
      return ast.items.map(sourceOf).join('');
    case 'alt':
      return `(?:${ast.options.map(sourceOf).join('|')})`;
    case 'rep':
      return `(?:${sourceOf(ast.body)})${ast.source}`;
  }
}

/** Can it match the empty string? (The bound does not model loops whose body can: they are not generated.) */
function nullable(ast: Ast): boolean {
  switch (ast.kind) {
    case 'char':
      return false;
    case 'seq':
      return ast.items.every(nullable);
    case 'alt':
      return ast.options.some(nullable);
    case 'rep':
      return ast.min === 0 || nullable(ast.body);
  }
}

/** Attempts to read a character (or the end) while exploring every way through `ast` from position 0. */
function referenceAttempts(ast: Ast, input: string): number {
  let attempts = 0;
  const match = (node: Ast, i: number, next: (j: number) => void): void => {
    switch (node.kind) {
      case 'char':
        attempts++;
        if (i < input.length && node.chars.includes(input[i] as string)) next(i + 1);
        return;
      case 'seq': {
        const run = (k: number, j: number): void => {
          if (k === node.items.length) next(j);
          else match(node.items[k] as Ast, j, (after) => run(k + 1, after));
        };
        run(0, i);
        return;
      }
      case 'alt':
        for (const option of node.options) match(option, i, next);
        return;
      case 'rep': {
        // greedy: one more iteration first, then stop (when at least min were done)
        const iterate = (count: number, j: number): void => {
          if (count < node.max) match(node.body, j, (after) => iterate(count + 1, after));
          if (count >= node.min) next(j);
        };
        iterate(0, i);
        return;
      }
    }
  };
  match(ast, 0, () => {});
  return attempts;
}

/** The most attempts over every input of length `length` or less, from each start position when unanchored. */
function worstReference(ast: Ast, length: number, anchored: boolean): number {
  let worst = 0;
  const visit = (input: string): void => {
    let total = 0;
    for (let start = 0; start <= (anchored ? 0 : input.length); start++) {
      total += referenceAttempts(ast, input.slice(start));
    }
    worst = Math.max(worst, total);
    if (input.length < length) for (const c of ALPHABET) visit(input + c);
  };
  visit('');
  return worst;
}

const char: fc.Arbitrary<Ast> = fc.constantFrom<Ast>(
  { kind: 'char', chars: 'a', source: 'a' },
  { kind: 'char', chars: 'b', source: 'b' },
  { kind: 'char', chars: '-', source: '-' },
  { kind: 'char', chars: '.', source: '\\.' },
  { kind: 'char', chars: 'ab', source: '[ab]' },
  { kind: 'char', chars: 'ab-', source: '[a-b\\-]' },
  { kind: 'char', chars: 'b-.', source: '[^a]' },
  { kind: 'char', chars: 'ab-.', source: '.' },
);

const QUANTIFIERS: readonly [number, number, string][] = [
  [0, Number.POSITIVE_INFINITY, '*'],
  [1, Number.POSITIVE_INFINITY, '+'],
  [0, 1, '?'],
  [2, 3, '{2,3}'],
  [1, 2, '{1,2}?'],
  [2, 2, '{2}'],
];

const ast: fc.Arbitrary<Ast> = fc.letrec<{ node: Ast }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    char,
    fc.constant<Ast>({ kind: 'seq', items: [] }), // an empty alternative, `(?:|a)`
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((items): Ast => ({ kind: 'seq', items })),
    fc.array(tie('node'), { minLength: 2, maxLength: 3 }).map((options): Ast => ({ kind: 'alt', options })),
    fc
      .tuple(tie('node'), fc.constantFrom(...QUANTIFIERS))
      .map(([body, [min, max, source]]): Ast => ({ kind: 'rep', body, min, max, source })),
  ),
})).node;

const LENGTH = 5;

describe('backtrackingWorkBound', () => {
  it('is never below the attempts of a backtracking matcher on any input (anchored and not)', () => {
    fc.assert(
      fc.property(
        ast.filter((a) => !hasNullableLoop(a)),
        fc.boolean(),
        (tree, anchored) => {
          const regexp = new RegExp(`${anchored ? '^' : ''}${sourceOf(tree)}`);
          const bound = backtrackingWorkBound(regexp, LENGTH, Number.POSITIVE_INFINITY);
          expect(bound).toBeDefined();
          expect(bound).toBeGreaterThanOrEqual(worstReference(tree, LENGTH, anchored));
        },
      ),
      { numRuns: 300, seed: 14 },
    );
  });

  it('tells an exponential or cubic origin RegExp from a quadratic one, on a 512-character Origin', () => {
    const limit = 1e9;
    const bound = (regexp: RegExp) => backtrackingWorkBound(regexp, 512, limit) as number;
    // quadratic: under a million
    expect(bound(/^https:\/\/.*-.*\.example\.com$/)).toBeLessThan(1e6);
    expect(bound(/.*\.example\.com$/)).toBeLessThan(1e6);
    // linear
    expect(bound(/^https:\/\/.+-pr-\d+\.preview\.example\.com$/)).toBeLessThan(1e4);
    // cubic and exponential: far more
    expect(bound(/^https:\/\/.*-.*-.*\.example\.com$/)).toBeGreaterThan(1e8);
    expect(bound(/^https:\/\/([a-z]+)+\.example\.com$/)).toBeGreaterThan(limit);
    expect(bound(/^https:\/\/(a|a)*\.example\.com$/)).toBeGreaterThan(limit);
    // many ways without any loop: 2^30
    expect(bound(new RegExp(`^https://${'(a|a)'.repeat(30)}$`))).toBeGreaterThan(limit);
  });

  it('reads the rest of the syntax origin RegExps use', () => {
    for (const regexp of [
      /^https:\/\/(|www\.)example\.com$/,
      /^https:\/\/(?<sub>[a-z]+)\.example\.com$/i,
      /^https:\/\/[\x61-\x7a\u0030-\u0039-]+\.example\.com$/,
      /^https:\/\/\bexample\.com\b$/m,
      /^https:\/\/[\w.-]{1,63}?\.example\.com$/su,
      /^https:\/\/[^\s/]+\.example\.com$|^http:\/\/localhost:\d{2,5}$/,
    ]) {
      expect(backtrackingWorkBound(regexp, 512, 1e9)).toBeLessThan(1e6);
    }
  });

  it('gives up (no bound) rather than count for long: a large automaton, or too many sets of active positions', () => {
    const hosts = (n: number) => Array.from({ length: n }, (_, i) => `t${i}-app\\.ex${i % 7}\\.com`).join('|');
    expect(backtrackingWorkBound(new RegExp(`^https:\\/\\/.*(${hosts(40)})$`), 512, 1e9)).toBeUndefined();
    expect(backtrackingWorkBound(new RegExp(`^https:\\/\\/(${hosts(300)})$`), 512, 1e9)).toBeUndefined();
    // a small one of the same shape is counted
    expect(backtrackingWorkBound(new RegExp(`^https:\\/\\/.*(${hosts(3)})$`), 512, 1e9)).toBeLessThan(1e5);
  });

  it('gives no bound for syntax it does not model', () => {
    for (const regexp of [
      /^https:\/\/(?=a)\w+$/,
      /^(a)\1$/,
      /^https:\/\/(a?)*$/,
      /^https:\/\/(a*)+$/,
      /^\p{L}+$/u,
      /^a{2$/,
    ]) {
      expect(backtrackingWorkBound(regexp, 512, 1e9)).toBeUndefined();
    }
  });
});

function hasNullableLoop(tree: Ast): boolean {
  switch (tree.kind) {
    case 'char':
      return false;
    case 'seq':
      return tree.items.some(hasNullableLoop);
    case 'alt':
      return tree.options.some(hasNullableLoop);
    case 'rep':
      return (tree.max > 1 && nullable(tree.body)) || hasNullableLoop(tree.body);
  }
}
