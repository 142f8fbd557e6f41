/**
 * corsgate: `import cors from 'corsgate'` gives the Express/Connect middleware factory, exactly where
 * the `cors` package's is. The engine is exported too, for adapters and tools.
 */
import { cors } from './adapters/express.js';

export default cors;
export {
  type CorsMiddleware,
  cors,
  type ExpressCorsOptions,
  type ExpressCorsOptionsDelegate,
  type NextFunction,
} from './adapters/express.js';
export * from './core/index.js';
