/**
 * The browser's checks of a response (Fetch Standard "CORS check" and "CORS-preflight fetch"), each
 * turned into a `Check` with the values seen and, on failure, the rule broken and the fix.
 */
import { parseTokenList, SAFELISTED_METHODS } from './fetch-rules.js';
import type { Check, ExchangeResponse } from './report.js';

/** All values of a response header, in order (names are lower-cased in responses). */
export function headerValues(response: ExchangeResponse, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of response.headers) if (n === name) out.push(v);
  return out;
}

/** The value as Fetch "get" sees it: all values joined with ", ", or null when absent. */
function seen(values: readonly string[]): string | null {
  return values.length === 0 ? null : values.join(', ');
}

const ACAO = 'access-control-allow-origin';
const ACAC = 'access-control-allow-credentials';
const ACAM = 'access-control-allow-methods';
const ACAH = 'access-control-allow-headers';

/** Fetch "CORS check", part 1: Access-Control-Allow-Origin. */
export function checkAllowOrigin(response: ExchangeResponse, origin: string, credentials: boolean): Check {
  const values = headerValues(response, ACAO);
  const value = seen(values);
  const rule = credentials
    ? `With credentials, Access-Control-Allow-Origin must be exactly the request's origin (${origin}), once; "*" is not accepted.`
    : `Access-Control-Allow-Origin must be a single value: "*" or exactly the request's origin (${origin}).`;
  const fail = (message: string, fix: string): Check => ({
    id: 'allow-origin',
    result: 'failed',
    message,
    seen: value,
    rule,
    fix,
  });
  if (values.length === 0) {
    return fail(
      'Access-Control-Allow-Origin is missing.',
      `make the server allow ${origin}: with corsgate or cors, add "${origin}" to the origin option (and check that the CORS middleware runs for this route and status).`,
    );
  }
  if (values.length > 1 || (values[0] as string).includes(',')) {
    return fail(
      `Access-Control-Allow-Origin was sent ${values.length > 1 ? `${values.length} times` : 'with several values'} (${value}); browsers accept exactly one value.`,
      'set the header in one place only: two CORS layers (say a proxy adding headers and the app, or two middlewares) each add one.',
    );
  }
  const only = values[0] as string;
  if (only === '*') {
    if (!credentials)
      return { id: 'allow-origin', result: 'passed', message: 'Access-Control-Allow-Origin is "*".', seen: value };
    return fail(
      'Access-Control-Allow-Origin is "*", which browsers reject for a request with credentials.',
      `answer with the origin itself (Access-Control-Allow-Origin: ${origin}) and Access-Control-Allow-Credentials: true; with corsgate or cors: origin: ["${origin}"], credentials: true.`,
    );
  }
  if (only === origin) {
    return {
      id: 'allow-origin',
      result: 'passed',
      message: `Access-Control-Allow-Origin is the origin (${origin}).`,
      seen: value,
    };
  }
  let hint = '';
  if (only.replace(/\/+$/, '') === origin) hint = ' It has a trailing slash; origins never do.';
  else if (only.toLowerCase() === origin.toLowerCase())
    hint = ' It differs only in case; the comparison is byte-for-byte.';
  else if (only === 'null') hint = ' "null" matches only opaque origins (sandboxed iframes, file: pages).';
  return fail(
    `Access-Control-Allow-Origin is ${JSON.stringify(only)}, not the request's origin ${origin}.${hint}`,
    `send exactly "${origin}" (scheme, host and port, no path, no trailing slash), or "*" for a public resource without credentials.`,
  );
}

