/**
 * The Node side of the runtime matrix: starts a runtime on the consumer directory (consumer.ts), reads which
 * loopback port serves each adapter and scenario, and stops it. The requests and the assertions stay here, in
 * Node (matrix.ts), so every runtime is held to the same table by the same client.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATH } from '../conformance/apps.js';
import { type Consumer, RUNTIMES } from './consumer.js';
import type { AdapterName } from './server.js';

export type Format = 'esm' | 'cjs';

export interface Runtime {
  /** Shown in the test names and the README table, e.g. `Node 22.23.3`. */
  readonly label: string;
  readonly kind: 'node' | 'bun' | 'deno' | 'workerd';
  readonly binary: string;
  readonly formats: readonly Format[];
  /** The adapters run on this runtime (workerd: `fetch` and `hono` only). */
  readonly adapters: readonly AdapterName[];
}

export interface Running {
  /** Where the scenario (its index in the table) is served for this adapter. */
  where(adapter: AdapterName, index: number): { port: number; path: string };
  /** Why the adapter did not start inside the runtime (with the runtime's output), if it did not. */
  startError(adapter: AdapterName): string | undefined;
  /**
   * The corsgate files the runtime loaded, relative to the consumer directory: where `import`/`require` found
   * `corsgate` (Node, Bun, Deno), or the corsgate files esbuild put in the worker (workerd).
   */
  readonly corsgateFiles: readonly string[];
  /** How many times `console.error` ran inside the runtime so far. */
  errors(): Promise<number>;
  stop(): Promise<void>;
}

const bin = (name: string) => join(RUNTIMES, 'node_modules', name);
export const BINARIES = {
  node22: bin('node22/bin/node'),
  node24: bin('node24/bin/node'),
  bun: bin('.bin/bun'),
  deno: bin('.bin/deno'),
  workerd: bin('.bin/workerd'),
  esbuild: bin('.bin/esbuild'),
} as const;

/** The runtime's version as it reports it (`v22.23.3`, `1.4.5`, `deno 2.9.6 (…)`, `workerd 2026-11-17`). */
export function runtimeVersion(binary: string): string {
  const out = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  return (out.split('\n')[0] ?? '').trim();
}

/** A small environment: no NODE_OPTIONS or debug switches from the test runner leak into the runtime. */
function childEnv(consumer: Consumer): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    NO_COLOR: '1',
    DENO_DIR: join(consumer.dir, '.deno'),
    DENO_NO_UPDATE_CHECK: '1',
  };
}

function getJson(port: number, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(body));
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

/** Collects the child's output (kept for error messages) and resolves with its first stdout line. */
function firstLine(child: ChildProcess, timeoutMs: number): { line: Promise<string>; output: () => string } {
  let stdout = '';
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const output = () => `stdout:\n${stdout}\nstderr:\n${stderr}`;
  const line = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no start-up line within ${timeoutMs} ms\n${output()}`)),
      timeoutMs,
    );
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end !== -1) {
        clearTimeout(timer);
        resolve(stdout.slice(0, end));
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code ?? signal}) before starting\n${output()}`));
    });
  });
  return { line, output };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

function commandFor(runtime: Runtime, script: string): string[] {
  if (runtime.kind === 'deno') return ['run', '--allow-net=127.0.0.1', '--allow-read', '--allow-env', script];
  return [script];
}

