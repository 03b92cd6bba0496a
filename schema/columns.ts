import { customType, timestamp } from "drizzle-orm/pg-core";

/** Full-text search vector, kept by PostgreSQL itself as a generated column. */
export const tsvector = customType<{ data: string }>({
  dataType: () => "tsvector",
});

/** Every time is stored with its zone and read as a JavaScript Date. */
export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });
