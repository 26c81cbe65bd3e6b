/**
 * The databases every database test runs on: the embedded PGlite always, and PostgreSQL as well when
 * TEST_DATABASE_URL is set (CI sets it), with the same code and the same assertions.
 */
export type DatabaseKind = 'pglite' | 'postgres';

export const testDatabaseUrl = process.env['TEST_DATABASE_URL'] || undefined;

export const databaseKinds: DatabaseKind[] = testDatabaseUrl ? ['pglite', 'postgres'] : ['pglite'];
