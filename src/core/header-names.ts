/** Response and request header names of the CORS protocol (Fetch Standard §3.2.3). */
export const ALLOW_ORIGIN = 'Access-Control-Allow-Origin';
export const ALLOW_CREDENTIALS = 'Access-Control-Allow-Credentials';
export const ALLOW_METHODS = 'Access-Control-Allow-Methods';
export const ALLOW_HEADERS = 'Access-Control-Allow-Headers';
export const EXPOSE_HEADERS = 'Access-Control-Expose-Headers';
export const MAX_AGE = 'Access-Control-Max-Age';
export const ALLOW_PRIVATE_NETWORK = 'Access-Control-Allow-Private-Network';

export const REQUEST_METHOD = 'Access-Control-Request-Method';
export const REQUEST_HEADERS = 'Access-Control-Request-Headers';
export const REQUEST_PRIVATE_NETWORK = 'Access-Control-Request-Private-Network';

/** A response header to set: name and value. */
export type Header = readonly [name: string, value: string];
