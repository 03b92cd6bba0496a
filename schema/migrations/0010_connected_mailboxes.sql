CREATE TABLE "connected_mailboxes" (
	"scope" text PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"address" text NOT NULL,
	"sealed_refresh_token" text NOT NULL,
	"granted_scopes" text NOT NULL,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "connected_mailboxes_person_idx" ON "connected_mailboxes" USING btree ("person_id");