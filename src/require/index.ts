/**
 * CommonJS entry: `require('corsgate')` is the middleware factory itself (as `require('cors')` is),
 * with every named export attached: `require('corsgate').CorsConfigError`, `.compile`, `.default`.
 * The `cors` namespace carries the types under the names `@types/cors` uses, so CommonJS TypeScript
 * written for `cors` compiles unchanged: `import cors = require('corsgate')` and `cors.CorsOptions`.
 */
import * as corsgate from '../index.js';

const cors = Object.assign(corsgate.cors, corsgate);

declare namespace cors {
  export type CorsOptions<Req = corsgate.ExpressRequest> = corsgate.CorsOptions<Req>;
  export type CorsOptionsDelegate<Req extends CorsRequest = corsgate.ExpressRequest> =
    corsgate.CorsOptionsDelegate<Req>;
  export type CorsRequest = corsgate.CorsRequest;
  export type CorsMiddleware = corsgate.CorsMiddleware;
  export type NextFunction = corsgate.NextFunction;
  export type ExpressRequest = corsgate.ExpressRequest;
  export type ExpressCorsOptions = corsgate.ExpressCorsOptions;
  export type ExpressCorsOptionsDelegate = corsgate.ExpressCorsOptionsDelegate;
  export type StaticOrigin = corsgate.StaticOrigin;
  export type OriginCallback = corsgate.OriginCallback;
  export type OriginCallbackResult = corsgate.OriginCallbackResult;
  export type CorsRefusal = corsgate.CorsRefusal;
  export type RefusalKind = corsgate.RefusalKind;
  export type CorsPolicy<Req = unknown> = corsgate.CorsPolicy<Req>;
  export type CorsDecision = corsgate.CorsDecision;
  export type ConfigProblem = corsgate.ConfigProblem;
  export type CompileContext = corsgate.CompileContext;
  export type CorsConfigError = corsgate.CorsConfigError;
  export type CorsOriginTimeoutError = corsgate.CorsOriginTimeoutError;
}

export = cors;
