/**
 * The regular-expression linter that `npm test` runs (eslint.config.js): a pattern whose time grows faster
 * than its input fails the build, so outsiders' text can't stall the process through a new one.
 */
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

async function problemsIn(code: string, filePath: string) {
  const eslint = new ESLint({ cwd: root });
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).map((m) => m.ruleId);
}

it("fails on planted super-linear patterns in product code and passes their linear rewrites", async () => {
  const planted = [
    'export const tidy = (s: string) => s.replace(/[ \\t]+\\n/g, "\\n");',
    "export const isEmail = (s: string) => /^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$/.test(s);",
    'export const strip = (s: string) => s.replace(/<[^>]+>/g, "");',
    "export const word = (s: string) => /^(a+)+$/.test(s);",
  ];
  for (const code of planted) {
    expect(await problemsIn(code, "src/flags/rules/text/planted.ts"), code).toEqual([
      expect.stringMatching(/^regexp\/no-super-linear-(move|backtracking)$/),
    ]);
  }
  expect(await problemsIn(planted[0]!, "connectors/gmail/planted.ts")).not.toEqual([]);

  const linear = [
    "export const isEmail = (s: string) => /^[^@\\s]+@[^@\\s.]+(?:\\.[^@\\s.]+)+$/.test(s);",
    'export const strip = (s: string) => s.replace(/<[^<>]+>/g, "");',
  ];
  for (const code of linear)
    expect(await problemsIn(code, "src/flags/rules/text/planted.ts"), code).toEqual([]);
}, 60_000);
