// `express4` is an npm alias of Express 4; its API is what these tests use of @types/express.
declare module 'express4' {
  import express from 'express';
  export default express;
}
