/**
 * CommonJS entry: `require('corsgate/fastify')` is the Fastify plugin itself, with every named export
 * attached (`.corsgate`, `.default`), as `fastify-plugin`-style plugins are.
 */
import * as adapter from '../adapters/fastify.js';

const corsgate = Object.assign(adapter.corsgate, adapter);

export = corsgate;
