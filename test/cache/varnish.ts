/**
 * A real Varnish for the shared-cache test: `varnishd` from Debian's `varnish` package, started in the foreground
 * on 127.0.0.1 with a temporary working directory and a VCL that caches GET responses of one loopback backend.
 * It runs in its own process group, which is killed on stop (and on exit of the test process), and the temporary
 * directory is removed. Missing `varnishd` skips the test on a developer machine and fails it in CI.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from '../helpers/servers.js';

export type Env = Readonly<Record<string, string | undefined>>;

export type VarnishPlan =
  | { readonly run: true; readonly path: string }
  | { readonly run: false; readonly required: boolean; readonly message: string };

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where `varnishd` is looked for: `CORSGATE_VARNISHD`, then PATH, then the sbin directories (not on every PATH). */
export function varnishdCandidates(env: Env): readonly string[] {
  if (env.CORSGATE_VARNISHD) return [env.CORSGATE_VARNISHD];
  const dirs = [...(env.PATH ?? '').split(delimiter).filter((d) => d !== ''), '/usr/sbin', '/usr/local/sbin'];
  return [...new Set(dirs)].map((dir) => join(dir, 'varnishd'));
}

/** Decides whether the shared-cache test runs, skips (locally) or fails (CI) — pure apart from `exists`. */
export function planVarnish(env: Env = process.env, exists: (path: string) => boolean = isExecutable): VarnishPlan {
  const candidates = varnishdCandidates(env);
  const path = candidates.find(exists);
  if (path !== undefined) return { run: true, path };
  const why = `varnishd is not installed (looked for ${env.CORSGATE_VARNISHD ? candidates[0] : 'varnishd on PATH, /usr/sbin and /usr/local/sbin'}).`;
  const hint =
    'Install it with `apt-get install -y --no-install-recommends varnish` (Debian/Ubuntu), or set CORSGATE_VARNISHD.';
  if (isSet(env.CI) || isSet(env.CORSGATE_REQUIRE_VARNISH)) {
    return {
      run: false,
      required: true,
      message: `${why} The shared-cache test is required here (CI or CORSGATE_REQUIRE_VARNISH is set), so this is a failure, not a skip. ${hint}`,
    };
  }
  return {
    run: false,
    required: false,
    message: `${why} SKIPPING the shared-cache (Varnish) test. ${hint} Set CORSGATE_REQUIRE_VARNISH=1 to make a missing varnishd fail.`,
  };
}

/**
 * The VCL: GET and HEAD are looked up in the cache even with `Cookie` or `Authorization` (the built-in VCL passes
 * those), and every fetched response is cached for an hour even with `Set-Cookie` or `Cache-Control: private`
 * (the built-in VCL does not cache those) — the most permissive shared cache, so that only `Vary` keeps one
 * request's answer from another. `Vary` itself is honoured natively (one variant per value of the named request
 * headers), and `Vary: *` stays uncacheable, as in the built-in VCL. `X-Cache` says whether a response was a hit.
 */
export function cachingVcl(backendPort: number): string {
  return `vcl 4.1;

backend app {
  .host = "127.0.0.1";
  .port = "${backendPort}";
}

sub vcl_recv {
  call vcl_req_host;
  call vcl_req_method;
  return (hash);
}

sub vcl_backend_response {
  if (bereq.uncacheable) {
    return (deliver);
  }
  call vcl_beresp_vary;
  set beresp.ttl = 1h;
  set beresp.grace = 0s;
  set beresp.keep = 0s;
  return (deliver);
}

sub vcl_deliver {
  if (obj.hits > 0) {
    set resp.http.X-Cache = "hit";
  } else {
    set resp.http.X-Cache = "miss";
  }
}
`;
}

export interface Varnish {
  /** http://127.0.0.1:<port> of the cache. */
  readonly url: string;
  readonly port: number;
  /** The process group of varnishd (its manager's pid). */
  readonly pgid: number;
  /** The temporary working directory (VCL, shared-memory log). */
  readonly dir: string;
  /** Kills the process group and removes the working directory; safe to call more than once. */
  stop(): Promise<void>;
}

const START_LIMIT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

/** Whether any process of the group is alive. */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the group is gone already
  }
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Starts varnishd in front of 127.0.0.1:<backendPort>; retries on another port if the chosen one was taken. */
export async function startVarnish(varnishd: string, backendPort: number): Promise<Varnish> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(varnishd, backendPort, await freePort());
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

async function startOnce(varnishd: string, backendPort: number, port: number): Promise<Varnish> {
  const dir = mkdtempSync(join(tmpdir(), 'corsgate-varnish-'));
  const vcl = join(dir, 'cache.vcl');
  writeFileSync(vcl, cachingVcl(backendPort));
  // -F: foreground; -j none: no privilege separation (works as root and as a user, and the 0700 temporary
  // directory stays readable); -T none: no management port; a small shared-memory log.
  const args = [
    '-F',
    '-j',
    'none',
    '-n',
    join(dir, 'work'),
    '-a',
    `127.0.0.1:${port}`,
    '-f',
    vcl,
    '-s',
    'malloc,32m',
    '-T',
    'none',
    '-p',
    'vsl_space=1m',
  ];
  // detached: varnishd (the manager, its cache child and the VCL compiler) gets its own process group.
  const child = spawn(varnishd, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = (): void => killGroup(child, 'SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      try {
        if (child.pid === undefined) return; // never started (spawn failed)
        killGroup(child, 'SIGTERM');
        const timer = new Promise<'late'>((resolve) => setTimeout(() => resolve('late'), STOP_GRACE_MS).unref());
        if ((await Promise.race([exited(child), timer])) === 'late') killGroup(child, 'SIGKILL');
        await exited(child);
        // the cache child may outlive the manager for a moment: make sure nothing of the group is left
        killGroup(child, 'SIGKILL');
      } finally {
        process.removeListener('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      }
    })();
    return stopped;
  };

  try {
    await new Promise<void>((resolve, reject) => {
      const limit = setTimeout(
        () => reject(new Error(`varnishd did not start within ${START_LIMIT_MS} ms:\n${output}`)),
        START_LIMIT_MS,
      );
      const onData = (): void => {
        if (output.includes('Child starts')) done(resolve);
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
        done(() => reject(new Error(`varnishd exited (${signal ?? code}) while starting:\n${output}`)));
      const onError = (err: Error): void => done(() => reject(err));
      const done = (then: () => void): void => {
        clearTimeout(limit);
        child.stdout?.off('data', onData);
        child.stderr?.off('data', onData);
        child.off('exit', onExit);
        child.off('error', onError);
        then();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', onExit);
      child.once('error', onError);
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, port, pgid: child.pid ?? 0, dir, stop };
}
