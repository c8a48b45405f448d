// graphql-ws publishes `graphql-ws/use/ws` through package exports, which this project's module
// resolution (node10) does not read; its types are re-exported from their file.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
