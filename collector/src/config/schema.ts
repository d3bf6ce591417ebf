// Config files checked against a JSON Schema by one validator (ajv, already
// loaded by fastify in the collector). Errors keep the project's wording:
// "<file>: <path> must be <what>, got <value>", where <what> is the failing
// schema's `description` when it has one (the human rule), else ajv's keyword.
import { Ajv, type ErrorObject } from 'ajv';

const ajv = new Ajv({ allErrors: false, strict: false, verbose: true });
const compiled = new WeakMap<object, ReturnType<typeof ajv.compile>>();

/** `host."package/package-0"` from ajv's JSON pointer `/host/package~1package-0`. */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((p, i) => (/^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_][\w-]*$/.test(p) ? (i === 0 ? p : `.${p}`) : `${i === 0 ? '' : '.'}"${p}"`))
    .join('');
}

function describe(e: ErrorObject): string {
  const path = pathOf(e.instancePath);
  const at = path ? `${path} ` : '';
  const what = (e.parentSchema as { description?: string } | undefined)?.description;
  if (e.keyword === 'propertyNames') return `${at}has key ${JSON.stringify((e.params as { propertyName?: string }).propertyName)}: keys must be ${(e.schema as { description?: string }).description ?? 'valid names'}`;
  if (e.keyword === 'additionalProperties') return `${at}has unknown key "${(e.params as { additionalProperty: string }).additionalProperty}"`;
  if (e.keyword === 'required') return `${at}needs "${(e.params as { missingProperty: string }).missingProperty}"`;
  return `${at}must be ${what ?? e.message?.replace(/^must be /, '') ?? e.keyword}, got ${JSON.stringify(e.data)}`;
}

/** Returns `value` typed when it matches `schema`; otherwise throws "<where>: <first problem>". */
export function validateConfig<T>(schema: object, value: unknown, where: string): T {
  let validate = compiled.get(schema);
  if (!validate) compiled.set(schema, (validate = ajv.compile(schema)));
  if (validate(value)) return value as T;
  throw new Error(`${where}: ${describe(validate.errors![0]!)}`);
}
