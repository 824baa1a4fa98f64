/**
 * Peak resident memory of a process and its descendants, sampled from /proc (Linux only).
 *
 * A language server may start helpers (workers, child processes), so the sum of VmRSS over the
 * whole tree is sampled. The kernel's own high-water mark (VmHWM) of the root process is read as
 * well, so that a peak between two samples of a single-process server is not missed.
 */
import { readFileSync, readdirSync } from 'node:fs';

function statusField(pid: number, field: string): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    // The process is gone.
    return undefined;
  }
}

/** Direct children of `pid`, from the parent-pid field of every process's stat line. */
function children(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name is in parentheses and may hold spaces; the parent pid follows the state.
      const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(afterName[1]) === pid) found.push(Number(entry));
    } catch {
      // Exited while we looked.
    }
  }
  return found;
}

function tree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

export class RssSampler {
  private peakBytes = 0;
  private descendants: number[] = [];
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(private readonly pid: number, private readonly intervalMs = 20) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
  }

  private sample(): void {
    // Scanning /proc for children costs a few ms of the benchmark's own event loop, which delays
    // whatever answer arrives meanwhile; servers start helpers, if at all, when they start, so
    // the scan runs on the first ticks and then every ten seconds.
    const tick = this.ticks++;
    if (tick < 10 || tick % 500 === 0) this.descendants = tree(this.pid).slice(1);
    let total = 0;
    for (const pid of [this.pid, ...this.descendants]) total += statusField(pid, 'VmRSS') ?? 0;
    this.peakBytes = Math.max(this.peakBytes, total, statusField(this.pid, 'VmHWM') ?? 0);
  }

  /** Stops sampling and returns the peak in bytes; call before the process exits. */
  stop(): number {
    this.sample();
    if (this.timer) clearInterval(this.timer);
    return this.peakBytes;
  }
}

/**
 * CPU time used so far by a process (all its threads), in clock ticks (1/100 s on Linux), from
 * /proc/PID/stat; `undefined` once it is gone.
 */
export function cpuTicks(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // utime and stime are the 12th and 13th fields after the parenthesised command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}
