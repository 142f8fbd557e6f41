/**
 * `corsgate suggest <census.json>...`: reads census snapshots (from `corsgate/census`), merges them, and
 * prints the options to deploy. Exit status: 0 printed, 2 usage error or an unreadable snapshot.
 */
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { mergeSnapshots } from '../census/merge.js';
import { CensusFormatError, parseSnapshot } from '../census/snapshot.js';
import { closestName } from '../core/closest-name.js';
import type { CliIO } from './io.js';
import { formatSuggestion, suggestionJson } from './suggest-format.js';
import { DEFAULT_MIN_REQUESTS, DEFAULT_MIN_SUBDOMAINS, suggest } from './suggestion.js';

export const SUGGEST_USAGE = `Usage: corsgate suggest <census.json>... [options]
       curl -s https://api.example.com/internal/cors-census | corsgate suggest -

Reads census snapshots (census.snapshot() from corsgate/census, one file per process or instance),
merges them, and prints the CORS options that allow what the census saw: exact origins, "*." patterns
for families of subdomains, the methods and request headers used, and credentials only when credentialed
requests were seen; each line with its evidence, then the origins left out and why.

Options:
  --min-requests <n>       keep an origin seen at least n times (default ${DEFAULT_MIN_REQUESTS})
  --min-subdomains <n>     propose https://*.example.com when n or more subdomains of one registrable
                           domain were seen (default ${DEFAULT_MIN_SUBDOMAINS}; never over a public suffix)
  --json                   print the suggestion as JSON ("options" is what to pass to cors())
  -h, --help               show this help

A file named - is standard input.

Exit status: 0 a suggestion was printed, 2 usage error or a file that is not a census snapshot
(with --json, also printed as { "version": 1, "error": { "code": "format" | "read", "message" } }).`;

/** A snapshot file larger than this is refused unread (a census of 100,000 origins is far smaller). */
const MAX_FILE_BYTES = 256 * 1024 * 1024;
const EXIT_OK = 0;
const EXIT_ERROR = 2;
const OPTION_NAMES = ['min-requests', 'min-subdomains', 'json', 'help'];

function positiveInteger(value: string | undefined, flag: string, fallback: number): number | string {
  if (value === undefined) return fallback;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    return `--${flag} ${JSON.stringify(value)}: expected a whole number of at least 1.`;
  }
  return Number(value);
}

/** Standard input, as `-` names it (main.ts's process.stdin unless a test passes its own). */
export type SuggestIO = CliIO & { readonly stdin?: AsyncIterable<string | Uint8Array> };

/** Reads standard input whole, up to the file size bound. */
async function readStdin(stdin: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stdin) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length > MAX_FILE_BYTES)
      throw new Error(`stdin: more than ${MAX_FILE_BYTES} characters; not a census snapshot.`);
  }
  return text + decoder.decode();
}

export async function runSuggest(argv: readonly string[], io: SuggestIO): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    const message = (err instanceof Error ? err.message : String(err)).replace(/\. To specify a positional.*$/s, '.');
    const unknown = /^Unknown option '--?([^']+)'/.exec(message)?.[1];
    const guess = unknown === undefined ? undefined : closestName(unknown.replace(/=.*$/s, ''), OPTION_NAMES);
    return usageError(io, guess === undefined ? message : `${message.replace(/\.$/, '')}: did you mean --${guess}?`);
  }
  const { values, positionals: files } = parsed;
  if (values.help === true) {
    io.stdout.write(`${SUGGEST_USAGE}\n`);
    return EXIT_OK;
  }
  const minRequests = positiveInteger(values['min-requests'], 'min-requests', DEFAULT_MIN_REQUESTS);
  if (typeof minRequests === 'string') return usageError(io, minRequests);
  const minSubdomains = positiveInteger(values['min-subdomains'], 'min-subdomains', DEFAULT_MIN_SUBDOMAINS);
  if (typeof minSubdomains === 'string') return usageError(io, minSubdomains);
  if (files.length === 0) return usageError(io, 'missing <census.json>: corsgate suggest <census.json>...');
  try {
    const snapshots = [];
    for (const file of files) {
      if (file === '-') {
        snapshots.push(parseSnapshot(await readStdin(io.stdin ?? process.stdin), 'stdin'));
        continue;
      }
      const size = (await stat(file)).size;
      if (size > MAX_FILE_BYTES)
        throw new Error(`${file}: ${size} bytes; a census snapshot is at most ${MAX_FILE_BYTES}.`);
      snapshots.push(parseSnapshot(await readFile(file, 'utf8'), file));
    }
    const merged = mergeSnapshots(...snapshots);
    const suggestion = suggest(merged, { minRequests, minSubdomains }, snapshots.length);
    io.stdout.write(values.json === true ? suggestionJson(suggestion) : formatSuggestion(suggestion));
    return EXIT_OK;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (values.json === true) {
      // as `corsgate check --json` does: the error as JSON on stdout too
      const code = err instanceof CensusFormatError ? 'format' : 'read';
      io.stdout.write(`${JSON.stringify({ version: 1, error: { code, message } }, null, 2)}\n`);
    }
    io.stderr.write(`corsgate: error: ${message}\n`);
    return EXIT_ERROR;
  }
}

function usageError(io: CliIO, message: string): number {
  io.stderr.write(`corsgate: ${message}\n\n${SUGGEST_USAGE}\n`);
  return EXIT_ERROR;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'min-requests': { type: 'string' },
      'min-subdomains': { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
