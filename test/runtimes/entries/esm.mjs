// The ES module entry of the runtime matrix (copied next to the compiled server.js in the consumer
// directory, see ../consumer.ts): loads the packed package and the frameworks with `import`, as an ESM
// user does, one module at a time so that an adapter a runtime cannot load does not stop the others.
// Usage: <runtime> esm/runtimes/main.js <adapter>...
import { serve } from './server.js';

/** @type {import('../server.ts').Loaders} */
const load = {
  corsgate: async () => (await import('corsgate')).default,
  node: async () => (await import('corsgate/node')).createCorsHandler,
  fetch: async () => (await import('corsgate/fetch')).withCors,
  hono: async () => (await import('corsgate/hono')).default,
  fastify: async () => (await import('corsgate/fastify')).default,
  koa: async () => (await import('corsgate/koa')).default,
  express: async () => (await import('express')).default,
  express4: async () => (await import('express4')).default,
  Fastify: async () => (await import('fastify')).default,
  Koa: async () => (await import('koa')).default,
  Koa2: async () => (await import('koa2')).default,
  Hono: async () => (await import('hono')).Hono,
  nodeServer: async () => (await import('@hono/node-server')).createAdaptorServer,
};

// Where `corsgate` resolved to, checked by the runner: the packed package in the consumer's node_modules.
await serve(load, process.argv.slice(2), import.meta.resolve('corsgate'));
