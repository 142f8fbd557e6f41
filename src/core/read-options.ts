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
      for (const name of own) {
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
  }
  return read as ReadOptions<Req>;
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
