/**
 * Prints a `Suggestion` (suggestion.ts) as a JavaScript module that TypeScript accepts too (the default), or
 * as JSON (`--json`). Every string in the code is written with `JSON.stringify` (origins and names are
 * validated tokens; a malformed sample is already escaped by the census), so nothing read from a census
 * can end a comment or a string early.
 */
import type { LeftOut, Suggestion } from './suggestion.js';

/** Left-out lines printed at most (the JSON lists all). */
const MAX_LEFT_OUT_LINES = 50;

function n(value: number): string {
  return value.toLocaleString('en-US');
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${n(count)} ${count === 1 ? one : many}`;
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

function counts(e: { requests: number; preflights: number; credentialed: number }): string {
  return `${plural(e.requests, 'request')} (${plural(e.preflights, 'preflight')}, ${n(e.credentialed)} credentialed)`;
}

/** Names in a comment: the first few, then how many more (the JSON lists them all). */
function list(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} and ${n(names.length - max)} more` : shown;
}

function leftOutLine(item: LeftOut): string {
  return `//   ${item.what}: ${plural(item.requests, 'request')}: ${item.detail}`;
}

/** The suggestion as `export const corsOptions = { ... };` with the evidence as comments. */
export function formatSuggestion(s: Suggestion): string {
  const out: string[] = [];
  const c = s.census;
  out.push(
    `// corsgate suggest: ${plural(c.snapshots, 'census snapshot')}, ${plural(c.requests, 'request')} from ${iso(c.startedAt)} to ${iso(c.takenAt)}`,
    `// (${n(c.noOrigin)} without Origin and ${n(c.sameOrigin)} marked same-origin: no CORS involved, not counted below).`,
    `// Kept: origins seen at least ${n(s.settings.minRequests)} times (--min-requests); a "*." pattern where ${n(s.settings.minSubdomains)} or more`,
    '// subdomains of one registrable domain were seen (--min-subdomains; never over a public suffix).',
    "/** @type {import('corsgate').CorsOptions} */",
    'export const corsOptions = {',
  );
  if (s.options.origin === false) {
    out.push(
      '  // No origin was seen often enough: this refuses every cross-origin request. See "Left out" below.',
      '  origin: false,',
    );
  } else {
    out.push('  origin: [');
    for (const o of s.origins) {
      if (o.kind === 'pattern') {
        out.push(`    ${JSON.stringify(o.entry)}, // ${plural(o.covers.length, 'origin')} seen: ${counts(o)}`);
        for (const covered of o.covers) out.push(`    //   ${covered.origin}: ${counts(covered)}`);
      } else {
        out.push(`    ${JSON.stringify(o.entry)}, // ${counts(o)}`);
      }
    }
    out.push('  ],');
    out.push(
      '  // Methods from the kept origins (a preflight counts the method it asks for). GET, HEAD and POST are',
      '  // CORS-safelisted: browsers send them without asking, whatever this list says; they are listed as seen.',
    );
    if (s.methodsUnnamed > 0) {
      out.push(
        `  // ${plural(s.methodsUnnamed, 'request')} had a method the census did not name (over its bound of 16 per origin).`,
      );
    }
    if (s.methodsIgnored.length > 0) {
      const names = s.methodsIgnored.map((m) => `${m.name} (${n(m.requests)})`).join(', ');
      out.push(
        `  // Not listed, as no page can need them ("*" is a wildcard here; fetch() refuses CONNECT, TRACE, TRACK): ${names}.`,
      );
    }
    out.push('  methods: [');
    for (const m of s.methods) {
      out.push(
        `    ${JSON.stringify(m.name)}, // ${plural(m.requests, 'request')}${m.safelisted ? ' (safelisted)' : ''}`,
      );
    }
    out.push('  ],');
    out.push(
      '  // Headers named in preflights (Access-Control-Request-Headers). A browser names only the headers that',
      '  // are not CORS-safelisted, so each one is needed by some page; safelisted ones need no listing.',
    );
    if (s.headersIgnored.length > 0) {
      const names = s.headersIgnored.map((h) => `${h.name} (${n(h.requests)})`).join(', ');
      out.push(
        `  // Not listed, as no page can need them ("*" is a wildcard here; script cannot set forbidden request headers): ${names}.`,
      );
    }
    if (s.headersUnnamed > 0) {
      out.push(
        `  // ${plural(s.headersUnnamed, 'header name')} the census did not name (over its bound of 32 per origin).`,
      );
    }
    out.push('  allowedHeaders: [');
    for (const h of s.headers) out.push(`    ${JSON.stringify(h.name)}, // ${plural(h.requests, 'preflight')}`);
    out.push('  ],');
    if (s.options.credentials === true) {
      out.push(`  // Credentialed requests (with cookies) came from: ${list(s.credentialedOrigins)}.`);
      if (s.uncredentialedOrigins.length > 0) {
        out.push(
          `  // None came from: ${list(s.uncredentialedOrigins)}.`,
          '  // credentials is one setting per policy; to withhold it from those, see docs/tightening.md.',
        );
      }
      out.push('  credentials: true,');
    } else {
      out.push('  // No credentialed request (with cookies) was seen from the kept origins.', '  credentials: false,');
    }
  }
  out.push('};');
  if (s.leftOut.length > 0) {
    out.push('', '// Left out (add an origin by hand if it is a client):');
    for (const item of s.leftOut.slice(0, MAX_LEFT_OUT_LINES)) out.push(leftOutLine(item));
    if (s.leftOut.length > MAX_LEFT_OUT_LINES) {
      out.push(`//   ... and ${n(s.leftOut.length - MAX_LEFT_OUT_LINES)} more (--json lists them all).`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** The suggestion as JSON: `options` is what to pass to cors(); the rest is the evidence. */
export function suggestionJson(s: Suggestion): string {
  return `${JSON.stringify({ version: 1, ...s }, null, 2)}\n`;
}
