// The CommonJS entry of the runtime matrix (copied next to the compiled server.js in the consumer
// directory, see ../consumer.ts): loads the packed package and the frameworks with `require`, as a
// CommonJS user does, one module at a time so that an adapter a runtime cannot load does not stop the others.
// Usage: <runtime> cjs/runtimes/main.js <adapter>...
const { serve } = require('./server.js');

/** @type {import('../server.ts').Loaders} */
const load = {
  corsgate: async () => require('corsgate'),
  node: async () => require('corsgate/node').createCorsHandler,
  fetch: async () => require('corsgate/fetch').withCors,
  hono: async () => require('corsgate/hono'),
  fastify: async () => require('corsgate/fastify'),
  koa: async () => require('corsgate/koa'),
  express: async () => require('express'),
  express4: async () => require('express4'),
  Fastify: async () => require('fastify'),
  Koa: async () => require('koa'),
  Koa2: async () => require('koa2'),
  Hono: async () => require('hono').Hono,
  nodeServer: async () => require('@hono/node-server').createAdaptorServer,
};

// Where `corsgate` resolved to, checked by the runner: the packed package in the consumer's node_modules.
serve(load, process.argv.slice(2), require.resolve('corsgate')).catch((err) => {
  console.error(err);
  process.exit(1);
});
