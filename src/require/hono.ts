/**
 * CommonJS entry: `require('corsgate/hono')` is the middleware factory itself, with every named export
 * attached (`.cors`, `.default`).
 */
import * as adapter from '../adapters/hono.js';

const cors = Object.assign(adapter.cors, adapter);

export = cors;