/** Node, Bun or Deno: one process per format serves every adapter the runtime runs. */
async function startScriptRuntime(runtime: Runtime, consumer: Consumer, format: Format): Promise<Running> {
  const script = join(consumer.dir, format, 'runtimes/main.js');
  const child = spawn(runtime.binary, [...commandFor(runtime, script), ...runtime.adapters], {
    cwd: consumer.dir,
    env: childEnv(consumer),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const { line, output } = firstLine(child, 60_000);
  let started: { control: number; adapters: Record<string, { ports: number[] } | { error: string }>; resolved: string };
  try {
    const first = await line;
    try {
      started = JSON.parse(first);
    } catch {
      throw new Error(`the first line is not the start-up JSON\n${output()}`);
    }
  } catch (err) {
    await stopChild(child);
    throw err;
  }
  const resolved = started.resolved.startsWith('file:') ? fileURLToPath(started.resolved) : started.resolved;
  return {
    corsgateFiles: [relative(consumer.dir, resolved)],
    where(adapter, index) {
      const entry = started.adapters[adapter];
      const port = entry !== undefined && 'ports' in entry ? entry.ports[index] : undefined;
      if (port === undefined) throw new Error(`${adapter} serves no scenario ${index}\n${output()}`);
      return { port, path: PATH };
    },
    startError(adapter) {
      const entry = started.adapters[adapter];
      if (entry === undefined) return 'not started';
      return 'error' in entry ? `${entry.error}\n${output()}` : undefined;
    },
    errors: async () => ((await getJson(started.control, '/')) as { errors: number }).errors,
    stop: () => stopChild(child),
  };
}

/**
 * workerd: the worker (entries/worker.mjs) bundled with esbuild, as a Workers deployment bundles it, and served
 * on a loopback socket this process opens and hands over (`--socket-fd`), so the port is known before start-up.
 */
async function startWorkerd(runtime: Runtime, consumer: Consumer): Promise<Running> {
  const out = join(consumer.dir, 'worker');
  mkdirSync(out, { recursive: true });
  execFileSync(
    BINARIES.esbuild,
    [
      'esm/runtimes/worker.js',
      '--bundle',
      '--format=esm',
      '--platform=browser',
      '--conditions=workerd,worker',
      `--outfile=${join(out, 'worker.js')}`,
      `--metafile=${join(out, 'meta.json')}`,
      '--log-level=warning',
    ],
    { cwd: consumer.dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  writeFileSync(
    join(out, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "main", worker = .worker)],
  sockets = [(name = "http", http = (), service = "main")],
);
const worker :Workerd.Worker = (
  modules = [(name = "worker.js", esModule = embed "worker.js")],
  compatibilityDate = "2026-11-01",
);
`,
  );
  const { inputs } = JSON.parse(readFileSync(join(out, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
  const corsgateFiles = Object.keys(inputs).filter((input) => /(^|\/)node_modules\/corsgate\//.test(input));
  const socket = net.createServer();
  socket.listen(0, '127.0.0.1');
  await once(socket, 'listening');
  const { port } = socket.address() as AddressInfo;
  const fd = (socket as unknown as { _handle: { fd: number } })._handle.fd;
  const child = spawn(runtime.binary, ['serve', join(out, 'config.capnp'), '--socket-fd', 'http=3'], {
    cwd: out,
    env: childEnv(consumer),
    stdio: ['ignore', 'pipe', 'pipe', fd],
  });
  socket.close(); // workerd holds its own copy of the listening socket
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  child.stdout?.resume();
  const running: Running = {
    corsgateFiles,
    where: (adapter, index) => ({ port, path: `/${adapter}/${index}${PATH}` }),
    startError: (adapter) =>
      adapter === 'fetch' || adapter === 'hono' ? undefined : `${adapter} does not run in a worker`,
    errors: async () => {
      try {
        return ((await getJson(port, '/__errors')) as { errors: number }).errors;
      } catch (err) {
        throw new Error(`workerd did not answer: ${String(err)}\n${stderr}`);
      }
    },
    stop: () => stopChild(child),
  };
  try {
    await running.errors(); // the socket queues the request until the worker is up; a failed start-up fails here
  } catch (err) {
    await running.stop();
    throw err;
  }
  return running;
}

export function startRuntime(runtime: Runtime, consumer: Consumer, format: Format): Promise<Running> {
  if (runtime.kind === 'workerd') return startWorkerd(runtime, consumer);
  return startScriptRuntime(runtime, consumer, format);
}
