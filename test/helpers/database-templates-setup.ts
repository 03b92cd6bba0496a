/**
 * Vitest global set-up: migrates one database of each kind once per run, for `createTestDatabase` to copy.
 * A PGlite's first start (initdb) and the migrations cost seconds of CPU each time; loading the files of a
 * migrated one costs a fraction of that. On the server, `create database … template` copies the migrated
 * schema instead of applying every migration again.
 */
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle } from "drizzle-orm/pglite";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import * as schema from "../../schema/index.ts";
import type { Db } from "../../src/store/db.ts";
import { migrateDatabase } from "../../src/store/migrate.ts";

declare module "vitest" {
  export interface ProvidedContext {
    /** The files of a migrated, empty PGlite (`dumpDataDir`), written to disk. */
    pgliteTemplateFile: string;
    /** A migrated, empty database on the TEST_DATABASE_URL server, to copy; empty when the URL is unset. */
    postgresTemplateName: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "threadline-templates-"));
  const file = join(dir, "pglite.tar");
  await writeFile(file, await migratedPgliteFiles());
  project.provide("pgliteTemplateFile", file);

  const adminUrl = process.env.TEST_DATABASE_URL;
  const name = adminUrl ? await migratedPostgresTemplate(adminUrl) : "";
  project.provide("postgresTemplateName", name);

  return async () => {
    await rm(dir, { recursive: true, force: true });
    if (adminUrl && name) {
      const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  };
}

async function migratedPgliteFiles(): Promise<Buffer> {
  const client = new PGlite();
  await client.waitReady;
  try {
    await migrateDatabase({
      db: drizzle(client, { schema }) as unknown as Db,
      kind: "pglite",
      close: async () => {},
    });
    const files = (await client.dumpDataDir("none")) as Blob;
    return Buffer.from(await files.arrayBuffer());
  } finally {
    await client.close();
  }
}

async function migratedPostgresTemplate(adminUrl: string): Promise<string> {
  const name = `threadline_template_${randomBytes(6).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // migrateDatabase closes its own connection: nothing stays connected to the template, which a copy requires.
  await migrateDatabase({
    db: undefined as unknown as Db,
    kind: "postgres",
    url: url.toString(),
    close: async () => {},
  });
  return name;
}
