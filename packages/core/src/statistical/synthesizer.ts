import type { TableRecord } from '../datasets/records.js';
import type { Assignment } from '../sampling/quota.js';
import { createRng, type Rng } from '../sampling/rng.js';
import {
  type CategoricalModel,
  type ColumnModelOptions,
  type ColumnRole,
  categoricalModel,
  drawMissing,
  drawNumber,
  formatNumber,
  type MissingTokens,
  type ModelledColumn,
  missingTokens,
  type NumericModel,
  numericModel,
  roleOf,
} from './columns.js';
import { inRange, type ResolvedCondition, resolveCondition } from './conditions.js';
import { fitGaussianCopula, type GaussianCopula, sampleCopula } from './copula.js';
import {
  emailGenerator,
  type IdentifierGenerator,
  identifierGenerator,
  personNameGenerator,
} from './identifiers.js';
import { fitLogit, type LogitModel, logitProbs } from './logit.js';
import { cellText, isMissing, profileTable } from './profile.js';
import { NgramTextModel, type TextFallbackMetadata, textFallbackMetadata } from './text.js';
import { type ClassTree, fitTree, leafFor } from './tree.js';

/**
 * Sequential synthesis of a table, column by column in a fixed order, each column drawn given the ones
 * before it (as synthpop does). Every modelled column is coded: categories (rare ones pooled), numbers
 * and timestamps as quantile bins (a value many rows share is a bin of its own), 0 for missing.
 *
 * Methods for a column's conditional distribution (`method`):
 * - `polyreg` (default): a multinomial logistic regression on the one-hot codes of the earlier columns,
 *   L2-regularised (synthpop's `polyreg`). It keeps every pairwise distribution and, having no
 *   interactions, memorises no combination of values; pairs of values never seen together although
 *   independence would expect many rows (husband & female) are structural zeros and never generated;
 * - `cart`: a classification tree on the earlier columns, drawing from its leaf (synthpop's `cart`);
 * - `copula` (a Gaussian copula over the codes) and `independent` (each column alone), for comparison.
 *
 * A number is decoded from its bin through a donor row's value, smoothed by a Gaussian kernel within the
 * bin and written with the donor's decimals; timestamps likewise, in the seed's format.
 *
 * Privacy: rare categories (fewer than `rareThreshold` rows) are never emitted, an uncommon real category
 * takes their place; identifiers and personal data (emails, names) are regenerated in their format; a row
 * equal to a training row is drawn again; free text comes from a word n-gram fallback that never emits a
 * seed sentence. Randomness is seeded: the same seeds give the same rows.
 */
export type SynthesisMethod = 'polyreg' | 'cart' | 'copula' | 'independent';

export interface TabularSynthesizerOptions {
  seed?: string;
  method?: SynthesisMethod;
  /** Columns to visit first, in this order (e.g. the spec's properties, so conditions on them are exact). */
  order?: string[];
  /** Categories seen fewer times are never emitted verbatim (default 5). */
  rareThreshold?: number;
  /** What replaces a rare category: an uncommon real one ('sample', default) or `_RARE_` ('constant'). */
  rareCategories?: 'sample' | 'constant';
  /** Quantile bins per number column (default 20). */
  numericBins?: number;
  /** Categories a column keeps before the rest share the rare bucket (default 60). */
  maxCategories?: number;
  /**
   * Expected rows under independence above which a pair of values never seen together is a structural
   * zero (default 5: a chance of e^-5 under independence); a value always seen with one value of a later
   * column in 2x as many rows implies it.
   */
  zeroEvidence?: number;
  /** polyreg: L2 penalty in rows' worth (default 30). */
  l2?: number;
  /** polyreg: Adam steps per column (default 150) of at most `batchSize` rows (default 2,000). */
  iterations?: number;
  batchSize?: number;
  /** cart: fewest training rows per leaf (default 5, or 0.1% of the rows when more). */
  minLeaf?: number;
  /** cart: deepest leaf (default 30). */
  maxDepth?: number;
  /** cart: smallest Gini decrease per split, as a share of the rows (default 0.0003). */
  minGain?: number;
  /** cart: rows' worth of the parent node's distribution mixed into each node's (default 2). */
  smoothing?: number;
}

export interface SampleOptions {
  seed?: string;
  /** Per row: column (or spec property of the same name) -> required value or numeric bin label. */
  conditions?: Assignment[];
  /** The values a spec property lists, so that the condition `other` means "none of these". */
  axisValues?: Record<string, string[]>;
  /** Candidate rows drawn per conditioned row, one kept by how well it fits the conditions (default 8). */
  candidates?: number;
}

