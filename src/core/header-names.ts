/** A response header to set: name and value. Each header's name is in its own file under src/core/headers/. */
export type Header = readonly [name: string, value: string];
