// The agent's instance id: the boot id plus an id persisted in the agent's
// state (spool) directory. Two agents speaking for one host have different
// instance ids, which is how a collector tells them apart and refuses the
// second one; a restarted agent on the same state keeps its id.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function persistentAgentId(stateDir: string): string {
  const file = path.join(stateDir, 'agent-id');
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    if (/^[0-9a-f-]{8,64}$/.test(id)) return id;
  } catch {
    /* first start */
  }
  const id = crypto.randomUUID();
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(`${file}.tmp`, id + '\n');
  fs.renameSync(`${file}.tmp`, file);
  return id;
}

export function agentInstanceId(stateDir: string, bootId: string): string {
  return `${bootId || 'unknown-boot'}/${persistentAgentId(stateDir)}`;
}
