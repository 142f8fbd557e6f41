/**
 * CommonJS entry: `require('corsgate/fastify')` is the Fastify plugin itself, with every named export
 * attached (`.corsgate`, `.default`), as `fastify-plugin`-style plugins are. The `corsgate` namespace carries
 * the types the ESM entry exports, so CommonJS TypeScript reads them as ESM does:
 * `import cors = require('corsgate/fastify')` and `cors.FastifyCorsOptions`.
 */
import * as adapter from '../adapters/fastify.js';

const corsgate = Object.assign(adapter.corsgate, adapter);

declare namespace corsgate {
  export type FastifyCorsHook = adapter.FastifyCorsHook;
  export type FastifyCorsOptions = adapter.FastifyCorsOptions;
  export type FastifyCorsOptionsDelegate = adapter.FastifyCorsOptionsDelegate;
  export type FastifyOrigin = adapter.FastifyOrigin;
  export type FastifyOriginEntry = adapter.FastifyOriginEntry;
  export type FastifyOriginFunction = adapter.FastifyOriginFunction;
  export type FastifyRouteCorsOptions = adapter.FastifyRouteCorsOptions;
  export type FastifyReportOnlyOptions = adapter.FastifyReportOnlyOptions;
}

export = corsgate;
