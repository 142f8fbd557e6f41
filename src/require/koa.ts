/**
 * CommonJS entry: `require('corsgate/koa')` is the middleware factory itself, with every named export
 * attached (`.cors`, `.default`). The `cors` namespace carries the types the ESM entry exports, so CommonJS
 * TypeScript reads them as ESM does: `import cors = require('corsgate/koa')` and `cors.KoaCorsOptions`.
 */
import * as adapter from '../adapters/koa.js';

const cors = Object.assign(adapter.cors, adapter);

declare namespace cors {
  export type KoaCorsOptions = adapter.KoaCorsOptions;
  export type KoaCredentialsFunction = adapter.KoaCredentialsFunction;
  export type KoaOriginAnswer = adapter.KoaOriginAnswer;
  export type KoaOriginFunction = adapter.KoaOriginFunction;
  export type KoaReportOnlyOptions = adapter.KoaReportOnlyOptions;
}

export = cors;
