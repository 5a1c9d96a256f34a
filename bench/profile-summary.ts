/**
 * `npx ts-node --transpile-only bench/profile-summary.ts <file.cpuprofile>`: where a V8 CPU profile (from
 * BENCH_CPU_PROF, see bench/worker-handle.ts) spent its time: self time by function, and inclusive time by package
 * or source folder (node_modules/<pkg>, src/<folder>, node internals), so "what is the worker busy with" has numbers.
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** The package or source folder a script URL belongs to. */
export function ownerOf(url: string): string {
  if (!url) return '(native/idle/gc)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm) return nm[1];
  const src = /\/(src|bench|test)\/([^/]+)/.exec(url);
  if (src) return `${src[1]}/${src[2]}`;
  if (url.startsWith('node:')) return 'node internals';
  return url.replace(/^.*\//, '');
}

/** Self milliseconds by function and inclusive milliseconds by owner, largest first. */
export function summarize(
  profile: Profile,
  top = 25,
): { totalMs: number; selfByFunction: [string, number][]; inclusiveByOwner: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${ownerOf(f.url)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const owners = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const u = byId.get(cur)!.callFrame.url;
      if (u || cur === id) owners.add(ownerOf(u));
    }
    for (const o of owners) inclusive.set(o, (inclusive.get(o) ?? 0) + dt);
  });
  const sorted = (m: Map<string, number>) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => [k, Math.round(v)] as [string, number]);
  return {
    totalMs: Math.round((profile.endTime - profile.startTime) / 1000),
    selfByFunction: sorted(self),
    inclusiveByOwner: sorted(inclusive),
  };
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const s = summarize(JSON.parse(fs.readFileSync(file, 'utf8')) as Profile);
    console.log(`\n${file}: ${s.totalMs} ms profiled`);
    console.log('  inclusive by package/folder:');
    for (const [k, v] of s.inclusiveByOwner) console.log(`    ${String(v).padStart(8)} ms  ${k}`);
    console.log('  self by function:');
    for (const [k, v] of s.selfByFunction) console.log(`    ${String(v).padStart(8)} ms  ${k}`);
  }
}
