/**
 * The `corsgate` command, as a function of its arguments and output streams (so tests run it in-process).
 * Exit status: 0 a browser allows the request, 1 it blocks it, 2 usage or network error.
 * `corsgate suggest` is suggest.ts.
 */
import { parseCliArgs, USAGE } from './args.js';
import { chooseStyle, formatReport } from './format.js';
import type { CliIO } from './io.js';
import { ProbeError, probe } from './probe.js';
import type { ErrorReport } from './report.js';
import { runSuggest } from './suggest.js';

export type { CliIO } from './io.js';

const EXIT_ALLOWED = 0;
const EXIT_BLOCKED = 1;
const EXIT_ERROR = 2;

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  if (argv[0] === 'suggest') return runSuggest(argv.slice(1), io);
  const args = parseCliArgs(argv);
  if (args.command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_ALLOWED;
  }
  if (args.command === 'version') {
    io.stdout.write(`${io.version ?? 'unknown'}\n`);
    return EXIT_ALLOWED;
  }
  if (args.command === 'error') {
    io.stderr.write(`corsgate: ${args.message}\n\n${USAGE}\n`);
    return EXIT_ERROR;
  }
  try {
    const report = await probe(args.url, {
      origin: args.origin,
      method: args.method,
      headers: args.headers,
      credentials: args.credentials,
      timeout: args.timeout,
    });
    if (args.json) io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else io.stdout.write(formatReport(report, chooseStyle(io.stdout.isTTY, io.env)));
    return report.verdict === 'allowed' ? EXIT_ALLOWED : EXIT_BLOCKED;
  } catch (err) {
    const code = err instanceof ProbeError ? err.code : 'internal';
    const message = err instanceof Error ? err.message : String(err);
    if (args.json) {
      const report: ErrorReport = { version: 1, error: { code, message } };
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    }
    const style = chooseStyle(io.stderr.isTTY, io.env);
    io.stderr.write(`${style.fail('corsgate: error:')} ${message}\n`);
    if (code === 'usage') io.stderr.write('Run corsgate check --help for the options.\n');
    return EXIT_ERROR;
  }
}
