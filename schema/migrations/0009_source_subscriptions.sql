CREATE TABLE "source_subscriptions" (
	"source" text NOT NULL,
	"scope" text NOT NULL,
	"subscription_id" text,
	"expires_at" timestamp with time zone,
	"last_error" text,
	"creating_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "source_subscriptions_source_scope_pk" PRIMARY KEY("source","scope")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "source_subscriptions_subscription_id_key" ON "source_subscriptions" USING btree ("subscription_id");