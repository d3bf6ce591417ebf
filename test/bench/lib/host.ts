// A busy fixture GPU host for the benchmarks: a procfs tree with N processes
// (8 fine-tuning jobs of a trainer and 7 DataLoader workers, the rest system
// processes), a two-socket RAPL sysfs tree and an 8-GPU fake NVML scenario.
// `step()` moves it on by one interval: host CPU times, the CPU time of a
// rotating tenth of the processes, RAPL and GPU counters and GPU samples.
//
// ProcFixture writes /proc/<pid>/stat up to field 24 (rss); the kernel writes
// 52 fields, and node_exporter's parser refuses a shorter line. So stat files
// are rewritten here in full, with one thread each and a task/<tid>/ entry as
// on a real host, plus /proc/sys/kernel/{pid_max,threads-max}. Every rewrite
// is atomic (write, then rename) so neither reader ever sees a torn file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProcFixture, type FakeProcess } from '../../fixtures/procfs.ts';
import { RaplFixture } from '../../fixtures/sysfs.ts';
import { buildFakeNvml } from '../../fakes/nvml/build.ts';

export const GPUS = 8;
const WORKERS_PER_JOB = 7;
const FIRST_PID = 1000;

export interface BenchHostOptions {
  processes: number;
  /** Logical CPUs in /proc/stat. */
  cpus?: number;
}

/** /proc/<pid>/stat as the kernel writes it: all 52 fields, one thread. */
export function fullStatLine(p: FakeProcess): string {
  const f = new Array<number | string>(50).fill(0); // fields 3..52
  f[0] = 'S';
  f[1] = p.ppid;
  f[2] = p.pid; // pgrp
  f[3] = p.pid; // session
  f[11] = p.utime;
  f[12] = p.stime;
  f[13] = p.cutime ?? 0;
  f[14] = p.cstime ?? 0;
  f[15] = 20; // priority
  f[17] = 1; // num_threads
  f[19] = p.starttime;
  f[20] = 64 * 1024 * 1024; // vsize, bytes
  f[21] = p.rssPages ?? 100;
  f[22] = '18446744073709551615'; // rsslim: RLIM_INFINITY
  return `${p.pid} (${p.comm}) ${f.join(' ')}\n`;
}

/** /proc/stat with the aggregate line, one line per CPU and btime. */
export function procStatText(busyTicks: number, idleTicks: number, cpus: number, btime: number): string {
  const line = (b: number, i: number) => `${b} 0 0 ${i} 0 0 0 0 0 0`;
  const per = Array.from({ length: cpus }, (_, n) => `cpu${n} ${line(Math.floor(busyTicks / cpus), Math.floor(idleTicks / cpus))}`);
  return [`cpu  ${line(busyTicks, idleTicks)}`, ...per, 'intr 0', `btime ${btime}`, 'processes 1', ''].join('\n');
}

/**
 * /dev/shm when there is one: procfs and sysfs live in memory, and on ext4 a
 * rename over an existing file flushes it to disk (auto_da_alloc), which would
 * make stepping the fixture cost more than the readers it feeds.
 */
export function memoryDir(): string {
  try {
    fs.accessSync('/dev/shm', fs.constants.W_OK);
    return '/dev/shm';
  } catch {
    return os.tmpdir();
  }
}

function writeAtomic(file: string, text: string): void {
  fs.writeFileSync(file + '.tmp', text);
  fs.renameSync(file + '.tmp', file);
}

export class BenchHost {
  readonly proc: ProcFixture;
  readonly rapl: RaplFixture;
  readonly dir: string;
  readonly scenarioFile: string;
  readonly nvmlLib: string;
  readonly processes: FakeProcess[] = [];
  readonly trainers: number[] = [];
  private readonly cpus: number;
  private busyTicks = 0;
  private idleTicks = 0;
  private uptimeTicks: number;
  private steps = 0;
  private gpuEnergyMj = 1_000_000_000;

