CREATE TABLE "merge_dismissals" (
	"person_a" text NOT NULL,
	"person_b" text NOT NULL,
	"by" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "merge_dismissals_person_a_person_b_pk" PRIMARY KEY("person_a","person_b")
);
--> statement-breakpoint
ALTER TABLE "flags" ADD COLUMN "waiting_on" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "handle" text;--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "emails" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
CREATE INDEX "flags_waiting_on_idx" ON "flags" USING gin ("waiting_on");--> statement-breakpoint
CREATE INDEX "identities_handle_idx" ON "identities" USING btree ("source","handle") WHERE "identities"."handle" is not null;