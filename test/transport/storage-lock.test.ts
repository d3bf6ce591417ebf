// Storage is unavailable: another process holds an exclusive lock on the
// collector's SQLite file. The collector cannot commit, so it must not ack
// anything it did not store before the lock;
// the agent keeps everything in its spool; once the lock goes, all of it lands.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { cleanup, expectExactlyStored, Load, sleep, spoolBytes, spoolSettled, startAgent, startCollector, storedReports, storedTotals, tmpDir, waitFor } from './harness.ts';

after(cleanup);

test('storage locked by another process: no ack while locked, everything lands after', async () => {
  const dir = tmpDir('lock');
  const db = path.join(dir, 'c.db');
  const spoolDir = path.join(dir, 'spool');
  const load = new Load();
  const collector = await startCollector(db);
  const agent = await startAgent({ collectors: [`127.0.0.1:${collector.grpcPort}`], spoolDir, sysfsRoot: load.sysfsRoot, host: 'lock' });
  const locker = new DatabaseSync(db);
  try {
    load.start();
    await waitFor('first reports stored', () => (storedTotals(db, 'lock')['package/package-0'] ?? 0) > 0, 15_000);
    locker.exec('PRAGMA busy_timeout = 10000');
    locker.exec('BEGIN EXCLUSIVE');
    // Readers still work in WAL mode: what is stored now is all that may ever be acked until COMMIT.
    const storedSeq = Math.max(...storedReports(db, 'lock').map((r) => r.seq));
    const stored = storedTotals(db, 'lock');
    const bytesAtLock = spoolBytes(spoolDir);
    for (let i = 0; i < 14; i++) {
      await sleep(500);
      const settled = spoolSettled(spoolDir);
      assert.ok(settled <= storedSeq, `the agent settled seq ${settled} but only seqs up to ${storedSeq} are stored`);
    }
    assert.deepEqual(storedTotals(db, 'lock'), stored);
    assert.ok(spoolBytes(spoolDir) > bytesAtLock, 'the agent keeps spooling while storage is locked');
    assert.match(collector.output(), /storage unavailable \(sqlite: database is locked\)/);
    const settled = spoolSettled(spoolDir);
    locker.exec('COMMIT');
    await sleep(500);
    load.stop();
    await expectExactlyStored(db, 'lock', load, 30_000);
    assert.ok(spoolSettled(spoolDir) > settled);
  } finally {
    load.stop();
    if (locker.isTransaction) locker.exec('ROLLBACK');
    locker.close();
    await agent.kill();
    await collector.kill();
  }
});
