CREATE TABLE "api_tokens" (
	"id" text PRIMARY KEY NOT NULL,
	"secret_hash" text NOT NULL,
	"person_id" text NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone NOT NULL,
	CONSTRAINT "api_tokens_secret_hash_unique" UNIQUE("secret_hash")
);
--> statement-breakpoint
CREATE TABLE "inbox_person_states" (
	"person_id" text NOT NULL,
	"task_key" text NOT NULL,
	"flag_id" text DEFAULT '' NOT NULL,
	"state" text NOT NULL,
	"until" timestamp with time zone,
	"reason" text,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "inbox_person_states_person_id_task_key_flag_id_state_pk" PRIMARY KEY("person_id","task_key","flag_id","state")
);
--> statement-breakpoint
CREATE TABLE "inbox_state_history" (
	"id" serial PRIMARY KEY NOT NULL,
	"task_key" text NOT NULL,
	"flag_id" text,
	"action" text NOT NULL,
	"scope" text NOT NULL,
	"by" text NOT NULL,
	"until" timestamp with time zone,
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "api_tokens_person_idx" ON "api_tokens" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "inbox_state_history_task_idx" ON "inbox_state_history" USING btree ("task_key","at");--> statement-breakpoint
CREATE INDEX "flags_owner_idx" ON "flags" USING btree ("owner_id","kind","since");