/**
 * CommonJS entry: `require('corsgate/hono')` is the middleware factory itself, with every named export
 * attached (`.cors`, `.default`). The `cors` namespace carries the types the ESM entry exports, so CommonJS
 * TypeScript reads them as ESM does: `import cors = require('corsgate/hono')` and `cors.HonoCorsOptions`.
 */
import * as adapter from '../adapters/hono.js';

const cors = Object.assign(adapter.cors, adapter);

declare namespace cors {
  export type HonoCorsOptions = adapter.HonoCorsOptions;
  export type HonoMethodsFunction = adapter.HonoMethodsFunction;
  export type HonoOriginAnswer = adapter.HonoOriginAnswer;
  export type HonoOriginFunction = adapter.HonoOriginFunction;
  export type HonoReportOnlyOptions = adapter.HonoReportOnlyOptions;
}

export = cors;
