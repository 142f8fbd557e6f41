/**
 * Keys by contents, for caches of compiled option values and origin-callback answers: the same contents
 * give the same key whatever object holds them, and contents changed in place (an origin removed from the
 * array a callback keeps returning, a RegExp recompiled) give a new key. Never recursive beyond one array
 * level, so a circular or odd value cannot overflow the stack; values that have no contents worth
 * comparing (functions, other objects, symbols) are keyed by identity.
 *
 * An array seen before is checked against a copy of its elements (one `===` per element, no string built),
 * so a callback that returns the same large allowlist on every request costs one pass over it.
 */

export type ContentKey = (value: unknown) => string;

/** Distinct array contents remembered (their key strings can be long); forgotten all at once when full. */
const MAX_ARRAY_CONTENTS = 64;

/** A RegExp element as it was: the object and its key (its source can change in place). */
class RegExpSeen {
  constructor(
    readonly regexp: RegExp,
    readonly key: string,
  ) {}
}

interface ArraySeen {
  /** The elements when last seen; a RegExp element with its key at the time. */
  readonly elements: readonly unknown[];
  readonly key: string;
}

function regexpKey(regexp: RegExp): string {
  return `r${regexp.flags}/${regexp.source}`;
}

function sameElements(seen: readonly unknown[], array: readonly unknown[]): boolean {
  if (seen.length !== array.length) return false;
  for (let i = 0; i < seen.length; i++) {
    const before = seen[i];
    const now = array[i];
    if (before === now) continue;
    if (before instanceof RegExpSeen && before.regexp === now && regexpKey(now as RegExp) === before.key) continue;
    return false;
  }
  return true;
}

/** A key function with its own memory (one per cache). */
export function createContentKey(): ContentKey {
  const identities = new WeakMap<object, string>();
  let nextIdentity = 0;
  const arrays = new WeakMap<readonly unknown[], ArraySeen>();
  const arrayIds = new Map<string, string>();
  let nextArrayId = 0;

  const identity = (value: object): string => {
    let id = identities.get(value);
    if (id === undefined) {
      id = `#${nextIdentity++}`;
      identities.set(value, id);
    }
    return id;
  };

  /** A scalar, a RegExp, or anything else by identity (nested arrays included). */
  const elementKey = (value: unknown): string => {
    switch (typeof value) {
      case 'string':
        return JSON.stringify(value);
      case 'number':
        return `n${Object.is(value, -0) ? '-0' : String(value)}`;
      case 'boolean':
        return value ? 't' : 'f';
      case 'undefined':
        return 'u';
      case 'bigint':
        return `i${String(value)}`;
      case 'symbol':
      case 'function':
        return identity(value as object);
      default:
        if (value === null) return 'l';
        if (value instanceof RegExp) return regexpKey(value);
        return identity(value as object);
    }
  };

  const arrayKey = (array: readonly unknown[]): string => {
    const seen = arrays.get(array);
    if (seen !== undefined && sameElements(seen.elements, array)) return seen.key;
    // Built with push, so that the copy is a packed array (faster to compare against than a holey one).
    const elements: unknown[] = [];
    const parts: string[] = [];
    for (let i = 0; i < array.length; i++) {
      const element = array[i];
      const key = elementKey(element);
      parts.push(key);
      elements.push(element instanceof RegExp ? new RegExpSeen(element, key) : element);
    }
    const contents = parts.join(',');
    let id = arrayIds.get(contents);
    if (id === undefined) {
      if (arrayIds.size >= MAX_ARRAY_CONTENTS) arrayIds.clear();
      id = `a${nextArrayId++}`;
      arrayIds.set(contents, id);
    }
    arrays.set(array, { elements, key: id });
    return id;
  };

  return (value) => (Array.isArray(value) ? arrayKey(value) : elementKey(value));
}
