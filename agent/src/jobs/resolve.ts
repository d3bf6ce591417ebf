// Which job a process belongs to. Order (first match wins):
//   1. an explicit registration of this process (wattprint measure, Slurm prolog)
//   2. environment variables (WATTPRINT_JOB_ID, SLURM_JOB_ID, configured names)
//   3. cgroup path patterns (Slurm job_N, Kubernetes pod UID, systemd-run units, configured)
//   4. the parent process's job
// Pure: the scanner gathers the inputs. A job id outside the shared limits
// (proto/src/limits.ts) counts as none: the collector would refuse the report.
import { checkJobId } from '@wattprint/proto';

export type JobSource = 'registration' | 'env' | 'cgroup' | 'parent' | '';

export interface JobMatch {
  jobId: string;
  source: JobSource;
  labels?: Record<string, string>;
}

export interface JobRules {
  /** Extra environment variables whose value is a job id, checked after WATTPRINT_JOB_ID and SLURM_JOB_ID. */
  envVars: string[];
  /** Extra cgroup patterns; capture group 1 is the job id. Checked before the built-in ones. */
  cgroupPatterns: RegExp[];
}

export const DEFAULT_JOB_RULES: JobRules = { envVars: [], cgroupPatterns: [] };

const BUILTIN_CGROUP: { re: RegExp; id: (m: RegExpMatchArray) => string }[] = [
  { re: /\/job_(\d+)(?:\/|$)/, id: (m) => `slurm-${m[1]}` },
  { re: /kubepods[^/]*\/(?:[^/]+\/)?(?:kubepods-[a-z]+-)?pod([0-9a-f_-]{36})(?:\.slice)?(?:\/|$)/, id: (m) => `k8s-pod-${m[1]!.replaceAll('_', '-')}` },
  { re: /\/(run-[^/]+)\.(?:service|scope)(?:\/|$)/, id: (m) => `systemd-${m[1]}` },
];

export function jobFromEnv(env: Map<string, string> | undefined, rules: JobRules): string | undefined {
  if (!env) return undefined;
  const own = env.get('WATTPRINT_JOB_ID');
  if (own) return own;
  const slurm = env.get('SLURM_JOB_ID');
  if (slurm) return `slurm-${slurm}`;
  for (const name of rules.envVars) {
    const v = env.get(name);
    if (v) return v;
  }
  return undefined;
}

export function jobFromCgroup(cgroup: string, rules: JobRules): string | undefined {
  if (!cgroup) return undefined;
  for (const re of rules.cgroupPatterns) {
    const m = cgroup.match(re);
    if (m?.[1]) return m[1];
  }
  for (const { re, id } of BUILTIN_CGROUP) {
    const m = cgroup.match(re);
    if (m) return id(m);
  }
  return undefined;
}

export function resolveJob(input: {
  registration?: { jobId: string; labels?: Record<string, string> };
  env?: Map<string, string>;
  cgroup: string;
  parent?: JobMatch;
  rules: JobRules;
}): JobMatch {
  if (input.registration) return { jobId: input.registration.jobId, source: 'registration', labels: input.registration.labels };
  const fromEnv = jobFromEnv(input.env, input.rules);
  if (fromEnv && !checkJobId(fromEnv)) return { jobId: fromEnv, source: 'env' };
  const fromCgroup = jobFromCgroup(input.cgroup, input.rules);
  if (fromCgroup && !checkJobId(fromCgroup)) return { jobId: fromCgroup, source: 'cgroup' };
  if (input.parent?.jobId) return { jobId: input.parent.jobId, source: 'parent', labels: input.parent.labels };
  return { jobId: '', source: '' };
}
