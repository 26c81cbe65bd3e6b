import { readFileSync } from 'node:fs';
import os from 'node:os';

/** What the figures were measured on. */
export interface Machine {
  cpu_model: string;
  cores: number;
  memory_gb: number;
  node: string;
  platform: string;
  kernel: string;
  load_average_at_start: number[];
}

export function machine(): Machine {
  let model = os.cpus()[0]?.model ?? 'unknown';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux
  }
  return {
    cpu_model: model,
    cores: os.availableParallelism(),
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
    kernel: os.release(),
    load_average_at_start: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}
