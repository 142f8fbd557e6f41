/**
 * A reader of `NODE_DEBUG=corsgate` lines as a log pipeline would read them: tokens split on spaces
 * outside double quotes (a quoted value, with its backslash escapes, is one token), and every token
 * shaped `key=value` taken as a field. A line is safe when these fields are exactly the ones corsgate wrote.
 */
export interface DebugField {
  readonly key: string;
  readonly value: string;
}

const TOKEN = /(?:"(?:[^"\\]|\\.)*"|[^ "])+/g;
const FIELD = /^([a-z][a-z-]*)=(.*)$/s;

export function tokens(line: string): string[] {
  return line.match(TOKEN) ?? [];
}

/** Every `key=value` token of the line, in order (the message's words included). */
export function fields(line: string): DebugField[] {
  const out: DebugField[] = [];
  for (const token of tokens(line)) {
    const match = FIELD.exec(token);
    if (match !== null) out.push({ key: match[1] as string, value: match[2] as string });
  }
  return out;
}

/** The line without the `CORSGATE <pid>: ` prefix node's debuglog writes. */
export function withoutPrefix(line: string): string {
  return line.replace(/^CORSGATE \d+: /, '');
}
