/** The framework-free engine: compile options into a policy, then decide per request. No Node or framework imports. */
export { type ConfigProblem, CorsConfigError, show } from './config-error.js';
export { decide } from './decide.js';
export type { CorsDecision, RequestFacts, RequestKind } from './decision.js';
export type { Header } from './header-names.js';
export {
  type CallbackCorsOptions,
  type CorsOptions,
  type CorsOptionsDelegate,
  type NameList,
  OPTION_NAMES,
  type OriginCallback,
  type OriginCallbackResult,
  type StaticCorsOptions,
  type StaticOrigin,
} from './options.js';
export { isSerializedOrigin } from './origin.js';
export { CorsOriginTimeoutError, RECEIVES_REQUEST } from './origin-callback.js';
export {
  type CompileContext,
  type CorsPolicy,
  closest,
  compile,
  DEFAULT_METHODS,
  decidesAsynchronously,
} from './policy.js';
export type { CorsRefusal, RefusalKind } from './refusal.js';
export { mergeVary } from './vary.js';
