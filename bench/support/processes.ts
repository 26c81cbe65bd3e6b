import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  freePort,
  repoRoot,
  sleep,
  spawnNode,
  spawnTributary as spawnTributaryProcess,
  stopAllChildren,
  tail,
  type TributaryChild,
} from '../../test/support/child-process.js';

/**
 * Child processes of the benchmark: the sandbox, `tributary worker` / `tributary serve`, the raw loader. Each
 * is a real process (so its memory and CPU are its own), tracked so that nothing outlives the run.
 */
export { repoRoot };
let tributaryRoot = repoRoot;

/**
 * Runs `tributary worker` / `serve` from another checkout (`--tributary-root`): the same harness, sandbox and raw
 * loader against another version of the engine, for before/after comparisons in one sitting.
 */
export function setTributaryRoot(dir: string): void {
  tributaryRoot = path.resolve(dir);
}

/** A benchmark child: the test suites' tracked child process (output lines, waitForLine, stop, kill). */
export type Child = TributaryChild;

export interface SpawnOptions {
  env: Record<string, string>;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[] | undefined;
  /** Keep at most this many output lines (a long sync logs little, but a server under load may log a lot). */
  keepLines?: number;
  cwd?: string;
}

/** `node bin/tributary.js <args>`: the real CLI, as users run it. */
export function spawnTributary(name: string, args: string[], options: SpawnOptions): Child {
  return spawnTributaryProcess(name, args, options.env, { nodeFlags: options.nodeFlags, keepLines: options.keepLines ?? 2000, root: tributaryRoot });
}

/** A TypeScript entry point of the benchmark itself (through tsx, like the CLI). */
export function spawnScript(name: string, script: string, args: string[], options: SpawnOptions): Child {
  return spawnNode(name, ['--import', 'tsx', path.join(repoRoot, script), ...args], { ...options, keepLines: options.keepLines ?? 2000 });
}

export { freePort, sleep, stopAllChildren, tail };

/** `VmHWM` (peak resident set) and `VmRSS` of a live process, in bytes, from /proc/<pid>/status. */
export function memoryOf(pid: number): { peakRss: number; rss: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { peakRss: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return null;
  }
}

/** Total CPU time (user + system) a process has used so far, in milliseconds, from /proc/<pid>/stat. */
export function cpuMsOf(pid: number): number | null {
  const split = cpuSplitOf(pid);
  return split === null ? null : split.user + split.system;
}

/** User and system (kernel: sockets, page faults) CPU milliseconds of a process so far. */
export function cpuSplitOf(pid: number): { user: number; system: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 (1-based), in ticks
    // of 1/100 s (USER_HZ).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * 10, system: Number(fields[12]) * 10 };
  } catch {
    return null;
  }
}

/**
 * Milliseconds the process's threads spent ready to run but waiting for a CPU (/proc/<pid>/task/…/schedstat):
 * how much the machine's other work held it back.
 */
export function runQueueMsOf(pid: number): number | null {
  try {
    let total = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const fields = readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').trim().split(' ');
      total += Number(fields[1]) / 1e6;
    }
    return total;
  } catch {
    return null;
  }
}

/** Busy and total CPU milliseconds of the whole machine so far (/proc/stat), to tell how busy it was overall. */
export function machineCpuMs(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = line;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy * 10, total: (busy + idle + iowait) * 10 };
}

/** Samples a process's RSS every `everyMs` until stopped: the peak (VmHWM) plus the curve. */
export function sampleMemory(pid: number, everyMs = 500): { stop(): { samples: { t: number; rss: number }[]; peakRss: number } } {
  const started = Date.now();
  const samples: { t: number; rss: number }[] = [];
  let peak = 0;
  const take = () => {
    const m = memoryOf(pid);
    if (!m) return;
    samples.push({ t: Date.now() - started, rss: m.rss });
    peak = Math.max(peak, m.peakRss);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      take();
      clearInterval(timer);
      return { samples, peakRss: peak };
    },
  };
}

/** Every process whose command name is `comm` (e.g. every PostgreSQL backend), with its CPU time so far. */
export function cpuByCommand(comm: string): Map<number, number> {
  const out = new Map<number, number>();
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue;
    }
    const ms = cpuMsOf(Number(entry));
    if (ms !== null) out.set(Number(entry), ms);
  }
  return out;
}

/**
 * CPU seconds used by each party during a measurement: the named child processes, and every PostgreSQL server
 * process (which includes other clients of that server, if any are busy at the time).
 */
export class CpuMeter {
  private readonly start = new Map<string, number>();
  private readonly startSystem = new Map<string, number>();
  private readonly startQueue = new Map<string, number>();
  private readonly pgStart: Map<number, number>;
  private readonly machineStart = machineCpuMs();
  private readonly startedAt = Date.now();

  constructor(private readonly parties: Record<string, number | undefined>, private readonly withPostgres: boolean) {
    for (const [name, pid] of Object.entries(parties)) {
      if (pid === undefined) continue;
      const split = cpuSplitOf(pid);
      this.start.set(name, split ? split.user + split.system : 0);
      this.startSystem.set(name, split?.system ?? 0);
      this.startQueue.set(name, runQueueMsOf(pid) ?? 0);
    }
    this.start.set('bench harness', process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000);
    this.pgStart = withPostgres ? cpuByCommand('postgres') : new Map();
  }

  /**
   * CPU seconds per party (and of them, kernel seconds; and seconds spent waiting for a CPU), the wall-clock
   * seconds since the meter started, and the whole machine's busy CPU seconds (other work included).
   */
  stop(): CpuFigures {
    const cpuS: Record<string, number> = {};
    const systemS: Record<string, number> = {};
    const runQueueS: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.parties)) {
      if (pid === undefined) continue;
      const split = cpuSplitOf(pid);
      if (split !== null) {
        cpuS[name] = round((split.user + split.system - (this.start.get(name) ?? 0)) / 1000);
        systemS[name] = round((split.system - (this.startSystem.get(name) ?? 0)) / 1000);
      }
      const queue = runQueueMsOf(pid);
      if (queue !== null) runQueueS[name] = round((queue - (this.startQueue.get(name) ?? 0)) / 1000);
    }
    const usage = process.cpuUsage();
    cpuS['bench harness'] = round((usage.user / 1000 + usage.system / 1000 - (this.start.get('bench harness') ?? 0)) / 1000);
    if (this.withPostgres) {
      let total = 0;
      for (const [pid, ms] of cpuByCommand('postgres')) total += ms - (this.pgStart.get(pid) ?? 0);
      cpuS['postgres server'] = round(total / 1000);
    }
    const machine = machineCpuMs();
    return {
      wallS: round((Date.now() - this.startedAt) / 1000),
      cpuS,
      systemS,
      runQueueS,
      machineBusyS: round((machine.busy - this.machineStart.busy) / 1000),
    };
  }
}

export interface CpuFigures {
  wallS: number;
  /** CPU seconds per process (user + kernel). */
  cpuS: Record<string, number>;
  /** Of those, kernel seconds. */
  systemS?: Record<string, number>;
  /** Seconds each process was ready to run but waited for a CPU. */
  runQueueS?: Record<string, number>;
  /** Busy CPU seconds of the whole machine over the same time, whoever used them. */
  machineBusyS?: number;
}

const round = (n: number) => Math.round(n * 100) / 100;
