// Compiles the fake NVML (fake_nvml.c) into test/.build/nvml/libnvidia-ml.so.1
// and returns its path. Rebuilt only when the source is newer; written to a
// temporary name and renamed, so test files building at once do not collide.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = path.join(HERE, 'fake_nvml.c');
export const FAKE_NVML_DIR = path.join(HERE, '..', '..', '.build', 'nvml');
export const FAKE_NVML_LIB = path.join(FAKE_NVML_DIR, 'libnvidia-ml.so.1');

export function buildFakeNvml(): string {
  const built = fs.statSync(FAKE_NVML_LIB, { throwIfNoEntry: false });
  if (built && built.mtimeMs >= fs.statSync(SOURCE).mtimeMs) return FAKE_NVML_LIB;
  fs.mkdirSync(FAKE_NVML_DIR, { recursive: true });
  const tmp = `${FAKE_NVML_LIB}.${process.pid}.tmp`;
  execFileSync('gcc', ['-shared', '-fPIC', '-O2', '-Wall', '-Wextra', '-Werror', '-o', tmp, SOURCE, '-lpthread'], { stdio: ['ignore', 'ignore', 'pipe'] });
  fs.renameSync(tmp, FAKE_NVML_LIB);
  return FAKE_NVML_LIB;
}
