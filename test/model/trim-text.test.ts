import { expect, it } from "vitest";
import { trimLineEnds, trimTrailing } from "../../src/model/trim-text.ts";

it("trims a trailing character and the blanks before each line break, as the patterns did", () => {
  expect(trimTrailing("https://x.example///", "/")).toBe("https://x.example");
  expect(trimTrailing("abc", "/")).toBe("abc");
  expect(trimTrailing("///", "/")).toBe("");
  expect(trimLineEnds("a  \nb\t\r\n  c \n\n d ")).toBe("a\nb\r\n  c\n\n d ");
  for (const sample of ["x \t \ny\n", " \n \r\n", "no break  ", "a\n\t"]) {
    expect(trimLineEnds(sample)).toBe(sample.replace(/[ \t]+(\r?\n)/g, "$1"));
  }
});

it("takes one pass over a hostile run of blanks", () => {
  const hostile = `${" ".repeat(2_000_000)}x`;
  const started = performance.now();
  expect(trimLineEnds(hostile)).toBe(hostile);
  expect(trimTrailing(`${"/".repeat(2_000_000)}x`, "/")).toHaveLength(2_000_001);
  // The old patterns took minutes on this; a pass takes milliseconds. A generous bound, on a busy machine.
  expect(performance.now() - started).toBeLessThan(2_000);
});
