/**
 * An upper bound on the work a backtracking RegExp engine (V8's Irregexp, JavaScriptCore's YARR) can do on
 * any input of a given length, counted deterministically (no RegExp is run, no clock is read). Used by
 * src/core/regexp-safety.ts as a second opinion on the RegExps `redos-detector` flags: that detector
 * refuses every RegExp that can match an input in an unbounded number of ways, but under the 512-character
 * Origin cap a quadratic one (`^https:\/\/.*-.*\.example\.com$`) is harmless, and only an exponential or
 * a higher-degree one is not.
 *
 * The model. A backtracking matcher is a depth-first search over the ways through the RegExp: at each
 * choice (an alternative, one more iteration or not) it tries one way, and on failure the next. Every
 * attempt to read a character is one node of that search, and each node is a distinct way through the
 * RegExp reading a prefix of the input. So the work from one start position is at most the number of those
 * ways, summed over the prefixes; an unanchored RegExp is tried from every start position.
 *
 * The count. The RegExp becomes a position automaton (one position per character-reading node) whose
 * edges carry how many distinct ways (epsilon paths: alternatives, quantifier entries and exits) lead from
 * one position to the next. After k characters, the number of ways ending at each position depends on
 * the input; this file bounds it, for every input at once, by the maximum over inputs grouped by the set of
 * positions they leave active (a subset construction): `bound[S][q]` is at least the number of ways to
 * `q` of every input of length k that leaves the positions `S` active. The induction is exact per input
 * and takes a maximum per (S, q), so the sum of the bounds is a sound upper bound on the real work.
 *
 * Over-approximations, all of which can only raise the bound: `{m,n}` with n >= 2 is counted as `+`
 * (or `*` when m is 0); anchors other than a leading `^` and `\b`/`\B` are ignored (they only cut ways);
 * `$` is ignored; characters outside ASCII count as one symbol. Syntax outside this subset (lookaround,
 * back-references, `\p{...}`, the `v` flag, empty loops such as `(a?)*`) gives no bound: the caller
 * keeps its conservative verdict.
 */

/** Symbols: the 128 ASCII code units, and one for every other character. */
const SYMBOLS = 129;
const OTHER = 128;

type CharSet = Uint8Array; // one flag per symbol

type Node =
  | { readonly kind: 'char'; readonly set: CharSet }
  | { readonly kind: 'seq'; readonly items: readonly Node[] }
  | { readonly kind: 'alt'; readonly options: readonly Node[] }
  | { readonly kind: 'star' | 'plus'; readonly body: Node }
  | { readonly kind: 'empty' };

const EMPTY: Node = { kind: 'empty' };

class Unsupported extends Error {}

/**
 * An upper bound on the character-reading attempts a backtracking engine makes matching `regexp` against
 * any input of at most `maxLength` characters (summed over start positions when it is not anchored), or
 * `undefined` when the RegExp uses syntax this bound does not model. Stops counting, and answers a value
 * above `limit`, once the bound passes `limit`.
 */
