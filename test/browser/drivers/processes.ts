/**
 * Child processes of the WebKit driver (Xvfb, WebKitWebDriver): each in its own process group, so that ending it
 * also ends what it started (MiniBrowser, its web and network processes). Every process started here is also ended
 * when the test process exits, even after a failure.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

const running = new Set<ChildProcess>();

/** Signals the child's process group (its pid is the group id: it was spawned detached). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // the whole group is gone
  }
}

function killAll(): void {
  for (const child of running) killGroup(child, 'SIGKILL');
  running.clear();
}

process.once('exit', killAll);
// Killed from outside (Ctrl-C, a CI timeout): end the processes, then die of the same signal as before.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(signal, () => {
    killAll();
    process.kill(process.pid, signal);
  });
}

export interface Started {
  readonly child: ChildProcess;
  /** Everything the process wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** SIGTERM to the group, SIGKILL after a grace period; resolves when the process has exited. */
  stop(): Promise<void>;
}

export function start(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; extraFd?: boolean } = {},
): Started {
  const child = spawn(command, [...args], {
    detached: true,
    env: options.env ?? process.env,
    stdio: options.extraFd === true ? ['ignore', 'ignore', 'pipe', 'pipe'] : ['ignore', 'ignore', 'pipe'],
  });
  running.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  void exited.then(() => running.delete(child));
  return {
    child,
    stderr: () => stderr,
    async stop() {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
      // The group may outlive its leader (MiniBrowser's helper processes).
      killGroup(child, 'SIGKILL');
    },
  };
}

/** A free loopback port (for a driver that takes `--port`). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
