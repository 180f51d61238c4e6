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
import { type ColumnProfile, cellText, isMissing, profileTable } from './profile.js';
import { NgramTextModel, type TextFallbackMetadata, textFallbackMetadata } from './text.js';
import { type ClassTree, fitTree, leafFor } from './tree.js';

/**
 * Sequential tree-based synthesis (as synthpop's CART): columns are visited in order; the first is drawn
 * from its distribution, every later one from the leaf of a classification tree fitted on the columns
 * before it. Numbers are coded as quantile bins (a value shared by many rows is a bin of its own), and a
 * synthetic number is a donor's value from that leaf and bin, smoothed by a kernel within the bin.
 *
 * Privacy measures: leaves hold at least `minLeaf` rows and their distributions are smoothed towards the
 * column's; rare categories (fewer than `rareThreshold` rows) are never emitted, an uncommon category
 * takes their place; identifiers and personal data are regenerated in their format; a synthetic row equal
 * to a training row is drawn again. Free text is recombined by a word n-gram model (a labelled fallback).
 */
export interface TabularSynthesizerOptions {
  seed?: string;
  /**
   * `cart` (default): sequential trees. `copula`: a Gaussian copula over the coded columns, and
   * `independent`: every column on its own; both kept for comparison (conditions just fix values there).
   */
  method?: 'cart' | 'logit' | 'copula' | 'independent';
  logitIterations?: number;
  logitL2?: number;
  logitPrior?: number;
  /** Expected rows (under independence) above which a never-seen pair of values is never generated (default 10). */
  zeroEvidence?: number;
  /** Columns to visit first, in this order (e.g. the spec's properties, so conditions on them are exact). */
  order?: string[];
  /** Fewest training rows per leaf (default: 5, or 0.1% of the rows when more). */
  minLeaf?: number;
  maxDepth?: number;
  /** Smallest Gini decrease per split, as a share of the rows (default 0.0003). */
  minGain?: number;
  /** Rows' worth of the parent node's distribution mixed into each node's, from the root down (default 2). */
  smoothing?: number;
  /** Categories seen fewer times are never emitted verbatim (default 5). */
  rareThreshold?: number;
  rareCategories?: 'sample' | 'constant';
  /** Quantile bins per number column (default 20). */
  numericBins?: number;
  maxCategories?: number;
}

export interface SampleOptions {
  seed?: string;
  /** Per row: column (or spec property of the same name) -> required value or numeric bin label. */
  conditions?: Assignment[];
  /** The values a spec property lists, so that `other` means "none of these". */
  axisValues?: Record<string, string[]>;
  /** Candidate rows drawn per conditioned row, one kept by how well it fits the conditions (default 8). */
  candidates?: number;
}

export interface SynthesizerColumn {
  name: string;
  role: ColumnRole;
  /** How values are made, e.g. `cart` or `text-fallback`. */
  method: string;
  missingRate: number;
}

export interface TabularSynthesizer {
  columns: string[];
  info: SynthesizerColumn[];
  /** Columns filled by the n-gram text fallback, with its label. */
  textFallback: Record<string, TextFallbackMetadata>;
  sample(n: number, options?: SampleOptions): Record<string, unknown>[];
}

interface Fitted {
  model: ModelledColumn;
  tree: ClassTree | null;
  logit: LogitModel | null;
  /**
   * Structural zeros: per earlier column, per its code, the codes of this column never seen with it
   * although independence would expect at least `zeroEvidence` rows (e.g. husbands who are female).
   */
  zeros: (Uint8Array | null)[];
  /** Column-wide class shares: the root column's distribution and every leaf's smoothing prior. */
  prior: Float64Array;
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
  const profiles = profileTable(columns, records);
  const modelOptions: ColumnModelOptions = {
    rareThreshold: options.rareThreshold ?? 5,
    maxCategories: options.maxCategories ?? 60,
    numericBins: options.numericBins ?? 20,
    rareCategories: options.rareCategories ?? 'sample',
  };
  const info: SynthesizerColumn[] = [];
  const modelled: ModelledColumn[] = [];
  const generated = new Map<string, Generated>();
  const textFallback: Record<string, TextFallbackMetadata> = {};

