/** Command-line parsing for `corsgate check <url> --origin <origin> [options]`. */
import { parseArgs } from 'node:util';
import { closestName } from '../core/closest-name.js';
import { DEFAULT_TIMEOUT } from './probe.js';

export const USAGE = `Usage: corsgate check <url> --origin <origin> [options]

Sends what a browser would send for fetch(url, { method, headers, credentials }) from a page at <origin>:
the preflight when one is needed, then the actual request; checks each answer by the Fetch Standard and
says whether a browser would let the page read the response.

Options:
  --origin <origin>        origin of the calling page, e.g. https://app.example.com (required)
  --method <method>        request method (default GET); fetch() upper-cases only
                           DELETE, GET, HEAD, OPTIONS, POST and PUT
  -H, --header <name[: value]>
                           a header script sets (repeatable); "Cookie: a=b" stands for the
                           browser's cookies and needs --credentials
  --credentials            credentials: 'include' (cookies, HTTP auth)
  --json                   print the report as JSON (documented in the README)
  --timeout <ms>           time limit per request in milliseconds (default 10000)
  -h, --help               show this help
  -v, --version            print the version of corsgate

<url> without a scheme is read as http://, as curl does: localhost:3000/api is http://localhost:3000/api.
With --credentials, the check also tries an origin nobody would list, and warns when the server allows it
with credentials too (it reflects any origin: every website can act as your logged-in users).

The actual request is really sent when the preflight passes: a DELETE deletes.
Exit status: 0 a browser allows the request, 1 a browser blocks it, 2 usage or network error.
Colour is used on a terminal only (set NO_COLOR to turn it off).

corsgate suggest <census.json>... proposes options from an origin census (corsgate suggest --help).`;

export interface CheckArgs {
  readonly command: 'check';
  readonly url: string;
  readonly origin: string;
  readonly method: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly credentials: boolean;
  readonly json: boolean;
  readonly timeout: number;
}

export type ParsedArgs =
  | CheckArgs
  | { readonly command: 'help' }
  | { readonly command: 'version' }
  | { readonly command: 'error'; readonly message: string };

/** `name: value`, `name:value` or `name` (an empty value), as for curl's -H. */
export function parseHeaderArg(arg: string): [string, string] | string {
  const colon = arg.indexOf(':');
  const name = (colon === -1 ? arg : arg.slice(0, colon)).trim();
  const value = colon === -1 ? '' : arg.slice(colon + 1).trim();
  if (name === '') return `-H ${JSON.stringify(arg)}: expected "name: value".`;
  return [name, value];
}

export function parseCliArgs(argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return {
      command: 'error',
      message: withSuggestion(message.replace(/\. To specify a positional argument.*$/s, '.')),
    };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { command: 'help' };
  if (values.version === true) return { command: 'version' };
  const [command, url, ...extra] = positionals;
  if (command === undefined)
    return { command: 'error', message: 'missing command: corsgate check <url> --origin <origin>' };
  if (command === 'help') return { command: 'help' };
  if (command === 'version') return { command: 'version' };
  if (command !== 'check')
    return {
      command: 'error',
      message: `unknown command ${JSON.stringify(command)}: the commands are "check" and "suggest".`,
    };
  if (url === undefined) return { command: 'error', message: 'missing <url>: corsgate check <url> --origin <origin>' };
  if (extra.length > 0)
    return { command: 'error', message: `unexpected argument ${JSON.stringify(extra[0])} (one URL per check).` };
  let timeout = DEFAULT_TIMEOUT;
  if (values.timeout !== undefined) {
    if (!/^\d+$/.test(values.timeout)) {
      return {
        command: 'error',
        message: `--timeout ${JSON.stringify(values.timeout)}: expected a positive whole number of milliseconds.`,
      };
    }
    timeout = Number(values.timeout);
  }
  const headers: [string, string][] = [];
  for (const arg of values.header ?? []) {
    const header = parseHeaderArg(arg);
    if (typeof header === 'string') return { command: 'error', message: header };
    headers.push(header);
  }
  return {
    command: 'check',
    url: withScheme(url),
    // probe() checks the values: a missing --origin, a bad header name, a timeout of 0 or too long.
    origin: values.origin ?? '',
    method: values.method ?? 'GET',
    headers,
    credentials: values.credentials === true,
    json: values.json === true,
    timeout,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      origin: { type: 'string' },
      method: { type: 'string' },
      header: { type: 'string', short: 'H', multiple: true },
      credentials: { type: 'boolean' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean', short: 'v' },
    },
  });
}

/** The long option names, for "did you mean". */
const OPTION_NAMES = ['origin', 'method', 'header', 'credentials', 'json', 'timeout', 'help', 'version'];

/** Adds "did you mean --x?" to parseArgs's "Unknown option '--orign'" when a known option is close. */
function withSuggestion(message: string): string {
  const unknown = /^Unknown option '--?([^']+)'/.exec(message)?.[1];
  if (unknown === undefined) return message;
  const guess = closestName(unknown.replace(/=.*$/s, ''), OPTION_NAMES);
  return guess === undefined ? message : `${message.replace(/\.$/, '')}: did you mean --${guess}?`;
}

/**
 * `localhost:3000/api` or `example.com/api` (no scheme) as `http://...`, as curl reads them. Without this,
 * `localhost:3000/api` would parse as a URL whose scheme is `localhost:`.
 */
export function withScheme(url: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url)) return url;
  // host[:port][/path...]: a name, an IPv4 address or a bracketed IPv6 address, then an optional port.
  if (/^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9.-]*[a-z0-9])?)(:\d+)?([/?#]|$)/i.test(url)) return `http://${url}`;
  return url;
}
