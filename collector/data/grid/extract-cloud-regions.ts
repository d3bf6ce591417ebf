// Regenerates cloud-regions.json from Cloud Carbon Footprint npm tarballs.
//
//   cd /tmp && npm pack @cloud-carbon-footprint/core @cloud-carbon-footprint/aws @cloud-carbon-footprint/azure
//   node collector/data/grid/extract-cloud-regions.ts /tmp/cloud-carbon-footprint-*.tgz > collector/data/grid/cloud-regions.json
//
// The region factors do not live in @cloud-carbon-footprint/common (it only
// holds the Electricity Maps lookup); they live in the per-cloud packages
// (aws, azure, gcp, ali) and the US NERC factors they reference in core. The
// script reads each tarball's TypeScript sources with the TypeScript parser and
// evaluates only literal tables (enums, object literals, property references):
// no package code is run, and no dependency of theirs is installed.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import ts from 'typescript';

export interface TarFile {
  path: string;
  text: string;
}

/** Files of a .tgz (ustar, as `npm pack` writes it). */
export function readTarball(tgz: Uint8Array): TarFile[] {
  const tar = zlib.gunzipSync(tgz);
  const files: TarFile[] = [];
  let off = 0;
  let longName: string | undefined;
  while (off + 512 <= tar.length) {
    const header = tar.subarray(off, off + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, len: number) => header.subarray(start, start + len).toString('latin1').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new Error(`tarball: bad size field at byte ${off}`);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    const body = tar.subarray(off + 512, off + 512 + size);
    if (type === 'x') {
      // pax header: a long path arrives as "N path=...\n"
      const m = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (m) longName = m[1];
    } else if (type === '0' || type === '') {
      files.push({ path: name, text: body.toString('utf8') });
    }
    off += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

type Value = string | number | null;

/** Literal tables of a set of TypeScript sources: "AWS_REGIONS.US_EAST_1" -> "us-east-1". */
export function literalTables(sources: TarFile[]): Map<string, Value> {
  const roots: { name: string; expr: ts.Expression }[] = [];
  for (const f of sources) {
    const sf = ts.createSourceFile(f.path, f.text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
    for (const st of sf.statements) {
      if (ts.isEnumDeclaration(st)) {
        for (const m of st.members) {
          const key = propertyKey(m.name);
          if (key !== undefined && m.initializer) roots.push({ name: `${st.name.text}.${key}`, expr: m.initializer });
        }
      } else if (ts.isVariableStatement(st)) {
        for (const d of st.declarationList.declarations) {
          if (ts.isIdentifier(d.name) && d.initializer) roots.push({ name: d.name.text, expr: d.initializer });
        }
      }
    }
  }
  // Tables refer to each other ([AWS_REGIONS.US_EAST_1]: US_NERC_REGIONS_EMISSIONS_FACTORS.SERC):
  // repeat until a pass learns nothing new.
  const table = new Map<string, Value>();
  for (let pass = 0; pass < 20; pass++) {
    const before = table.size;
    for (const r of roots) visit(r.name, r.expr, table);
    if (table.size === before) break;
  }
  return table;
}

function visit(name: string, expr: ts.Expression, table: Map<string, Value>): void {
  const e = unwrap(expr);
  if (ts.isObjectLiteralExpression(e)) {
    for (const p of e.properties) {
      if (!ts.isPropertyAssignment(p)) continue;
      const key = ts.isComputedPropertyName(p.name) ? evaluate(unwrap(p.name.expression), table) : propertyKey(p.name);
      if (key === undefined || key === null) continue;
      visit(`${name}.${key}`, p.initializer, table);
    }
    return;
  }
  if (table.has(name)) return;
  const v = evaluate(e, table);
  if (v !== undefined) table.set(name, v);
}

function propertyKey(n: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isNumericLiteral(n)) return n.text;
  return undefined;
}

function unwrap(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isSatisfiesExpression(e) || ts.isTypeAssertionExpression(e)) e = e.expression;
  return e;
}

function dotted(e: ts.Expression): string | undefined {
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) {
    const left = dotted(e.expression);
    return left === undefined ? undefined : `${left}.${e.name.text}`;
  }
  return undefined;
}

function evaluate(e: ts.Expression, table: Map<string, Value>): Value | undefined {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isNumericLiteral(e)) return Number(e.text);
  if (e.kind === ts.SyntaxKind.NullKeyword) return null;
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(e.operand)) return -Number(e.operand.text);
  const name = dotted(e);
  if (name !== undefined && table.has(name)) return table.get(name);
  return undefined;
}

