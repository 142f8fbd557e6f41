/**
 * Reading an options value once, the same way whatever its shape: a plain object, a class instance with
 * getters, or an object that inherits its values (`Object.create(defaults)`). Each known option is read by
 * property access (`options.origin`, as `cors` reads it) and is present when `name in options`; own
 * enumerable keys that are not options are kept too, for the unknown-name check (not for a class instance
 * that has options: its own fields are its business). `compile` and the
 * delegate's policy cache both read through here, so a cache key covers exactly what compile reads, and a
 * getter is read once per request.
 */
import { CorsConfigError, show } from './config-error.js';
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
  // No prototype: an own key named `__proto__` or `toString` (from JSON, say) is just a key here.
  const read: Record<string, unknown> = Object.create(null);
  for (const name of OPTION_NAMES) {
    if (name in options) read[name] = options[name];
  }
  // A class instance with no option at all (a `Timeout` returned by mistake) is checked like a plain object.
  if (!isClassInstance(options) || Object.keys(read).length === 0) {
    for (const name of Object.keys(options)) {
      if (!Object.hasOwn(read, name)) read[name] = (options as Record<string, unknown>)[name];
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
  const constructor = Object.getOwnPropertyDescriptor(prototype, 'constructor')?.value;
  return typeof constructor === 'function' && constructor !== Object;
}
