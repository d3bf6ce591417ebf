// A meter the agent does not know: a configured command (argv, no shell) that
// prints one number, either watts now or a cumulative energy register in
// joules, as the config says. A register is preferred: missed polls lose nothing.
import { Source } from '@wattprint/proto';
import { MeterError, type Meter, type MeterReading } from './meter.ts';
import { runCommand } from './io.ts';

export interface CommandMeterConfig {
  kind: 'command';
  name: string;
  command: string[];
  /** What the number printed is: "watts" (instantaneous) or "joules" (cumulative). */
  unit: 'watts' | 'joules';
}

/** The first token of stdout as a number >= 0. */
export function parseCommandOutput(stdout: string, what: string): number {
  const token = stdout.trim().split(/\s+/)[0] ?? '';
  if (!/^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(token)) {
    throw new MeterError('malformed', `${what} printed ${JSON.stringify(stdout.trim().slice(0, 60))}, not a number >= 0`, 'make the command print one plain number (e.g. "231.5") on stdout');
  }
  return Number(token);
}

export class CommandMeter implements Meter {
  readonly kind = 'command' as const;
  readonly source = Source.SOURCE_COMMAND;
  readonly name: string;
  readonly target: string;
  private readonly cfg: CommandMeterConfig;

  constructor(cfg: CommandMeterConfig) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.target = cfg.command.join(' ');
  }

  async read(signal: AbortSignal): Promise<MeterReading> {
    const r = await runCommand(this.cfg.command, { signal });
    const what = this.cfg.command[0]!;
    if (r.code !== 0) {
      throw new MeterError('exec', `${what} exited with ${r.code ?? r.signal}: ${(r.stderr.trim() || '(no stderr)').split('\n')[0]!.slice(0, 200)}`, 'run the command by hand as the agent user to see what fails');
    }
    const n = parseCommandOutput(r.stdout, what);
    return this.cfg.unit === 'joules' ? { energyJoules: n } : { watts: n };
  }
}