export interface SynthesizerColumn {
  name: string;
  role: ColumnRole;
  /** How values are made: the method, `regenerated ...`, `text-fallback` or `empty`. */
  method: string;
  missingRate: number;
}

export interface TabularSynthesizer {
  columns: string[];
  method: SynthesisMethod;
  /** Modelled columns in the order they are drawn. */
  order: string[];
  info: SynthesizerColumn[];
  /** Columns filled by the n-gram text fallback, with its label. */
  textFallback: Record<string, TextFallbackMetadata>;
  sample(n: number, options?: SampleOptions): Record<string, unknown>[];
}

interface Fitted {
  model: ModelledColumn;
  tree: ClassTree | null;
  logit: LogitModel | null;
  /** Column-wide class shares: the first column's distribution, and the fallback. */
  prior: Float64Array;
  /** Per earlier column: its code × this column's code -> 1 for a structural zero (or null: none). */
  zeros: (Uint8Array | null)[];
  /** Training rows by code (donors when no leaf narrows them down). */
  rowsByCode: Int32Array[];
}

type Generated =
  | { kind: 'modelled'; index: number }
  | { kind: 'generator'; make: () => IdentifierGenerator; missingRate: number; missing: MissingTokens }
  | { kind: 'text'; model: NgramTextModel; missingRate: number; missing: MissingTokens }
  | { kind: 'empty'; missing: MissingTokens };

const rowKey = (columns: string[], r: TableRecord) =>
  columns.map((c) => (isMissing(r[c]) ? '\u0000' : cellText(r[c]).trim())).join('\u0001');

