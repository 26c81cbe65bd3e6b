/**
 * Every table of Tributary's own, for drizzle's relational queries (`db.query.<table>`) and the `Db` type: the core
 * tables in schema.ts and each concept's file beside it.
 */
export * from './schema.js';
export * from './mcp-oauth-schema.js';