  profiles.forEach((profile: ColumnProfile) => {
    const raw = records.map((r) => r[profile.name]);
    const role = roleOf(profile);
    const missingRaw = raw.filter((v) => isMissing(v));
    const base = { name: profile.name, role, missingRate: profile.missingRate };
    switch (role) {
      case 'categorical':
      case 'numeric':
      case 'datetime': {
        const model =
          role === 'categorical'
            ? categoricalModel(profile.name, raw, modelOptions)
            : numericModel(profile.name, raw, role, modelOptions);
        generated.set(profile.name, { kind: 'modelled', index: modelled.length });
        modelled.push(model);
        info.push({ ...base, method: 'cart' });
        return;
      }
      case 'id':
      case 'email':
      case 'person_name': {
        const make =
          role === 'email'
            ? () => emailGenerator(raw, modelOptions.rareThreshold)
            : role === 'person_name'
              ? () => personNameGenerator(raw)
              : () => identifierGenerator(raw);
        generated.set(profile.name, {
          kind: 'generator',
          make,
          missingRate: profile.missingRate,
          missing: missingTokens(missingRaw),
        });
        info.push({
          ...base,
          method: `regenerated ${role === 'id' ? 'identifier' : role} (same format, new values)`,
        });
        return;
      }
      case 'text': {
        const model = new NgramTextModel(
          raw.filter((v) => !isMissing(v)).map((v) => cellText(v)),
          2,
        );
        generated.set(profile.name, {
          kind: 'text',
          model,
          missingRate: profile.missingRate,
          missing: missingTokens(missingRaw),
        });
        textFallback[profile.name] = textFallbackMetadata(model);
        info.push({ ...base, method: 'text-fallback' });
        return;
      }
      default:
        generated.set(profile.name, { kind: 'empty', missing: missingTokens(missingRaw) });
        info.push({ ...base, method: 'empty' });
    }
  });

  // Visiting order: the requested columns first, then the others as the seed has them.
  const first = (options.order ?? []).filter((c) => modelled.some((m) => m.name === c));
  const order = [...first, ...modelled.map((m) => m.name).filter((c) => !first.includes(c))];
  const ordered = order.map((c) => modelled.find((m) => m.name === c)!);
  ordered.forEach((m, i) => {
    generated.set(m.name, { kind: 'modelled', index: i });
  });

