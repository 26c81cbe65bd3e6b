-- A full refresh in flight across this upgrade keeps what it saw: the ids it stored one row each in seen_records
-- (before 0003) become one seen_batches row per run and stream, which is all the end-of-run anti-join reads now.
INSERT INTO "seen_batches" ("run_id", "stream", "ids")
  SELECT "run_id", "stream", array_agg("record_id" ORDER BY "record_id") FROM "seen_records" GROUP BY "run_id", "stream";--> statement-breakpoint
-- Record tables created before the change feed get their change numbers here, once, instead of on their first
-- sync after the upgrade: rows numbered in update order, the schema's counter carrying on from there (the same
-- statements ensureRecordTable ran until this migration). Record tables live in each workspace's data schema.
DO $$
DECLARE
  r record;
BEGIN
  FOR r IN
    SELECT c.table_schema AS s, c.table_name AS t
    FROM information_schema.columns c
    JOIN workspaces w ON w.data_schema = c.table_schema
    WHERE c.column_name = 'hash'
      AND EXISTS (SELECT 1 FROM information_schema.columns d WHERE d.table_schema = c.table_schema AND d.table_name = c.table_name AND d.column_name = 'connection_id')
      AND NOT EXISTS (SELECT 1 FROM information_schema.columns d WHERE d.table_schema = c.table_schema AND d.table_name = c.table_name AND d.column_name = 'change_seq')
  LOOP
    EXECUTE format('ALTER TABLE %I.%I ADD COLUMN change_seq bigint', r.s, r.t);
    EXECUTE format('UPDATE %I.%I x SET change_seq = n.seq FROM (SELECT connection_id, id, row_number() OVER (ORDER BY updated_at, connection_id, id) AS seq FROM %I.%I) n WHERE x.connection_id = n.connection_id AND x.id = n.id', r.s, r.t, r.s, r.t);
    EXECUTE format('ALTER TABLE %I.%I ALTER COLUMN change_seq SET NOT NULL', r.s, r.t);
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (connection_id, change_seq)', r.t || '_changes', r.s, r.t);
    EXECUTE format('CREATE TABLE IF NOT EXISTS %I._tributary_changes (table_name text PRIMARY KEY, last_seq bigint NOT NULL DEFAULT 0)', r.s);
    EXECUTE format('INSERT INTO %I._tributary_changes (table_name) VALUES (%L) ON CONFLICT DO NOTHING', r.s, r.t);
    EXECUTE format('UPDATE %I._tributary_changes SET last_seq = (SELECT coalesce(max(change_seq), 0) FROM %I.%I) WHERE table_name = %L', r.s, r.s, r.t, r.t);
  END LOOP;
END $$;--> statement-breakpoint
-- record_tables was never read or written; seen_records is converted above.
DROP TABLE "record_tables" CASCADE;--> statement-breakpoint
DROP TABLE "seen_records" CASCADE;--> statement-breakpoint
-- The status columns accept only the values the code writes (schema.ts; the lists come from contracts where the API shows them).
ALTER TABLE "connections" ADD CONSTRAINT "connections_status_check" CHECK (status in ('disconnected', 'pending_auth', 'pending', 'connected', 'syncing', 'error', 'disabled'));--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_last_sync_status_check" CHECK (last_sync_status in ('COMPLETED', 'FAILED', 'CANCELLED'));--> statement-breakpoint
ALTER TABLE "run_streams" ADD CONSTRAINT "run_streams_status_check" CHECK (status in ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED', 'SKIPPED'));--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_status_check" CHECK (status in ('PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'));--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_mode_check" CHECK (mode in ('full_refresh', 'incremental'));
