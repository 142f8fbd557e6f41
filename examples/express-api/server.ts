/**
 * `npm start`: the example API on PORT (default 3000), allowing the origins in CORS_ORIGINS
 * (comma-separated; default: the local frontend on http://localhost:5173), and the CORS playground page on
 * http://localhost:5173 (PLAYGROUND_PORT; an allowed origin by default) and http://127.0.0.1:5174
 * (PLAYGROUND_REFUSED_PORT; a refused one). PLAYGROUND=off starts the API alone.
 */
import { CorsConfigError } from 'corsgate';
import { startExample } from './start.js';

/** A port from the environment, or a clear message and exit: `PORT=abc` must not end in a stack trace. */
function portFrom(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`Cannot start: ${name}=${JSON.stringify(text)} is not a port; use a whole number from 0 to 65535.`);
    process.exit(1);
  }
  return value;
}

const port = portFrom('PORT', 3000);
const origins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173')
  .split(',')
  .map((origin) => origin.trim())
  .filter((origin) => origin !== '');
const withPlayground = !['off', '0', 'false'].includes((process.env.PLAYGROUND ?? '').toLowerCase());

try {
  const started = await startExample({
    port,
    origins,
    playground: withPlayground && {
      port: portFrom('PLAYGROUND_PORT', 5173),
      refusedPort: portFrom('PLAYGROUND_REFUSED_PORT', 5174),
    },
    onRefused: (refusal) =>
      console.warn(
        `${refusal.reportOnly ? 'cors report-only (the stricter policy would refuse)' : 'cors refused'}: ${refusal.message}`,
      ),
  });
  console.log(`corsgate example API on http://localhost:${port}`);
  console.log(`allowed origins: ${origins.join(', ')}`);
  console.log(`try: curl -i -H 'Origin: ${origins[0] ?? 'http://localhost:5173'}' http://localhost:${port}/api/data`);
  if (started.playground !== undefined) {
    const { allowed, refused } = started.playground;
    const allowedNote = origins.includes(allowed)
      ? 'an allowed origin: open this one'
      : 'not in CORS_ORIGINS: refused too';
    console.log(`playground: ${allowed}  (${allowedNote})`);
    console.log(`            ${refused}  (the same page on a refused origin)`);
  } else if (started.playgroundError !== undefined) {
    const code = (started.playgroundError as NodeJS.ErrnoException).code;
    console.warn(
      `playground not started: ${code === 'EADDRINUSE' ? 'its port is in use; set PLAYGROUND_PORT and PLAYGROUND_REFUSED_PORT to free ports' : started.playgroundError.message}`,
    );
  }
} catch (err) {
  if (err instanceof CorsConfigError) {
    console.error(
      `Cannot start: CORS_ORIGINS=${JSON.stringify(process.env.CORS_ORIGINS ?? '')} is not valid.\n${err.message}`,
    );
    process.exit(1);
  }
  const code = (err as NodeJS.ErrnoException).code;
  console.error(code === 'EADDRINUSE' ? `Cannot start: port ${port} is in use; set PORT to another port.` : err);
  process.exit(1);
}
