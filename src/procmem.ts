/**
 * Processes from Linux's /proc: resident memory for the coordinator's watchdog on its worker
 * processes and the benchmark's peak; command lines for finding what a killed worker left
 * running (legacy.ts). Elsewhere every figure is null/empty.
 */
import { readFileSync, readdirSync } from 'node:fs';

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
