import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { Domain, Quality, Source } from '@wattprint/proto';
import { RaplSource, discoverZones, RAPL_PERMISSION_FIX, RAPL_VM_FIX } from '../src/sources/rapl.ts';
import { RaplFixture } from '../../test/fixtures/sysfs.ts';

const ctx = (endUs: number) => ({ startUs: endUs - 1e6, endUs, cpuBusySeconds: 1, cpuIdleSeconds: 1, cpuCount: 2 });

test('discovers zones by name across control types, MSR wins over MMIO duplicates', () => {
  const f = new RaplFixture([
    { dir: 'intel-rapl:0', name: 'package-0' },
    { dir: 'intel-rapl:0:0', name: 'core' },
    { dir: 'intel-rapl:0:1', name: 'uncore' },
    { dir: 'intel-rapl:0:2', name: 'dram' },
    { dir: 'intel-rapl:1', name: 'psys' },
    { dir: 'intel-rapl-mmio:0', name: 'package-0' },
    { dir: 'intel-rapl-tpmi:2', name: 'package-1-die-0' },
  ]);
  try {
    const { zones, problems } = discoverZones(f.root);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      zones.map((z) => [z.device, z.domain, z.controlType]),
      [
        ['package-0', Domain.DOMAIN_PACKAGE, 'intel-rapl'],
        ['package-0/core', Domain.DOMAIN_CORE, 'intel-rapl'],
        ['package-0/uncore', Domain.DOMAIN_UNCORE, 'intel-rapl'],
        ['package-0/dram', Domain.DOMAIN_DRAM, 'intel-rapl'],
        ['psys', Domain.DOMAIN_PSYS, 'intel-rapl'],
        ['package-1-die-0', Domain.DOMAIN_PACKAGE, 'intel-rapl-tpmi'],
      ],
    );
  } finally {
    f.remove();
  }
});

test('AMD Zen: package and core, no dram', async () => {
  const f = new RaplFixture([
    { dir: 'intel-rapl:0', name: 'package-0', maxRangeUj: 65532610987n },
    { dir: 'intel-rapl:0:0', name: 'core', maxRangeUj: 65532610987n },
  ]);
  try {
    const src = new RaplSource(f.root);
    assert.equal((await src.probe()).found, true);
    await src.read(ctx(1e6));
    f.advance('intel-rapl:0', 65_000_000n);
    f.advance('intel-rapl:0:0', 30_000_000n);
    const r = await src.read(ctx(2e6));
    assert.deepEqual(r.energy.map((e) => [e.device, e.joules, e.source, e.quality]), [
      ['package-0', 65, Source.SOURCE_RAPL, Quality.QUALITY_COUNTER],
      ['package-0/core', 30, Source.SOURCE_RAPL, Quality.QUALITY_COUNTER],
    ]);
  } finally {
    f.remove();
  }
});

test('counter wrap and counter reset are exact and flagged', async () => {
  const max = 262143328850n;
  const f = new RaplFixture([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: max - 2_000_000n }]);
  try {
    const src = new RaplSource(f.root);
    await src.read(ctx(1e6));
    f.advance('intel-rapl:0', 3_500_000n); // crosses the wrap
    let r = await src.read(ctx(2e6));
    assert.equal(r.energy[0]!.joules, 3.5);
    assert.deepEqual(r.energy[0]!.flags, ['counter_wrap']);
    f.set('intel-rapl:0', max / 2n);
    await src.read(ctx(3e6));
    f.set('intel-rapl:0', 7_000_000n); // module reload: back near zero
    r = await src.read(ctx(4e6));
    assert.equal(r.energy[0]!.joules, 7);
    assert.deepEqual(r.energy[0]!.flags, ['counter_reset']);
    assert.match(r.status[0]!.reason ?? '', /reset/);
  } finally {
    f.remove();
  }
});

