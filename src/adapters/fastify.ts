/**
 * `corsgate/fastify`: a drop-in for `@fastify/cors`, `app.register(corsgate, options)`, with its option
 * names, defaults and registration patterns (translated in fastify-options.ts). Translation only: every
 * CORS rule lives in `src/core/`.
 *
 * Like `@fastify/cors` (a `fastify-plugin`), it skips Fastify's encapsulation (`Symbol.for('skip-override')`):
 * its hook and its `OPTIONS *` route belong to the context it is registered in. At the root that is the
 * whole application (routes registered before or after it, the not-found handler); inside an encapsulated
 * plugin, that plugin's routes, under its prefix. Preflights are answered in the hook, before any
 * authentication hook or route handler. The `OPTIONS *` route is there so that Fastify routes a preflight
 * for a path without an `OPTIONS` route of its own into this context, where the hook runs; without it, the
 * request would go to the root's not-found handler, which never runs a hook of an encapsulated context.
 * An origin function's or delegator's error fails the request through Fastify's error handling
 * (`setErrorHandler`, a 500 by default).
 */
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { createDecider } from '../core/decide.js';
import {
  type ConfigProblem,
  CorsConfigError,
  type CorsDecision,
  compile,
  mergeVary,
  showConfigValue,
} from '../core/index.js';
import { createPolicyCache } from '../core/policy-cache.js';
import type { RequestReader } from '../core/request.js';
import { DELEGATE_TIMEOUT, delegateTimeoutMessage } from '../core/user-function.js';
import {
  compileFastifyOptions,
  type FastifyCompileContext,
  type FastifyCorsOptions,
  type FastifyCorsOptionsDelegate,
  type FastifyPolicy,
  type FastifyRouteCorsOptions,
  fastifyCoreContext,
  registrationProblems,
} from './fastify-options.js';
import { decideNode, type HeaderSink, nodeCompileContext, nodeReader, writeHeaders } from './node-http.js';

export type {
  FastifyCorsHook,
  FastifyCorsOptions,
  FastifyCorsOptionsDelegate,
  FastifyOrigin,
  FastifyOriginEntry,
  FastifyOriginFunction,
  FastifyReportOnlyOptions,
  FastifyRouteCorsOptions,
} from './fastify-options.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Route-level CORS options, merged over the plugin's; `false`: no CORS headers on this route. */
    cors?: FastifyRouteCorsOptions | false;
  }
}

type Next = (err?: Error) => void;

/** Decorates the context corsgate is registered in (and so its children). */
const REGISTERED = Symbol('corsgate');
type Apply = (request: FastifyRequest, reply: FastifyReply, next: Next) => void;

/** Options the registration reads, not the per-request CORS handling (with a delegator, the only ones read). */
const REGISTRATION_NAMES: ReadonlySet<string> = new Set([
  'delegator',
  'delegateTimeout',
  'hook',
  'hideOptionsRoute',
  'logLevel',
  'prefix',
  'logSerializers',
]);

