CREATE TABLE "digests" (
	"recipient" text NOT NULL,
	"day" text NOT NULL,
	"status" text DEFAULT 'claimed' NOT NULL,
	"claimed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"message_id" text,
	"summary" jsonb,
	CONSTRAINT "digests_recipient_day_pk" PRIMARY KEY("recipient","day")
);
--> statement-breakpoint
CREATE TABLE "flags" (
	"id" text PRIMARY KEY NOT NULL,
	"task_key" text NOT NULL,
	"kind" text NOT NULL,
	"fingerprint" text DEFAULT '' NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"evidence" text[] DEFAULT '{}'::text[] NOT NULL,
	"owner_id" text,
	"state" text DEFAULT 'open' NOT NULL,
	"snoozed_until" timestamp with time zone,
	"state_by" text,
	"state_reason" text,
	"state_at" timestamp with time zone,
	"last_evidence_at" timestamp with time zone,
	"resolved_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "item_links" (
	"item_id" text NOT NULL,
	"task_key" text NOT NULL,
	"rule" text NOT NULL,
	"manual" boolean DEFAULT false NOT NULL,
	"removed" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "item_links_item_id_task_key_pk" PRIMARY KEY("item_id","task_key")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"scope_id" integer,
	"kind" text NOT NULL,
	"author_id" text,
	"at" timestamp with time zone NOT NULL,
	"text" text DEFAULT '' NOT NULL,
	"url" text,
	"thread_id" text,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"raw" jsonb,
	"edited_at" timestamp with time zone,
	"deleted_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identities" (
	"source" text NOT NULL,
	"external_id" text NOT NULL,
	"person_id" text NOT NULL,
	"display_name" text,
	"email" text,
	"is_guest" boolean DEFAULT false NOT NULL,
	"is_bot" boolean DEFAULT false NOT NULL,
	"raw" jsonb,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "identities_source_external_id_pk" PRIMARY KEY("source","external_id")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"email" text,
	"is_bot" boolean DEFAULT false NOT NULL,
	"merged_into" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_scopes" (
	"id" serial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"scope" text NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"status_reason" text,
	"last_success_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"scope_id" integer NOT NULL,
	"stream" text NOT NULL,
	"cursor" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_scope_id_stream_pk" PRIMARY KEY("scope_id","stream")
);
--> statement-breakpoint
CREATE TABLE "tasks" (
	"key" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"scope_id" integer,
	"external_id" text NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"status_category" text NOT NULL,
	"url" text NOT NULL,
	"assignee_id" text,
	"reporter_id" text,
	"labels" text[] DEFAULT '{}'::text[] NOT NULL,
	"priority" text,
	"due_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"last_activity_at" timestamp with time zone NOT NULL,
	"raw" jsonb,
	"deleted_at" timestamp with time zone,
	"search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', coalesce(key, '') || ' ' || coalesce(title, ''))) STORED
);
--> statement-breakpoint
ALTER TABLE "flags" ADD CONSTRAINT "flags_owner_id_people_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_links" ADD CONSTRAINT "item_links_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_scope_id_source_scopes_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."source_scopes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "items" ADD CONSTRAINT "items_author_id_people_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sync_cursors" ADD CONSTRAINT "sync_cursors_scope_id_source_scopes_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."source_scopes"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_scope_id_source_scopes_id_fk" FOREIGN KEY ("scope_id") REFERENCES "public"."source_scopes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_assignee_id_people_id_fk" FOREIGN KEY ("assignee_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tasks" ADD CONSTRAINT "tasks_reporter_id_people_id_fk" FOREIGN KEY ("reporter_id") REFERENCES "public"."people"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "flags_task_kind_fingerprint_key" ON "flags" USING btree ("task_key","kind","fingerprint");--> statement-breakpoint
CREATE INDEX "flags_kind_state_idx" ON "flags" USING btree ("kind","state","since");--> statement-breakpoint
CREATE INDEX "flags_task_idx" ON "flags" USING btree ("task_key");--> statement-breakpoint
CREATE INDEX "item_links_task_idx" ON "item_links" USING btree ("task_key","item_id");--> statement-breakpoint
CREATE UNIQUE INDEX "items_source_external_key" ON "items" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "items_thread_idx" ON "items" USING btree ("source","thread_id");--> statement-breakpoint
CREATE INDEX "items_at_idx" ON "items" USING btree ("at");--> statement-breakpoint
CREATE INDEX "identities_person_idx" ON "identities" USING btree ("person_id");--> statement-breakpoint
CREATE UNIQUE INDEX "people_email_key" ON "people" USING btree (lower("email")) WHERE "people"."email" is not null and "people"."merged_into" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "source_scopes_source_scope_key" ON "source_scopes" USING btree ("source","scope");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_source_external_key" ON "tasks" USING btree ("source","external_id");--> statement-breakpoint
CREATE INDEX "tasks_last_activity_idx" ON "tasks" USING btree ("last_activity_at" DESC NULLS LAST,"key");--> statement-breakpoint
CREATE INDEX "tasks_assignee_idx" ON "tasks" USING btree ("assignee_id");--> statement-breakpoint
CREATE INDEX "tasks_search_idx" ON "tasks" USING gin ("search");