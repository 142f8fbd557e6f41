import { inspect } from 'node:util';
import { expect } from 'vitest';
import { type CompileContext, CorsConfigError, type CorsOptions, compile } from '../../src/core/index.js';

/** Compiles options that must be rejected and returns the error (failing the test if none is thrown). */
export function configError(options: unknown, context: CompileContext = {}): CorsConfigError {
  try {
    compile(options as CorsOptions, { warn: () => {}, ...context });
  } catch (err) {
    expect(err).toBeInstanceOf(CorsConfigError);
    return err as CorsConfigError;
  }
  throw new Error(`expected a CorsConfigError for ${inspect(options)}`);
}
