/**
 * Resident memory of processes from Linux's /proc: the coordinator's watchdog on its worker
 * processes and the benchmark's peak both read it here. Elsewhere every figure is null/empty.
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