  const minLeaf = options.minLeaf ?? Math.max(5, Math.ceil(n * 0.001));
  const treeOptions = {
    minLeaf,
    maxDepth: options.maxDepth ?? 30,
    minGain: (options.minGain ?? 0.0003) * n,
    shrinkage: options.smoothing ?? 2,
  };
  const method = options.method ?? 'cart';
  const zeroEvidence = options.zeroEvidence ?? 10;
  const rowIndex = Int32Array.from({ length: n }, (_, i) => i);
  const fitted: Fitted[] = ordered.map((model, pos) => {
    const prior = new Float64Array(model.levels);
    for (const c of model.codes) prior[c]! += 1;
    for (let k = 0; k < prior.length; k++) prior[k] = n ? prior[k]! / n : 0;
    const tree =
      pos === 0 || method !== 'cart'
        ? null
        : fitTree(
            model.codes,
            model.levels,
            ordered.slice(0, pos).map((m) => ({ codes: m.codes, levels: m.levels, ordinal: m.ordinal })),
            rowIndex,
            treeOptions,
          );
    const logit =
      pos > 0 && method === 'logit'
        ? fitLogit(
            model.codes,
            model.levels,
            ordered.slice(0, pos).map((m) => ({ codes: m.codes, levels: m.levels })),
            rowIndex,
            {
              l2: options.logitL2 ?? 1,
              prior: options.logitPrior ?? 0,
              iterations: options.logitIterations ?? 150,
              learningRate: 0.1,
            },
          )
        : null;
    return {
      model,
      tree,
      logit,
      prior,
      zeros: structuralZeros(ordered.slice(0, pos), model, n, zeroEvidence),
    };
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

  /** Draws a code from a leaf's smoothed distribution, restricted to `allowed` when given. */
  function drawCode(
    f: Fitted,
    leaf: number,
    rng: Rng,
    allowed?: number[],
    given?: Float64Array,
  ): { code: number; mass: number } {
    const K = f.model.levels;
    const probs =
      given ?? (f.tree && leaf >= 0 ? f.tree.leafProbs.subarray(leaf * K, leaf * K + K) : f.prior);
    const p = (k: number) => probs[k]!;
    const candidates = allowed ?? Array.from({ length: K }, (_, k) => k);
    let mass = 0;
    for (const k of candidates) mass += p(k);
    if (mass <= 0) return { code: candidates[rng.int(candidates.length)]!, mass: 0 };
    let u = rng.next() * mass;
    for (const k of candidates) {
      u -= p(k);
      if (u < 0) return { code: k, mass };
    }
    return { code: candidates[candidates.length - 1]!, mass };
  }

  function donorOf(f: Fitted, leaf: number, code: number, rng: Rng): number {
    if (!f.tree || leaf < 0) {
      // The root column: any training row with this code.
      const rows = rootRows(f, code);
      return rows.length ? rows[rng.int(rows.length)]! : -1;
    }
    const K = f.model.levels;
    const start = f.tree.classStart[leaf * (K + 1) + code]!;
    const end = f.tree.classStart[leaf * (K + 1) + code + 1]!;
    return end > start ? f.tree.rows[start + rng.int(end - start)]! : -1;
  }

  function drawRow(
    rng: Rng,
    conditions: (ResolvedCondition | undefined)[] | undefined,
    candidates: number,
    generators: Map<string, IdentifierGenerator>,
  ): Record<string, unknown> {
    const m = fitted.length;
    if (method === 'copula' || method === 'independent') {
      const codes = copula ? sampleCopula(copula, rng) : new Int32Array(m);
      const donors = new Int32Array(m);
      for (let pos = 0; pos < m; pos++) {
        const c = conditions?.[pos];
        if (!copula) codes[pos] = drawCode(fitted[pos]!, -1, rng).code;
        if (c?.code !== undefined) codes[pos] = c.code;
        else if (c?.allowed && !c.allowed.includes(codes[pos]!))
          codes[pos] = drawCode(fitted[pos]!, -1, rng, c.allowed).code;
        donors[pos] = donorOf(fitted[pos]!, -1, codes[pos]!, rng);
      }
      return assemble(codes, donors, conditions, rng, generators);
    }
    // Conditions on the first columns are exact by construction; later ones weigh candidate rows by how
    // likely the rest of the row makes them (sampling-importance-resampling).
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
        const f = fitted[pos]!;
        const leaf = f.tree ? leafFor(f.tree, (feature) => codes[feature]!) : -1;
        let probs = f.logit ? logitProbs(f.logit, (feature) => codes[feature]!, buffers[pos]!) : undefined;
        if (f.logit) probs = applyZeros(f, codes, probs!);
        const c = conditions?.[pos];
        let code: number;
        if (c?.code !== undefined) {
          if (conditionedLater && pos >= leading) weight *= drawCode(f, leaf, rng, [c.code], probs).mass;
          code = c.code;
        } else {
          const drawn = drawCode(f, leaf, rng, c?.allowed, probs);
          if (c?.allowed && conditionedLater && pos >= leading) weight *= drawn.mass;
          code = drawn.code;
        }
        codes[pos] = code;
        donors[pos] = donorOf(f, leaf, code, rng);
      }
      // Weighted reservoir: keeps candidate t with probability weight / total weight so far.
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
        row[name] = rng.next() < g.missingRate ? drawMissing(g.missing, rng) : g.model.sentence(rng);
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

  function categoryValue(model: CategoricalModel, code: number, rng: Rng): unknown {
    if (code !== model.rareCode) return model.values[code];
    if (model.rareToken || !model.rareReplacement) return model.rareToken ?? '_RARE_';
    const u = rng.next();
    const r = model.rareReplacement;
    for (let i = 0; i < r.cumulative.length; i++) if (u < r.cumulative[i]!) return model.values[r.codes[i]!];
    return model.values[r.codes[r.codes.length - 1]!];
  }
}

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
      const implies = seen === 1 && rows[v]! >= 2 * evidence;
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
  const keep = new Uint8Array(K).fill(1);
  f.zeros.forEach((mask, i) => {
    if (!mask) return;
    const v = codes[i]!;
    for (let k = 0; k < K; k++) {
      if (mask[v * K + k]) {
        keep[k] = 0;
        masked = true;
      }
    }
  });
  if (!masked) return probs;
  let left = 0;
  for (let k = 0; k < K; k++) if (keep[k]) left += probs[k]!;
  if (left <= 0) return probs;
  for (let k = 0; k < K; k++) probs[k] = keep[k] ? probs[k]! / left : 0;
  return probs;
}

const rootCache = new WeakMap<Fitted, Int32Array[]>();
function rootRows(f: Fitted, code: number): Int32Array {
  let byCode = rootCache.get(f);
  if (!byCode) {
    const lists: number[][] = Array.from({ length: f.model.levels }, () => []);
    f.model.codes.forEach((c, i) => {
      lists[c]!.push(i);
    });
    byCode = lists.map((l) => Int32Array.from(l));
    rootCache.set(f, byCode);
  }
  return byCode[code]!;
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
