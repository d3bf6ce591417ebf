// The collector is down for a long time. "Minutes" in production are scaled
// down to 15 s here: the agent keeps sampling into its spool, backs off, and
// delivers the whole backlog, in order, when the collector returns.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cleanup, expectExactlyStored, Load, sleep, spoolBytes, spoolSettled, startAgent, startCollector, storedTotals, tmpDir } from './harness.ts';

after(cleanup);

test('collector down for 15 s: the agent spools the backlog and delivers all of it exactly once', async () => {
  const dir = tmpDir('cdown');
  const db = path.join(dir, 'c.db');
  const spoolDir = path.join(dir, 'spool');
  const load = new Load();
  let collector = await startCollector(db);
  const port = collector.grpcPort;
  const agent = await startAgent({ collectors: [`127.0.0.1:${port}`], spoolDir, sysfsRoot: load.sysfsRoot, host: 'cdown' });
  try {
    load.start();
    await sleep(1500);
    await collector.kill('SIGKILL');
    const storedAtKill = storedTotals(db, 'cdown')['package/package-0'] ?? 0;
    const settledAtKill = spoolSettled(spoolDir);
    await sleep(15_000);
    // While down: nothing settled, the backlog is on disk.
    assert.equal(spoolSettled(spoolDir), settledAtKill, 'no report may be settled while the collector is down');
    assert.ok(spoolBytes(spoolDir) > 0, 'the backlog is in the spool');
    collector = await startCollector(db, port);
    await sleep(1000);
    load.stop();
    const { reports } = await expectExactlyStored(db, 'cdown', load, 30_000);
    assert.ok(reports >= 60, `only ${reports} reports: the outage should have produced ~75`);
    assert.ok(load.advanced['package/package-0'] > storedAtKill + 2000, 'most energy was measured during the outage');
  } finally {
    load.stop();
    await agent.kill();
    await collector.kill();
  }
});
