CREATE TABLE "source_states" (
	"source" text PRIMARY KEY NOT NULL,
	"last_pass_at" timestamp with time zone,
	"last_success_at" timestamp with time zone,
	"last_error" text,
	"last_error_kind" text,
	"next_run_at" timestamp with time zone,
	"last_delivery_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "source_scopes" ADD COLUMN "last_pass_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "source_scopes" ADD COLUMN "last_error" text;--> statement-breakpoint
ALTER TABLE "source_scopes" ADD COLUMN "last_error_kind" text;--> statement-breakpoint
ALTER TABLE "source_scopes" ADD COLUMN "rate_limited_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "source_scopes" ADD COLUMN "items_seen" integer;