/**
 * The response schema is written once in the OpenAPI subset Gemini accepts (`nullable: true`).
 * OpenAI's strict structured outputs want JSON Schema instead: nullability as a type union,
 * every property required and `additionalProperties: false` on every object, no `format: enum`.
 */

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function toStrictJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toStrictJsonSchema);
  if (!isObject(schema)) return schema;
  const { nullable, ...rest } = schema;
  // Gemini marks string enums with `format: enum`; JSON Schema has no such format.
  if (rest.format === 'enum') delete rest.format;
  const converted: JsonObject = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'properties' && isObject(value)) {
      converted.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, toStrictJsonSchema(sub)]));
    } else if (key === 'items') {
      converted.items = toStrictJsonSchema(value);
    } else {
      converted[key] = value;
    }
  }
  if (converted.type === 'object' && isObject(converted.properties)) {
    converted.required = Object.keys(converted.properties);
    converted.additionalProperties = false;
  }
  if (nullable === true && typeof converted.type === 'string') {
    converted.type = [converted.type, 'null'];
    if (Array.isArray(converted.enum)) converted.enum = [...converted.enum, null];
  }
  return converted;
}
