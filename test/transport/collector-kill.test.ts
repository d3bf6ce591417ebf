// The collector is SIGKILLed again and again while the agent streams: acks
// lost in flight cause replays, replays are idempotent, nothing is lost.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cleanup, expectExactlyStored, Load, seeded, sleep, startAgent, startCollector, tmpDir } from './harness.ts';

after(cleanup);

test('collector SIGKILLed repeatedly during streaming: stored joules equal the counter advance exactly', async () => {
  const dir = tmpDir('ckill');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  let collector = await startCollector(db);
  const port = collector.grpcPort;
  const agent = await startAgent({ collectors: [`127.0.0.1:${port}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'ckill' });
  const random = seeded(4);
  try {
    load.start();
    for (let i = 0; i < 5; i++) {
      await sleep(600 + random() * 900); // streaming, then a kill at an arbitrary point
      await collector.kill('SIGKILL');
      await sleep(random() * 500);
      collector = await startCollector(db, port);
    }
    await sleep(500);
    load.stop();
    const { reports } = await expectExactlyStored(db, 'ckill', load, 30_000);
    assert.ok(reports > 20, `${reports} reports stored`);
  } finally {
    load.stop();
    await agent.kill();
    await collector.kill();
  }
});
