/** CPU time of the bench's processes, read from /proc: what the capacity model charges to the worker and to Temporal. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';

/** Cumulative CPU seconds of the worker process and of the Temporal dev server at one moment. */
export interface CpuSample {
  worker: number;
  server: number;
}

let ticksPerSecond: number | undefined;

/** `getconf CLK_TCK`: the unit of the times in /proc/<pid>/stat (100 on Linux). */
function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
  return ticksPerSecond;
}

/**
 * User + system CPU seconds of process `pid`, all its threads, plus the children it has waited for (utime, stime,
 * cutime, cstime); NaN where /proc is missing (not Linux) or the process is gone.
 */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
    // Field 3 (state) is then index 0, so utime (field 14) ... cstime (field 17) are indexes 11 to 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0);
    return ticks / clockTicks();
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds each process spent between two samples. */
export function cpuSpent(before: CpuSample, after: CpuSample): CpuSample {
  return { worker: after.worker - before.worker, server: after.server - before.server };
}

/**
 * Waits until the work a measured step set off is done, i.e. both processes are quiet (each under 5% of a core over
 * a second; at most `boundMs`), and returns the CPU seconds spent since `before`: what follows the step's end point
 * (a state written after the request email, the cycle told of an answer) is part of its cost.
 */
export async function cpuSpentUntilQuiet(
  read: () => CpuSample,
  before: CpuSample,
  boundMs = 60_000,
): Promise<CpuSample> {
  const end = Date.now() + boundMs;
  let last = read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = read();
    const second = cpuSpent(last, now);
    if ((second.worker < 0.05 && second.server < 0.05) || Date.now() > end) return cpuSpent(before, now);
    last = now;
  }
}