function corsgatePlugin(
  fastify: FastifyInstance,
  registered: FastifyCorsOptions | FastifyCorsOptionsDelegate,
  done: (err?: Error) => void,
): void {
  // `register(corsgate, (instance) => delegate)`: Fastify calls the function, the plugin gets the delegate.
  const options: FastifyCorsOptions = typeof registered === 'function' ? { delegator: registered } : registered;
  const delegate = options.delegator;
  const coreContext = fastifyCoreContext(nodeCompileContext);
  const context: FastifyCompileContext = {
    instance: fastify,
    bound: new WeakMap(),
    // A delegator usually answers a new object each time: its options are kept compiled by contents.
    compile:
      typeof delegate === 'function'
        ? createPolicyCache<FastifyRequest>(coreContext)
        : (core) => compile<FastifyRequest>(core, coreContext),
  };
  const problems: ConfigProblem[] = registrationProblems(options);
  if (fastify.hasDecorator(REGISTERED)) {
    // As with @fastify/cors (whose second registration throws FST_ERR_DEC_ALREADY_PRESENT): two hooks
    // on the same routes would answer preflights with one configuration and other requests with the other.
    problems.push({
      option: 'register',
      value: fastify.prefix === '' ? 'the root context' : `the context of prefix ${fastify.prefix}`,
      problem: 'corsgate is already registered in this context or in one that encloses it.',
      fix: 'register it once per scope: at the root, or in each encapsulated plugin (siblings), and use config.cors for routes that differ.',
    });
  } else {
    fastify.decorate(REGISTERED, true);
  }
  let base: FastifyPolicy | undefined;
  if (delegate === undefined) {
    try {
      base = compileFastifyOptions(options, context);
    } catch (err) {
      if (!(err instanceof CorsConfigError)) throw err;
      problems.push(...err.problems);
    }
  } else {
    warnIgnoredWithDelegator(options);
  }
  if (problems.length > 0) {
    done(new CorsConfigError(problems)); // `register`/`ready()` rejects with it, at start-up
    return;
  }

  // Route-level options (`config: { cors }`), merged over the plugin's: compiled when the route is added
  // (a bad one stops start-up there), or on first use for a route added before the plugin.
  const routes = new WeakMap<object, FastifyPolicy>();
  const forRoute = (routeCors: FastifyRouteCorsOptions, route: RouteLabel): FastifyPolicy => {
    if (typeof routeCors !== 'object' || routeCors === null) {
      if ((routeCors as unknown) === true) return base as FastifyPolicy; // "CORS on": the plugin's options
      throw new CorsConfigError([
        {
          option: `${routeLabel(route)}`,
          value: showConfigValue(routeCors),
          problem: 'it must be an object of CORS options, or false to turn CORS off for the route.',
          fix: 'write e.g. config: { cors: { origin: ["https://app.example.com"] } }, or config: { cors: false }.',
        },
      ]);
    }
    let compiled = routes.get(routeCors);
    if (compiled === undefined) {
      compiled = compileFastifyOptions({ ...options, ...routeCors }, context, routeLabel(route));
      routes.set(routeCors, compiled);
    }
    return compiled;
  };

  // Checked by registrationProblems: a number from 1 to 2^31-1, or Infinity.
  const delegateTimeLimit = options.delegateTimeout ?? DELEGATE_TIMEOUT;
  /** Requests whose preflight the hook let through (`preflightContinue`): the `OPTIONS *` route answers them. */
  const continued = new WeakSet<FastifyRequest>();
  let apply: Apply;
  if (typeof delegate === 'function') {
    apply = (request, reply, next) => {
      const routeCors = request.routeOptions.config?.cors;
      if (routeCors === false) {
        next();
        return;
      }
      runDelegate(
        delegate,
        fastify,
        request,
        (err, delegated) => {
          if (err !== undefined) {
            next(err);
            return;
          }
          let compiled: FastifyPolicy;
          try {
            compiled = compileFastifyOptions({ ...delegated, ...routeCors }, context);
          } catch (compileError) {
            next(compileError as Error);
            return;
          }
          run(compiled, true, request, reply, next, continued);
        },
        delegateTimeLimit,
      );
    };
  } else {
    const compiledBase = base as FastifyPolicy;
    fastify.addHook('onRoute', (route) => {
      const routeCors = route.config?.cors;
      if (routeCors !== undefined && routeCors !== false) forRoute(routeCors, route);
    });
    apply = (request, reply, next) => {
      const routeCors = request.routeOptions.config?.cors;
      if (routeCors === false) {
        next();
        return;
      }
      let compiled = compiledBase;
      if (routeCors !== undefined) {
        try {
          compiled = forRoute(routeCors, request.routeOptions);
        } catch (err) {
          next(err as Error); // a route added before the plugin, with a bad config.cors: fails its requests
          return;
        }
      }
      run(compiled, false, request, reply, next, continued);
    };
  }

  addCorsHook(fastify, options.hook ?? 'onRequest', apply);
  addOptionsRoute(fastify, options, continued);
  done();
}

interface RouteLabel {
  readonly method?: string | readonly string[] | undefined;
  readonly url?: string | undefined;
}

