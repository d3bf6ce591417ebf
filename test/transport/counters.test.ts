// Counters outlive the agent and its read failures (DESIGN invariant 8):
// real agent and collector processes over a moving RAPL fixture. Stored
// joules must equal the fixture's advance exactly, across SIGTERM, SIGKILL
// and restarts on the same boot, and across a zone that stops reading for
// 3 s; after a reboot (a new boot id) the agent starts afresh.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { ProcFixture } from '../fixtures/procfs.ts';
import { cleanup, expectExactlyStored, Load, sleep, startAgent, startCollector, storedReports, tmpDir, waitFor } from './harness.ts';

after(cleanup);

function flagsStored(db: string, host: string): Map<string, number> {
  const conn = new DatabaseSync(db, { readOnly: true });
  try {
    const rows = conn.prepare("SELECT flags, count(*) AS n FROM host_energy WHERE host = ? AND flags != '' GROUP BY flags").all(host) as { flags: string; n: number }[];
    return new Map(rows.map((r) => [r.flags, r.n]));
  } finally {
    conn.close();
  }
}

/** Stored intervals tile time: each starts where the previous ended (the downtime is covered, once). */
function assertContiguous(db: string, host: string): void {
  const r = storedReports(db, host);
  for (let i = 1; i < r.length; i++) assert.equal(r[i]!.start_us, r[i - 1]!.end_us, `report ${r[i]!.seq} starts where ${r[i - 1]!.seq} ended`);
}

