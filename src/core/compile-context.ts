/**
 * What an adapter tells `compile` besides the options: production or not, where warnings go, how lists
 * are joined, the names its users write. Every start-up and refusal message names an option through
 * `optionName` (refusals through names resolved once at compile time), so an adapter whose framework spells options
 * differently (`hono/cors`'s `allowHeaders`) gets its users' names in the messages from the templates
 * themselves, not by rewriting the text afterwards. The few other words that depend on the adapter
 * (`dropInFor`, `credentialsShown`) are given the same way.
 */
import type { CorsRefusal } from './refusal.js';

export interface CompileContext {
  /** Compile for production: plain-http origins other than localhost are refused. Adapters pass NODE_ENV === 'production'. */
  readonly production?: boolean;
  /** Receives start-up warnings (an unanchored RegExp, say). Default: `console.warn`. */
  readonly warn?: (message: string) => void;
  /**
   * Joins the names of an array given for `methods`, `allowedHeaders` or `exposedHeaders` into the header
   * value. Default `','` (as `cors` writes it); `@fastify/cors` writes `', '`.
   */
  readonly listSeparator?: string;
  /** Option names an adapter reads and removes itself before compiling: offered for mistyped names. */
  readonly adapterOptionNames?: readonly string[];
  /** The name the user wrote for one of corsgate's options (e.g. `methods` → `allowMethods`). Default: the same name. */
  readonly optionName?: (name: string) => string;
  /**
   * The package the adapter stands in for, named where a message says what it would do with the same
   * options (an unset `origin`: "cors would send Access-Control-Allow-Origin: *"). Default `cors`.
   */
  readonly dropInFor?: string;
  /**
   * How messages show `credentials: true` when the adapter compiled it from another value (corsgate/koa
   * compiles a credentials function twice, once with `true`). Default `true`. Applies to the enforced
   * policy's options only: `reportOnly`'s `credentials` is its own value.
   */
  readonly credentialsShown?: string;
  /**
   * Receives each refusal of the `reportOnly` policy (already marked `reportOnly: true`), besides
   * `onRefused`: the node adapters' `NODE_DEBUG=corsgate` line. Default: none.
   */
  readonly reportOnlyLog?: (refusal: CorsRefusal) => void;
}

/** `optionName` of a context, or the identity. */
export type OptionNamer = (name: string) => string;

const sameName: OptionNamer = (name) => name;

export function optionNamer(context: CompileContext): OptionNamer {
  return context.optionName ?? sameName;
}
