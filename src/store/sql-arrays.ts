const NEEDS_ESCAPE = /["\\]/;
const ESCAPED = /["\\]/g;

/**
 * One column of a page as a PostgreSQL array literal, to bind as one parameter and cast (`::text[]`,
 * `::timestamptz[]`, `::jsonb[]`) for `unnest`: a page is then a statement of one parameter per column, on
 * either driver. The server parses an array of short values much faster than one jsonb document of the whole
 * page, which it must build in full before `jsonb_to_recordset` takes it apart again.
 */
export function arrayParam(values: readonly (string | null | undefined)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (i > 0) out += ",";
    if (value === null || value === undefined) out += "NULL";
    // One pass over the value: a JSON document (meta, raw) always has quotes to escape.
    else out += `"${NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, "\\$&") : value}"`;
  }
  return `${out}}`;
}
