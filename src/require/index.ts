/**
 * CommonJS entry: `require('corsgate')` is the middleware factory itself (as `require('cors')` is),
 * with every named export attached: `require('corsgate').CorsConfigError`, `.compile`, `.default`.
 * The `cors` namespace carries the types under the names `@types/cors` uses, so CommonJS TypeScript
 * written for `cors` compiles unchanged: `import cors = require('corsgate')` and `cors.CorsOptions`; and every
 * other type the ESM entry exports (test/package/exports.test.ts checks that none is missing).
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
  export type StaticCorsOptions<Req = unknown> = corsgate.StaticCorsOptions<Req>;
  export type ReportOnlyOptions<Req = unknown> = corsgate.ReportOnlyOptions<Req>;
  export type RequestObserver = corsgate.RequestObserver;
  export type CallbackCorsOptions<Req = unknown> = corsgate.CallbackCorsOptions<Req>;
  export type NameList = corsgate.NameList;
  export type RequestFacts = corsgate.RequestFacts;
  export type RequestKind = corsgate.RequestKind;
  export type Header = corsgate.Header;
}

export = cors;
