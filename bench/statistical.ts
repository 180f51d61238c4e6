/**
 * Statistical engine benchmark (issue 9): fidelity and privacy of the offline tabular synthesiser, and its
 * speed and memory at 100,000 rows x 20 columns. A measurement, not a test: exits 0 when a goal is missed.
 *
 *   npx tsx bench/statistical.ts
 *
 * 1. census2k (UCI Adult sample): train on `trn` (2,000 rows), generate 2,000 rows per seed, score against
 *    `trn` with `hol` as the holdout: univariate, bivariate and overall accuracy divided by the holdout's,
 *    DCR share and identical rows. Same figures for MOSTLY AI's `syn_mostly` and for the other methods.
 *    Goals (mean over seeds, default method): bivariate ratio >= 0.98, DCR share <= 0.53, identical < 1%.
 * 2. The SDMetrics demo table (215 rows) split 50/50 (seeded, several splits), same figures plus the
 *    SDMetrics QualityReport of the synthetic half next to the holdout half's.
 * 3. Scale: 100,000 rows x 20 columns fitted and sampled (100,000 rows) in a child process; wall time and
 *    peak RSS (VmHWM, reset after the input table is built). Goals: < 30 s, < 1 GB.
 *
 * Env: BENCH_SEEDS (default 5), BENCH_SPLITS (default 5), BENCH_SCALE_ROWS (default 100000),
 *      BENCH_METHODS (default polyreg,cart,copula,independent).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { accuracy } from '../packages/core/src/metrics/accuracy.js';
import { distances } from '../packages/core/src/metrics/distances.js';
import { census, readSharedCsv, readSharedJson } from '../packages/core/src/metrics/fixtures.js';
import {
  qualityReport,
  type SdMetadata,
  singleTableMetadata,
} from '../packages/core/src/metrics/sdmetrics.js';
import { createRng } from '../packages/core/src/sampling/rng.js';
import { fitTabularSynthesizer, type SynthesisMethod } from '../packages/core/src/statistical/synthesizer.js';
import { hardTimeLimit, printMachine, resetPeakRss } from './lib/harness.js';

type Row = Record<string, unknown>;

const SEEDS = Math.max(1, Number(process.env.BENCH_SEEDS ?? 5) || 5);
const SPLITS = Math.max(1, Number(process.env.BENCH_SPLITS ?? 5) || 5);
const SCALE_ROWS = Math.max(1000, Number(process.env.BENCH_SCALE_ROWS ?? 100_000) || 100_000);
const METHODS = (process.env.BENCH_METHODS ?? 'polyreg,cart,copula,independent').split(
  ',',
) as SynthesisMethod[];
const GOAL_BIVARIATE_RATIO = 0.98;
const GOAL_DCR_SHARE = 0.53;
const GOAL_IDENTICAL = 0.01;
const GOAL_SCALE_SECONDS = 30;
const GOAL_SCALE_MB = 1024;

interface Scores {
  uni: number;
  biv: number;
  all: number;
  dcrShare: number;
  identical: number;
  dcrTrn: number;
  dcrHol: number;
  seconds: number;
  quality?: number;
}

function score(trn: Row[], hol: Row[], syn: Row[], columns: string[], seconds: number): Scores {
  const a = accuracy(trn, syn, { holdout: hol, columns });
  const d = distances(trn, syn, hol, { columns });
  return {
    uni: a.ratio!.univariate,
    biv: a.ratio!.bivariate,
    all: a.ratio!.overall,
    dcrShare: d.dcrShare!,
    identical: d.identicalRowShare,
    dcrTrn: d.dcr.training,
    dcrHol: d.dcr.holdout!,
    seconds,
  };
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const range = (xs: number[], digits = 3) =>
  xs.length > 1 ? ` (${Math.min(...xs).toFixed(digits)}-${Math.max(...xs).toFixed(digits)})` : '';

function summarise(runs: Scores[]): Scores & { spread: Record<string, string> } {
  const keys = Object.keys(runs[0]!) as (keyof Scores)[];
  const out = Object.fromEntries(
    keys.map((k) => [k, mean(runs.map((r) => r[k] as number))]),
  ) as unknown as Scores;
  return {
    ...out,
    spread: { biv: range(runs.map((r) => r.biv)), dcrShare: range(runs.map((r) => r.dcrShare)) },
  };
}

function printTable(
  title: string,
  rows: [string, ReturnType<typeof summarise> | Scores][],
  withQuality = false,
) {
  console.log(`\n${title}`);
  const head = [
    'synthesizer'.padEnd(24),
    'uni/hol',
    'biv/hol',
    'overall/hol',
    'DCR share',
    'identical',
    'DCR trn',
    'DCR hol',
    ...(withQuality ? ['quality'] : []),
    'seconds',
  ];
  console.log(head.join(' | '));
  for (const [name, s] of rows) {
    const spread = 'spread' in s ? s.spread : { biv: '', dcrShare: '' };
    console.log(
      [
        name.padEnd(24),
        s.uni.toFixed(4),
        `${s.biv.toFixed(4)}${spread.biv}`,
        s.all.toFixed(4),
        `${s.dcrShare.toFixed(3)}${spread.dcrShare}`,
        `${(100 * s.identical).toFixed(2)}%`,
        s.dcrTrn.toFixed(3),
        s.dcrHol.toFixed(3),
        ...(withQuality ? [s.quality === undefined ? '-' : `${(100 * s.quality).toFixed(1)}%`] : []),
        s.seconds > 0 ? s.seconds.toFixed(2) : '-',
      ].join(' | '),
    );
  }
}

function goal(
  name: string,
  measured: number,
  target: number,
  kind: 'at-least' | 'at-most' | 'below',
  unit = '',
) {
  const met =
    kind === 'at-least' ? measured >= target : kind === 'at-most' ? measured <= target : measured < target;
  const op = kind === 'at-least' ? '>=' : kind === 'at-most' ? '<=' : '<';
  const digits = Math.abs(target) < 10 ? 3 : 1;
  console.log(
    `goal ${name}: measured ${measured.toFixed(digits)}${unit}, goal ${op} ${target.toFixed(digits)}${unit} -> ${met ? 'GOAL MET' : 'GOAL MISSED'}`,
  );
  return met;
}

function censusSection(): void {
  const trn = census('trn');
  const hol = census('hol').records;
  const columns = trn.columns;
  const holAcc = accuracy(trn.records, hol, { columns });
  console.log(
    `\ncensus2k: ${trn.records.length} training rows, ${hol.length} holdout rows, ${columns.length} columns; holdout accuracy: univariate ${holAcc.univariate.toFixed(4)}, bivariate ${holAcc.bivariate.toFixed(4)}, overall ${holAcc.overall.toFixed(4)}`,
  );
  const rows: [string, ReturnType<typeof summarise> | Scores][] = [];
  rows.push(['syn_mostly (MOSTLY AI)', score(trn.records, hol, census('syn_mostly').records, columns, 0)]);
  rows.push(['syn_flip30 (30% flipped)', score(trn.records, hol, census('syn_flip30').records, columns, 0)]);
  let ours: ReturnType<typeof summarise> | undefined;
  for (const method of METHODS) {
    const runs: Scores[] = [];
    for (let s = 0; s < SEEDS; s++) {
      const t = performance.now();
      const synth = fitTabularSynthesizer(columns, trn.records, { seed: `bench-${s}`, method });
      const syn = synth.sample(2000, { seed: `bench-${s}` });
      runs.push(score(trn.records, hol, syn, columns, (performance.now() - t) / 1000));
    }
    const summary = summarise(runs);
    if (method === 'polyreg') ours = summary;
    rows.push([`openframer ${method}${method === 'polyreg' ? ' *' : ''}`, summary]);
  }
  printTable(
    `census2k, 2,000 synthetic rows; ours: mean over ${SEEDS} seeds (min-max); * = default method; seconds = fit + sample`,
    rows,
  );
  if (ours) {
    goal('census2k bivariate accuracy / holdout (polyreg, mean)', ours.biv, GOAL_BIVARIATE_RATIO, 'at-least');
    goal('census2k DCR share (polyreg, mean)', ours.dcrShare, GOAL_DCR_SHARE, 'at-most');
    goal('census2k identical rows (polyreg, mean)', 100 * ours.identical, 100 * GOAL_IDENTICAL, 'below', '%');
  }
}

function sdmetricsSection(): void {
  const real = readSharedCsv('sdmetrics-demo/student_placements_real.csv');
  const metadata = singleTableMetadata(
    readSharedJson<{ tables: Record<string, SdMetadata> }>('sdmetrics-demo/metadata.json'),
  );
  // The primary key is regenerated, so it is left out of the comparisons.
  const columns = real.columns.filter((c) => c !== metadata.primary_key);
  const quality = (trn: Row[], other: Row[]) => qualityReport(trn, other, { metadata }).score;
  const byMethod = new Map<string, Scores[]>();
  const holdoutQuality: number[] = [];
  for (let split = 0; split < SPLITS; split++) {
    const shuffled = createRng(`split-${split}`).shuffle(real.records);
    const half = Math.floor(shuffled.length / 2);
    const trn = shuffled.slice(0, half);
    const hol = shuffled.slice(half, 2 * half);
    holdoutQuality.push(quality(trn, hol));
    for (const method of METHODS) {
      const t = performance.now();
      const synth = fitTabularSynthesizer(real.columns, trn, { seed: `split-${split}`, method });
      const syn = synth.sample(trn.length, { seed: `split-${split}` });
      const s = score(trn, hol, syn, columns, (performance.now() - t) / 1000);
      s.quality = quality(trn, syn);
      byMethod.set(method, [...(byMethod.get(method) ?? []), s]);
    }
  }
  const rows: [string, ReturnType<typeof summarise>][] = [...byMethod].map(([method, runs]) => [
    `openframer ${method}${method === 'polyreg' ? ' *' : ''}`,
    summarise(runs),
  ]);
  printTable(
    `SDMetrics demo student_placements (215 rows) split 50/50, ${SPLITS} splits; quality = SDMetrics QualityReport vs the training half (the holdout half scores ${(100 * mean(holdoutQuality)).toFixed(1)}%)`,
    rows,
    true,
  );
}

// ---------- scale ----------

/** 20 columns: census columns resampled and perturbed, plus an id, a date, a float, a boolean, a region. */
function scaleTable(n: number): { columns: string[]; rows: Row[] } {
  const trn = census('trn');
  const rng = createRng('scale');
  const regions = ['north', 'south', 'east', 'west', 'central', 'coast', 'mountain', 'island'];
  const rows = Array.from({ length: n }, (_, i) => {
    const r: Row = { ...trn.records[rng.int(trn.records.length)]! };
    r.fnlwgt = String(Math.round(Number(r.fnlwgt) * (0.9 + 0.2 * rng.next())));
    r.claim_id = `CLM-${100000 + i}`;
    r.signup_date = new Date(Date.UTC(2020, 0, 1) + rng.int(1500) * 86_400_000).toISOString().slice(0, 10);
    r.score = (Number(r.age) / 10 + rng.next() * 5).toFixed(2);
    r.is_member = rng.next() < 0.3 ? 'true' : 'false';
    r.region = regions[rng.int(8)];
    return r;
  });
  return { columns: [...trn.columns, 'claim_id', 'signup_date', 'score', 'is_member', 'region'], rows };
}

