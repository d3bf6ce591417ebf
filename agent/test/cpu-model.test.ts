import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Quality, Source } from '@wattprint/proto';
import { CpuModelSource, chooseTdp, estimateCpuJoules, visibleMaxWatts, DEFAULT_WATTS_PER_CPU } from '../src/sources/cpu-model.ts';
import { parseAgentConfig } from '../src/agent.ts';
import { ProcFixture } from '../../test/fixtures/procfs.ts';

test('TDP: config beats table beats default; longest table key wins', () => {
  const cpu = { model: 'Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz', sockets: 2, logicalCpus: 96 };
  assert.deepEqual(chooseTdp(cpu, 300), { tdpWatts: 300, source: 'config' });
  assert.deepEqual(chooseTdp(cpu), { tdpWatts: 205, threadsPerSocket: 48, source: 'table' });
  const unknown = { model: 'AMD EPYC', sockets: 1, logicalCpus: 2 };
  assert.equal(chooseTdp(unknown).source, 'default');
  assert.equal(chooseTdp(unknown).tdpWatts, DEFAULT_WATTS_PER_CPU * 2);
});

test('a VM sees only its share of the sockets', () => {
  const vm = { model: 'AMD EPYC 7763 64-Core Processor', sockets: 1, logicalCpus: 8 };
  const tdp = chooseTdp(vm);
  assert.equal(visibleMaxWatts(vm, tdp), (280 * 8) / 128);
});

test('estimate: idle floor plus utilisation share, clamped', () => {
  assert.equal(estimateCpuJoules(100, 0.3, 0, 4, 2), 60); // idle: 30 W x 2 s
  assert.equal(estimateCpuJoules(100, 0.3, 4, 0, 2), 200); // fully busy
  assert.equal(estimateCpuJoules(100, 0.3, 2, 2, 1), 65);
  assert.equal(estimateCpuJoules(100, 0.3, 0, 0, 1), 30);
});

test('the source reads /proc/cpuinfo and flags every figure as an estimate', async () => {
  const f = new ProcFixture();
  try {
    const s = new CpuModelSource({ procfsRoot: f.root });
    assert.equal(s.cpu.model, 'Intel(R) Xeon(R) Gold 6248 CPU @ 2.50GHz');
    assert.equal(s.tdp.source, 'table');
    const r = await s.read({ startUs: 0, endUs: 1e6, cpuBusySeconds: 4, cpuIdleSeconds: 0, cpuCount: 4 });
    const e = r.energy[0]!;
    assert.equal(e.source, Source.SOURCE_MODEL);
    assert.equal(e.quality, Quality.QUALITY_ESTIMATE);
    assert.deepEqual(e.flags, ['tdp_table']);
    assert.equal(e.joules, (150 * 4) / 40); // 4 of the 40 threads, fully busy, 1 s
    assert.equal((await s.probe()).estimate, true);
  } finally {
    f.remove();
  }
});

test('agent config errors name the key', () => {
  assert.throws(() => parseAgentConfig({ plaintext: true, intervalMs: 5 }), /"intervalMs" must be a number in \[100, 3600000\], got 5/);
  assert.throws(() => parseAgentConfig({ plaintext: true, colectors: [] }), /unknown key "colectors"/);
  assert.throws(() => parseAgentConfig({}), /set "tls"/);
  assert.throws(() => parseAgentConfig({ plaintext: true, jobCgroupPatterns: ['(unclosed'] }), /invalid pattern/);
  assert.throws(() => parseAgentConfig({ tls: { ca: 'a', cert: 'b' } }), /"tls.key" must be a file path/);
  assert.equal(parseAgentConfig({ plaintext: true, collectors: ['a:1', 'b:2'] }).collectors.length, 2);
});