export function fitTabularSynthesizer(
  columns: string[],
  records: TableRecord[],
  options: TabularSynthesizerOptions = {},
): TabularSynthesizer {
  const n = records.length;
  const method = options.method ?? 'polyreg';
  const modelOptions: ColumnModelOptions = {
    rareThreshold: options.rareThreshold ?? 5,
    maxCategories: options.maxCategories ?? 60,
    numericBins: options.numericBins ?? 20,
    rareCategories: options.rareCategories ?? 'sample',
  };
  const info: SynthesizerColumn[] = [];
  const models: ModelledColumn[] = [];
  const generated = new Map<string, Generated>();
  const textFallback: Record<string, TextFallbackMetadata> = {};

  for (const profile of profileTable(columns, records)) {
    const raw = records.map((r) => r[profile.name]);
    const role = roleOf(profile);
    const missing = missingTokens(raw.filter((v) => isMissing(v)));
    const base = { name: profile.name, role, missingRate: profile.missingRate };
    if (role === 'categorical' || role === 'numeric' || role === 'datetime') {
      models.push(
        role === 'categorical'
          ? categoricalModel(profile.name, raw, modelOptions)
          : numericModel(profile.name, raw, role, modelOptions),
      );
      info.push({ ...base, method });
    } else if (role === 'id' || role === 'email' || role === 'person_name') {
      const make =
        role === 'email'
          ? () => emailGenerator(raw, modelOptions.rareThreshold)
          : role === 'person_name'
            ? () => personNameGenerator(raw)
            : () => identifierGenerator(raw);
      generated.set(profile.name, { kind: 'generator', make, missingRate: profile.missingRate, missing });
      const what = role === 'id' ? 'identifier' : role === 'email' ? 'email' : 'person name';
      info.push({ ...base, method: `regenerated ${what} (same format, never a seed value)` });
    } else if (role === 'text') {
      const model = new NgramTextModel(
        raw.filter((v) => !isMissing(v)).map((v) => cellText(v)),
        2,
      );
      generated.set(profile.name, { kind: 'text', model, missingRate: profile.missingRate, missing });
      textFallback[profile.name] = textFallbackMetadata(model);
      info.push({ ...base, method: 'text-fallback' });
    } else {
      generated.set(profile.name, { kind: 'empty', missing });
      info.push({ ...base, method: 'empty' });
    }
  }

  // Visiting order: the requested columns first, then the others as the seed has them.
  const first = (options.order ?? []).filter(
    (c, i, all) => all.indexOf(c) === i && models.some((m) => m.name === c),
  );
  const order = [...first, ...models.map((m) => m.name).filter((c) => !first.includes(c))];
  const ordered = order.map((c) => models.find((m) => m.name === c)!);
  ordered.forEach((m, i) => {
    generated.set(m.name, { kind: 'modelled', index: i });
  });

  const rowIndex = Int32Array.from({ length: n }, (_, i) => i);
  const zeroEvidence = options.zeroEvidence ?? 5;
  const treeOptions = {
    minLeaf: options.minLeaf ?? Math.max(5, Math.ceil(n * 0.001)),
    maxDepth: options.maxDepth ?? 30,
    minGain: (options.minGain ?? 0.0003) * n,
    shrinkage: options.smoothing ?? 2,
  };
  const fitted: Fitted[] = ordered.map((model, pos) => {
    const counts = new Float64Array(model.levels);
    const lists: number[][] = Array.from({ length: model.levels }, () => []);
    model.codes.forEach((c, i) => {
      counts[c]! += 1;
      lists[c]!.push(i);
    });
    const prior = Float64Array.from(counts, (c) => (n ? c / n : 0));
    const earlier = ordered.slice(0, pos);
    const tree =
      pos > 0 && method === 'cart'
        ? fitTree(
            model.codes,
            model.levels,
            earlier.map((m) => ({ codes: m.codes, levels: m.levels, ordinal: m.ordinal })),
            rowIndex,
            treeOptions,
          )
        : null;
    const logit =
      pos > 0 && method === 'polyreg'
        ? fitLogit(
            model.codes,
            model.levels,
            earlier.map((m) => ({ codes: m.codes, levels: m.levels })),
            rowIndex,
            {
              l2: options.l2 ?? 30,
              iterations: options.iterations ?? 150,
              learningRate: 0.1,
              batchSize: options.batchSize ?? 2000,
              seed: pos + 1,
            },
          )
        : null;
    const zeros =
      method === 'polyreg' || method === 'cart' ? structuralZeros(earlier, model, n, zeroEvidence) : [];
    return { model, tree, logit, prior, zeros, rowsByCode: lists.map((l) => Int32Array.from(l)) };
  });

  const copula: GaussianCopula | null =
    method === 'copula' && fitted.length > 0
      ? fitGaussianCopula(
          fitted.map((f) => f.model),
          createRng(`copula/${options.seed ?? 'tabular'}`),
        )
      : null;
  const trainingKeys = new Set(records.map((r) => rowKey(columns, r)));
  const buffers = fitted.map((f) => new Float64Array(f.model.levels));
  const fitSeed = options.seed ?? 'tabular';

  return {
    columns,
    method,
    order,
    info,
    textFallback,
    sample(count, sampleOptions = {}) {
      const rng = createRng(`tabular/${fitSeed}/${sampleOptions.seed ?? 'sample'}`);
      const generators = new Map<string, IdentifierGenerator>();
      for (const [name, g] of generated) if (g.kind === 'generator') generators.set(name, g.make());
      const cache = new Map<string, (ResolvedCondition | undefined)[]>();
      const out: Record<string, unknown>[] = [];
      for (let i = 0; i < count; i++) {
        const conditions = resolveAll(sampleOptions.conditions?.[i], sampleOptions.axisValues, cache);
        let row: Record<string, unknown> = {};
        // A row that copies a training row is drawn again (the last try is kept if all copy).
        for (let attempt = 0; attempt < 10; attempt++) {
          row = drawRow(rng, conditions, sampleOptions.candidates ?? 8, generators);
          if (!trainingKeys.has(rowKey(columns, row))) break;
        }
        out.push(row);
      }
      return out;
    },
  };

  function resolveAll(
    assignment: Assignment | undefined,
    axisValues: Record<string, string[]> | undefined,
    cache: Map<string, (ResolvedCondition | undefined)[]>,
  ): (ResolvedCondition | undefined)[] | undefined {
    if (!assignment) return undefined;
    const key = JSON.stringify(assignment);
    const hit = cache.get(key);
    if (hit) return hit;
    const resolved = fitted.map((f) =>
      Object.hasOwn(assignment, f.model.name)
        ? resolveCondition(f.model, assignment[f.model.name], axisValues?.[f.model.name])
        : undefined,
    );
    cache.set(key, resolved);
    return resolved;
  }

  /** The distribution of column `pos` given the earlier codes of the row. */
  function distribution(pos: number, codes: Int32Array): { probs: Float64Array; leaf: number } {
    const f = fitted[pos]!;
    const K = f.model.levels;
    let leaf = -1;
    let probs: Float64Array;
    if (f.tree) {
      leaf = leafFor(f.tree, (feature) => codes[feature]!);
      probs = buffers[pos]!;
      probs.set(f.tree.leafProbs.subarray(leaf * K, leaf * K + K));
    } else if (f.logit) probs = logitProbs(f.logit, (feature) => codes[feature]!, buffers[pos]!);
    else return { probs: f.prior, leaf };
    return { probs: applyZeros(f, codes, probs), leaf };
  }

  /** Draws a code, restricted to `allowed` when given; `mass` is the probability of what was allowed. */
  function drawCode(probs: Float64Array, rng: Rng, allowed?: number[]): { code: number; mass: number } {
    let mass = 0;
    if (!allowed) mass = 1;
    else for (const k of allowed) mass += probs[k]!;
    if (allowed && mass <= 0) return { code: allowed[rng.int(allowed.length)]!, mass: 0 };
    let u = rng.next() * mass;
    const K = allowed ? allowed.length : probs.length;
    for (let i = 0; i < K; i++) {
      const k = allowed ? allowed[i]! : i;
      u -= probs[k]!;
      if (u < 0) return { code: k, mass };
    }
    return { code: allowed ? allowed[allowed.length - 1]! : probs.length - 1, mass };
  }

  function donorOf(f: Fitted, leaf: number, code: number, rng: Rng): number {
    if (f.tree && leaf >= 0) {
      const K = f.model.levels;
      const start = f.tree.classStart[leaf * (K + 1) + code]!;
      const end = f.tree.classStart[leaf * (K + 1) + code + 1]!;
      if (end > start) return f.tree.rows[start + rng.int(end - start)]!;
    }
    const rows = f.rowsByCode[code];
    return rows?.length ? rows[rng.int(rows.length)]! : -1;
  }

  function drawRow(
    rng: Rng,
    conditions: (ResolvedCondition | undefined)[] | undefined,
    candidates: number,
    generators: Map<string, IdentifierGenerator>,
  ): Record<string, unknown> {
    const m = fitted.length;
    if (copula || method === 'independent') {
      const codes = copula ? sampleCopula(copula, rng) : new Int32Array(m);
      const donors = new Int32Array(m);
      for (let pos = 0; pos < m; pos++) {
        const f = fitted[pos]!;
        const c = conditions?.[pos];
        if (!copula) codes[pos] = drawCode(f.prior, rng).code;
        if (c?.code !== undefined) codes[pos] = c.code;
        else if (c?.allowed && !c.allowed.includes(codes[pos]!))
          codes[pos] = drawCode(f.prior, rng, c.allowed).code;
        donors[pos] = donorOf(f, -1, codes[pos]!, rng);
      }
      return assemble(codes, donors, conditions, rng, generators);
    }
    // Conditions on the first columns hold exactly by construction. When later columns are conditioned,
    // several candidate rows are drawn and one kept with probability proportional to how likely its
    // earlier columns make the conditioned values (sampling-importance-resampling).
    let leading = 0;
    while (leading < m && conditions?.[leading]) leading++;
    const conditionedLater = conditions?.some((c, i) => c && i >= leading) ?? false;
    const tries = conditionedLater ? Math.max(1, candidates) : 1;
    let best: { codes: Int32Array; donors: Int32Array } | null = null;
    let total = 0;
    for (let t = 0; t < tries; t++) {
      const codes = new Int32Array(m);
      const donors = new Int32Array(m);
      let weight = 1;
      for (let pos = 0; pos < m; pos++) {
        const { probs, leaf } = distribution(pos, codes);
        const c = conditions?.[pos];
        const weigh = conditionedLater && pos >= leading;
        let code: number;
        if (c?.code !== undefined) {
          if (weigh) weight *= probs[c.code] ?? 0;
          code = c.code;
        } else {
          const drawn = drawCode(probs, rng, c?.allowed);
          if (weigh && c?.allowed) weight *= drawn.mass;
          code = drawn.code;
        }
        codes[pos] = code;
        donors[pos] = donorOf(fitted[pos]!, leaf, code, rng);
      }
      // Weighted reservoir: candidate t replaces the kept one with probability weight / total so far.
      total += weight;
      if (!best || (total > 0 && rng.next() * total < weight)) best = { codes, donors };
    }
    return assemble(best!.codes, best!.donors, conditions, rng, generators);
  }

  function assemble(
    codes: Int32Array,
    donors: Int32Array,
    conditions: (ResolvedCondition | undefined)[] | undefined,
    rng: Rng,
    generators: Map<string, IdentifierGenerator>,
  ): Record<string, unknown> {
    const row: Record<string, unknown> = {};
    for (const name of columns) {
      const g = generated.get(name)!;
      if (g.kind === 'modelled') {
        row[name] = decode(fitted[g.index]!, codes[g.index]!, donors[g.index]!, conditions?.[g.index], rng);
      } else if (g.kind === 'generator') {
        row[name] =
          rng.next() < g.missingRate ? drawMissing(g.missing, rng) : generators.get(name)!.next(rng);
      } else if (g.kind === 'text') {
        row[name] = rng.next() < g.missingRate ? drawMissing(g.missing, rng) : g.model.document(rng);
      } else row[name] = drawMissing(g.missing, rng);
    }
    return row;
  }

  function decode(
    f: Fitted,
    code: number,
    donor: number,
    c: ResolvedCondition | undefined,
    rng: Rng,
  ): unknown {
    const model = f.model;
    if (c?.literal !== undefined) return c.literal;
    if (code === 0) return drawMissing(model.missing, rng);
    if (model.role === 'categorical') return categoryValue(model, code, rng);
    let x = drawNumber(model, code, donor, rng);
    if (c?.range) {
      for (let i = 0; i < 10 && !inRange(x, c.range); i++) x = drawNumber(model, code, -1, rng);
      if (!inRange(x, c.range)) x = Math.min(Math.max(x, c.range.lo), c.range.hi);
    }
    const decimals = donor >= 0 ? model.decimals[donor]! : modeDecimals(model);
    return formatNumber(model, x, decimals);
  }
}

