// What persisting counter positions costs per interval (issue 15): the
// checkpoint (counter positions plus the scanner's per-process CPU ticks,
// JSON, written to a temp file and renamed) against the interval itself
// (Sampler.sample over the same fixture host), in the same run.
//   node_modules/.bin/node --disable-warning=ExperimentalWarning test/bench/checkpoint.bench.ts [--processes=1000] [--intervals=60]
import fs from 'node:fs';
import path from 'node:path';
import { chooseSources } from '@wattprint/agent/agent.ts';
import { ProcScanner } from '@wattprint/agent/procfs/scanner.ts';
import { Sampler } from '@wattprint/agent/sampler/sampler.ts';
import { writeCheckpoint } from '@wattprint/agent/sampler/checkpoint.ts';
import { BenchHost } from './lib/host.ts';
import { median, sig } from './lib/stats.ts';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const PROCESSES = Number(arg('processes', '1000'));
const INTERVALS = Number(arg('intervals', '60'));

const host = new BenchHost({ processes: PROCESSES });
try {
  const { sources } = await chooseSources({ sysfsRoot: host.rapl.root, procfsRoot: host.proc.root, nvmlLibPath: host.nvmlLib });
  const scanner = new ProcScanner({ procfsRoot: host.proc.root });
  const sampler = new Sampler({ host: 'bench', bootId: 'b', scanner, sources });
  const file = path.join(host.dir, 'checkpoint.json');
  await sampler.sample(0);
  const sampleMs: number[] = [];
  const checkpointMs: number[] = [];
  let bytes = 0;
  for (let i = 1; i <= INTERVALS; i++) {
    host.step(1);
    let t = process.cpuUsage();
    await sampler.sample(i);
    let d = process.cpuUsage(t);
    sampleMs.push((d.user + d.system) / 1000);
    t = process.cpuUsage();
    const after = sampler.positions()!;
    writeCheckpoint(file, { version: 1, bootId: 'b', seq: i, before: after, after });
    d = process.cpuUsage(t);
    checkpointMs.push((d.user + d.system) / 1000);
    bytes = fs.statSync(file).size;
  }
  const s = median(sampleMs);
  const c = median(checkpointMs);
  console.log(JSON.stringify({ bench: 'agent_checkpoint', processes: PROCESSES, intervals: INTERVALS, sample_cpu_ms: sig(s), checkpoint_cpu_ms: sig(c), checkpoint_bytes: bytes, checkpoint_vs_sample: sig(c / s) }));
  for (const src of sources) await src.close?.();
  scanner.close();
} finally {
  host.remove();
}
