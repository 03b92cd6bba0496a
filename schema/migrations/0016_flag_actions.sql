CREATE TABLE "flag_actions" (
	"id" text PRIMARY KEY NOT NULL,
	"idempotency_key" text NOT NULL,
	"flag_id" text NOT NULL,
	"flag_kind" text NOT NULL,
	"task_key" text NOT NULL,
	"action" text NOT NULL,
	"state" text DEFAULT 'pending' NOT NULL,
	"retryable" boolean DEFAULT false NOT NULL,
	"error" text,
	"by" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"held_until" timestamp with time zone,
	"plan" jsonb NOT NULL,
	"results" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"written_items" text[] DEFAULT '{}'::text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"done_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "flag_actions_idempotency_key" ON "flag_actions" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "flag_actions_task_idx" ON "flag_actions" USING btree ("task_key","created_at");--> statement-breakpoint
CREATE INDEX "flag_actions_flag_idx" ON "flag_actions" USING btree ("flag_id","created_at");--> statement-breakpoint
CREATE INDEX "flag_actions_written_items_idx" ON "flag_actions" USING gin ("written_items");