function categoryValue(model: CategoricalModel, code: number, rng: Rng): unknown {
  if (code !== model.rareCode) return model.values[code];
  if (model.rareToken || !model.rareReplacement) return model.rareToken ?? '_RARE_';
  const u = rng.next();
  const r = model.rareReplacement;
  for (let i = 0; i < r.cumulative.length; i++) if (u < r.cumulative[i]!) return model.values[r.codes[i]!];
  return model.values[r.codes[r.codes.length - 1]!];
}

/** Rows a value needs, all with one and the same code of a later column, to imply that code. */
const IMPLICATION_ROWS = 10;

/** Pairs of codes (earlier column, this column) never seen together although many rows would be expected. */
function structuralZeros(
  earlier: ModelledColumn[],
  model: ModelledColumn,
  n: number,
  evidence: number,
): (Uint8Array | null)[] {
  const K = model.levels;
  const own = new Float64Array(K);
  for (const c of model.codes) own[c]! += 1;
  return earlier.map((other) => {
    const L = other.levels;
    const pair = new Float64Array(L * K);
    const rows = new Float64Array(L);
    for (let r = 0; r < n; r++) {
      pair[other.codes[r]! * K + model.codes[r]!]! += 1;
      rows[other.codes[r]!]! += 1;
    }
    let mask: Uint8Array | null = null;
    for (let v = 0; v < L; v++) {
      // A value always seen with one and the same code of this column (in enough rows) implies it.
      let seen = 0;
      for (let k = 0; k < K; k++) if (pair[v * K + k]! > 0) seen++;
      const implies = seen === 1 && rows[v]! >= IMPLICATION_ROWS;
      for (let k = 0; k < K; k++) {
        if (pair[v * K + k] === 0 && (implies || (rows[v]! * own[k]!) / n >= evidence)) {
          mask ??= new Uint8Array(L * K);
          mask[v * K + k] = 1;
        }
      }
    }
    return mask;
  });
}

