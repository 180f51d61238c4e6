/**
 * Summarises V8 .cpuprofile files (from `node --cpu-prof`): top functions by self time, and self time by
 * module (package or source directory). When the profile directory holds a `windows.json` written by a
 * benchmark ([{ label, startUs, endUs }], CLOCK_MONOTONIC microseconds like the profile's timestamps), only
 * samples inside those windows are counted, so server start-up and idle time do not dilute the figures.
 *
 *   npx tsx bench/profile-summary.ts <profile.cpuprofile | directory> [topN]
 *
 * PROFILE_WINDOW=<label prefix> counts only the windows whose label starts with it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}
interface Window {
  label: string;
  startUs: number;
  endUs: number;
}

function moduleOf(url: string): string {
  if (!url) return '(native / V8)';
  if (url.startsWith('node:')) return `node:${url.slice(5).split('/')[0]}`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  const pk = /\/packages\/([^/]+)\/src\/(.*)$/.exec(url);
  if (pk) {
    const dir = pk[2]!.includes('/') ? pk[2]!.slice(0, pk[2]!.lastIndexOf('/')) : '';
    return `@openframer/${pk[1]}${dir ? `/${dir}` : ''}`;
  }
  return url.replace(/^file:\/\//, '');
}

function shortUrl(url: string): string {
  if (!url) return '';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + '/node_modules/'.length);
  const pk = url.indexOf('/packages/');
  if (pk >= 0) return url.slice(pk + 1);
  return url.replace(/^file:\/\//, '');
}

function summarise(profile: CpuProfile, windows: Window[] | undefined, topN: number): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
  /** The nearest frame (itself or a caller) from a package or our sources, so node:buffer work done for csv-parse counts for csv-parse. */
  const ownerOf = (node: ProfileNode): string => {
    for (let cur: ProfileNode | undefined = node; cur; cur = byId.get(parentOf.get(cur.id) ?? -1)) {
      const url = cur.callFrame.url;
      if (url && !url.startsWith('node:')) return moduleOf(url);
    }
    return node.callFrame.url ? moduleOf(node.callFrame.url) : node.callFrame.functionName || '(native)';
  };
  const selfByFn = new Map<string, number>();
  const selfByModule = new Map<string, number>();
  const selfByOwner = new Map<string, number>();
  let t = profile.startTime;
  let counted = 0;
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (windows && !windows.some((w) => t >= w.startUs && t <= w.endUs)) continue;
    const node = byId.get(profile.samples[i]!);
    if (!node) continue;
    const cf = node.callFrame;
    total += delta;
    if (cf.functionName === '(idle)') continue;
    counted += delta;
    const fn = `${cf.functionName || '(anonymous)'} ${shortUrl(cf.url)}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
    selfByFn.set(fn, (selfByFn.get(fn) ?? 0) + delta);
    const mod = cf.url ? moduleOf(cf.url) : cf.functionName;
    selfByModule.set(mod, (selfByModule.get(mod) ?? 0) + delta);
    const owner = ownerOf(node);
    selfByOwner.set(owner, (selfByOwner.get(owner) ?? 0) + delta);
  }
  const ms = (us: number) => (us / 1000).toFixed(0).padStart(7);
  const pct = (us: number) => `${((100 * us) / (counted || 1)).toFixed(1).padStart(5)}%`;
  const lines = [
    `window: ${windows ? windows.map((w) => w.label).join(', ') : 'whole profile'}; ` +
      `sampled ${(total / 1000).toFixed(0)} ms, busy (non-idle) ${(counted / 1000).toFixed(0)} ms`,
    `top ${topN} functions by self time (ms, % of busy):`,
  ];
  for (const [fn, us] of [...selfByFn].sort((a, b) => b[1] - a[1]).slice(0, topN)) {
    lines.push(`  ${ms(us)} ${pct(us)}  ${fn}`);
  }
  lines.push('self time by module:');
  for (const [mod, us] of [...selfByModule].sort((a, b) => b[1] - a[1]).slice(0, topN)) {
    lines.push(`  ${ms(us)} ${pct(us)}  ${mod}`);
  }
  lines.push(
    'self time by owning package (node internals and native code counted for their nearest caller):',
  );
  for (const [mod, us] of [...selfByOwner].sort((a, b) => b[1] - a[1]).slice(0, topN)) {
    lines.push(`  ${ms(us)} ${pct(us)}  ${mod}`);
  }
  return lines;
}

function main(): void {
  const target = process.argv[2];
  const topN = Number(process.argv[3] ?? 25) || 25;
  if (!target) {
    console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile | dir> [topN]');
    process.exitCode = 1;
    return;
  }
  const isDir = statSync(target).isDirectory();
  const files = isDir
    ? readdirSync(target)
        .filter((f) => f.endsWith('.cpuprofile'))
        .map((f) => join(target, f))
    : [target];
  const windowsFile = isDir ? join(target, 'windows.json') : undefined;
  const only = process.env.PROFILE_WINDOW;
  const windows =
    windowsFile && existsSync(windowsFile)
      ? (JSON.parse(readFileSync(windowsFile, 'utf8')) as Window[]).filter(
          (w) => !only || w.label.startsWith(only),
        )
      : undefined;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    // A worker thread (e.g. tsx's loader hooks) writes its own profile; skip the ones with nothing in the window.
    const lines = summarise(profile, windows, topN);
    console.log(`== ${file}`);
    for (const line of lines) console.log(line);
  }
}

main();
