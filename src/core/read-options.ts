/**
 * Reading an options value once, the same way whatever its shape: a plain object, a class instance with
 * getters, or an object that inherits its values (`Object.create(defaults)`). Each known option is read by
 * property access (`options.origin`, as `cors` reads it) and is present when `name in options`; own
 * enumerable keys that are not options are kept too, for the unknown-name check (not for a class instance
 * that has options: its own fields are its business). `compile` and the
 * delegate's policy cache both read through here, so a cache key covers exactly what compile reads, and a
 * getter is read once per request.
 */
import { CorsConfigError } from './config-error.js';
import { showConfigured as show } from './log-safe.js';
import { type CorsOptions, OPTION_NAMES } from './options.js';

/** Options read into a plain object: own data properties only, in `OPTION_NAMES` order, then unknown names. */
export type ReadOptions<Req> = CorsOptions<Req> & { readonly [unknownName: string]: unknown };

export function readOptions<Req>(options: CorsOptions<Req> | null | undefined): ReadOptions<Req> {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new CorsConfigError([
      {
        option: 'options',
        value: show(options),
        problem: 'the options must be an object.',
        fix: 'call cors() with no argument, with an options object, or with a delegate function (req, callback).',
      },
    ]);
  }
  if (Object.getPrototypeOf(options) === Object.prototype) return readPlain(options);
  // Known names first, in `OPTION_NAMES` order (a fast-mode object with a stable shape), then unknown names.
  const read: Record<string, unknown> = {};
  let known = 0;
  for (let i = 0; i < OPTION_NAMES.length; i++) {
    const name = OPTION_NAMES[i] as keyof CorsOptions;
    if (name in options) {
      read[name] = options[name];
      known++;
    }
  }
  // A class instance with no option at all (a `Timeout` returned by mistake) is checked like a plain object.
  if (known === 0 || !isClassInstance(options)) {
    const own = Object.keys(options);
    if (own.length !== known) {
      copyUnknownNames(read, options, own);
    }
  }
  return read as ReadOptions<Req>;
}

/** The position of each option name in `OPTION_NAMES`. */
const OPTION_INDEX = new Map<string, number>(OPTION_NAMES.map((name, i) => [name, i]));

/**
 * An object literal (the usual shape, answered fresh by a delegate on every request): its options are its
 * own properties, so it is read from its own names (usually two or three) rather than by asking it for all
 * 18 option names. The result is the same object, in the same order, as the general path makes.
 */
function readPlain<Req>(options: CorsOptions<Req>): ReadOptions<Req> {
  const own = Object.getOwnPropertyNames(options);
  const at: number[] = [];
  let unknown = false;
  for (let i = 0; i < own.length; i++) {
    const index = OPTION_INDEX.get(own[i] as string);
    if (index === undefined) {
      unknown = true;
      continue;
    }
    // insertion into `at`, kept in OPTION_NAMES order (a handful of names)
    let j = at.length;
    while (j > 0 && (at[j - 1] as number) > index) {
      at[j] = at[j - 1] as number;
      j--;
    }
    at[j] = index;
  }
  const read: Record<string, unknown> = {};
  for (let i = 0; i < at.length; i++) {
    const name = OPTION_NAMES[at[i] as number] as keyof CorsOptions;
    read[name] = options[name];
  }
  if (unknown) copyUnknownNames(read, options, Object.keys(options));
  return read as ReadOptions<Req>;
}

/** Adds the `names` not yet in `read` (the unknown ones), for the unknown-name check. */
function copyUnknownNames(read: Record<string, unknown>, options: object, names: readonly string[]): void {
  for (const name of names) {
    if (Object.hasOwn(read, name)) continue;
    // defineProperty: an own key named `__proto__` (from JSON, say) is just a key here.
    Object.defineProperty(read, name, {
      value: (options as Record<string, unknown>)[name],
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
}

/**
 * An instance of a class (its prototype has its own `constructor`, not `Object`): its own fields are the
 * class's business (`this.tenant`), not misspelled options, so only plain objects and objects made with
 * `Object.create(...)` are checked for unknown names.
 */
function isClassInstance(options: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(options);
  if (prototype === null || prototype === Object.prototype) return false;
  const maker = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  return typeof maker === 'function' && maker !== Object;
}
