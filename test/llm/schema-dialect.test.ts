import { describe, expect, it } from 'vitest';
import { DIAGNOSIS_RESPONSE_SCHEMA } from '../../src/diagnose/llm/response.js';
import { toStrictJsonSchema } from '../../src/diagnose/llm/schema-dialect.js';

describe('toStrictJsonSchema', () => {
  it('turns the Gemini-dialect response schema into a strict OpenAI JSON schema', () => {
    const strict = toStrictJsonSchema(DIAGNOSIS_RESPONSE_SCHEMA) as Record<string, any>;
    expect(strict.additionalProperties).toBe(false);
    expect(strict.required).toEqual(Object.keys(DIAGNOSIS_RESPONSE_SCHEMA.properties));
    expect(strict.properties.category).toEqual({ type: 'string', enum: expect.arrayContaining(['CrashLoopBackOff']), description: 'The failure category.' });
    expect(strict.properties.needsHuman.type).toEqual(['string', 'null']);
    const op = strict.properties.patch.items;
    expect(op.additionalProperties).toBe(false);
    expect(op.required).toEqual(['op', 'path', 'valueJson']);
    expect(op.properties.valueJson.type).toEqual(['string', 'null']);
    expect(JSON.stringify(strict)).not.toContain('nullable');
  });

  it('leaves the source schema untouched', () => {
    const before = JSON.stringify(DIAGNOSIS_RESPONSE_SCHEMA);
    toStrictJsonSchema(DIAGNOSIS_RESPONSE_SCHEMA);
    expect(JSON.stringify(DIAGNOSIS_RESPONSE_SCHEMA)).toBe(before);
  });
});
