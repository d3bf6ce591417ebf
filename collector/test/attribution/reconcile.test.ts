// Wall reconciliation over time: conservation over any window, never more than
// the meter read, and meters that lag, lead or average (property tests), plus
// the hand-computed lag example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { reconcileMeter, type MeterInterval, type Reconciliation } from '@wattprint/collector/attribution/reconcile.ts';

const S = 1_000_000;
const sum = (xs: number[]) => xs.reduce((a, x) => a + x, 0);
const jobWall = (r: Reconciliation, job: string, from = 0, to = r.intervals.length) => sum(r.intervals.slice(from, to).map((i) => i.jobs.get(job) ?? 0));
const closeTo = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(a), Math.abs(b));

/** A host's true component energy per 1 s interval: idle, then one job for `jobSeconds`, then idle. */
function host(opts: { before: number; jobSeconds: number; after: number; idle: number; job: number; other?: { job: string; joules: number }[] }) {
  const out: { components: number; jobs: { jobId: string; softwareJoules: number }[] }[] = [];
  for (let i = 0; i < opts.before + opts.jobSeconds + opts.after; i++) {
    const running = i >= opts.before && i < opts.before + opts.jobSeconds;
    // While it runs, the job's software energy is its GPU and CPU share; the host keeps some idle.
    out.push(running ? { components: opts.job + opts.idle * 0.2, jobs: [{ jobId: 'j', softwareJoules: opts.job }] } : { components: opts.idle, jobs: [] });
  }
  return out;
}

/** What a meter reads: `trueRatio` x components, shifted `lag` intervals later (negative: earlier), averaged over `window`. */
function meter(truth: { components: number; jobs: MeterInterval['jobs'] }[], trueRatio: number, lag: number, window = 1): MeterInterval[] {
  const at = (i: number) => trueRatio * truth[Math.min(truth.length - 1, Math.max(0, i))]!.components;
  return truth.map((t, i) => {
    let w = 0;
    for (let k = 0; k < window; k++) w += at(i - lag - k);
    return { startUs: i * S, endUs: (i + 1) * S, wallJoules: w / window, componentJoules: t.components, jobs: t.jobs };
  });
}

const hostRatio = (ivs: MeterInterval[]) => sum(ivs.map((i) => i.wallJoules)) / sum(ivs.map((i) => i.componentJoules));

function checkConservation(r: Reconciliation, ivs: MeterInterval[]) {
  r.intervals.forEach((iv, k) => {
    const toJobs = sum([...iv.jobs.values()]);
    assert.ok(closeTo(toJobs + iv.unattributedJoules, ivs[k]!.wallJoules), `interval ${k}: jobs ${toJobs} + unattributed ${iv.unattributedJoules} != meter ${ivs[k]!.wallJoules}`);
    assert.ok(iv.unattributedJoules >= -1e-9 * Math.max(1, ivs[k]!.wallJoules), `interval ${k}: negative unattributed ${iv.unattributedJoules}`);
    for (const [job, j] of iv.jobs) assert.ok(j >= 0 && Number.isFinite(j), `interval ${k}: job ${job} got ${j}`);
  });
}

test('the lag example: GPU 100 + 100 J, meter 50 then 162 J: the job gets 212 J, never more than the meter', () => {
  const ivs: MeterInterval[] = [
    { startUs: 0, endUs: S, wallJoules: 50, componentJoules: 100, jobs: [{ jobId: 'j', softwareJoules: 100 }] },
    { startUs: S, endUs: 2 * S, wallJoules: 162, componentJoules: 100, jobs: [{ jobId: 'j', softwareJoules: 100 }] },
  ];
  for (const ratio of [212 / 200, 1]) {
    const r = reconcileMeter(ivs, { ratio });
    assert.ok(closeTo(jobWall(r, 'j'), 212), `ratio ${ratio}: job got ${jobWall(r, 'j')}`);
    assert.equal(jobWall(r, 'j', 0, 1), 50, 'first interval: what the meter read, not 100');
    assert.deepEqual(r.intervals[0]!.flags, ['wall_shortfall_carried']);
    assert.deepEqual(r.intervals[1]!.flags, ['wall_carry_repaid']);
    assert.ok(closeTo(r.intervals[1]!.unattributedJoules, 0));
    assert.equal(r.pending.size, 0);
  }
});

test('a 59 s job on a meter lagging one interval lands within 0.5% of its true wall/software ratio', () => {
  for (const [idle, job] of [[60, 300], [150, 250], [20, 900]] as const) {
    const truth = host({ before: 120, jobSeconds: 59, after: 120, idle, job });
    const ivs = meter(truth, 1.059, 1);
    const r = reconcileMeter(ivs, { ratio: hostRatio(ivs) });
    checkConservation(r, ivs);
    const ratio = jobWall(r, 'j') / (59 * job);
    assert.ok(Math.abs(ratio / 1.059 - 1) < 0.005, `idle ${idle} W, job ${job} W: wall/software ${ratio}, true 1.059`);
    // Without the carry the same job gets 1.059 x (its intervals' readings): the lag edge is lost.
    const perInterval = sum(ivs.slice(120, 179).map((i) => i.wallJoules * (job / i.componentJoules)));
    assert.ok(Math.abs(perInterval / (59 * job) / 1.059 - 1) > 0.005, 'the test can tell carry from no carry');
  }
});

