// RAPL through the Linux powercap framework (/sys/class/powercap).
//
// Zones are found by their `name` file, never by index: package-N,
// package-N-die-M, core, uncore, dram, psys. Control types intel-rapl (MSR),
// intel-rapl-mmio and intel-rapl-tpmi are covered; AMD Zen appears as
// intel-rapl with package and core only.
//
// Containment (docs/SOURCES.md): core and uncore are inside their package;
// package is inside psys; dram is outside package. The attribution stage
// counts package + dram (or psys alone), never a zone and its parent.
import fs from 'node:fs';
import path from 'node:path';
import { Domain, Quality, Source, type EnergyReading, type SourceStatus } from '@wattprint/proto';
import { counterDelta, microjoulesToJoules, parseCounter } from '../sampler/counter.ts';
import type { EnergySource, ProbeResult, SampleContext, SourceReading } from './source.ts';

const CONTROL_TYPES = ['intel-rapl', 'intel-rapl-tpmi', 'intel-rapl-mmio'];
/** Power no RAPL domain plausibly exceeds; used to tell a wrap from a reset. */
const MAX_PLAUSIBLE_WATTS = 2000;

export const RAPL_PERMISSION_FIX =
  'energy_uj is root-only since CVE-2020-8694: run the agent in the "wattprint" group and grant ' +
  'that group read access at service start (deploy/systemd: ExecStartPre=+ chgrp/chmod g+r). ' +
  'Never make energy_uj world-readable.';

export interface RaplZone {
  /** Stable device id: "package-0", "package-0/core", "psys". */
  device: string;
  domain: Domain;
  controlType: string;
  dir: string;
  maxRangeUj: bigint | undefined;
}