/** Fetch "CORS check", part 2: with credentials, Access-Control-Allow-Credentials must be `true`. */
export function checkAllowCredentials(response: ExchangeResponse): Check {
  const values = headerValues(response, ACAC);
  const value = seen(values);
  if (value === 'true') {
    return {
      id: 'allow-credentials',
      result: 'passed',
      message: 'Access-Control-Allow-Credentials is "true".',
      seen: value,
    };
  }
  return {
    id: 'allow-credentials',
    result: 'failed',
    message:
      value === null
        ? 'Access-Control-Allow-Credentials is missing, and the request carries credentials.'
        : `Access-Control-Allow-Credentials is ${JSON.stringify(value)}, not exactly "true".`,
    seen: value,
    rule: 'With credentials (cookies, HTTP auth), the response must carry Access-Control-Allow-Credentials: true, exactly once, in lower case.',
    fix: 'send Access-Control-Allow-Credentials: true (corsgate or cors: credentials: true), or call fetch() without credentials.',
  };
}

/** The status of a preflight answer must be 2xx; redirects are never followed. */
export function checkPreflightStatus(response: ExchangeResponse): Check {
  const status = response.status;
  if (status >= 200 && status <= 299) {
    return { id: 'preflight-status', result: 'passed', message: `status ${status} is 2xx.` };
  }
  const rule = 'A preflight answer must have a 2xx status; browsers never follow a redirect for a preflight.';
  if (status >= 300 && status <= 399) {
    const location = seen(headerValues(response, 'location'));
    return {
      id: 'preflight-status',
      result: 'failed',
      message: `status ${status}: the preflight was redirected${location === null ? '' : ` to ${location}`}.`,
      seen: location,
      rule,
      fix: 'call the final URL directly (a missing trailing slash, http to https, or another host are the usual causes), or answer OPTIONS before redirecting.',
    };
  }
  let fix =
    'answer OPTIONS for this path with 204 and the CORS headers: put the CORS middleware first, before routing.';
  if (status === 401 || status === 403) {
    fix =
      'preflights never carry credentials: run the CORS middleware before authentication, or let OPTIONS requests with Access-Control-Request-Method through.';
  } else if (status === 404 || status === 405 || status === 501) {
    fix =
      'the server has no answer for OPTIONS on this path: mount the CORS middleware for all methods (app.use(cors(...)) before the routes), not only on GET/POST routes.';
  } else if (status >= 500) {
    fix =
      'the server failed while answering OPTIONS: look at its logs; the CORS middleware should answer the preflight before any handler runs.';
  }
  return { id: 'preflight-status', result: 'failed', message: `status ${status} is not 2xx.`, rule, fix };
}

/** The requested method must be safelisted or allowed by Access-Control-Allow-Methods. */
export function checkAllowMethods(response: ExchangeResponse, method: string, credentials: boolean): Check {
  const values = headerValues(response, ACAM);
  const value = seen(values);
  const list = parseTokenList(values);
  const rule = credentials
    ? 'The method must be GET, HEAD or POST, or listed in Access-Control-Allow-Methods (case-sensitive; with credentials "*" is just a name).'
    : 'The method must be GET, HEAD or POST, or listed in Access-Control-Allow-Methods (case-sensitive), or that list must be "*".';
  if (list === 'failure') {
    return {
      id: 'allow-methods',
      result: 'failed',
      message: `Access-Control-Allow-Methods is not a comma-separated list of method names: ${JSON.stringify(value)}.`,
      seen: value,
      rule: 'Access-Control-Allow-Methods must parse as a list of tokens, or the browser fails the preflight.',
      fix: 'send e.g. Access-Control-Allow-Methods: GET,POST,PUT,DELETE',
    };
  }
  const methods = list ?? [];
  if (SAFELISTED_METHODS.has(method)) {
    return {
      id: 'allow-methods',
      result: 'passed',
      message: `${method} is CORS-safelisted: always allowed.`,
      seen: value,
    };
  }
  if (methods.includes(method)) {
    return {
      id: 'allow-methods',
      result: 'passed',
      message: `${method} is listed in Access-Control-Allow-Methods.`,
      seen: value,
    };
  }
  if (methods.includes('*') && !credentials) {
    return { id: 'allow-methods', result: 'passed', message: 'Access-Control-Allow-Methods is "*".', seen: value };
  }
  let message = `${method} is not in Access-Control-Allow-Methods${value === null ? ' (the header is missing)' : ''}.`;
  let fix = `add ${method} to Access-Control-Allow-Methods (corsgate or cors: methods option).`;
  const upper = method.toUpperCase();
  if (upper !== method && methods.includes(upper)) {
    message = `${method} is not in Access-Control-Allow-Methods: ${upper} is, but methods are compared case-sensitively and fetch() upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT.`;
    fix = `call fetch() with method: '${upper}', or also allow "${method}".`;
  } else if (methods.includes('*') && credentials) {
    message = `${method} is not in Access-Control-Allow-Methods: with credentials, "*" is a method literally named "*".`;
    fix = `list the methods explicitly, e.g. Access-Control-Allow-Methods: GET,POST,${method}.`;
  }
  return { id: 'allow-methods', result: 'failed', message, seen: value, rule, fix };
}