test('property: any meter, any jobs: every reading handed out in its own interval, nothing negative, no job above the meter in any window', () => {
  const interval = fc.record({
    wall: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 2000, noNaN: true })),
    jobs: fc.array(fc.record({ jobId: fc.constantFrom('a', 'b', 'c'), softwareJoules: fc.double({ min: 0, max: 500, noNaN: true }) }), { maxLength: 3 }),
    extra: fc.double({ min: 0, max: 300, noNaN: true }),
  });
  fc.assert(
    fc.property(fc.array(interval, { maxLength: 40 }), fc.double({ min: 0.5, max: 2, noNaN: true }), fc.integer({ min: 0, max: 6 }), (raw, ratio, maxLagIntervals) => {
      const ivs: MeterInterval[] = raw.map((x, i) => ({ startUs: i * S, endUs: (i + 1) * S, wallJoules: x.wall, componentJoules: sum(x.jobs.map((j) => j.softwareJoules)) + x.extra, jobs: x.jobs }));
      const r = reconcileMeter(ivs, { ratio, maxLagIntervals });
      checkConservation(r, ivs);
      for (let a = 0; a < ivs.length; a++) {
        for (let b = a + 1; b <= ivs.length; b++) {
          const meterJ = sum(ivs.slice(a, b).map((i) => i.wallJoules));
          const jobsJ = sum(r.intervals.slice(a, b).flatMap((i) => [...i.jobs.values()]));
          assert.ok(jobsJ <= meterJ * (1 + 1e-9) + 1e-9, `window [${a}, ${b}): jobs ${jobsJ} > meter ${meterJ}`);
        }
      }
    }),
    { numRuns: 200 },
  );
});

// A job draws more than the idle host it runs on (a GPU job does: idle 10-200 W, job 2x to 10x that).
const shape = fc
  .record({
    idle: fc.double({ min: 10, max: 200, noNaN: true }),
    load: fc.double({ min: 2, max: 10, noNaN: true }),
    seconds: fc.integer({ min: 30, max: 400 }),
    trueRatio: fc.double({ min: 1, max: 1.3, noNaN: true }),
  })
  .map((s) => ({ ...s, job: s.idle * s.load }));

test('property: lagging meters (1 to 3 intervals): a job lands within 0.5% of its true ratio once it runs 60 intervals', () => {
  fc.assert(
    fc.property(shape, fc.integer({ min: 1, max: 3 }), (s, lag) => {
      const truth = host({ before: 60, jobSeconds: Math.max(60, s.seconds), after: 60, idle: s.idle, job: s.job });
      const ivs = meter(truth, s.trueRatio, lag);
      const r = reconcileMeter(ivs, { ratio: hostRatio(ivs) });
      checkConservation(r, ivs);
      const got = jobWall(r, 'j') / (Math.max(60, s.seconds) * s.job);
      assert.ok(Math.abs(got / s.trueRatio - 1) < 0.005, `lag ${lag}: ${got} vs ${s.trueRatio}`);
    }),
    { numRuns: 200 },
  );
});

test('property: averaging meters (window 2 to 4 intervals) land within 0.5% too; leading meters conserve and stay within 2%', () => {
  fc.assert(
    fc.property(shape, fc.integer({ min: 2, max: 4 }), (s, window) => {
      const seconds = Math.max(60, s.seconds);
      const truth = host({ before: 60, jobSeconds: seconds, after: 60, idle: s.idle, job: s.job });
      const ivs = meter(truth, s.trueRatio, 0, window);
      const r = reconcileMeter(ivs, { ratio: hostRatio(ivs) });
      checkConservation(r, ivs);
      const got = jobWall(r, 'j') / (seconds * s.job);
      assert.ok(Math.abs(got / s.trueRatio - 1) < 0.005, `window ${window}: ${got} vs ${s.trueRatio}`);
      // A meter ahead of the components (clock skew) cannot be paid back in advance: conserved, a little low.
      const lead = meter(truth, s.trueRatio, -1);
      const rl = reconcileMeter(lead, { ratio: hostRatio(lead) });
      checkConservation(rl, lead);
      const gotLead = jobWall(rl, 'j') / (seconds * s.job);
      assert.ok(Math.abs(gotLead / s.trueRatio - 1) < 0.02, `leading: ${gotLead} vs ${s.trueRatio}`);
    }),
    { numRuns: 200 },
  );
});

test('a shortfall the meter never makes up lapses after maxLagIntervals: the job keeps what the meter read', () => {
  const ivs: MeterInterval[] = [0, 1, 2, 3, 4, 5].map((i) => ({ startUs: i * S, endUs: (i + 1) * S, wallJoules: i === 0 ? 40 : 100, componentJoules: 100, jobs: [{ jobId: 'j', softwareJoules: 100 }] }));
  const r = reconcileMeter(ivs, { ratio: 1, maxLagIntervals: 2 });
  checkConservation(r, ivs);
  assert.ok(closeTo(jobWall(r, 'j'), 540), 'every joule the meter read, and no more');
  assert.ok(closeTo(r.pending.get('j') ?? 0, 60) || closeTo(r.lapsed.get('j') ?? 0, 60), `60 J unpaid: pending ${r.pending.get('j')}, lapsed ${r.lapsed.get('j')}`);
});