export interface CloudRegion {
  /** Location-based grid factor, gCO2e/kWh (CCF stores metric tons/kWh). */
  gPerKwh: number | null;
  /** Electricity Maps zone CCF maps the region to, when it has one. */
  zone: string | null;
}

export interface CloudRegionsFile {
  _meta: {
    source: string;
    packages: Record<string, string>;
    licence: string;
    dataProvenance: string;
    year: string;
    unit: string;
    generatedBy: string;
  };
  pue: Record<string, number>;
  regions: Record<string, Record<string, CloudRegion>>;
}

const TONS_TO_GRAMS = 1e6;

/** cloud-regions.json content from the given tarballs (any of core, aws, azure, gcp, ali). */
export function extractCloudRegions(tarballs: Uint8Array[]): CloudRegionsFile {
  const packages: Record<string, string> = {};
  const sources: TarFile[] = [];
  for (const tgz of tarballs) {
    const files = readTarball(tgz);
    const pkg = files.find((f) => f.path === 'package/package.json');
    if (!pkg) throw new Error('tarball: no package/package.json (is it an npm pack tarball?)');
    const meta = JSON.parse(pkg.text) as { name?: string; version?: string };
    if (!meta.name?.startsWith('@cloud-carbon-footprint/')) throw new Error(`tarball: ${meta.name} is not a Cloud Carbon Footprint package`);
    packages[meta.name] = meta.version ?? 'unknown';
    sources.push(...files.filter((f) => /^package\/src\/.*\.ts$/.test(f.path) && !f.path.includes('__tests__') && !f.path.endsWith('.d.ts')));
  }
  const table = literalTables(sources);
  const regions: CloudRegionsFile['regions'] = {};
  const pue: Record<string, number> = {};
  const factorRe = /^([A-Z]+)_EMISSIONS_FACTORS_METRIC_TON_PER_KWH\.(.+)$/;
  const zoneRe = /^([A-Z]+)_MAPPED_REGIONS_TO_ELECTRICITY_MAPS_ZONES\.(.+)$/;
  // Region names are matched case-insensitively (Azure's tables mix "EastUS" and "eastus2").
  const entry = (cloud: string, region: string) => {
    const c = (regions[cloud] ??= {});
    return (c[region.toLowerCase()] ??= { gPerKwh: null, zone: null });
  };
  for (const [name, v] of table) {
    const f = factorRe.exec(name);
    if (f && typeof v === 'number' && f[2] !== 'Unknown') {
      entry(f[1]!.toLowerCase(), f[2]!).gPerKwh = Math.round(v * TONS_TO_GRAMS * 1e6) / 1e6;
    }
    const z = zoneRe.exec(name);
    if (z && (typeof v === 'string' || v === null) && z[2] !== 'Unknown') entry(z[1]!.toLowerCase(), z[2]!).zone = v;
    const p = /^([A-Z]+)_CLOUD_CONSTANTS\.PUE_AVG$/.exec(name);
    if (p && typeof v === 'number') pue[p[1]!.toLowerCase()] = v;
  }
  if (Object.keys(regions).length === 0) throw new Error('tarballs: no *_EMISSIONS_FACTORS_METRIC_TON_PER_KWH table found (pass the aws/azure/gcp packages, not only common)');
  const sorted: CloudRegionsFile['regions'] = {};
  for (const cloud of Object.keys(regions).sort()) {
    sorted[cloud] = {};
    for (const r of Object.keys(regions[cloud]!).sort()) sorted[cloud]![r] = regions[cloud]![r]!;
  }
  return {
    _meta: {
      source: 'Cloud Carbon Footprint (github.com/cloud-carbon-footprint/cloud-carbon-footprint), npm packages listed below',
      packages,
      licence: 'Apache-2.0 (the CCF code and tables)',
      dataProvenance:
        "CCF compiles the factors from third parties (its methodology page: EPA eGRID NERC-region rates for US regions, EEA for Europe, carbonfootprint.com elsewhere); PUE values are CCF's averages per cloud. Location-based yearly averages.",
      year: 'not stated in the packages',
      unit: 'gCO2e/kWh',
      generatedBy: 'collector/data/grid/extract-cloud-regions.ts',
    },
    pue,
    regions: sorted,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const paths = process.argv.slice(2);
  if (paths.length === 0) {
    console.error('usage: extract-cloud-regions.ts <cloud-carbon-footprint-*.tgz>...');
    process.exit(2);
  }
  const out = extractCloudRegions(paths.map((p) => fs.readFileSync(p)));
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
}
