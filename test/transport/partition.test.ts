// Agent and collector are partitioned by a proxy that silently stops moving
// bytes (as a network that drops packets), then heals.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cleanup, expectExactlyStored, Load, Partition, sleep, startAgent, startCollector, storedTotals, tmpDir, waitFor } from './harness.ts';

after(cleanup);

test('network partition, then heal: the backlog arrives, exactly once', async () => {
  const dir = tmpDir('part');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  const collector = await startCollector(db);
  const proxy = new Partition(collector.grpcPort);
  await proxy.listen();
  const agent = await startAgent({ collectors: [`127.0.0.1:${proxy.port}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'part' });
  try {
    load.start();
    await waitFor('first reports stored', () => (storedTotals(db, 'part')['package/package-0'] ?? 0) > 0, 15_000);
    proxy.cut();
    await sleep(1000);
    const during = storedTotals(db, 'part');
    await sleep(6000);
    assert.deepEqual(storedTotals(db, 'part'), during, 'nothing crosses a partition');
    proxy.heal();
    await sleep(500);
    load.stop();
    await expectExactlyStored(db, 'part', load, 30_000);
  } finally {
    load.stop();
    proxy.close();
    await agent.kill();
    await collector.kill();
  }
});
