/**
 * CommonJS entry: `require('corsgate')` is the middleware factory itself (as `require('cors')` is),
 * with every named export attached: `require('corsgate').CorsConfigError`, `.compile`, `.default`.
 */
import * as corsgate from '../index.js';

const cors = Object.assign(corsgate.cors, corsgate);

export = cors;
