// One implausible reading costs only its own joules, flagged: real agent and
// collector processes, a RAPL package counter that jumps by 5 kW worth of
// energy in one interval while DRAM keeps counting normally.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { cleanup, expectExactlyStored, Load, sleep, startAgent, startCollector, tmpDir } from './harness.ts';

after(cleanup);

test('a package reading above the 2 kW bound is quarantined; the report\'s other readings and later intervals are stored', async () => {
  const dir = tmpDir('quar');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  const collector = await startCollector(db);
  const agent = await startAgent({ collectors: [`127.0.0.1:${collector.grpcPort}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'quar' });
  try {
    load.start();
    await sleep(500);
    // The glitch: 1000 J of package at once (5 kW over a 200 ms interval).
    load.fixture.advance('intel-rapl:0', 1_000_000_000n);
    load.advanced['package/package-0'] += 1000;
    await sleep(600);
    load.stop();
    // Every joule the counter moved is stored, the glitch included (flagged).
    await expectExactlyStored(db, 'quar', load, 20_000);
    const conn = new DatabaseSync(db, { readOnly: true });
    try {
      const q = conn.prepare("SELECT start_us, joules, flags FROM host_energy WHERE host = 'quar' AND flags LIKE '%quarantined%'").all() as { start_us: number; joules: number; flags: string }[];
      assert.equal(q.length, 1, JSON.stringify(q));
      assert.equal(q[0]!.flags, 'implausible_power,quarantined');
      assert.ok(q[0]!.joules >= 1000);
      const un = conn.prepare("SELECT joules FROM unattributed WHERE host = 'quar' AND reason = 'implausible'").all() as { joules: number }[];
      assert.deepEqual(un.map((u) => u.joules), [q[0]!.joules], 'its joules are unattributed, under their reason');
      const dram = conn.prepare("SELECT count(*) AS n FROM host_energy WHERE host = 'quar' AND domain = 'dram' AND start_us = ?").get(q[0]!.start_us) as { n: number };
      assert.equal(dram.n, 1, 'the same report\'s DRAM reading is stored as usual');
      const sw = conn.prepare("SELECT software_j FROM reports WHERE host = 'quar' AND start_us = ?").get(q[0]!.start_us) as { software_j: number };
      assert.ok(sw.software_j < 1000, `the host's software total leaves the glitch out (${sw.software_j} J)`);
    } finally {
      conn.close();
    }
    assert.match(collector.output(), /quarantined a reading of report \d+ from quar: implausible_power: .*package package-0.*above the 2000 W bound; the rest of the report is stored/);
  } finally {
    load.stop();
    await agent.kill();
    await collector.kill();
  }
});
