// CodeCarbon's emissions.csv, meaning what CodeCarbon means: energy_consumed =
// cpu + gpu + ram energy (a software meter's figure) and emissions from it.
// The wall figure CodeCarbon cannot see, and where every number came from, go
// to a sidecar next to it (emissions.wattprint.csv), so the 32 columns and
// the scripts that read them stay as they are. `wattprint measure
// --emissions-csv` and `wattprint report --format codecarbon` both write it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { JobReport } from '@wattprint/collector/api/report.ts';

/** CodeCarbon's emissions.csv columns, in its order, so existing analysis scripts keep working. */
export const CODECARBON_COLUMNS = [
  'timestamp', 'project_name', 'run_id', 'experiment_id', 'duration', 'emissions', 'emissions_rate',
  'cpu_power', 'gpu_power', 'ram_power', 'cpu_energy', 'gpu_energy', 'ram_energy', 'energy_consumed',
  'country_name', 'country_iso_code', 'region', 'cloud_provider', 'cloud_region', 'os', 'python_version',
  'codecarbon_version', 'cpu_count', 'cpu_model', 'gpu_count', 'gpu_model', 'longitude', 'latitude',
  'ram_total_size', 'tracking_mode', 'on_cloud', 'pue',
] as const;

/** The sidecar's columns: one row per emissions.csv row, joined by run_id and timestamp. */
export const SIDECAR_COLUMNS = [
  'run_id', 'timestamp', 'energy_software_kwh', 'energy_wall_kwh', 'wall_basis', 'emissions_software_kg', 'emissions_wall_kg',
  'energy_quality', 'energy_sources', 'carbon_energy_basis', 'pue', 'carbon_basis', 'zone', 'intensity_quality', 'intensity_sources', 'provisional', 'estimated', 'hosts',
] as const;

/** What the agents' inventories say about the job's hosts. */
export interface HostFacts {
  cpuModel?: string;
  logicalCpus?: number;
  gpus?: string[];
  cloudProvider?: string;
  cloudRegion?: string;
}

type Row<C extends readonly string[]> = Record<C[number], string | number>;

// The collector's ISO 3166 table (collector/data/grid), the one the static dataset uses.
const ISO_PATH = new URL('../../collector/data/grid/iso3166-alpha2-alpha3.json', import.meta.url);
const alpha3 = (() => {
  try {
    return (JSON.parse(fs.readFileSync(ISO_PATH, 'utf8')) as { alpha2ToAlpha3: Record<string, string> }).alpha2ToAlpha3;
  } catch {
    return {} as Record<string, string>; // country_iso_code falls back to alpha-2
  }
})();

/** A zone key ("US-PIT", "SE-SE3", "aws:ap-east-1") as CodeCarbon's location columns. */
export function zoneColumns(zone: string): { country_name: string; country_iso_code: string; region: string; cloud_provider: string; cloud_region: string; on_cloud: 'Y' | 'N' } {
  const cloud = zone.match(/^([a-z]+):(.+)$/);
  if (cloud) return { country_name: '', country_iso_code: '', region: '', cloud_provider: cloud[1]!, cloud_region: cloud[2]!, on_cloud: 'Y' };
  const m = zone.match(/^([A-Z]{2})(?:-(.+))?$/);
  if (!m) return { country_name: '', country_iso_code: '', region: zone, cloud_provider: '', cloud_region: '', on_cloud: 'N' };
  let name = '';
  try {
    name = new Intl.DisplayNames(['en'], { type: 'region' }).of(m[1]!) ?? '';
  } catch {
    name = '';
  }
  return { country_name: name, country_iso_code: alpha3[m[1]!] ?? m[1]!, region: m[2] ?? '', cloud_provider: '', cloud_region: '', on_cloud: 'N' };
}