test('SIGTERM: the agent closes its interval with a final reading and delivers it before exiting', async () => {
  const dir = tmpDir('term');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  const collector = await startCollector(db);
  const agent = await startAgent({ collectors: [`127.0.0.1:${collector.grpcPort}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'term' });
  try {
    load.start();
    await sleep(600);
    load.stop();
    await expectExactlyStored(db, 'term', load, 20_000);
    for (let i = 0; i < 10; i++) load.step(); // 100 J of package after the last reading
    await agent.kill('SIGTERM');
    assert.equal(agent.child.exitCode, 0, agent.output());
    await expectExactlyStored(db, 'term', load, 1000);
  } finally {
    load.stop();
    await agent.kill();
    await collector.kill();
  }
});

test('SIGKILL and SIGTERM, then restart on the same boot: the downtime is counted from the persisted counters, flagged gap_recovered', async () => {
  const dir = tmpDir('gap');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  const collector = await startCollector(db);
  const opts = { collectors: [`127.0.0.1:${collector.grpcPort}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'gap' };
  let agent = await startAgent(opts);
  try {
    load.start(); // runs through both downtimes
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      await sleep(700);
      await agent.kill(signal);
      await sleep(1000);
      agent = await startAgent(opts);
      assert.match(agent.output(), /continuing the counters of this boot .* gap, counted and flagged gap_recovered/);
    }
    await sleep(700);
    load.stop();
    await expectExactlyStored(db, 'gap', load, 20_000);
    assertContiguous(db, 'gap');
    const flags = flagsStored(db, 'gap');
    assert.equal(flags.get('gap_recovered'), 4, `both zones, both restarts: ${JSON.stringify([...flags])}`);
  } finally {
    load.stop();
    await agent.kill();
    await collector.kill();
  }
});

test('a new boot id: fresh baselines, nothing carried over from the old boot', async () => {
  const dir = tmpDir('boot');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  const proc = new ProcFixture();
  const bootFile = path.join(proc.root, 'sys', 'kernel', 'random', 'boot_id');
  fs.mkdirSync(path.dirname(bootFile), { recursive: true });
  fs.writeFileSync(bootFile, '11111111-1111-1111-1111-111111111111\n');
  const collector = await startCollector(db);
  const opts = { collectors: [`127.0.0.1:${collector.grpcPort}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'boot', procfsRoot: proc.root };
  let agent = await startAgent(opts);
  try {
    load.start();
    await sleep(700);
    load.stop();
    await expectExactlyStored(db, 'boot', load, 20_000);
    await agent.kill('SIGKILL');
    // The reboot: counters start again near zero, under a new boot id.
    load.fixture.set('intel-rapl:0', 1_000_000n);
    load.fixture.set('intel-rapl:0:0', 0n);
    fs.writeFileSync(bootFile, '22222222-2222-2222-2222-222222222222\n');
    agent = await startAgent(opts);
    assert.match(agent.output(), /fresh counter baselines \(the host rebooted/);
    load.start();
    await sleep(700);
    load.stop();
    await expectExactlyStored(db, 'boot', load, 20_000);
    const flags = flagsStored(db, 'boot');
    assert.equal(flags.get('gap_recovered'), undefined);
    assert.equal([...flags.keys()].filter((f) => /counter_reset|counter_wrap/.test(f)).length, 0, 'no reset misread across the reboot');
  } finally {
    load.stop();
    await agent.kill();
    await collector.kill();
  }
});

test('a zone deleted for 3 s loses nothing: the recovery interval counts the outage, flagged catch_up', async () => {
  const dir = tmpDir('outage');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  const collector = await startCollector(db);
  const agent = await startAgent({ collectors: [`127.0.0.1:${collector.grpcPort}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'outage' });
  try {
    load.start();
    await sleep(500);
    load.fixture.hide('intel-rapl:0:0');
    await sleep(3000);
    load.fixture.show('intel-rapl:0:0');
    await sleep(500);
    load.stop();
    await expectExactlyStored(db, 'outage', load, 20_000);
    assert.equal(flagsStored(db, 'outage').get('catch_up'), 1);
    const conn = new DatabaseSync(db, { readOnly: true });
    try {
      // Every interval of the outage carries the zone's status (reports.sources, as stored).
      const n = (conn.prepare("SELECT count(*) AS n FROM host_energy WHERE host = 'outage' AND domain = 'package'").get() as { n: number }).n;
      const d = (conn.prepare("SELECT count(*) AS n FROM host_energy WHERE host = 'outage' AND domain = 'dram'").get() as { n: number }).n;
      assert.ok(n - d >= 10, `the outage spans ${n - d} intervals without a DRAM reading`);
    } finally {
      conn.close();
    }
  } finally {
    load.stop();
    await agent.kill();
    await collector.kill();
  }
});

test('a zone unreadable at start (agent as an unprivileged uid): the readable zone is used, the other counted once readable', async () => {
  const dir = tmpDir('perm');
  fs.chmodSync(dir, 0o777);
  const db = path.join(dir, 'c.db');
  const load = new Load();
  fs.chmodSync(load.sysfsRoot, 0o755);
  load.fixture.chmod('intel-rapl:0:0', 0o400); // root-only, as since CVE-2020-8694
  const collector = await startCollector(db);
  const nobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  const agent = await startAgent({ collectors: [`127.0.0.1:${collector.grpcPort}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'perm', socket: '', ...nobody });
  try {
    assert.match(agent.output(), /source rapl: found: 1 of 2 zones readable .*package-0\/dram: energy_uj unreadable \(EACCES\)/);
    assert.doesNotMatch(agent.output(), /source cpu-model/, 'no TDP estimate in place of the readable package');
    load.start();
    await sleep(600);
    load.stop();
    assert.ok(load.advanced['dram/package-0/dram'] > 0);
    load.advanced['dram/package-0/dram'] = 0; // never readable so far: not counted, and not claimed
    await expectExactlyStored(db, 'perm', load, 20_000);
    // Access granted (the unit's ExecStartPre): from its first read on, DRAM counts.
    load.fixture.chmod('intel-rapl:0:0', 0o644);
    await sleep(600); // the agent takes the zone's baseline
    load.start();
    await sleep(600);
    load.stop();
    await expectExactlyStored(db, 'perm', load, 20_000);
  } finally {
    load.stop();
    await agent.kill();
    await collector.kill();
  }
});