/** Each non-safelisted request header must be allowed by Access-Control-Allow-Headers. */
export function checkAllowHeaders(
  response: ExchangeResponse,
  unsafeNames: readonly string[],
  credentials: boolean,
): Check[] {
  const values = headerValues(response, ACAH);
  const value = seen(values);
  const list = parseTokenList(values);
  if (list === 'failure') {
    return [
      {
        id: 'allow-headers',
        result: 'failed',
        message: `Access-Control-Allow-Headers is not a comma-separated list of header names: ${JSON.stringify(value)}.`,
        seen: value,
        rule: 'Access-Control-Allow-Headers must parse as a list of tokens, or the browser fails the preflight.',
        fix: 'send e.g. Access-Control-Allow-Headers: Content-Type,Authorization',
      },
    ];
  }
  const allowed = new Set((list ?? []).map((n) => n.toLowerCase()));
  const wildcard = allowed.has('*') && !credentials;
  const checks: Check[] = [];
  for (const name of unsafeNames) {
    if (allowed.has(name)) {
      checks.push({
        id: 'allow-headers',
        result: 'passed',
        message: `${name} is listed in Access-Control-Allow-Headers.`,
        seen: value,
      });
    } else if (wildcard && name !== 'authorization') {
      checks.push({
        id: 'allow-headers',
        result: 'passed',
        message: `${name} is covered by Access-Control-Allow-Headers "*".`,
        seen: value,
      });
    } else {
      let message = `${name} is not in Access-Control-Allow-Headers${value === null ? ' (the header is missing)' : ''}.`;
      if (name === 'authorization' && wildcard) {
        message = 'authorization is not covered by Access-Control-Allow-Headers "*": it must be listed by name.';
      } else if (allowed.has('*') && credentials) {
        message = `${name} is not in Access-Control-Allow-Headers: with credentials, "*" is a header literally named "*".`;
      }
      checks.push({
        id: 'allow-headers',
        result: 'failed',
        message,
        seen: value,
        rule: 'Every request header that is not CORS-safelisted must be listed in Access-Control-Allow-Headers (case-insensitive); "*" counts only without credentials and never covers Authorization.',
        fix: `add ${name} to Access-Control-Allow-Headers (corsgate or cors: allowedHeaders option), or stop sending it.`,
      });
    }
  }
  return checks;
}

/** Warning when an origin-specific answer does not say `Vary: Origin`. */
export function checkVaryOrigin(response: ExchangeResponse): Check | undefined {
  const acao = headerValues(response, ACAO);
  if (acao.length !== 1 || acao[0] === '*') return undefined;
  const vary = seen(headerValues(response, 'vary'));
  const names = (vary ?? '').split(',').map((n) => n.trim().toLowerCase());
  if (names.includes('origin') || names.includes('*')) {
    return { id: 'vary-origin', result: 'passed', message: 'Vary includes Origin.', seen: vary };
  }
  return {
    id: 'vary-origin',
    result: 'warning',
    message: `Access-Control-Allow-Origin names one origin but Vary does not include Origin${vary === null ? '' : ` (Vary: ${vary})`}.`,
    seen: vary,
    rule: 'A response whose CORS headers depend on Origin must say Vary: Origin, or a shared cache may serve it to another origin.',
    fix: 'add Origin to Vary (corsgate does this itself).',
  };
}