test('missing files and garbage are reported, not thrown', async () => {
  const f = RaplFixture.server();
  try {
    const src = new RaplSource(f.root);
    await src.read(ctx(1e6));
    fs.rmSync(path.join(f.zoneDir('intel-rapl:1'), 'energy_uj'));
    fs.writeFileSync(path.join(f.zoneDir('intel-rapl:0:1'), 'energy_uj'), 'garbage\n');
    f.advance('intel-rapl:0', 1_000_000n);
    const r = await src.read(ctx(2e6));
    assert.ok(r.energy.some((e) => e.device === 'package-0' && e.joules === 1));
    assert.ok(r.status.some((s) => s.reason?.includes('package-1') && s.reason.includes('ENOENT')));
    assert.ok(r.status.some((s) => s.reason?.includes('package-0/dram') && s.reason.includes('not an integer')));
  } finally {
    f.remove();
  }
});

test('a permission error names the capability gap and its fix (probe run as an unprivileged user)', async () => {
  const f = RaplFixture.server();
  try {
    fs.chmodSync(f.root, 0o755);
    fs.chmodSync(path.join(f.zoneDir('intel-rapl:0'), 'energy_uj'), 0o400); // root-only, as since CVE-2020-8694
    const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    const script = `import { RaplSource } from ${JSON.stringify(new URL('../src/sources/rapl.ts', import.meta.url).href)};
      const s = new RaplSource(${JSON.stringify(f.root)});
      const p = await s.probe();
      await s.read({ startUs: 0, endUs: 1e6, cpuBusySeconds: 0, cpuIdleSeconds: 0, cpuCount: 1 });
      const r = await s.read({ startUs: 1e6, endUs: 2e6, cpuBusySeconds: 0, cpuIdleSeconds: 0, cpuCount: 1 });
      console.log(JSON.stringify({ p, status: r.status, devices: r.energy.map((e) => e.device) }));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { ...asUser, encoding: 'utf8' });
    const { p, status, devices } = JSON.parse(out);
    // One unreadable zone does not discard the readable ones: each zone's state is listed.
    assert.equal(p.found, true);
    assert.equal(p.fix, RAPL_PERMISSION_FIX);
    assert.match(p.reason, /4 of 5 zones readable.*package-0: energy_uj unreadable \(EACCES\)/);
    assert.deepEqual(p.devicesState.filter((d: { ok: boolean }) => !d.ok).map((d: { device: string; fix: string }) => [d.device, d.fix]), [['package-0', RAPL_PERMISSION_FIX]]);
    assert.ok(!p.devices.includes('package-0') && p.devices.includes('package-1'));
    // The other zones still read; the denied one is a named gap with the fix.
    assert.ok(!devices.includes('package-0') && devices.includes('package-1'));
    assert.ok(status.some((s: { reason: string; fix: string }) => s.reason.includes('package-0') && s.fix === RAPL_PERMISSION_FIX));
  } finally {
    f.remove();
  }
});

test('no powercap at all: probe says so, read returns nothing', async () => {
  const src = new RaplSource('/nonexistent-sysfs', '/nonexistent-procfs');
  const p = await src.probe();
  assert.equal(p.found, false);
  assert.match(p.reason, /no powercap/);
  assert.match(p.fix ?? '', /intel_rapl_msr/);
  assert.deepEqual((await src.read(ctx(1e6))).energy, []);
});

test('a virtual machine is told apart from a missing driver (hypervisor flag, or DMI)', async () => {
  const proc = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-vm-proc-'));
  const sys = fs.mkdtempSync(path.join(os.tmpdir(), 'wp-vm-sys-'));
  try {
    fs.writeFileSync(path.join(proc, 'cpuinfo'), 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr hypervisor lahf_lm\n');
    const p = await new RaplSource(sys, proc).probe();
    assert.equal(p.found, false);
    assert.match(p.reason, /virtual machine.*hypervisor/);
    assert.equal(p.fix, RAPL_VM_FIX);
    fs.writeFileSync(path.join(proc, 'cpuinfo'), 'processor\t: 0\nflags\t\t: fpu vme de pse tsc msr lahf_lm\n');
    assert.match((await new RaplSource(sys, proc).probe()).reason, /no powercap/, 'bare metal without the driver');
    fs.mkdirSync(path.join(sys, 'class', 'dmi', 'id'), { recursive: true });
    fs.writeFileSync(path.join(sys, 'class', 'dmi', 'id', 'sys_vendor'), 'QEMU\n');
    assert.match((await new RaplSource(sys, proc).probe()).reason, /virtual machine \(DMI sys_vendor is "QEMU"\)/);
  } finally {
    fs.rmSync(proc, { recursive: true, force: true });
    fs.rmSync(sys, { recursive: true, force: true });
  }
});

test('a zone that fails to read keeps its last good value: every failed interval has a status, the recovery counts all of it, flagged', async () => {
  const f = RaplFixture.server();
  try {
    const src = new RaplSource(f.root);
    await src.read(ctx(1e6));
    const file = path.join(f.zoneDir('intel-rapl:0:1'), 'energy_uj');
    let truth = 0;
    for (let i = 2; i <= 4; i++) {
      f.advance('intel-rapl:0:1', 7_000_000n);
      truth += 7;
      if (i === 2) fs.rmSync(file); // ENOENT from here
      if (i === 3) fs.writeFileSync(file, 'EIO-ish garbage\n');
      if (i === 4) fs.rmSync(file);
      const r = await src.read(ctx(i * 1e6));
      assert.ok(!r.energy.some((e) => e.device === 'package-0/dram'), `interval ${i}: no reading for the failing zone`);
      assert.ok(r.status.some((s) => s.ok === false && s.reason?.startsWith('package-0/dram') && /last good value is kept/.test(s.reason)), `interval ${i} carries a status`);
      assert.ok(r.energy.some((e) => e.device === 'package-0'), 'the other zones keep reading');
    }
    f.advance('intel-rapl:0:1', 3_000_000n); // rewrites energy_uj: the zone is back
    truth += 3;
    const r = await src.read(ctx(5e6));
    const dram = r.energy.find((e) => e.device === 'package-0/dram')!;
    assert.equal(dram.joules, truth, 'the delta from the last good value: nothing lost');
    assert.deepEqual(dram.flags, ['catch_up']);
    assert.equal(dram.spanStartUs, 1e6, 'the reading spans the outage');
    assert.ok(r.status.some((s) => s.ok && /readable again after 3 failed reads/.test(s.reason ?? '')));
    // Next interval is ordinary again.
    f.advance('intel-rapl:0:1', 1_000_000n);
    const n = (await src.read(ctx(6e6))).energy.find((e) => e.device === 'package-0/dram')!;
    assert.equal(n.joules, 1);
    assert.deepEqual(n.flags, []);
    assert.equal(n.spanStartUs ?? 0, 0);
  } finally {
    f.remove();
  }
});

test('a reading over a gap wrapped once is exact; a gap long enough for a second wrap is a flagged lower bound', async () => {
  const f = new RaplFixture([{ dir: 'intel-rapl:0', name: 'package-0', energyUj: 9_000_000_000n, maxRangeUj: 10_000_000_000n }]);
  try {
    const src = new RaplSource(f.root);
    await src.read(ctx(1e6));
    fs.rmSync(path.join(f.zoneDir('intel-rapl:0'), 'energy_uj'));
    await src.read(ctx(2e6));
    f.advance('intel-rapl:0', 3_000_000_000n); // wraps at 10 kJ, plausible within 2 s at 2 kW
    const r = (await src.read(ctx(3e6))).energy[0]!;
    assert.equal(r.joules, 3000);
    assert.deepEqual(r.flags, ['counter_wrap', 'catch_up']);
    // Persisted positions from 10 minutes ago: 2000 W could have wrapped 10 kJ many times.
    const later = new RaplSource(f.root);
    later.restoreCounterPositions(src.counterPositions());
    f.advance('intel-rapl:0', 10_000_000n);
    const g = (await later.read({ startUs: 603e6, endUs: 603e6 + 1, cpuBusySeconds: 0, cpuIdleSeconds: 0, cpuCount: 1 })).energy[0]!;
    assert.equal(g.joules, 10);
    assert.deepEqual(g.flags, ['gap_lower_bound', 'gap_recovered']);
    assert.equal(g.spanStartUs, 3e6);
  } finally {
    f.remove();
  }
});
