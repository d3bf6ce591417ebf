// The agent is SIGKILLed at arbitrary moments, many times, and restarted on
// the same spool: whatever it was doing (appending, fsyncing, handling an
// ack, deleting a segment), no written report is lost or stored twice, and
// seqs keep increasing across lives.
//
// The counters stand still around each kill (advance, wait until stored,
// kill at a random moment while the agent keeps writing, acking and
// deleting), so this test isolates the spool; counters.test.ts kills it
// while they move (the restarted agent continues from its checkpoint).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { cleanup, expectExactlyStored, Load, seeded, sleep, startAgent, startCollector, storedReports, tmpDir, type AgentProc } from './harness.ts';

after(cleanup);

test('agent SIGKILLed at random moments and restarted: nothing lost, nothing doubled', async () => {
  const dir = tmpDir('akill');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  const collector = await startCollector(db);
  const opts = { collectors: [`127.0.0.1:${collector.grpcPort}`], spoolDir: path.join(dir, 'spool'), sysfsRoot: load.sysfsRoot, host: 'akill' };
  const random = seeded(11);
  let agent: AgentProc | undefined;
  try {
    for (let life = 0; life < 6; life++) {
      agent = await startAgent(opts);
      load.start();
      await sleep(400 + random() * 800);
      load.stop();
      await expectExactlyStored(db, 'akill', load, 20_000);
      await sleep(random() * 450);
      await agent.kill('SIGKILL');
    }
    agent = await startAgent(opts);
    load.start();
    await sleep(800);
    load.stop();
    const { reports } = await expectExactlyStored(db, 'akill', load, 20_000);
    const seqs = storedReports(db, 'akill').map((r) => r.seq);
    assert.ok(reports > 20, `${reports} reports stored`);
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), 'seqs increase with time, across restarts');
  } finally {
    load.stop();
    await agent?.kill();
    await collector.kill();
  }
});
