/** The framework-free engine: compile options into a policy, then decide per request. No Node or framework imports. */

export type { RequestObserver } from './census-option.js';
export { closestName as closestOptionName } from './closest-name.js';
export { type ConfigProblem, CorsConfigError } from './config-error.js';
export type { CorsDecision, Header, RequestFacts, RequestKind } from './decision.js';
export { mergeVary } from './headers/vary.js';
export {
  quote as quoteRequestValue,
  show as showRequestValue,
  showConfigured as showConfigValue,
} from './log-safe.js';
export type {
  CallbackCorsOptions,
  CorsOptions,
  CorsOptionsDelegate,
  NameList,
  OriginCallback,
  OriginCallbackResult,
  ReportOnlyOptions,
  StaticCorsOptions,
  StaticOrigin,
} from './options.js';
export { OPTION_NAMES } from './options.js';
export { isSerializedOrigin } from './origin.js';
export { CorsOriginTimeoutError } from './origin-callback.js';
export { type CompileContext, type CorsPolicy, compile, DEFAULT_METHODS, decidesAsynchronously } from './policy.js';
export { decide } from './public-decision.js';
export type { CorsRefusal, RefusalKind } from './refusal.js';
