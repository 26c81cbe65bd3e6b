CREATE TABLE "seen_batches" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"run_id" text NOT NULL,
	"stream" text NOT NULL,
	"ids" text[] NOT NULL
);
--> statement-breakpoint
ALTER TABLE "seen_batches" ADD CONSTRAINT "seen_batches_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "seen_batches_run" ON "seen_batches" USING btree ("run_id","stream");