/**
 * `corsgate/fastify`: a Fastify plugin, `app.register(corsgate, options)`.
 * Translation only: every CORS rule lives in `src/core/`.
 *
 * Like a `fastify-plugin`-wrapped plugin (without the dependency), it skips Fastify's encapsulation
 * (`Symbol.for('skip-override')`), so its `onRequest` hook applies to the whole application, including
 * routes registered before it and the not-found handler. Preflights are answered in that hook, before
 * the route handler: no OPTIONS route is needed. An origin callback's error fails the request through
 * Fastify's error handling (`setErrorHandler`, a 500 by default).
 */
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import { type CorsDecision, type CorsOptions, compile } from '../core/index.js';
import { DEBUG_ENABLED } from './debug-log.js';
import { decideNode, logNodeDecision, mergedVary, nodeCompileContext } from './node-http.js';

export type FastifyCorsOptions = CorsOptions<FastifyRequest>;

/** Options Fastify's `register` reads for itself; they are not corsgate's. */
const REGISTER_OPTIONS = new Set(['prefix', 'logLevel', 'logSerializers']);

function corsgatePlugin(fastify: FastifyInstance, options: FastifyCorsOptions, done: (err?: Error) => void): void {
  let own: FastifyCorsOptions = options;
  if (Object.keys(options).some((name) => REGISTER_OPTIONS.has(name))) {
    own = Object.fromEntries(Object.entries(options).filter(([name]) => !REGISTER_OPTIONS.has(name)));
  }
  let policy: ReturnType<typeof compile<FastifyRequest>>;
  try {
    policy = compile(own, nodeCompileContext);
  } catch (err) {
    done(err as Error); // a CorsConfigError: \`register\`/\`ready()\` rejects with it, at start-up
    return;
  }
  fastify.addHook(
    'onRequest',
    function corsgateOnRequest(request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction): void {
      const pending = decideNode(policy, request.raw, request);
      if (pending instanceof Promise) {
        pending.then(
          (decision) => finish(reply, decision, next),
          (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
        );
        return;
      }
      finish(reply, pending, next);
    },
  );
  done();
}

function finish(reply: FastifyReply, decision: CorsDecision, next: HookHandlerDoneFunction): void {
  if (DEBUG_ENABLED) logNodeDecision(reply.raw.req, decision);
  const headers = decision.headers;
  for (let i = 0; i < headers.length; i++) {
    const header = headers[i] as CorsDecision['headers'][number];
    reply.header(header[0], header[1]);
  }
  if (decision.vary !== undefined) reply.header('vary', mergedVary(reply.getHeader('vary'), decision.vary));
  if (decision.respond) reply.code(decision.status).send();
  else next();
}

/** Marks the plugin as Fastify's `fastify-plugin` would: no encapsulation, a name, the Fastify versions it supports. */
const plugin = Object.assign(corsgatePlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'corsgate',
  [Symbol.for('plugin-meta')]: { name: 'corsgate', fastify: '5.x' },
}) as FastifyPluginCallback<FastifyCorsOptions>;

export { plugin as corsgate };
export default plugin;
