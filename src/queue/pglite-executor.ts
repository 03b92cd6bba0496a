import type { PGlite } from "@electric-sql/pglite";

/** What pg-boss needs of a connection (its `db` option): run one piece of SQL, return its rows. */
export interface BossExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * pg-boss on the embedded database, through its one connection. pg-boss sends parameterised statements one
 * at a time, and its schema creation and maintenance as scripts of several statements without parameters
 * (`BEGIN; … COMMIT;`): those go through `exec`, which runs a script as one call, so nothing of ours runs
 * between its statements.
 *
 * It runs SQL outside `src/store` because the SQL is pg-boss's own, written by the library and only carried
 * here; ours against its tables is in `src/store/ready-queues.ts`.
 */
export function pgliteExecutor(client: PGlite): BossExecutor {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) {
        const result = await client.query(text, values);
        return { rows: result.rows };
      }
      try {
        const results = await client.exec(text);
        return { rows: results.at(-1)?.rows ?? [] };
      } catch (err) {
        // A script that failed after its `BEGIN` leaves the one connection in an aborted transaction, which
        // would refuse every later statement; outside a transaction this is a no-op.
        await client.exec("ROLLBACK").catch(() => {});
        throw err;
      }
    },
  };
}
