/**
 * `npm start`: the example API on PORT (default 3000), allowing the origins in CORS_ORIGINS
 * (comma-separated; default: the local frontend on http://localhost:5173).
 */
import { CorsConfigError } from 'corsgate';
import { createApp } from './app.js';

const port = Number(process.env.PORT ?? 3000);
const origins = (process.env.CORS_ORIGINS ?? 'http://localhost:5173')
  .split(',')
  .map((origin) => origin.trim())
  .filter((origin) => origin !== '');

let app: ReturnType<typeof createApp>;
try {
  app = createApp({
    origins,
    onRefused: (refusal) => console.warn(`cors refused: ${refusal.message}`),
  });
} catch (err) {
  if (err instanceof CorsConfigError) {
    console.error(
      `Cannot start: CORS_ORIGINS=${JSON.stringify(process.env.CORS_ORIGINS ?? '')} is not valid.\n${err.message}`,
    );
    process.exit(1);
  }
  throw err;
}

const server = app.listen(port, () => {
  console.log(`corsgate example API on http://localhost:${port}`);
  console.log(`allowed origins: ${origins.join(', ')}`);
  console.log(`try: curl -i -H 'Origin: ${origins[0] ?? 'http://localhost:5173'}' http://localhost:${port}/api/data`);
});
server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(err.code === 'EADDRINUSE' ? `Cannot start: port ${port} is in use; set PORT to another port.` : err);
  process.exit(1);
});
