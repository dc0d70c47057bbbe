import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * Top self-time functions and files of a V8 `.cpuprofile` (from `node --cpu-prof`).
 * CLI: `tsx bench/summarise-cpu-profile.ts <file.cpuprofile> [top] [skipMs]`.
 */
type ProfileNode = {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
};
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

export type CostRow = { name: string; ms: number; percent: number };
export type ProfileSummary = {
  totalMs: number;
  idleMs: number;
  /** Self time per function. */
  functions: CostRow[];
  /** Self time per file (packages by their path under node_modules). */
  files: CostRow[];
  /** Inclusive time (self + callees) per project function (`src/`, or the bundle in `dist/`), once per sample. */
  projectInclusive: CostRow[];
};

/** `skipMs`: leave out the first milliseconds of the profile (start-up, module loading). */
export function summariseCpuProfile(path: string, options: { top?: number; skipMs?: number } = {}): ProfileSummary {
  const top = options.top ?? 25;
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  for (let index = 0; index < profile.samples.length; index++) {
    elapsedUs += profile.timeDeltas[index] ?? 0;
    if (elapsedUs < (options.skipMs ?? 0) * 1000) continue;
    const id = profile.samples[index] as number;
    const delta = profile.timeDeltas[index + 1] ?? 0; // a sample's time runs until the next sample
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const frame = (byId.get(at) as ProfileNode).callFrame;
      const file = shortFile(frame.url);
      if (!file.startsWith('src/') && !file.startsWith('dist/')) continue;
      const name = `${frame.functionName || '(anonymous)'}  ${file}`;
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + us);
    }
  }
  const functions = new Map<string, number>();
  const files = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    totalUs += us;
    if (frame.functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const file = shortFile(frame.url);
    const line = frame.url && !file.startsWith('src/') ? `:${frame.lineNumber + 1}` : ''; // tsx output: no lines
    const name = `${frame.functionName || '(anonymous)'}  ${file}${line}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
    files.set(file, (files.get(file) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const rows = (map: Map<string, number>) =>
    [...map]
      .sort(([, left], [, right]) => right - left)
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, percent: (100 * us) / busyUs }));
  return {
    totalMs: totalUs / 1000,
    idleMs: idleUs / 1000,
    functions: rows(functions),
    files: rows(files),
    projectInclusive: rows(inclusive),
  };
}

/** `node:internal/...`, `hono/dist/...` for packages, `src/...` for the project, `(native)` for V8 builtins. */
function shortFile(url: string): string {
  if (!url) return '(native)';
  const path = url.startsWith('file://') ? new URL(url).pathname : url;
  const packageAt = path.lastIndexOf('/node_modules/');
  if (packageAt >= 0) return path.slice(packageAt + '/node_modules/'.length);
  if (path.startsWith('/')) return relative(process.cwd(), path);
  return path;
}

export function formatProfileSummary(summary: ProfileSummary): string {
  const lines = [
    `profile: ${summary.totalMs.toFixed(0)} ms sampled, ${(summary.totalMs - summary.idleMs).toFixed(0)} ms busy; self time as % of busy`,
    '',
    'top functions (self time):',
  ];
  for (const row of summary.functions) {
    lines.push(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(6)} ms  ${row.name}`);
  }
  lines.push('', 'top files (self time):');
  for (const row of summary.files) {
    lines.push(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(6)} ms  ${row.name}`);
  }
  lines.push('', 'project functions (inclusive time: self + everything they call):');
  for (const row of summary.projectInclusive) {
    lines.push(`  ${row.percent.toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(6)} ms  ${row.name}`);
  }
  return lines.join('\n');
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const path = process.argv[2];
  if (!path) throw new Error('usage: tsx bench/summarise-cpu-profile.ts <file.cpuprofile> [top]');
  const summary = summariseCpuProfile(path, {
    top: Number(process.argv[3] ?? 25),
    skipMs: Number(process.argv[4] ?? 0),
  });
  process.stdout.write(`${formatProfileSummary(summary)}\n`);
}
