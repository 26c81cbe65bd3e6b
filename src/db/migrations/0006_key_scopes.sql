-- A key can be read-only (every mutating REST route refuses it; MCP hides mutating tools) and scoped to products
-- (CRM rows and connections tagged with them); null products means every product, as every key before this had.
ALTER TABLE "api_keys" ADD COLUMN "read_only" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "products" text[];
