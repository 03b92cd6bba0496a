// Only the regular-expression checks: biome does the rest. A pattern whose run time grows faster than its
// input (backtracking, or a match retried from every position) fails the build, since outsiders' text
// (email bodies, comments, chat) reaches these patterns.
import tsParser from "@typescript-eslint/parser";
import regexp from "eslint-plugin-regexp";

export default [
  // Build output and data, never the project's own source.
  { ignores: [".wrangler/**", ".threadline/**", "coverage/**", "test-artifacts/**"] },
  {
    files: ["src/**/*.{ts,tsx}", "connectors/**/*.ts", "bin/**/*.js"],
    ignores: ["connectors/sandbox/**"],
    languageOptions: { parser: tsParser, ecmaVersion: "latest", sourceType: "module" },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    plugins: { regexp },
    rules: {
      "regexp/no-super-linear-backtracking": ["error", { report: "potential" }],
      "regexp/no-super-linear-move": [
        "error",
        { report: "potential", ignoreSticky: false, ignorePartial: false },
      ],
    },
  },
];
