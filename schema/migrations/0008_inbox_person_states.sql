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
CREATE INDEX "inbox_state_history_task_idx" ON "inbox_state_history" USING btree ("task_key","at");--> statement-breakpoint
CREATE INDEX "flags_owner_idx" ON "flags" USING btree ("owner_id","kind","since");