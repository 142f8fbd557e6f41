/**
 * CommonJS entry: `require('corsgate/koa')` is the middleware factory itself, with every named export
 * attached (`.cors`, `.default`).
 */
import * as adapter from '../adapters/koa.js';

const cors = Object.assign(adapter.cors, adapter);

export = cors;
