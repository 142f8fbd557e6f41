/** Text output of `corsgate check`: each step, the headers seen, each check, and the verdict. */
import { UNSAFE_IN_TEXT } from '../core/log-safe.js';
import type { AnyOriginCheck, Check, Report, Step } from './report.js';

export interface Style {
  readonly pass: (s: string) => string;
  readonly fail: (s: string) => string;
  readonly warn: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly bold: (s: string) => string;
}

const plain = (s: string): string => s;
const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

const NO_STYLE: Style = { pass: plain, fail: plain, warn: plain, dim: plain, bold: plain };
const COLOR_STYLE: Style = {
  pass: sgr(32, 39),
  fail: sgr(31, 39),
  warn: sgr(33, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};

/** Colour only on a terminal, and never when NO_COLOR is set to a non-empty value (https://no-color.org). */
export function chooseStyle(isTTY: boolean | undefined, env: Readonly<Record<string, string | undefined>>): Style {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return NO_STYLE;
  return isTTY === true ? COLOR_STYLE : NO_STYLE;
}

/**
 * Text from the server (header values, status text, messages quoting them) with control, format and
 * separator characters escaped (the set of src/core/log-safe.ts, tab excepted), so a hostile server cannot
 * move the cursor, recolour the terminal, reorder text with bidi controls or break a line.
 */
export function safe(text: string): string {
  return text.replace(UNSAFE_IN_TEXT, (ch) => {
    if (ch === '\t') return ch;
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c <= 0xff) return `\\x${c.toString(16).padStart(2, '0')}`;
    return Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join('');
  });
}

/** Response headers shown in the text output (all of them are in --json). */
function shownResponseHeader(name: string): boolean {
  return name.startsWith('access-control-') || name === 'vary' || name === 'location';
}

/** Hidden headers not worth mentioning in the text output (connection management, CORS itself). */
const NOT_WORTH_EXPOSING: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'transfer-encoding', 'vary']);

function mark(result: Check['result'] | Step['result'], style: Style): string {
  switch (result) {
    case 'passed':
      return style.pass('✓');
    case 'failed':
      return style.fail('✗');
    case 'warning':
      return style.warn('!');
    case 'skipped':
      return style.dim('-');
  }
}

function formatStep(step: Step, style: Style, lines: string[]): void {
  const title = `${step.name === 'preflight' ? 'preflight' : 'actual request'}${step.hop > 0 ? ` (redirect ${step.hop})` : ''}`;
  if (step.result === 'skipped') {
    lines.push(
      `${mark('skipped', style)} ${style.bold(title)}: not sent (a browser sends nothing more after a failed preflight)`,
    );
    return;
  }
  const req = step.request;
  const res = step.response;
  const status = res === undefined ? '' : ` → ${res.status}${res.statusText === '' ? '' : ` ${safe(res.statusText)}`}`;
  lines.push(`${mark(step.result, style)} ${style.bold(title)}: ${req?.method ?? ''} ${req?.url ?? ''}${status}`);
  for (const [name, value] of req?.headers ?? []) lines.push(style.dim(`    > ${name}: ${safe(value)}`));
  const shown = (res?.headers ?? []).filter(([name]) => shownResponseHeader(name));
  if (shown.length === 0) lines.push(style.dim('    < (no CORS response headers)'));
  for (const [name, value] of shown) lines.push(style.dim(`    < ${name}: ${safe(value)}`));
  for (const check of step.checks) {
    lines.push(`    ${mark(check.result, style)} ${safe(check.message)}`);
    if (check.result !== 'passed') {
      if (check.rule !== undefined) lines.push(`        rule: ${safe(check.rule)}`);
      if (check.fix !== undefined) lines.push(`        fix:  ${safe(check.fix)}`);
    }
  }
  if (step.readableHeaders !== undefined && step.result === 'passed') {
    const hidden = (step.hiddenHeaders ?? []).filter(
      (n) => !n.startsWith('access-control-') && !NOT_WORTH_EXPOSING.has(n),
    );
    lines.push(
      `    script can read: ${step.readableHeaders.length === 0 ? '(none)' : step.readableHeaders.join(', ')}`,
    );
    if (hidden.length > 0) {
      lines.push(
        style.dim(
          `    hidden from script: ${hidden.join(', ')} (list them in Access-Control-Expose-Headers to expose them)`,
        ),
      );
    }
  }
}

/** The same request from an origin nobody would list (with credentials): shown like a step. */
function formatAnyOrigin(probe: AnyOriginCheck, style: Style, lines: string[]): void {
  const { request, response, check } = probe;
  const status = ` → ${response.status}${response.statusText === '' ? '' : ` ${safe(response.statusText)}`}`;
  lines.push(
    `${mark(check.result, style)} ${style.bold('any origin')}: ${request.method} ${request.url}${status}, from ${probe.origin}`,
  );
  const shown = response.headers.filter(([name]) => name.startsWith('access-control-'));
  if (shown.length === 0) lines.push(style.dim('    < (no CORS response headers)'));
  for (const [name, value] of shown) lines.push(style.dim(`    < ${name}: ${safe(value)}`));
  lines.push(`    ${mark(check.result, style)} ${safe(check.message)}`);
  if (check.result !== 'passed') {
    if (check.rule !== undefined) lines.push(`        rule: ${safe(check.rule)}`);
    if (check.fix !== undefined) lines.push(`        fix:  ${safe(check.fix)}`);
  }
}

export function formatReport(report: Report, style: Style): string {
  const lines: string[] = [];
  lines.push(
    `${style.bold('corsgate check')} ${report.method} ${report.url}`,
    `  from a page at ${report.origin}, ${report.credentials ? "with credentials: 'include'" : 'without credentials'}`,
  );
  if (report.ignoredHeaders.length > 0) {
    lines.push(style.warn(`  ignored (browsers do not let script set them): ${report.ignoredHeaders.join(', ')}`));
  }
  lines.push('');
  if (report.preflight.needed) {
    lines.push('A browser sends a preflight first, because:');
    for (const reason of report.preflight.reasons) lines.push(`  - ${reason}`);
  } else {
    lines.push('No preflight: the method and headers are CORS-safelisted.');
  }
  lines.push('');
  for (const step of report.steps) formatStep(step, style, lines);
  if (report.anyOrigin !== undefined) formatAnyOrigin(report.anyOrigin, style, lines);
  lines.push('');
  if (report.anyOrigin?.check.result === 'warning') {
    lines.push(`${style.warn(style.bold('WARNING'))}: this server allows any origin with credentials.`);
  }
  lines.push(
    report.verdict === 'allowed'
      ? `${style.pass(style.bold('ALLOWED'))}: ${report.summary}`
      : `${style.fail(style.bold('BLOCKED'))}: ${report.summary}`,
  );
  return `${lines.join('\n')}\n`;
}