  constructor(opts: BenchHostOptions) {
    this.dir = fs.mkdtempSync(path.join(memoryDir(), 'wp-bench-host-'));
    this.cpus = opts.cpus ?? 64;
    fs.mkdirSync(path.join(this.dir, 'proc'));
    this.proc = new ProcFixture(path.join(this.dir, 'proc'));
    this.proc.cpus = this.cpus;
    this.uptimeTicks = this.proc.uptimeTicks;
    // Two sockets, to match the RAPL tree.
    const cpuinfo = Array.from({ length: this.cpus }, (_, i) => `processor\t: ${i}\nmodel name\t: Intel(R) Xeon(R) Platinum 8480+\nphysical id\t: ${i < this.cpus / 2 ? 0 : 1}\n`);
    fs.writeFileSync(path.join(this.proc.root, 'cpuinfo'), cpuinfo.join('\n'));
    this.rapl = RaplFixture.server(path.join(this.dir, 'sys'));
    this.scenarioFile = path.join(this.dir, 'nvml-scenario');
    this.nvmlLib = buildFakeNvml();

    const kernel = path.join(this.proc.root, 'sys', 'kernel');
    fs.mkdirSync(path.join(kernel, 'random'), { recursive: true });
    fs.writeFileSync(path.join(kernel, 'pid_max'), '4194304\n');
    fs.writeFileSync(path.join(kernel, 'threads-max'), '1000000\n');
    fs.writeFileSync(path.join(kernel, 'random', 'boot_id'), '0b6c2f5e-6a3d-4b8e-9f10-5c2e7d1a9b00\n');

    let pid = FIRST_PID;
    const jobs = Math.min(GPUS, Math.floor(opts.processes / (1 + WORKERS_PER_JOB)));
    for (let j = 0; j < jobs; j++) {
      const trainer = pid++;
      this.trainers.push(trainer);
      const env = { WATTPRINT_JOB_ID: `finetune-${j}`, CUDA_VISIBLE_DEVICES: String(j) };
      this.add({ pid: trainer, comm: 'python', ppid: 1, utime: 0, stime: 0, starttime: 5000 + j, cmdline: ['python', 'train.py', '--task', 'mnli'], env });
      for (let w = 0; w < WORKERS_PER_JOB; w++) {
        this.add({ pid: pid++, comm: 'pt_data_worker', ppid: trainer, utime: 0, stime: 0, starttime: 5100 + j, cmdline: ['python', 'train.py'], env });
      }
    }
    while (this.processes.length < opts.processes) {
      const n = this.processes.length;
      this.add({ pid: pid++, comm: `daemon-${n % 97}`, ppid: 1, utime: 0, stime: 0, starttime: 100 + n, cmdline: [`/usr/sbin/daemon-${n % 97}`, '--foreground'], cgroup: `/system.slice/daemon-${n % 97}.service` });
    }
    this.writeHost();
    this.writeScenario();
  }

  private add(p: FakeProcess): void {
    this.proc.put(p); // cgroup, cmdline, environ in the kernel's formats
    const dir = path.join(this.proc.root, String(p.pid));
    const stat = fullStatLine(p);
    fs.writeFileSync(path.join(dir, 'stat'), stat);
    fs.mkdirSync(path.join(dir, 'task', String(p.pid)), { recursive: true });
    fs.writeFileSync(path.join(dir, 'task', String(p.pid), 'stat'), stat);
    this.processes.push(p);
  }

  private writeHost(): void {
    writeAtomic(path.join(this.proc.root, 'stat'), procStatText(this.busyTicks, this.idleTicks, this.cpus, this.proc.bootTime));
    writeAtomic(path.join(this.proc.root, 'uptime'), `${(this.uptimeTicks / 100).toFixed(2)} 0.00\n`);
  }

  private writeScenario(): void {
    const lines: string[] = [];
    const nowUs = Date.now() * 1000;
    for (let g = 0; g < GPUS; g++) {
      const uuid = `GPU-${g}bench00-0000-4000-8000-00000000000${g}`;
      lines.push(`gpu uuid=${uuid} name="NVIDIA H100 80GB HBM3" energy_mj=${this.gpuEnergyMj + g * 1000} power_mw=450000 limit_mw=700000`);
    }
    this.trainers.forEach((pid, g) => {
      lines.push(`proc gpu=${g} pid=${pid} mem=${30 * 1024 ** 3}`);
      lines.push(`sample gpu=${g} pid=${pid} ts=${nowUs} sm=${85 + g} mem=40`);
    });
    writeAtomic(this.scenarioFile, lines.join('\n') + '\n');
  }

  /**
   * One interval of `seconds` on the fixture host: every job process and a
   * rotating tenth of the others used CPU; RAPL and GPU counters moved.
   */
  step(seconds: number): void {
    this.steps++;
    const n = this.processes.length;
    const tenth = Math.max(1, Math.floor(n / 10));
    const jobProcs = this.trainers.length * (1 + WORKERS_PER_JOB);
    const busy: FakeProcess[] = this.processes.slice(0, jobProcs);
    for (let k = 0; k < tenth; k++) busy.push(this.processes[jobProcs + ((this.steps * tenth + k) % Math.max(1, n - jobProcs))]!);
    let ticks = 0;
    for (const p of busy) {
      if (!p) continue;
      const t = p.comm === 'python' ? Math.round(seconds * 95) : Math.max(1, Math.round(seconds * 10));
      p.utime += t;
      ticks += t;
      writeAtomic(path.join(this.proc.root, String(p.pid), 'stat'), fullStatLine(p));
    }
    const wallTicks = Math.round(seconds * 100);
    this.uptimeTicks += wallTicks;
    this.busyTicks += ticks;
    this.idleTicks += Math.max(0, wallTicks * this.cpus - ticks);
    this.writeHost();
    this.rapl.advance('intel-rapl:0', BigInt(Math.round(seconds * 180e6)));
    this.rapl.advance('intel-rapl:0:0', BigInt(Math.round(seconds * 120e6)));
    this.rapl.advance('intel-rapl:0:1', BigInt(Math.round(seconds * 30e6)));
    this.rapl.advance('intel-rapl:1', BigInt(Math.round(seconds * 170e6)));
    this.rapl.advance('intel-rapl:1:0', BigInt(Math.round(seconds * 28e6)));
    this.gpuEnergyMj += Math.round(seconds * 450_000);
    this.writeScenario();
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
