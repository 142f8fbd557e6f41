/**
 * Reading an options value once, the same way whatever its shape: a plain object, a class instance with
 * getters, or an object that inherits its values (`Object.create(defaults)`). Each known option is read by
 * property access (`options.origin`, as `cors` reads it) and is present when `name in options`; own
 * enumerable keys that are not options are kept too, for the unknown-name check. `compile` and the
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
  for (const name of Object.keys(options)) {
    if (!Object.hasOwn(read, name)) read[name] = (options as Record<string, unknown>)[name];
  }
  return read as ReadOptions<Req>;
}