function routeLabel(route: RouteLabel): string {
  const method = Array.isArray(route.method) ? route.method.join(',') : (route.method ?? '');
  return `route ${method} ${route.url ?? ''}: config.cors`;
}

function warnIgnoredWithDelegator(options: FastifyCorsOptions): void {
  const ignored = Object.keys(options).filter((name) => !REGISTRATION_NAMES.has(name));
  if (ignored.length === 0) return;
  nodeCompileContext.warn?.(
    `corsgate: with a delegator, the options ${ignored.join(', ')} are ignored (as by @fastify/cors); return them from the delegator.`,
  );
}

/**
 * Calls the delegator: declared with two parameters `(request, callback)` it answers through the callback
 * only (a rejecting returned Promise fails the request); with fewer, by its returned value or Promise.
 */
function runDelegate(
  delegate: FastifyCorsOptionsDelegate,
  fastify: FastifyInstance,
  request: FastifyRequest,
  answer: (err: Error | undefined, options: FastifyCorsOptions) => void,
  timeLimit: number,
): void {
  let settled = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const settle = (err: unknown, options?: FastifyCorsOptions | null): void => {
    if (settled) return;
    settled = true;
    if (timer !== undefined) clearTimeout(timer);
    if (err !== null && err !== undefined) answer(err instanceof Error ? err : new Error(String(err)), {});
    else if (typeof options !== 'object' || options === null || Array.isArray(options)) {
      // No options is not "the defaults" (any origin): @fastify/cors fails the request too.
      answer(new Error(`corsgate: the delegator answered ${showConfigValue(options)}, not an options object.`), {});
    } else answer(undefined, options);
  };
  const nodeStyle = delegate.length >= 2;
  let returned: unknown;
  try {
    returned = delegate.call(fastify, request, settle);
  } catch (err) {
    settle(err ?? new Error('corsgate: the delegator threw'));
    return;
  }
  if (typeof (returned as PromiseLike<unknown> | null)?.then === 'function') {
    (returned as PromiseLike<FastifyCorsOptions>).then(
      (options) => {
        if (!nodeStyle) settle(null, options);
      },
      (err: unknown) => settle(err ?? new Error('corsgate: the delegator rejected')),
    );
  } else if (!nodeStyle) {
    settle(null, returned as FastifyCorsOptions | undefined);
  }
  // Not answered yet: a request must not hang forever on a delegator that never calls back (as Express's delegate).
  if (!settled && timeLimit !== Number.POSITIVE_INFINITY) {
    const ignored = nodeStyle ? returned : undefined;
    timer = setTimeout(() => settle(new Error(delegateTimeoutMessage(ignored, timeLimit, 'delegator'))), timeLimit);
  }
}

function run(
  compiled: FastifyPolicy,
  dynamic: boolean,
  request: FastifyRequest,
  reply: FastifyReply,
  next: Next,
  continued: WeakSet<FastifyRequest>,
): void {
  let pending: CorsDecision | Promise<CorsDecision>;
  try {
    pending = compiled.preflight
      ? decideNode(compiled.policy, request.raw, request)
      : decideWithoutPreflights(compiled.policy, request.raw, request);
  } catch (err) {
    next(err as Error);
    return;
  }
  if (pending instanceof Promise) {
    pending.then(
      (decision) => finish(compiled, dynamic, decision, request, reply, next, continued),
      (err: unknown) => next(err instanceof Error ? err : new Error(String(err))),
    );
    return;
  }
  finish(compiled, dynamic, pending, request, reply, next, continued);
}

