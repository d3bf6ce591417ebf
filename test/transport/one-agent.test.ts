// One agent per host (DESIGN invariant 8): a second agent reporting the same
// host through another collector that shares the store is refused with
// duplicate_agent, a counter and a log line naming both instances, and
// nothing is counted twice. Real processes on a moving RAPL fixture.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { localRequest } from '@wattprint/agent/local/endpoint.ts';
import { cleanup, expectExactlyStored, Load, sleep, startAgent, startCollector, tmpDir, waitFor } from './harness.ts';

after(cleanup);

test('a second agent for a host is refused through another collector on the same store; nothing doubled', async () => {
  const dir = tmpDir('dup');
  const db = path.join(dir, 'c.db');
  const load = new Load();
  const c1 = await startCollector(db);
  const c2 = await startCollector(db);
  const first = await startAgent({ collectors: [`127.0.0.1:${c1.grpcPort}`], spoolDir: path.join(dir, 'spool-1'), sysfsRoot: load.sysfsRoot, host: 'dup', socket: '' });
  let second: Awaited<ReturnType<typeof startAgent>> | undefined;
  try {
    load.start();
    await sleep(600);
    second = await startAgent({ collectors: [`127.0.0.1:${c2.grpcPort}`], spoolDir: path.join(dir, 'spool-2'), sysfsRoot: load.sysfsRoot, host: 'dup', socket: '' });
    await sleep(1500);
    load.stop();
    await expectExactlyStored(db, 'dup', load, 20_000);
    const line = await waitFor('the refusal in the second collector\'s log', () => /rejected report \d+ from dup: duplicate_agent: .*stored by agent instance (\S+); this one is (\S+):/.exec(c2.output()) ?? undefined, 10_000);
    assert.notEqual(line[1], line[2], 'both instances named');
    assert.match(second.output(), /collector rejected report \d+: duplicate_agent/, 'the second agent is told');
    assert.doesNotMatch(c1.output(), /duplicate_agent/, 'the first agent is never refused');
    const metrics = await (await fetch(`http://127.0.0.1:${JSON.parse(/\{"event":"listening".*\}/.exec(c2.output())![0]).httpPort}/metrics`)).text();
    assert.match(metrics, /wattprint_ingest_reports_rejected_total\{code="duplicate_agent"[^}]*\} [1-9]/);
    assert.match(metrics, /wattprint_ingest_reports_accepted_total\{[^}]*\} 0\n/, 'not one report of the second agent stored');
  } finally {
    load.stop();
    await first.kill();
    await second?.kill();
    await c1.kill();
    await c2.kill();
  }
});

test('a second agent never takes over a live agent\'s local socket', async () => {
  const dir = tmpDir('sock');
  const load = new Load();
  const collector = await startCollector(path.join(dir, 'c.db'));
  const socket = path.join(dir, 'agent.sock');
  const opts = { collectors: [`127.0.0.1:${collector.grpcPort}`], sysfsRoot: load.sysfsRoot, socket };
  const first = await startAgent({ ...opts, spoolDir: path.join(dir, 'spool-1'), host: 'sock-a' });
  let second: Awaited<ReturnType<typeof startAgent>> | undefined;
  try {
    await waitFor('the first agent\'s socket', () => fs.existsSync(socket), 10_000);
    second = await startAgent({ ...opts, spoolDir: path.join(dir, 'spool-2'), host: 'sock-b' });
    await waitFor('the second agent to step back', () => /another agent already listens on .*agent\.sock \(answering\); this agent's local endpoint is off/.test(second!.output()), 10_000);
    const status = await localRequest(socket, 'GET', '/v1/status');
    assert.equal(status.body.host, 'sock-a', 'registrations still reach the first agent');
  } finally {
    await first.kill();
    await second?.kill();
    await collector.kill();
  }
});
