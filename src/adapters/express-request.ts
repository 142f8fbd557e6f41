/**
 * The `req` that the default (Express) export hands to an options delegate and to `onRefused`:
 * Express's `Request` when `@types/express` is installed, so `req.query`, `req.path` and
 * `req.header()` type-check as they do with `cors` + `@types/cors`; otherwise Node's `IncomingMessage`.
 * Types only: nothing here exists at run time, and corsgate never imports Express.
 */
import type { IncomingMessage } from 'node:http';
// The consumer may not have @types/express: the import then resolves to `any` (the comment below keeps
// that from being an error in the emitted declarations) and `ExpressRequest` falls back to IncomingMessage.
// biome-ignore lint/suspicious/noTsIgnore: @ts-expect-error would fail where @types/express is installed.
// @ts-ignore -- optional: @types/express may be absent
import type { Request as MaybeExpressRequest } from 'express';

/**
 * `T`, unless it is the `any` of an unresolved import: then `Fallback`. (The usual `0 extends 1 & T` test
 * does not see through an unresolved import's type; this form does, checked by test/package/consumers.test.ts.)
 */
type Resolved<T, Fallback> = unknown extends T ? Fallback : T;

/** Express's `Request` if its types are installed, else `IncomingMessage`. */
export type ExpressRequest = Resolved<MaybeExpressRequest, IncomingMessage>;
