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

/** `true` when `T` is `any`, as an unresolved import is. */
type IsAny<T> = 0 extends 1 & T ? true : false;

/** Express's `Request` if its types are installed, else `IncomingMessage`. */
export type ExpressRequest = IsAny<MaybeExpressRequest> extends true ? IncomingMessage : MaybeExpressRequest;
