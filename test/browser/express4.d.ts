// `express4` is the npm alias `npm:express@^4` (a devDependency) so that the suite runs against Express 4 and 5.
// Express 4 ships no types; the @types/express (v5) declarations cover what the suite uses of it.
declare module 'express4' {
  import express from 'express';
  export default express;
}
