// Wall reconciliation over a meter's stored intervals (docs/ATTRIBUTION.md,
// "Wall over time"). Pure arithmetic: the same intervals and ratio give the
// same answer on any collector, so it runs at report time over what is stored
// and needs no state of its own.
//
// Meters lag and average: an interval's reading can be below its components and
// the next one above by the same amount. Per interval, each job claims
// ratio x its software energy (the host claims the same for the components no
// job holds). A reading pays the oldest unpaid claims first, then this
// interval's; what it cannot pay is carried (FIFO) to the meter's next
// intervals, for at most `maxLagIntervals`; what is left over after every
// claim is this interval's `other`, shared by software energy as before.
// Every reading is handed out in its own interval, so over any window
// Σ job wall + unattributed wall = Σ meter joules, and no job ever gets more
// than the meter read.

export interface MeterInterval {
  startUs: number;
  endUs: number;
  /** The meter's joules (all meters of the host summed). */
  wallJoules: number;
  /** Counted components of the host (RAPL + NVML, counted once). */
  componentJoules: number;
  /** Each job's counted components in the interval (its software energy). */
  jobs: { jobId: string; softwareJoules: number }[];
}

export interface ReconcileOptions {
  /** Expected wall / components (the host's long-run ratio); claims are this times the components. */
  ratio: number;
  /** How many intervals a shortfall is carried before it lapses (the meter's worst lag). Default 3. */
  maxLagIntervals?: number;
}

export interface ReconciledInterval {
  startUs: number;
  endUs: number;
  wallJoules: number;
  /** Wall energy each job received from this interval's reading (its own claim, carried claims, other). */
  jobs: Map<string, number>;
  /** The part of the reading no job received: components outside jobs, their other, repaid host claims. */
  unattributedJoules: number;
  /** Unpaid claims after this interval, joules. */
  carriedJoules: number;
  /** "wall_shortfall_carried" (the reading did not pay every claim), "wall_carry_repaid", "wall_claim_lapsed". */
  flags: string[];
}

export interface Reconciliation {
  ratio: number;
  intervals: ReconciledInterval[];
  /** Per job: claims that lapsed unpaid, and claims still unpaid after the last interval. */
  lapsed: Map<string, number>;
  pending: Map<string, number>;
}

/** The host's own claims (components no job holds) use this owner. */
export const HOST = '';

interface Claim {
  index: number;
  owner: string;
  joules: number;
}

const add = (m: Map<string, number>, k: string, v: number) => {
  if (v !== 0) m.set(k, (m.get(k) ?? 0) + v);
};

/** Intervals in time order (the caller sorts; equal starts are one interval). */
export function reconcileMeter(intervals: MeterInterval[], opts: ReconcileOptions): Reconciliation {
  const ratio = Number.isFinite(opts.ratio) && opts.ratio > 0 ? opts.ratio : 1;
  const maxLag = opts.maxLagIntervals ?? 3;
  const queue: Claim[] = [];
  const lapsed = new Map<string, number>();
  const out: ReconciledInterval[] = [];
  intervals.forEach((iv, index) => {
    const wall = Math.max(0, iv.wallJoules);
    const got = new Map<string, number>();
    const flags = new Set<string>();
    let avail = wall;
    while (queue.length > 0 && queue[0]!.index < index - maxLag) {
      const c = queue.shift()!;
      add(lapsed, c.owner, c.joules);
      flags.add('wall_claim_lapsed');
    }
    // Oldest claims first: a lagging meter reports earlier energy first.
    while (queue.length > 0 && avail > 0) {
      const c = queue[0]!;
      const pay = Math.min(avail, c.joules);
      add(got, c.owner, pay);
      avail -= pay;
      c.joules -= pay;
      flags.add('wall_carry_repaid');
      if (c.joules <= 0) queue.shift();
      else break;
    }
    const components = Math.max(0, iv.componentJoules);
    const own = new Map<string, number>();
    let jobSum = 0;
    for (const j of iv.jobs) {
      const s = Math.max(0, j.softwareJoules);
      add(own, j.jobId, s);
      jobSum += s;
    }
    const hostPart = Math.max(0, components - jobSum);
    if (hostPart > 0) add(own, HOST, hostPart);
    const base = jobSum + hostPart;
    const claim = ratio * base;
    if (base > 0 && avail >= claim) {
      // Every claim paid; the rest is this interval's other, shared by component energy.
      const scale = avail / base;
      for (const [owner, s] of own) add(got, owner, s * scale);
    } else if (base > 0) {
      const f = avail / claim;
      for (const [owner, s] of own) {
        add(got, owner, ratio * s * f);
        const rest = ratio * s * (1 - f);
        if (rest > 0) queue.push({ index, owner, joules: rest });
      }
      flags.add('wall_shortfall_carried');
    }
    // No components at all: the whole reading stays unattributed.
    got.delete(HOST);
    let toJobs = 0;
    for (const v of got.values()) toJobs += v;
    out.push({
      startUs: iv.startUs,
      endUs: iv.endUs,
      wallJoules: wall,
      jobs: got,
      unattributedJoules: wall - toJobs,
      carriedJoules: queue.reduce((a, c) => a + c.joules, 0),
      flags: [...flags].sort(),
    });
  });
  const pending = new Map<string, number>();
  for (const c of queue) add(pending, c.owner, c.joules);
  lapsed.delete(HOST);
  pending.delete(HOST);
  return { ratio, intervals: out, lapsed, pending };
}