/** Removes the structural zeros the row's earlier codes imply (unless nothing would be left). */
function applyZeros(f: Fitted, codes: Int32Array, probs: Float64Array): Float64Array {
  const K = f.model.levels;
  let masked = false;
  let left = 0;
  const keep = new Uint8Array(K).fill(1);
  for (let i = 0; i < f.zeros.length; i++) {
    const mask = f.zeros[i];
    if (!mask) continue;
    const v = codes[i]!;
    for (let k = 0; k < K; k++) {
      if (mask[v * K + k]) {
        keep[k] = 0;
        masked = true;
      }
    }
  }
  if (!masked) return probs;
  for (let k = 0; k < K; k++) if (keep[k]) left += probs[k]!;
  if (left <= 0) return probs;
  for (let k = 0; k < K; k++) probs[k] = keep[k] ? probs[k]! / left : 0;
  return probs;
}

const decimalsCache = new WeakMap<NumericModel, number>();
function modeDecimals(model: NumericModel): number {
  const hit = decimalsCache.get(model);
  if (hit !== undefined) return hit;
  const counts = new Map<number, number>();
  model.decimals.forEach((d, i) => {
    if (Number.isFinite(model.values[i]!)) counts.set(d, (counts.get(d) ?? 0) + 1);
  });
  const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
  decimalsCache.set(model, best);
  return best;
}
