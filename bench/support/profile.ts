import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/** Where a `--cpu-prof` profile's time went: self time by function and by package/file, top entries. */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function where(url: string): string {
  if (url === '') return '(native)';
  const clean = url.replace(/^file:\/\//, '');
  const nm = clean.lastIndexOf('node_modules/');
  if (nm !== -1) {
    const rest = clean.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (clean.startsWith('node:')) return clean;
  const src = clean.indexOf('/src/');
  return src !== -1 ? clean.slice(src + 1) : path.basename(clean);
}

export async function summariseProfile(file: string, top = 15): Promise<{ file: string; total_ms: number; functions: { name: string; ms: number; pct: number }[]; modules: { name: string; ms: number; pct: number }[] }> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const { functionName, url, lineNumber } = node.callFrame;
    const module = where(url);
    const name = functionName === '(idle)' || functionName === '(program)' || functionName === '(garbage collector)' ? functionName : `${functionName || '(anonymous)'} ${module}:${lineNumber + 1}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const m = functionName.startsWith('(') ? functionName : module;
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: Math.round(us / 1000), pct: Math.round((us / total) * 1000) / 10 }));
  return { file: path.basename(file), total_ms: Math.round(total / 1000), functions: rank(fn), modules: rank(mod) };
}

export type ProfileSummary = Awaited<ReturnType<typeof summariseProfile>>;

/**
 * The main-thread profile of every process profiled since `since` (folders `<label>-<ms>/`); a process's other
 * threads (tsx's module loader) are told apart by their busy time, the main thread having the most.
 */
export async function processProfiles(dir: string, since: number): Promise<{ label: string; summary: ProfileSummary }[]> {
  const folders = (await readdir(dir).catch(() => [] as string[])).filter((f) => Number(/-(\d+)$/.exec(f)?.[1] ?? 0) >= since);
  const out: { label: string; summary: ProfileSummary }[] = [];
  for (const folder of folders.sort()) {
    const files = (await readdir(path.join(dir, folder))).filter((f) => f.endsWith('.cpuprofile'));
    const summaries = await Promise.all(files.map((f) => summariseProfile(path.join(dir, folder, f))));
    const busy = (s: ProfileSummary) => s.total_ms - (s.modules.find((m) => m.name === '(idle)')?.ms ?? 0);
    const main = summaries.sort((a, b) => busy(b) - busy(a))[0];
    if (main) out.push({ label: folder.replace(/-\d+$/, ''), summary: { ...main, file: `${folder}/${main.file}` } });
  }
  return out;
}

// `tsx bench/support/profile.ts FILE…`: summarise profiles by hand.
if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  for (const file of process.argv.slice(2)) {
    const s = await summariseProfile(file, 25);
    console.log(`\n${s.file}: ${s.total_ms} ms sampled`);
    for (const m of s.modules) console.log(`  ${String(m.pct).padStart(5)}%  ${m.name}`);
    console.log('  --');
    for (const f of s.functions) console.log(`  ${String(f.pct).padStart(5)}%  ${f.name}`);
  }
}