function readKb(key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : Number.NaN;
}

function scaleChild(): void {
  const { columns, rows } = scaleTable(SCALE_ROWS);
  const inputRss = readKb('VmRSS');
  resetPeakRss(process.pid);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const synth = fitTabularSynthesizer(columns, rows, { seed: 'scale' });
  const t1 = performance.now();
  const out = synth.sample(rows.length, { seed: 'scale' });
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  console.log(
    JSON.stringify({
      rows: rows.length,
      columns: columns.length,
      outRows: out.length,
      fitSeconds: (t1 - t0) / 1000,
      sampleSeconds: (t2 - t1) / 1000,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      inputRssMb: inputRss / 1048576,
      peakRssMb: readKb('VmHWM') / 1048576,
      methods: [...new Set(synth.info.map((c) => c.method))],
    }),
  );
}

function scaleSection(): void {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(process.execPath, [...process.execArgv, self, '--scale-child'], {
    encoding: 'utf8',
    env: process.env,
    maxBuffer: 1 << 20,
  });
  const line = child.stdout.split('\n').find((l) => l.startsWith('{'));
  if (child.status !== 0 || !line) {
    console.log(`scale run failed (exit ${child.status}): ${child.stderr.slice(-2000)}`);
    process.exitCode = 1;
    return;
  }
  const r = JSON.parse(line) as {
    rows: number;
    columns: number;
    fitSeconds: number;
    sampleSeconds: number;
    cpuSeconds: number;
    inputRssMb: number;
    peakRssMb: number;
  };
  const total = r.fitSeconds + r.sampleSeconds;
  console.log(
    `\nscale: ${r.rows.toLocaleString('en')} rows x ${r.columns} columns -> fit ${r.fitSeconds.toFixed(1)} s + sample ${r.rows.toLocaleString('en')} rows ${r.sampleSeconds.toFixed(1)} s = ${total.toFixed(1)} s wall (${r.cpuSeconds.toFixed(1)} s CPU); RSS with the input table ${r.inputRssMb.toFixed(0)} MB, peak while fitting and sampling ${r.peakRssMb.toFixed(0)} MB`,
  );
  goal(`scale ${r.rows} x ${r.columns} fit + sample time`, total, GOAL_SCALE_SECONDS, 'below', ' s');
  goal(`scale ${r.rows} x ${r.columns} peak RSS`, r.peakRssMb, GOAL_SCALE_MB, 'below', ' MB');
}

if (process.argv.includes('--scale-child')) {
  scaleChild();
} else {
  const timer = hardTimeLimit(15 * 60_000, 'bench/statistical.ts');
  printMachine();
  censusSection();
  sdmetricsSection();
  scaleSection();
  clearTimeout(timer);
}