export function backtrackingWorkBound(regexp: RegExp, maxLength: number, limit: number): number | undefined {
  let parsed: { readonly node: Node; readonly anchored: boolean };
  let automaton: Automaton;
  let perLength: Float64Array;
  try {
    parsed = parse(regexp.source, regexp.flags);
    automaton = buildAutomaton(parsed.node);
    perLength = workPerLength(automaton, maxLength, limit);
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
  if (parsed.anchored) return perLength[maxLength] as number;
  // Tried from each start position: the runs read inputs of every length up to maxLength.
  let total = 0;
  for (let length = 0; length <= maxLength; length++) {
    total += perLength[length] as number;
    if (total > limit) return total;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------------------
// Parsing (the subset of RegExp syntax origin RegExps use)

function parse(source: string, flags: string): { node: Node; anchored: boolean } {
  if (/[^dgimsuy]/.test(flags)) throw new Unsupported(); // `v` and anything newer
  const ignoreCase = flags.includes('i');
  const dotAll = flags.includes('s');
  const multiline = flags.includes('m');
  let i = 0;
  let startAnchors = 0;
  let alternatives = 0;

  const peek = (): string | undefined => source[i];

  const alternation = (topLevel: boolean): Node => {
    const options: Node[] = [];
    for (;;) {
      if (topLevel) {
        alternatives++;
        if (peek() === '^') {
          i++;
          startAnchors++;
        }
      }
      options.push(sequence());
      if (peek() !== '|') break;
      i++;
    }
    return options.length === 1 ? (options[0] as Node) : { kind: 'alt', options };
  };

  const sequence = (): Node => {
    const items: Node[] = [];
    for (;;) {
      const c = peek();
      if (c === undefined || c === '|' || c === ')') break;
      const atom = parseAtom();
      items.push(quantified(atom));
    }
    if (items.length === 0) return EMPTY; // an empty alternative, `(|a)`
    return items.length === 1 ? (items[0] as Node) : { kind: 'seq', items };
  };

  const quantified = (atom: Node): Node => {
    const c = peek();
    let min: number;
    let max: number;
    if (c === '*') [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (c === '+') [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (c === '?') [min, max] = [0, 1];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (m === null) throw new Unsupported(); // a literal `{` (Annex B): not modelled
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? Number.POSITIVE_INFINITY : Number(m[3]);
      i += m[0].length - 1;
    } else return atom;
    i++;
    if (peek() === '?') i++; // lazy: the same ways, tried in another order
    if (atom.kind === 'empty') return atom;
    if (max === 0) return EMPTY;
    if (max === 1) return min === 1 ? atom : { kind: 'alt', options: [atom, EMPTY] };
    return { kind: min === 0 ? 'star' : 'plus', body: atom }; // {m,n}: counted as unbounded (more ways)
  };

  const parseAtom = (): Node => {
    const c = source[i++] as string;
    switch (c) {
      case '(': {
        if (source.startsWith('?:', i)) i += 2;
        else if (source.startsWith('?<', i) && source[i + 2] !== '=' && source[i + 2] !== '!') {
          const close = source.indexOf('>', i);
          if (close === -1) throw new Unsupported();
          i = close + 1;
        } else if (peek() === '?') throw new Unsupported(); // lookaround, modifiers
        const inner = alternation(false);
        if (source[i++] !== ')') throw new Unsupported();
        return inner;
      }
      case '[':
        return { kind: 'char', set: charClass() };
      case '.':
        return { kind: 'char', set: dot(dotAll) };
      case '^':
        // a `^` not leading the pattern: ignored (it can only cut ways); with `m` it is not an anchor anyway
        return EMPTY;
      case '$':
        return EMPTY;
      case '\\':
        return escapeAtom();
      case '*':
      case '+':
      case '?':
      case '{':
      case '}':
      case ']':
      case ')':
        throw new Unsupported();
      default:
        return { kind: 'char', set: literal(c.codePointAt(0) as number, ignoreCase) };
    }
  };

  const escapeAtom = (): Node => {
    const c = source[i++];
    if (c === undefined) throw new Unsupported();
    if (c === 'b' || c === 'B') return EMPTY;
    const set = escapeSet(c);
    if (set === undefined) throw new Unsupported();
    return { kind: 'char', set: ignoreCase ? foldCase(set) : set };
  };

  /** The set of an escape `\c` (i is past `c`), or undefined for one not modelled. */
  const escapeSet = (c: string): CharSet | undefined => {
    switch (c) {
      case 'd':
        return range(48, 57);
      case 'D':
        return complement(range(48, 57));
      case 'w':
        return word();
      case 'W':
        return complement(word());
      case 's':
        return space();
      case 'S':
        return complement(space());
      case 'n':
        return single(10);
      case 'r':
        return single(13);
      case 't':
        return single(9);
      case 'f':
        return single(12);
      case 'v':
        return single(11);
      case 'x': {
        const hex = /^[0-9a-fA-F]{2}/.exec(source.slice(i));
        if (hex === null) return undefined;
        i += 2;
        return single(Number.parseInt(hex[0], 16));
      }
      case 'u': {
        const hex = /^[0-9a-fA-F]{4}/.exec(source.slice(i));
        if (hex === null) return undefined;
        i += 4;
        return single(Number.parseInt(hex[0], 16));
      }
      default:
        // `\.`, `\/`, `\-` and other escaped punctuation: the character itself
        return /^[A-Za-z0-9]$/.test(c) ? undefined : single(c.codePointAt(0) as number);
    }
  };

  const charClass = (): CharSet => {
    const negated = peek() === '^';
    if (negated) i++;
    const set = new Uint8Array(SYMBOLS);
    let first = true;
    for (;;) {
      const c = source[i];
      if (c === undefined) throw new Unsupported();
      if (c === ']' && !first) {
        i++;
        break;
      }
      if (c === ']' && first) {
        // `[]` matches nothing; `[^]` anything
        i++;
        return negated ? complement(set) : set;
      }
      first = false;
      const low = classAtom();
      if (peek() === '-' && source[i + 1] !== ']' && source[i + 1] !== undefined && low.code !== undefined) {
        i++;
        const high = classAtom();
        if (high.code === undefined || high.code < low.code) throw new Unsupported();
        addRange(set, low.code, high.code);
      } else addAll(set, low.set);
    }
    const folded = ignoreCase ? foldCase(set) : set;
    return negated ? complement(folded) : folded;
  };

  /** One class member: a single code point (which can start a range) or an escape class such as `\d`. */
  const classAtom = (): { code?: number; set: CharSet } => {
    const c = source[i++] as string;
    if (c !== '\\') {
      const code = c.codePointAt(0) as number;
      if (code > 0xffff) i++;
      return { code, set: single(code) };
    }
    const e = source[i++];
    if (e === undefined) throw new Unsupported();
    if (e === 'b') return { code: 8, set: single(8) };
    const set = escapeSet(e);
    if (set === undefined) throw new Unsupported();
    const singleCode = onlyMember(set);
    return singleCode === undefined ? { set } : { code: singleCode, set };
  };

  const node = alternation(true);
  if (i !== source.length) throw new Unsupported();
  return { node, anchored: !multiline && startAnchors === alternatives };
}

function single(code: number): CharSet {
  const set = new Uint8Array(SYMBOLS);
  set[code < 128 ? code : OTHER] = 1;
  return set;
}

function range(low: number, high: number): CharSet {
  const set = new Uint8Array(SYMBOLS);
  addRange(set, low, high);
  return set;
}

function addRange(set: CharSet, low: number, high: number): void {
  for (let c = low; c <= Math.min(high, 127); c++) set[c] = 1;
  if (high > 127) set[OTHER] = 1;
}

function addAll(set: CharSet, other: CharSet): void {
  for (let c = 0; c < SYMBOLS; c++) if (other[c] === 1) set[c] = 1;
}

function complement(set: CharSet): CharSet {
  const out = new Uint8Array(SYMBOLS);
  for (let c = 0; c < SYMBOLS; c++) out[c] = set[c] === 1 ? 0 : 1;
  out[OTHER] = 1; // there is always some other character outside ASCII
  return out;
}

function word(): CharSet {
  const set = range(48, 57);
  addRange(set, 65, 90);
  addRange(set, 97, 122);
  set[95] = 1;
  return set;
}

function space(): CharSet {
  const set = range(9, 13);
  set[32] = 1;
  set[OTHER] = 1; // U+00A0, U+FEFF, the Unicode spaces
  return set;
}

function dot(dotAll: boolean): CharSet {
  const set = new Uint8Array(SYMBOLS).fill(1);
  if (!dotAll) {
    set[10] = 0;
    set[13] = 0;
  }
  return set;
}

function literal(code: number, ignoreCase: boolean): CharSet {
  const set = single(code);
  return ignoreCase ? foldCase(set) : set;
}

/** Both cases of each ASCII letter; `k` and `s` also fold to a non-ASCII character (K, ſ) with `iu`. */
function foldCase(set: CharSet): CharSet {
  const out = Uint8Array.from(set);
  for (let c = 65; c <= 90; c++) {
    if (set[c] === 1 || set[c + 32] === 1) {
      out[c] = 1;
      out[c + 32] = 1;
      if (c === 75 || c === 83) out[OTHER] = 1;
    }
  }
  return out;
}

function onlyMember(set: CharSet): number | undefined {
  let found: number | undefined;
  for (let c = 0; c < SYMBOLS; c++) {
    if (set[c] !== 1) continue;
    if (found !== undefined || c === OTHER) return undefined;
    found = c;
  }
  return found;
}

// ---------------------------------------------------------------------------------------------------------
// The position automaton, with the number of ways between positions

interface Automaton {
  /** Each position's characters. */
  readonly sets: readonly CharSet[];
  /** ways[p][q]: distinct epsilon paths from after reading at position p to reading at q. */
  readonly ways: readonly Float64Array[];
  /** start[q]: distinct epsilon paths from the start to reading at q. */
  readonly start: Float64Array;
}

/** A character-reading edge of the epsilon automaton: one position. */
interface Read {
  readonly from: number;
  readonly to: number;
  readonly set: CharSet;
}

/** A fragment of an epsilon automaton: entry and exit states. */
interface Fragment {
  readonly entry: number;
  readonly exit: number;
}

/** Most sets of active positions followed (the subset construction can grow exponentially). */
const MAX_ACTIVE_SETS = 4096;

/** Most elementary steps the count may take (tens of milliseconds): a RegExp that needs more gets no bound. */
const MAX_OPERATIONS = 5_000_000;

/** Largest automaton modelled: origin RegExps have a few dozen positions. */
const MAX_STATES = 2000;

function buildAutomaton(root: Node): Automaton {
  const epsilon: number[][] = [];
  const reads: Read[] = [];
  const state = (): number => {
    if (epsilon.length >= MAX_STATES) throw new Unsupported();
    epsilon.push([]);
    return epsilon.length - 1;
  };
  const link = (from: number, to: number): void => {
    (epsilon[from] as number[]).push(to);
  };
  const build = (node: Node): Fragment => {
    switch (node.kind) {
      case 'empty': {
        const s = state();
        return { entry: s, exit: s };
      }
      case 'char': {
        const entry = state();
        const exit = state();
        reads.push({ from: entry, to: exit, set: node.set });
        return { entry, exit };
      }
      case 'seq': {
        const parts = node.items.map(build);
        for (let k = 1; k < parts.length; k++) link((parts[k - 1] as Fragment).exit, (parts[k] as Fragment).entry);
        return { entry: (parts[0] as Fragment).entry, exit: (parts.at(-1) as Fragment).exit };
      }
      case 'alt': {
        const entry = state();
        const exit = state();
        for (const option of node.options) {
          const part = build(option);
          link(entry, part.entry);
          link(part.exit, exit);
        }
        return { entry, exit };
      }
      case 'star':
      case 'plus': {
        // entry -> body -> loop; loop -> body again, or out; a star may also skip the body
        const entry = state();
        const loop = state();
        const exit = state();
        const body = build(node.body);
        link(entry, body.entry);
        if (node.kind === 'star') link(entry, exit);
        link(body.exit, loop);
        link(loop, body.entry);
        link(loop, exit);
        return { entry, exit };
      }
    }
  };
  const whole = build(root);

  // Number of epsilon paths from each state to each reading state; an epsilon cycle (a loop whose body
  // can match empty) is not modelled.
  const readAt = new Map<number, number>(); // state -> position
  for (let position = 0; position < reads.length; position++) readAt.set((reads[position] as Read).from, position);
  const positions = reads.length;
  const memo = new Map<number, Float64Array>();
  const visiting = new Set<number>();
  const pathsFrom = (s: number): Float64Array => {
    const known = memo.get(s);
    if (known !== undefined) return known;
    if (visiting.has(s)) throw new Unsupported();
    visiting.add(s);
    const counts = new Float64Array(positions);
    const position = readAt.get(s);
    if (position !== undefined) counts[position] = (counts[position] as number) + 1;
    for (const next of epsilon[s] as number[]) {
      const sub = pathsFrom(next);
      for (let q = 0; q < positions; q++) counts[q] = (counts[q] as number) + (sub[q] as number);
    }
    visiting.delete(s);
    memo.set(s, counts);
    return counts;
  };
  return {
    sets: reads.map((r) => r.set),
    ways: reads.map((r) => pathsFrom(r.to)),
    start: pathsFrom(whole.entry),
  };
}

// ---------------------------------------------------------------------------------------------------------
// The bound, by the sets of active positions

/**
 * perLength[L]: an upper bound on the attempts to read a character (or the end) that one run from one
 * start position makes on any input of length L or less (the attempts after each of its first L
 * characters, and before the first).
 */
function workPerLength(automaton: Automaton, maxLength: number, limit: number): Float64Array {
  const { sets, ways, start } = automaton;
  const positions = sets.length;
  const classes = symbolClasses(sets);
  const perLength = new Float64Array(maxLength + 1);
  // ways[p] as its non-zero entries: [q, count, q, count, ...]
  const sparse = ways.map((row) => {
    const entries: number[] = [];
    for (let q = 0; q < positions; q++) if ((row[q] as number) > 0) entries.push(q, row[q] as number);
    return entries;
  });

  // Sets of active positions, by key: their positions (ascending); a bound is one number per position.
  const members = new Map<string, number[]>();
  const keyOf = (list: number[]): string => {
    const key = list.join(',');
    if (!members.has(key)) {
      if (members.size >= MAX_ACTIVE_SETS) throw new Unsupported();
      members.set(key, list);
    }
    return key;
  };
  /** From a set (by key): the distinct sets the next character can leave active. */
  const successors = new Map<string, string[]>();
  const successorsOf = (fromKey: string, touched: readonly number[]): string[] => {
    let found = successors.get(fromKey);
    if (found === undefined) {
      const keys = new Set<string>();
      const support = [...touched].sort((a, b) => a - b);
      for (const symbol of classes) {
        const list = support.filter((q) => (sets[q] as CharSet)[symbol] === 1);
        if (list.length > 0) keys.add(keyOf(list));
      }
      found = [...keys];
      successors.set(fromKey, found);
    }
    return found;
  };

  const arrivals = new Float64Array(positions);
  let operations = 0;
  /** Arrivals from `vals` at the positions of `key` (or the start): fills `arrivals`, returns the touched. */
  const arrive = (list: readonly number[] | undefined, vals: Float64Array): number[] => {
    const touched: number[] = [];
    if (list === undefined) {
      for (let q = 0; q < positions; q++) {
        if ((vals[q] as number) > 0) {
          arrivals[q] = vals[q] as number;
          touched.push(q);
        }
      }
      return touched;
    }
    for (let i = 0; i < list.length; i++) {
      const count = vals[i] as number;
      const row = sparse[list[i] as number] as number[];
      operations += row.length;
      for (let e = 0; e < row.length; e += 2) {
        const q = row[e] as number;
        if (arrivals[q] === 0) touched.push(q);
        arrivals[q] = (arrivals[q] as number) + count * (row[e + 1] as number);
      }
    }
    return touched;
  };
  /** Moves the arrivals into the bounds of the next sets (a maximum per position), and clears them. */
  const advance = (fromKey: string, touched: number[], next: Map<string, Float64Array>): number => {
    let attempts = 0;
    for (const q of touched) attempts += arrivals[q] as number;
    for (const key of successorsOf(fromKey, touched)) {
      const list = members.get(key) as number[];
      let bound = next.get(key);
      if (bound === undefined) {
        bound = new Float64Array(list.length);
        next.set(key, bound);
      }
      operations += list.length;
      for (let j = 0; j < list.length; j++) {
        const value = arrivals[list[j] as number] as number;
        if (value > (bound[j] as number)) bound[j] = value;
      }
    }
    for (const q of touched) arrivals[q] = 0;
    if (operations > MAX_OPERATIONS) throw new Unsupported();
    return attempts;
  };

  // Before the first character: the ways from the start to each position.
  let current = new Map<string, Float64Array>();
  let total = advance('start', arrive(undefined, start), current);
  perLength[0] = total;
  for (let length = 1; length <= maxLength; length++) {
    const next = new Map<string, Float64Array>();
    let attempts = 0;
    for (const [key, bound] of current) {
      const touched = arrive(members.get(key), bound);
      // Every way arriving at a position is one attempt, whether or not its character matches; reading
      // the end of the input counts one more per way that got this far.
      attempts = Math.max(attempts, advance(key, touched, next) + sum(bound));
    }
    total += attempts;
    perLength[length] = total;
    if (total > limit || next.size === 0) {
      perLength.fill(total, length + 1);
      break;
    }
    current = next;
  }
  return perLength;
}

function sum(values: Float64Array): number {
  let s = 0;
  for (let k = 0; k < values.length; k++) s += values[k] as number;
  return s;
}

/** One representative symbol per class of symbols that every position treats alike. */
function symbolClasses(sets: readonly CharSet[]): number[] {
  const seen = new Set<string>();
  const representatives: number[] = [];
  for (let c = 0; c < SYMBOLS; c++) {
    let signature = '';
    for (const set of sets) signature += set[c] === 1 ? '1' : '0';
    if (seen.has(signature)) continue;
    seen.add(signature);
    if (signature.includes('1')) representatives.push(c);
  }
  return representatives;
}
