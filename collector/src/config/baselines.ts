// --baselines FILE: idle watts per host and "domain/device", {"gpu01": {"package/package-0": 42}}.
import { validateConfig } from './schema.ts';

export type Baselines = Record<string, Record<string, number>>;

export const BASELINES_SCHEMA = {
  type: 'object',
  description: 'an object {"host": {"domain/device": watts}}',
  additionalProperties: {
    type: 'object',
    description: 'an object mapping "domain/device" to watts',
    propertyNames: { pattern: '^[a-z]+/.+$', description: '"domain/device" (like "package/package-0")' },
    additionalProperties: { type: 'number', minimum: 0, description: 'watts, a number >= 0' },
  },
} as const;

export function parseBaselines(raw: unknown, where: string): Baselines {
  return validateConfig<Baselines>(BASELINES_SCHEMA, raw, where);
}
