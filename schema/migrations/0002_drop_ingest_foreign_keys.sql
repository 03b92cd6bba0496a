ALTER TABLE "item_links" DROP CONSTRAINT "item_links_item_id_items_id_fk";
--> statement-breakpoint
ALTER TABLE "items" DROP CONSTRAINT "items_scope_id_source_scopes_id_fk";
--> statement-breakpoint
ALTER TABLE "items" DROP CONSTRAINT "items_author_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "tasks" DROP CONSTRAINT "tasks_scope_id_source_scopes_id_fk";
--> statement-breakpoint
ALTER TABLE "tasks" DROP CONSTRAINT "tasks_assignee_id_people_id_fk";
--> statement-breakpoint
ALTER TABLE "tasks" DROP CONSTRAINT "tasks_reporter_id_people_id_fk";
