/**
 * corsgate: `import cors from 'corsgate'` gives the Express/Connect middleware factory, exactly where
 * the `cors` package's is. The engine is exported too, for adapters and tools.
 * `CorsOptions`, `CorsOptionsDelegate` and `CorsRequest` are the names `@types/cors` exports, with
 * Express's `Request` as the default request type; they take precedence over the engine's generic ones.
 */
import { cors } from './adapters/express.js';

export default cors;
export {
  type CorsMiddleware,
  type CorsOptions,
  type CorsOptionsDelegate,
  type CorsRequest,
  cors,
  type ExpressCorsOptions,
  type ExpressCorsOptionsDelegate,
  type ExpressRequest,
  type NextFunction,
} from './adapters/express.js';
export * from './core/index.js';
