CREATE TABLE "crm_activities" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"product" text,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"edited_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_via" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"company_id" text,
	"contact_id" text,
	"company_domain" text,
	"contact_email" text,
	"activity_type" text,
	"title" text,
	"description" text,
	"source" text,
	"occurred_at" timestamp with time zone,
	"metadata" jsonb
);
--> statement-breakpoint
CREATE TABLE "crm_companies" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"product" text,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"edited_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_via" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"name" text,
	"domain" text,
	"company_type" text,
	"website" text,
	"phone" text,
	"description" text
);
--> statement-breakpoint
CREATE TABLE "crm_contacts" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"product" text,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"edited_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_via" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"company_id" text,
	"company_domain" text,
	"email" text,
	"name" text,
	"first_name" text,
	"last_name" text,
	"phone" text,
	"title" text,
	"portal_access" integer,
	"portal_role" text,
	"pipeline_stage" text
);
--> statement-breakpoint
CREATE TABLE "crm_deals" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"product" text,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"edited_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_via" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"company_id" text,
	"contact_id" text,
	"company_domain" text,
	"contact_email" text,
	"name" text,
	"stage" text,
	"status" text,
	"amount" numeric,
	"currency" text,
	"close_date" timestamp with time zone,
	"description" text
);
--> statement-breakpoint
CREATE TABLE "crm_engagements" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"product" text,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"edited_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_via" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"company_id" text,
	"contact_id" text,
	"company_domain" text,
	"contact_email" text,
	"name" text,
	"engagement_type" text,
	"status" text,
	"start_date" timestamp with time zone,
	"end_date" timestamp with time zone,
	"amount" numeric,
	"currency" text,
	"description" text
);
--> statement-breakpoint
CREATE TABLE "crm_field_mappings" (
	"connection_id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"mappings" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "crm_invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"product" text,
	"custom" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"edited_fields" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_via" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	"company_id" text,
	"contact_id" text,
	"company_domain" text,
	"contact_email" text,
	"number" text,
	"status" text,
	"currency" text,
	"total" numeric,
	"amount_due" numeric,
	"amount_paid" numeric,
	"issued_at" timestamp with time zone,
	"due_at" timestamp with time zone,
	"paid_at" timestamp with time zone,
	"description" text
);
--> statement-breakpoint
CREATE TABLE "crm_sources" (
	"workspace_id" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"stream" text NOT NULL,
	"record_id" text NOT NULL,
	"source_key" text NOT NULL,
	"fields" jsonb NOT NULL,
	"seen_token" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crm_sources_connection_id_stream_record_id_entity_type_source_key_pk" PRIMARY KEY("connection_id","stream","record_id","entity_type","source_key")
);
--> statement-breakpoint
CREATE TABLE "crm_watermarks" (
	"connection_id" text NOT NULL,
	"stream" text NOT NULL,
	"last_seq" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "crm_watermarks_connection_id_stream_pk" PRIMARY KEY("connection_id","stream")
);
--> statement-breakpoint
ALTER TABLE "crm_activities" ADD CONSTRAINT "crm_activities_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_companies" ADD CONSTRAINT "crm_companies_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_contacts" ADD CONSTRAINT "crm_contacts_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_deals" ADD CONSTRAINT "crm_deals_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_engagements" ADD CONSTRAINT "crm_engagements_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_field_mappings" ADD CONSTRAINT "crm_field_mappings_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_field_mappings" ADD CONSTRAINT "crm_field_mappings_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_invoices" ADD CONSTRAINT "crm_invoices_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_sources" ADD CONSTRAINT "crm_sources_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_sources" ADD CONSTRAINT "crm_sources_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "crm_watermarks" ADD CONSTRAINT "crm_watermarks_connection_id_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "crm_activities_list" ON "crm_activities" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "crm_activities_company" ON "crm_activities" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "crm_activities_contact" ON "crm_activities" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "crm_activities_company_domain" ON "crm_activities" USING btree ("workspace_id","company_domain");--> statement-breakpoint
CREATE INDEX "crm_activities_contact_email" ON "crm_activities" USING btree ("workspace_id","contact_email");--> statement-breakpoint
CREATE UNIQUE INDEX "crm_companies_domain" ON "crm_companies" USING btree ("workspace_id",coalesce(product, ''),"domain") WHERE domain is not null;--> statement-breakpoint
CREATE INDEX "crm_companies_list" ON "crm_companies" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "crm_contacts_email" ON "crm_contacts" USING btree ("workspace_id",coalesce(product, ''),"email") WHERE email is not null;--> statement-breakpoint
CREATE INDEX "crm_contacts_list" ON "crm_contacts" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "crm_contacts_company" ON "crm_contacts" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "crm_contacts_company_domain" ON "crm_contacts" USING btree ("workspace_id","company_domain");--> statement-breakpoint
CREATE INDEX "crm_deals_list" ON "crm_deals" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "crm_deals_company" ON "crm_deals" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "crm_deals_contact" ON "crm_deals" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "crm_deals_company_domain" ON "crm_deals" USING btree ("workspace_id","company_domain");--> statement-breakpoint
CREATE INDEX "crm_deals_contact_email" ON "crm_deals" USING btree ("workspace_id","contact_email");--> statement-breakpoint
CREATE INDEX "crm_engagements_list" ON "crm_engagements" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "crm_engagements_company" ON "crm_engagements" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "crm_engagements_contact" ON "crm_engagements" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "crm_engagements_company_domain" ON "crm_engagements" USING btree ("workspace_id","company_domain");--> statement-breakpoint
CREATE INDEX "crm_engagements_contact_email" ON "crm_engagements" USING btree ("workspace_id","contact_email");--> statement-breakpoint
CREATE INDEX "crm_invoices_list" ON "crm_invoices" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "crm_invoices_company" ON "crm_invoices" USING btree ("company_id");--> statement-breakpoint
CREATE INDEX "crm_invoices_contact" ON "crm_invoices" USING btree ("contact_id");--> statement-breakpoint
CREATE INDEX "crm_invoices_company_domain" ON "crm_invoices" USING btree ("workspace_id","company_domain");--> statement-breakpoint
CREATE INDEX "crm_invoices_contact_email" ON "crm_invoices" USING btree ("workspace_id","contact_email");--> statement-breakpoint
CREATE INDEX "crm_sources_entity" ON "crm_sources" USING btree ("entity_type","entity_id");