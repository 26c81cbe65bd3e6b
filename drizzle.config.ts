import { defineConfig } from 'drizzle-kit';

// Migrations are generated from src/db/schema.ts with `npx drizzle-kit generate` and committed; the same SQL
// runs on PGlite and PostgreSQL.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./src/db/schema.ts', './src/db/mcp-oauth-schema.ts'],
  out: './src/db/migrations',
});
