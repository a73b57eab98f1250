/**
 * Processes from Linux's /proc: resident memory for the coordinator's watchdog on its worker
 * processes and the benchmark's peak; CPU time, the measure of a file's work (a worker's own,
 * or a worker stopped at its time limit); command lines for finding what a killed worker left
 * running (legacy.ts). Elsewhere every figure is null/empty (CPU time of this process from Node).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

/** /proc counts CPU time in ticks of 1/100 s (USER_HZ, the same on every Linux). */
const TICK_MS = 10;

/** User + system CPU time from a /proc stat line, ms; null when it cannot be read. */
function statCpuMs(file: string): number | null {
  try {
    const text = readFileSync(file, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses): state is the 3rd, utime the 14th, stime the 15th.
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(f[11]) + Number(f[12]);
    return Number.isFinite(ticks) ? ticks * TICK_MS : null;
  } catch {
    return null;
  }
}

/**
 * CPU time used so far, ms: by process `pid` (null when gone or unknown), or with 'self' by
 * this process — in a worker thread by this thread alone, where Linux tells it.
 */
export function cpuMsOf(pid: 'self'): number;
export function cpuMsOf(pid: number): number | null;
export function cpuMsOf(pid: number | 'self'): number | null {
  if (pid !== 'self') return statCpuMs(`/proc/${pid}/stat`);
  if (!isMainThread) {
    const thread = statCpuMs('/proc/thread-self/stat');
    if (thread != null) return thread;
  }
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Pids of this process's children. */
export function childPids(): string[] {
  try {
    return readdirSync('/proc/self/task').flatMap((t) => readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim().split(/\s+/).filter(Boolean));
  } catch {
    return [];
  }
}

/** Resident memory of a process (`self` or a pid), kB; null when it cannot be read. */
export function rssKb(pid: string): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Pids of the processes (other than this one) whose command line holds `text`. */
export function pidsRunning(text: string): number[] {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  return pids
    .filter((pid) => {
      try {
        return Number(pid) !== process.pid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // gone already, or not ours to see
      }
    })
    .map(Number);
}
