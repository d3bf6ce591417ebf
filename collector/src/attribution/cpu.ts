// Idle and dynamic parts of a host-wide domain (package, core, uncore, DRAM,
// psys), and the CPU-time fractions that divide them. Pure arithmetic.

export interface IdleSplit {
  idle: number;
  dynamic: number;
  /** "no_baseline" (split by busy/idle CPU time instead), "baseline_above_measured". */
  flags: string[];
}

/** Host CPU time in the interval, from /proc/stat and the process list. */
export interface HostCpu {
  busySeconds: number;
  idleSeconds: number;
  cpuCount: number;
  /** Σ of the listed processes' CPU seconds. */
  processSeconds: number;
}

/**
 * With a baseline, idle is baseline × duration (at most the measured energy)
 * and dynamic the rest. Without one, the measured energy is split by the
 * host's busy fraction of CPU time (Kepler's rule): flagged "no_baseline",
 * because it charges static power to busy CPUs and tends to 0 idle at 100% use.
 */
export function splitIdle(joules: number, seconds: number, baselineWatts: number | undefined, cpu: HostCpu | undefined): IdleSplit {
  if (baselineWatts !== undefined && Number.isFinite(baselineWatts) && baselineWatts >= 0) {
    const base = baselineWatts * seconds;
    if (base > joules) return { idle: joules, dynamic: 0, flags: ['baseline_above_measured'] };
    return { idle: base, dynamic: joules - base, flags: [] };
  }
  if (!cpu) return { idle: 0, dynamic: joules, flags: ['no_baseline'] };
  const f = busyFraction(cpu, seconds);
  const dynamic = joules * f;
  return { idle: joules - dynamic, dynamic, flags: ['no_baseline'] };
}

/**
 * Share of the host's CPU capacity that was busy: /proc/stat's own
 * busy / (busy + idle), the host's measure of itself, even when the processes
 * claim more (reaped children, tick rounding): their total only divides the
 * dynamic part (dynamicDenominator), it never stretches the host's capacity.
 * Without /proc/stat figures, the processes over the host's capacity.
 */
export function busyFraction(cpu: HostCpu, seconds: number): number {
  if (cpu.busySeconds + cpu.idleSeconds > 0) return cpu.busySeconds / (cpu.busySeconds + cpu.idleSeconds);
  if (cpu.cpuCount > 0 && seconds > 0) return Math.min(1, cpu.processSeconds / (cpu.cpuCount * seconds));
  return 0;
}

/**
 * Denominator of the dynamic split: the host's busy time, or the processes'
 * total when they claim more (reaped children, tick rounding), so shares never
 * exceed the energy. Busy time no listed process accounts for stays "system".
 */
export function dynamicDenominator(cpu: HostCpu): number {
  return Math.max(cpu.busySeconds, cpu.processSeconds);
}

/** True when the processes claim clearly more CPU time than the host was busy. */
export function cpuOvercounted(cpu: HostCpu): boolean {
  return cpu.busySeconds > 0 && cpu.processSeconds > cpu.busySeconds * 1.02 + 0.01;
}
