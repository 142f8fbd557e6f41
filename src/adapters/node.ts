/**
 * `corsgate/node`: CORS for a bare `http.createServer` (or `https`, `http2` compat) handler.
 * Translation only: every CORS rule lives in `src/core/`.
 *
 * ```ts
 * const cors = createCorsHandler({ origin: ['https://app.example.com'] });
 * http.createServer((req, res) => {
 *   if (cors(req, res)) return; // a preflight, already answered
 *   res.end('hello');
 * });
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type CallbackCorsOptions,
  type CorsDecision,
  type CorsOptions,
  compile,
  decidesAsynchronously,
  type StaticCorsOptions,
} from '../core/index.js';
import { decideNode, nodeCompileContext, writeDecision } from './node-http.js';

export type NodeCorsOptions = CorsOptions<IncomingMessage>;

/**
 * Sets the CORS headers on `res`; answers a preflight itself and returns `true` when it did (then do
 * nothing more with `res`). Returns `false` when the request is the application's to answer.
 */
export type CorsHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * The same for an origin callback: resolves once the callback has answered. Rejects with the callback's
 * error (or timeout), having set no header: answer that with your own error response (a 500).
 */
export type AsyncCorsHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

/**
 * Creates the handler. Options are validated now (`CorsConfigError` at start-up). A fixed origin setting
 * (string, RegExp, list, boolean, `'*'`) gives a synchronous `CorsHandler`; an origin callback gives an
 * `AsyncCorsHandler` (await it). With options typed as the general `NodeCorsOptions`, the result is the
 * union: `await` works for both.
 */
export function createCorsHandler(options?: StaticCorsOptions<IncomingMessage> | null): CorsHandler;
export function createCorsHandler(options: CallbackCorsOptions<IncomingMessage>): AsyncCorsHandler;
export function createCorsHandler(options?: NodeCorsOptions | null): CorsHandler | AsyncCorsHandler;
export function createCorsHandler(options?: NodeCorsOptions | null): CorsHandler | AsyncCorsHandler {
  const policy = compile(options, nodeCompileContext);
  if (decidesAsynchronously(policy)) {
    return async function corsgateAsync(req, res) {
      return writeDecision(res, await decideNode(policy, req, req));
    };
  }
  return function corsgate(req, res) {
    // A fixed origin setting: the decision is never a Promise.
    return writeDecision(res, decideNode(policy, req, req) as CorsDecision);
  };
}

export type { CorsDecision } from '../core/index.js';
