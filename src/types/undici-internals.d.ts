// undici ships types for its index only; these internal modules are typed at the use site
// (src/registry/undici-parts.ts) by casting to the index's types.
declare module 'undici/lib/dispatcher/agent.js' {
  const value: unknown;
  export default value;
}
declare module 'undici/lib/api/api-request.js' {
  const value: unknown;
  export default value;
}
