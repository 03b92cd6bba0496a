import { z } from "zod";

/**
 * A copy of one of the product's answer schemas in which every object, however deep, refuses keys it does not
 * name. The product's schemas strip unknown keys when they parse, so a test that parsed an answer with them
 * would pass even if the answer leaked a raw payload or an internal column; parsing with this copy fails on
 * any such key. Checks on strings (formats, enums) are the original's, kept by reusing the leaf schemas.
 */
export function strictly<T extends z.ZodType>(schema: T): T {
  return toStrict(schema) as T;
}

/** Parses a raw answer body with the strict copy of `schema`: its typed value, or a failed test. */
export function parseStrict<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  return strictly(schema).parse(body);
}

function toStrict(schema: z.ZodType): z.ZodType {
  const def = (schema as z.ZodType & { _zod: { def: Record<string, unknown> & { type: string } } })._zod.def;
  switch (def.type) {
    case "object": {
      const shape = def.shape as Record<string, z.ZodType>;
      return z.strictObject(Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, toStrict(v)])));
    }
    case "array":
      return z.array(toStrict(def.element as z.ZodType));
    case "nullable":
      return toStrict(def.innerType as z.ZodType).nullable();
    case "optional":
      return toStrict(def.innerType as z.ZodType).optional();
    case "union":
      return z.union((def.options as z.ZodType[]).map(toStrict) as [z.ZodType, z.ZodType, ...z.ZodType[]]);
    case "lazy":
    case "pipe":
    case "transform":
    case "record":
    case "intersection":
    case "tuple":
    case "map":
    case "set":
      // None of the answer schemas holds these; a new one must be taught here rather than pass unchecked.
      throw new Error(`strictly: no strict copy for a ${def.type} schema`);
    default:
      return schema;
  }
}
