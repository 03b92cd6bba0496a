CREATE TABLE "inbox_task_states" (
	"task_key" text PRIMARY KEY NOT NULL,
	"muted_at" timestamp with time zone,
	"muted_by" text,
	"done_at" timestamp with time zone,
	"done_by" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "saved_searches" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"query" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "saved_searches_name_idx" ON "saved_searches" USING btree ("name");