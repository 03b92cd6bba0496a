import { describe, expect, it } from "vitest";
import { CommaListSchema, toCommaList } from "../../../connectors/kit/comma-list.ts";

describe("comma-separated lists", () => {
  it.each([
    [undefined, []],
    ["", []],
    [" , ,", []],
    ["PROJ", ["PROJ"]],
    [" PROJ , OPS,,DATA ", ["PROJ", "OPS", "DATA"]],
  ])("%j is %j", (text, entries) => {
    expect(toCommaList(text)).toEqual(entries);
    expect(CommaListSchema.parse(text)).toEqual(entries);
  });
});