function finish(
  compiled: FastifyPolicy,
  dynamic: boolean,
  decision: CorsDecision,
  request: FastifyRequest,
  reply: FastifyReply,
  next: Next,
  continued: WeakSet<FastifyRequest>,
): void {
  // Options that change per request (a delegator) make every answer depend on the request, as @fastify/cors says.
  const vary = dynamic ? (decision.vary === undefined ? 'Origin' : mergeVary('Origin', decision.vary)) : decision.vary;
  writeHeaders(replySink(reply, request), decision, vary);
  if (request.raw.method === 'OPTIONS' && compiled.preflight && compiled.policy.origin.kind !== 'disabled') {
    if (decision.kind === 'preflight') {
      if (compiled.cacheControl !== undefined) reply.header('cache-control', compiled.cacheControl);
      if (decision.respond) {
        reply.code(decision.status).header('content-length', '0').send();
        return;
      }
      continued.add(request);
    } else if (compiled.strictPreflight && !refusedByOriginFunction(compiled, decision)) {
      // strictPreflight: an OPTIONS request that is not a CORS preflight is refused, as by @fastify/cors.
      reply.code(400).type('text/plain').send('Invalid Preflight Request');
      return;
    }
  }
  next();
}

/** `preflight: false`: no request is a preflight; an OPTIONS one gets the headers of an actual request. */
const noPreflightReader: RequestReader<FastifyRequest['raw']> = { ...nodeReader, requestMethod: () => undefined };
const decideWithoutPreflights = createDecider(noPreflightReader);

/** Fastify's reply as the node-style header writer's sink (its own `header()`, so hooks and `onSend` see them). */
function replySink(reply: FastifyReply, request: FastifyRequest): HeaderSink {
  return {
    setHeader: (name, value) => reply.header(name, value),
    getHeader: (name) => reply.getHeader(name),
    req: request.raw,
  };
}

/** An origin function's refusal turns CORS off for the request in @fastify/cors: no strictPreflight check then. */
function refusedByOriginFunction(compiled: FastifyPolicy, decision: CorsDecision): boolean {
  return compiled.policy.origin.kind === 'callback' && decision.refusal?.kind === 'origin-not-allowed';
}

function addCorsHook(fastify: FastifyInstance, hook: NonNullable<FastifyCorsOptions['hook']>, apply: Apply): void {
  switch (hook) {
    // Hooks that carry a payload pass it on unchanged.
    case 'preParsing':
      fastify.addHook('preParsing', function corsgateHook(request, reply, payload, next) {
        apply(request, reply, (err) => (err === undefined ? next(null, payload) : next(err)));
      });
      return;
    case 'preSerialization':
      fastify.addHook('preSerialization', function corsgateHook(request, reply, payload, next) {
        apply(request, reply, (err) => (err === undefined ? next(null, payload) : next(err)));
      });
      return;
    case 'preValidation':
      fastify.addHook('preValidation', function corsgateHook(request, reply, next) {
        apply(request, reply, next);
      });
      return;
    case 'preHandler':
      fastify.addHook('preHandler', function corsgateHook(request, reply, next) {
        apply(request, reply, next);
      });
      return;
    default:
      fastify.addHook('onRequest', function corsgateHook(request, reply, next) {
        apply(request, reply, next);
      });
  }
}

/**
 * `OPTIONS *` in this context (under its prefix), as `@fastify/cors` adds it: Fastify then routes a preflight
 * for any path of the context here, and the hook answers it. What the hook let through is answered empty
 * (`preflightContinue` without an `OPTIONS` route of your own), the rest is not found.
 */
function addOptionsRoute(
  fastify: FastifyInstance,
  options: FastifyCorsOptions,
  continued: WeakSet<FastifyRequest>,
): void {
  fastify.options(
    '*',
    {
      // `hide` is read by @fastify/swagger; Fastify's own schema type does not list it.
      schema: { hide: options.hideOptionsRoute ?? true } as FastifySchema,
      ...(options.logLevel !== undefined ? { logLevel: options.logLevel } : {}),
    },
    (request, reply) => {
      if (continued.has(request)) reply.send();
      else reply.callNotFound();
    },
  );
}

/** Marks the plugin as `fastify-plugin` would: no encapsulation, a name, the Fastify versions it supports. */
const plugin = Object.assign(corsgatePlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'corsgate',
  [Symbol.for('plugin-meta')]: { name: 'corsgate', fastify: '5.x' },
}) as FastifyPluginCallback<FastifyCorsOptions | FastifyCorsOptionsDelegate>;

export { plugin as corsgate };
export default plugin;
