// What a process costs, read from procfs the way `ps` and `top` do:
// CPU time from /proc/<pid>/stat (utime + stime, all threads, clock ticks)
// and peak resident memory from VmHWM in /proc/<pid>/status.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

let clkTck: number | undefined;

/** USER_HZ, the unit of utime and stime (100 on every Linux this runs on, but asked). */
export function clockTicks(): number {
  if (clkTck === undefined) {
    try {
      clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clkTck = 100;
    }
  }
  return clkTck;
}

/**
 * utime + stime in ticks from a /proc/<pid>/stat line. Fields are counted
 * after the last ")", since the command name may hold spaces and parentheses.
 */
export function parseCpuTicks(stat: string): number {
  const close = stat.lastIndexOf(')');
  if (close < 0) throw new Error(`not a /proc/<pid>/stat line: ${JSON.stringify(stat.slice(0, 80))}`);
  const f = stat.slice(close + 2).trim().split(/\s+/);
  // f[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(f[11]);
  const stime = Number(f[12]);
  if (!Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error(`/proc/<pid>/stat: utime/stime unreadable in ${JSON.stringify(stat.slice(0, 120))}`);
  return utime + stime;
}

/** VmHWM (peak resident set) in bytes from /proc/<pid>/status. */
export function parseVmHwmBytes(status: string): number {
  const m = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status);
  if (!m) throw new Error('/proc/<pid>/status has no "VmHWM: <n> kB" line');
  return Number(m[1]) * 1024;
}

/** CPU seconds (user + system, all threads) a live process has used so far. */
export function cpuSeconds(pid: number): number {
  return parseCpuTicks(fs.readFileSync(`/proc/${pid}/stat`, 'utf8')) / clockTicks();
}

export function peakRssBytes(pid: number): number {
  return parseVmHwmBytes(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
}
