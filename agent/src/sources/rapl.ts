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
import { microjoulesToJoules, parseCounter, spanDelta } from '../sampler/counter.ts';
import type { CounterPositions, EnergySource, ProbeResult, SampleContext, SourceReading } from './source.ts';

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

/** Virtual machines do not expose RAPL: the hypervisor cpu flag or a DMI vendor says so. */
export function detectVirtualMachine(sysfsRoot: string, procfsRoot: string): string | undefined {
  const cpuinfo = readText(path.join(procfsRoot, 'cpuinfo')) ?? '';
  if (/^flags\s*:.*\bhypervisor\b/m.test(cpuinfo)) return 'the CPU reports the "hypervisor" flag';
  for (const f of ['sys_vendor', 'product_name']) {
    const v = readText(path.join(sysfsRoot, 'class', 'dmi', 'id', f))?.trim() ?? '';
    if (/kvm|qemu|vmware|virtualbox|xen|hvm domu|microsoft corporation|amazon ec2|google compute|openstack|bochs|parallels/i.test(v)) return `DMI ${f} is "${v}"`;
  }
  return undefined;
}

export const RAPL_VM_FIX = 'this host is a virtual machine and hypervisors do not expose RAPL: the CPU model estimate is used; measure on the bare-metal host, or use the cloud provider\'s power data';

interface LastGood {
  uj: bigint;
  atUs: number;
  /** Read failures since this value (0 when the last read worked). */
  failures: number;
  /** Seeded from a persisted position of this boot (agent restart). */
  restored: boolean;
}

export class RaplSource implements EnergySource {
  readonly name = 'rapl';
  private zones: RaplZone[] | undefined;
  /** Last good value per zone: kept through read failures, so an outage loses nothing. */
  private readonly last = new Map<string, LastGood>();
  private readonly sysfsRoot: string;
  private readonly procfsRoot: string;

  constructor(sysfsRoot = '/sys', procfsRoot = '/proc') {
    this.sysfsRoot = sysfsRoot;
    this.procfsRoot = procfsRoot;
  }

  /**
   * Found when at least one zone is readable: an unreadable zone (DRAM behind
   * another permission, say) is listed with its fix, the readable ones are used.
   */
  async probe(): Promise<ProbeResult> {
    const { zones, problems } = discoverZones(this.sysfsRoot);
    if (zones.length === 0) {
      const vm = detectVirtualMachine(this.sysfsRoot, this.procfsRoot);
      if (vm) return { source: 'rapl', found: false, devices: [], reason: `virtual machine (${vm}): RAPL is not exposed`, fix: RAPL_VM_FIX };
      return { source: 'rapl', found: false, devices: [], reason: problems[0]?.reason ?? 'no RAPL zones found', fix: problems[0]?.fix || 'none needed on hosts without RAPL; the CPU model estimate is used instead' };
    }
    const devicesState: NonNullable<ProbeResult['devicesState']> = zones.map((z) => {
      try {
        fs.readFileSync(path.join(z.dir, 'energy_uj'));
        return { device: z.device, ok: true, reason: `readable (${z.controlType})` };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        const denied = code === 'EACCES' || code === 'EPERM';
        return { device: z.device, ok: false, reason: `energy_uj unreadable (${code})`, fix: denied ? RAPL_PERMISSION_FIX : 'check the powercap driver' };
      }
    });
    const readable = devicesState.filter((d) => d.ok);
    const unreadable = devicesState.filter((d) => !d.ok);
    const bad = unreadable.map((u) => `${u.device}: ${u.reason}`).join(', ');
    const fix = [...new Set(unreadable.map((u) => u.fix))].join('; ') || undefined;
    if (readable.length === 0) return { source: 'rapl', found: false, devices: zones.map((z) => z.device), reason: `energy_uj unreadable (${bad})`, fix, devicesState };
    const types = [...new Set(zones.map((z) => z.controlType))].join(', ');
    const reason = unreadable.length === 0 ? `${zones.length} zones (${types})` : `${readable.length} of ${zones.length} zones readable (${types}); unreadable, not counted until readable: ${bad}`;
    return { source: 'rapl', found: true, devices: readable.map((d) => d.device), reason, ...(fix ? { fix } : {}), devicesState };
  }

  counterPositions(): CounterPositions {
    const out: CounterPositions = {};
    for (const [device, l] of this.last) out[device] = { value: l.uj.toString(), atUs: l.atUs };
    return out;
  }

  restoreCounterPositions(p: CounterPositions): void {
    for (const [device, pos] of Object.entries(p)) {
      const uj = parseCounter(pos.value);
      if (uj !== undefined && Number.isFinite(pos.atUs)) this.last.set(device, { uj, atUs: pos.atUs, failures: 0, restored: true });
    }
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
      const prev = this.last.get(zone.device);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        const denied = code === 'EACCES' || code === 'EPERM';
        if (prev) prev.failures++;
        const kept = prev ? `; its last good value is kept and the energy since is counted when it reads again (failed read ${prev.failures})` : '; no baseline yet, so nothing is counted for it until it reads';
        status.push({ source: 'rapl', ok: false, reason: `${zone.device}: cannot read ${file} (${code ?? (err as Error).message})${kept}`, fix: denied ? RAPL_PERMISSION_FIX : 'zone disappeared; the driver may have been unloaded' });
        continue;
      }
      const uj = parseCounter(text);
      if (uj === undefined) {
        if (prev) prev.failures++;
        status.push({ source: 'rapl', ok: false, reason: `${zone.device}: ${file} holds "${text.trim().slice(0, 40)}", not an integer; the last good value is kept`, fix: '' });
        continue;
      }
      this.last.set(zone.device, { uj, atUs: ctx.endUs, failures: 0, restored: false });
      if (!prev) {
        if (this.everRead) status.push({ source: 'rapl', ok: true, reason: `${zone.device}: readable now; baseline taken (its energy before this read is not known)`, fix: '' });
        continue;
      }
      const seconds = (ctx.endUs - prev.atUs) / 1e6;
      const d = spanDelta(prev.uj, uj, zone.maxRangeUj, seconds, MAX_PLAUSIBLE_WATTS, 1e6);
      // Only a gap (failed reads, a restart) can be long enough for a second wrap.
      const gap = prev.failures > 0 || prev.restored;
      const flags = gap ? d.flags : d.flags.filter((f) => f !== 'gap_lower_bound');
      if (d.outcome === 'reset') {
        status.push({ source: 'rapl', ok: false, reason: `${zone.device}: counter went back from ${prev.uj} to ${uj} (reset); only the energy since the reset is counted`, fix: '' });
      }
      if (prev.failures > 0) {
        flags.push('catch_up');
        status.push({ source: 'rapl', ok: true, reason: `${zone.device}: readable again after ${prev.failures} failed reads; the delta since the last good read (${seconds.toFixed(3)} s) is counted in this interval`, fix: '' });
      }
      if (prev.restored) flags.push('gap_recovered');
      const reading: EnergyReading = { domain: zone.domain, device: zone.device, source: Source.SOURCE_RAPL, quality: Quality.QUALITY_COUNTER, joules: microjoulesToJoules(d.delta), flags };
      if (prev.atUs < ctx.startUs) reading.spanStartUs = prev.atUs;
      energy.push(reading);
    }
    this.everRead = true;
    return { energy, status };
  }

  private everRead = false;
}
