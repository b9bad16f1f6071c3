import type { z } from 'zod';
import { AppError } from '@shared/errors';

/** A CLI-settable field of an operation's input, read off its zod schema. */
export interface FieldSpec {
  key: string;
  flag: string;
  kind: 'string' | 'number' | 'boolean' | 'enum';
  choices?: readonly string[];
  required: boolean;
  defaultValue?: unknown;
  description: string;
}

interface ZodDef {
  type: string;
  innerType?: z.ZodType;
  defaultValue?: unknown;
  entries?: Record<string, string>;
  shape?: Record<string, z.ZodType>;
}

const defOf = (schema: z.ZodType): ZodDef => (schema as unknown as { def: ZodDef }).def;

export function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** Unwraps optional/default layers and names the scalar kind, or null when the field cannot be set from a flag. */
export function describeField(key: string, schema: z.ZodType): FieldSpec | null {
  let current = schema;
  let required = true;
  let defaultValue: unknown;
  const description = (schema as { description?: string }).description ?? '';
  for (;;) {
    const def = defOf(current);
    if (def.type === 'optional' || def.type === 'nullable') {
      required = false;
      current = def.innerType!;
    } else if (def.type === 'default') {
      required = false;
      defaultValue =
        typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
      current = def.innerType!;
    } else {
      const kind = def.type;
      const base = {
        key,
        flag: kebab(key),
        required,
        defaultValue,
        description: description || (current as { description?: string }).description || '',
      };
      if (kind === 'string' || kind === 'number' || kind === 'boolean') return { ...base, kind };
      if (kind === 'enum') return { ...base, kind: 'enum', choices: Object.values(def.entries ?? {}) };
      return null;
    }
  }
}

export function objectFields(schema: z.ZodType): FieldSpec[] {
  const shape = defOf(schema).shape ?? {};
  return Object.entries(shape)
    .map(([key, field]) => describeField(key, field))
    .filter((f): f is FieldSpec => f !== null);
}

/** Converts a flag's text to the field's type; a bad value names the flag. */
export function coerce(field: FieldSpec, raw: unknown): unknown {
  if (field.kind === 'boolean' || raw === undefined || typeof raw === 'number') return raw;
  if (field.kind === 'number') {
    const value = Number(raw);
    if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(value)) {
      throw new AppError('invalid_input', `--${field.flag}: "${String(raw)}" is not a number`, field.key);
    }
    return value;
  }
  return raw;
}
