/**
 * The one table of HTTP methods the core needs (Fetch Standard §2.2.1 "methods"): which methods a
 * CORS request may use without a preflight, and which `fetch()` upper-cases. The CLI keeps its own copy
 * on purpose (src/cli/fetch-rules.ts: a probe written apart from the core does not share its mistakes).
 */

/** CORS-safelisted methods: never need `Access-Control-Allow-Methods` (Fetch Standard, "CORS-safelisted method"). */
export const SAFELISTED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST']);

/** Methods that `fetch()` upper-cases (Fetch "normalize a method"); every other method is sent as written. */
export const NORMALIZED_METHODS: ReadonlySet<string> = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
