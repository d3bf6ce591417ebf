// Two collectors behind one address list, sharing one store (as they would
// share InfluxDB). The first is SIGKILLed for good; the agent fails over to
// the second, replays what the first never acknowledged, and the stored
// result is the same as with one collector.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cleanup, expectExactlyStored, Load, sleep, startAgent, startCollector, storedTotals, tmpDir, waitFor } from './harness.ts';

after(cleanup);

test('the second collector takes over when the first dies', async () => {
  const dir = tmpDir('fail');
  const db = path.join(dir, 'shared.db');
  const load = new Load();
  const first = await startCollector(db);
  const second = await startCollector(db);
  const agent = await startAgent({ collectors: [`127.0.0.1:${first.grpcPort}`, `127.0.0.1:${second.grpcPort}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'fail' });
  try {
    load.start();
    await waitFor('first reports stored', () => (storedTotals(db, 'fail')['package/package-0'] ?? 0) > 0, 15_000);
    await sleep(1000);
    await first.kill('SIGKILL');
    const atKill = storedTotals(db, 'fail')['package/package-0'] ?? 0;
    await sleep(3000);
    load.stop();
    await expectExactlyStored(db, 'fail', load, 30_000);
    assert.ok(load.advanced['package/package-0'] > atKill, 'energy measured after the kill');
    assert.match(second.output(), /listening/);
    assert.doesNotMatch(second.output(), /rejected|closing stream/);
  } finally {
    load.stop();
    await agent.kill();
    await first.kill();
    await second.kill();
  }
});
