/** What the `corsgate` commands write to and read from: output streams, the environment, the version. */
export interface CliIO {
  readonly stdout: { write(chunk: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(chunk: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** What `--version` prints (main.ts reads it from package.json). */
  readonly version?: string;
}
