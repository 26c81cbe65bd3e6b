ALTER TABLE "connections" ADD COLUMN "previous_webhook_token_hash" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "previous_webhook_token_expires_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_previous_webhook_token_hash_unique" UNIQUE("previous_webhook_token_hash");