/** One emissions.csv row and its sidecar row (units as CodeCarbon: kWh, kg CO2e, W, s). */
export function codecarbonRecord(r: JobReport, o: { project: string; host?: HostFacts }): { row: Row<typeof CODECARBON_COLUMNS>; sidecar: Row<typeof SIDECAR_COLUMNS> } {
  const d = r.durationSeconds || 1;
  const e = r.energy.byComponentKwh;
  const software = e.cpu + e.gpu + e.dram;
  const c = r.carbon;
  const kgSoftware = c ? c.gco2eSoftware / 1000 : '';
  const zone = c?.zone ?? '';
  const where = zoneColumns(zone.split(', ')[0] ?? '');
  const host = o.host ?? {};
  const cloud = host.cloudProvider ? { cloud_provider: host.cloudProvider, cloud_region: host.cloudRegion ?? '', on_cloud: 'Y' as const } : {};
  const gpus = host.gpus ?? [];
  const timestamp = r.end.replace(/\.\d+Z$/, '');
  const pue = c?.pue?.length === 1 ? c.pue[0]! : c?.pue?.length ? c.pue.join('/') : '';
  const quality = c ? Object.entries(c.kwhShareByQuality).filter(([, v]) => v > 0).map(([k, v]) => `${k}:${v.toFixed(3)}`).join(' ') : '';
  return {
    row: {
      timestamp,
      project_name: o.project,
      run_id: r.jobId,
      experiment_id: r.labels.experiment ?? '',
      duration: r.durationSeconds,
      emissions: kgSoftware,
      emissions_rate: typeof kgSoftware === 'number' ? kgSoftware / d : '',
      cpu_power: (e.cpu * 3.6e6) / d,
      gpu_power: (e.gpu * 3.6e6) / d,
      ram_power: (e.dram * 3.6e6) / d,
      cpu_energy: e.cpu,
      gpu_energy: e.gpu,
      ram_energy: e.dram,
      energy_consumed: software,
      ...where,
      ...cloud,
      os: `${os.type()}-${os.release()}`,
      python_version: '',
      codecarbon_version: 'wattprint',
      cpu_count: host.logicalCpus ?? os.cpus().length,
      cpu_model: host.cpuModel ?? os.cpus()[0]?.model ?? '',
      gpu_count: gpus.length,
      gpu_model: [...new Set(gpus)].join(', ') || r.labels.gpu_model || '',
      longitude: '',
      latitude: '',
      ram_total_size: os.totalmem() / 2 ** 30,
      tracking_mode: 'process',
      pue,
    },
    sidecar: {
      run_id: r.jobId,
      timestamp,
      energy_software_kwh: software,
      energy_wall_kwh: r.energy.wallKwh,
      wall_basis: r.energy.wallBasis === 'meter' ? 'meter' : 'software (no wall meter)',
      emissions_software_kg: kgSoftware,
      emissions_wall_kg: c ? c.gco2eWall / 1000 : '',
      energy_quality: Object.entries(r.energy.shareByQuality ?? {}).map(([k, v]) => `${k}:${v.toFixed(3)}`).join(' '),
      energy_sources: (r.energy.sources ?? []).map((s) => `${s.source}/${s.quality}:${s.share.toFixed(3)}`).join(' '),
      carbon_energy_basis: c?.energyBasis ?? '',
      pue,
      carbon_basis: c?.basis ?? '',
      zone,
      intensity_quality: quality,
      intensity_sources: c ? c.sources.join('; ') : '',
      provisional: c ? String(c.provisional) : '',
      estimated: String(r.energy.estimated),
      hosts: r.hosts.join(' '),
    },
  };
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

export function csvLine<C extends readonly string[]>(columns: C, row: Row<C>): string {
  return columns.map((c) => csvCell(row[c as C[number]] ?? '')).join(',');
}

/** emissions.csv -> emissions.wattprint.csv, next to it. */
export function sidecarPath(file: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.wattprint${ext || '.csv'}`);
}

function append(file: string, header: readonly string[], lines: string[]): void {
  const exists = fs.existsSync(file) && fs.statSync(file).size > 0;
  fs.appendFileSync(file, (exists ? '' : header.join(',') + '\n') + lines.map((l) => l + '\n').join(''));
}

/** Appends rows to emissions.csv and the sidecar, writing headers when a file is new (as CodeCarbon does). */
export function appendCodecarbon(file: string, records: ReturnType<typeof codecarbonRecord>[]): void {
  append(file, CODECARBON_COLUMNS, records.map((r) => csvLine(CODECARBON_COLUMNS, r.row)));
  append(sidecarPath(file), SIDECAR_COLUMNS, records.map((r) => csvLine(SIDECAR_COLUMNS, r.sidecar)));
}

type InventoryLike = { cpuModel?: string | null; logicalCpus?: number | null; gpus?: { name?: string | null }[] | null; cloudProvider?: string | null; cloudRegion?: string | null } | null | undefined;

/** Host facts by host name, from the hosts' inventories (GET /v1/hosts, or a store's listHosts). */
export function hostFacts(hosts: { host: string; inventory?: InventoryLike }[]): Map<string, HostFacts> {
  return new Map(
    hosts.map((h) => {
      const inv = h.inventory ?? {};
      return [h.host, { cpuModel: inv.cpuModel || undefined, logicalCpus: inv.logicalCpus || undefined, gpus: (inv.gpus ?? []).map((g) => g.name ?? '').filter(Boolean), cloudProvider: inv.cloudProvider || undefined, cloudRegion: inv.cloudRegion || undefined }];
    }),
  );
}

/** A job's facts: its first host's CPU, the GPUs of all its hosts (CodeCarbon counts the machine's GPUs). */
export function jobFacts(r: JobReport, facts: Map<string, HostFacts>): HostFacts | undefined {
  const hs = r.hosts.map((h) => facts.get(h)).filter((x): x is HostFacts => x !== undefined);
  if (hs.length === 0) return undefined;
  return { ...hs[0]!, gpus: hs.flatMap((h) => h.gpus ?? []) };
}
