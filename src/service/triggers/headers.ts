/**
 * Moved to src/api/headers.ts (issue 13: the wire contract is declared once, in api/, for the server and
 * the CLI alike). This re-export keeps the branches developed in parallel compiling while they merge;
 * import from api/ in new code, and delete this file once nothing imports it.
 */
export * from '../../api/headers.ts';