export function domainOfZoneName(name: string): Domain | undefined {
  if (/^package-\d+(-die-\d+)?$/.test(name)) return Domain.DOMAIN_PACKAGE;
  switch (name) {
    case 'core':
      return Domain.DOMAIN_CORE;
    case 'uncore':
      return Domain.DOMAIN_UNCORE;
    case 'dram':
      return Domain.DOMAIN_DRAM;
    case 'psys':
      return Domain.DOMAIN_PSYS;
    default:
      return undefined;
  }
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Lists zones under <sysfs>/class/powercap. A package exposed by both MSR and
 * MMIO interfaces is kept once (MSR wins), since both read the same hardware.
 */
export function discoverZones(sysfsRoot: string): { zones: RaplZone[]; problems: SourceStatus[] } {
  const base = path.join(sysfsRoot, 'class', 'powercap');
  const problems: SourceStatus[] = [];
  let entries: string[];
  try {
    entries = fs.readdirSync(base).sort();
  } catch (err) {
    return { zones: [], problems: [{ source: 'rapl', ok: false, reason: `no powercap in ${base}: ${(err as Error).message}`, fix: 'load intel_rapl_msr (Intel) or use a kernel >= 5.11 (AMD Zen)' }] };
  }
  const zones: RaplZone[] = [];
  const seen = new Set<string>();
  const ordered = CONTROL_TYPES.flatMap((ct) => entries.filter((e) => e.startsWith(ct + ':')));
  for (const entry of ordered) {
    const dir = path.join(base, entry);
    const controlType = entry.slice(0, entry.indexOf(':'));
    const name = readText(path.join(dir, 'name'))?.trim();
    if (!name) {
      problems.push({ source: 'rapl', ok: false, reason: `${dir}/name is missing or empty`, fix: '' });
      continue;
    }
    const domain = domainOfZoneName(name);
    if (domain === undefined) {
      problems.push({ source: 'rapl', ok: false, reason: `unknown RAPL zone name "${name}" in ${dir}`, fix: '' });
      continue;
    }
    const parts = entry.split(':');
    let device = name;
    if (parts.length > 2) {
      const parentName = readText(path.join(base, parts.slice(0, 2).join(':'), 'name'))?.trim() ?? parts.slice(0, 2).join(':');
      device = `${parentName}/${name}`;
    }
    if (seen.has(device)) continue; // same zone through another interface
    seen.add(device);
    const maxText = readText(path.join(dir, 'max_energy_range_uj'));
    zones.push({ device, domain, controlType, dir, maxRangeUj: maxText === undefined ? undefined : parseCounter(maxText) });
  }
  return { zones, problems };
}

export class RaplSource implements EnergySource {
  readonly name = 'rapl';
  private zones: RaplZone[] | undefined;
  private readonly last = new Map<string, { uj: bigint; atUs: number }>();
  private readonly sysfsRoot: string;

  constructor(sysfsRoot = '/sys') {
    this.sysfsRoot = sysfsRoot;
  }

  async probe(): Promise<ProbeResult> {
    const { zones, problems } = discoverZones(this.sysfsRoot);
    if (zones.length === 0) {
      return { source: 'rapl', found: false, devices: [], reason: problems[0]?.reason ?? 'no RAPL zones found', fix: problems[0]?.fix || 'none needed on hosts without RAPL; the CPU model estimate is used instead' };
    }
    const unreadable: string[] = [];
    for (const z of zones) {
      try {
        fs.readFileSync(path.join(z.dir, 'energy_uj'));
      } catch (err) {
        unreadable.push(`${z.device}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
    }
    if (unreadable.length > 0) {
      const denied = unreadable.some((u) => u.includes('EACCES') || u.includes('EPERM'));
      return { source: 'rapl', found: false, devices: zones.map((z) => z.device), reason: `energy_uj unreadable (${unreadable.join(', ')})`, fix: denied ? RAPL_PERMISSION_FIX : 'check the powercap driver' };
    }
    return { source: 'rapl', found: true, devices: zones.map((z) => z.device), reason: `${zones.length} zones (${[...new Set(zones.map((z) => z.controlType))].join(', ')})` };
  }

  async read(ctx: SampleContext): Promise<SourceReading> {
    if (!this.zones) {
      const found = discoverZones(this.sysfsRoot);
      this.zones = found.zones;
    }
    const energy: EnergyReading[] = [];
    const status: SourceStatus[] = [];
    for (const zone of this.zones) {
      const file = path.join(zone.dir, 'energy_uj');
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const denied = code === 'EACCES' || code === 'EPERM';
        status.push({ source: 'rapl', ok: false, reason: `${zone.device}: cannot read ${file} (${code ?? (err as Error).message})`, fix: denied ? RAPL_PERMISSION_FIX : 'zone disappeared; the driver may have been unloaded' });
        this.last.delete(zone.device);
        continue;
      }
      const uj = parseCounter(text);
      if (uj === undefined) {
        status.push({ source: 'rapl', ok: false, reason: `${zone.device}: ${file} holds "${text.trim().slice(0, 40)}", not an integer`, fix: '' });
        continue;
      }
      const prev = this.last.get(zone.device);
      this.last.set(zone.device, { uj, atUs: ctx.endUs });
      const seconds = prev ? Math.max((ctx.endUs - prev.atUs) / 1e6, 0.001) : 0;
      const plausible = BigInt(Math.ceil(MAX_PLAUSIBLE_WATTS * seconds * 1e6));
      const d = counterDelta(prev?.uj, uj, zone.maxRangeUj, plausible);
      if (d.outcome === 'baseline') continue;
      const flags: string[] = [];
      if (d.outcome === 'wrap') flags.push('counter_wrap');
      if (d.outcome === 'reset') {
        flags.push('counter_reset');
        status.push({ source: 'rapl', ok: false, reason: `${zone.device}: counter went back from ${prev?.uj} to ${uj} (reset); only the energy since the reset is counted`, fix: '' });
      }
      energy.push({ domain: zone.domain, device: zone.device, source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: microjoulesToJoules(d.delta), flags });
    }
    return { energy, status };
  }
}
