/**
 * Turns a spec written by a model (or any loose source) into one validateSpec accepts, without failing:
 * the repairs are deterministic, so the same reply always gives the same spec. Inputs are read defensively
 * because a model's JSON is usually cast to SpecContent without checking.
 */
import { largestRemainder, uniformDistribution } from './distribution.js';
import { setOwn } from './problems.js';
import type { SpecContent, SpecProperty } from './types.js';
import { conditioningPath } from './validate.js';

export interface NormaliseOptions {
  /**
   * A missing or all-zero distribution becomes an explicit uniform one (default true); when false it is
   * left out, which also means uniform (a conditional entry then falls back to base_distributions).
   */
  uniformWhenMissing?: boolean;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Trimmed text; numbers and booleans as text (models write `[1, 2, 3]`); anything else ''. */
function text(x: unknown): string {
  if (typeof x === 'string') return x.trim();
  if ((typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean') return String(x);
  return '';
}

function fold(s: string): string {
  return s.trim().toLowerCase();
}

/** Index of `key` among `candidates`: exact match first, then ignoring case and surrounding spaces. */
function find(candidates: readonly string[], key: string): number {
  const exact = candidates.indexOf(key);
  if (exact >= 0) return exact;
  const folded = fold(key);
  return candidates.findIndex((c) => fold(c) === folded);
}

/** A weight from a number, or from text such as "40" or "40%"; anything unusable counts as 0. */
function weight(x: unknown): number {
  let n = Number.NaN;
  if (typeof x === 'number') n = x;
  else if (typeof x === 'string' && x.trim() !== '') n = Number(x.trim().replace(/%$/, ''));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/**
 * Keys mapped onto `values` (unknown ones dropped, first spelling wins), missing values at 0, then rescaled
 * to whole percentages summing to 100. Fractions (0.2/0.3/0.5) come out as 20/30/50 by the same rescaling.
 */
function normaliseDistribution(
  raw: unknown,
  values: readonly string[],
  uniformWhenMissing: boolean,
): Record<string, number> | undefined {
  const weights = values.map(() => 0);
  if (isRecord(raw)) {
    const filled = new Set<number>();
    for (const [key, w] of Object.entries(raw)) {
      const at = find(values, key);
      if (at < 0 || filled.has(at)) continue;
      filled.add(at);
      weights[at] = weight(w);
    }
  }
  if (!weights.some((w) => w > 0)) return uniformWhenMissing ? uniformDistribution(values) : undefined;
  const percents = largestRemainder(weights, 100);
  const out: Record<string, number> = {};
  values.forEach((value, i) => {
    setOwn(out, value, percents[i]!);
  });
  return out;
}

/** Forgiving repair of a spec; see the module comment. The result always passes validateSpec. */
export function normaliseSpec(content: SpecContent, options: NormaliseOptions = {}): SpecContent {
  const uniformWhenMissing = options.uniformWhenMissing ?? true;
  const raw: Record<string, unknown> = isRecord(content) ? content : {};
  const kept: { property: SpecProperty; conditionals: unknown }[] = [];
  const names = new Set<string>();
  for (const item of Array.isArray(raw.data_property_variations) ? raw.data_property_variations : []) {
    if (!isRecord(item)) continue;
    const name = text(item.property_name);
    if (name === '' || names.has(fold(name))) continue;
    const values: string[] = [];
    const seen = new Set<string>();
    for (const v of Array.isArray(item.property_values) ? item.property_values : []) {
      const value = text(v);
      if (value === '' || seen.has(fold(value))) continue;
      seen.add(fold(value));
      values.push(value);
    }
    // Checked after the name is known but before it is claimed: a later duplicate with values may stand in.
    if (values.length === 0) continue;
    names.add(fold(name));
    const property: SpecProperty = { property_name: name, property_values: values };
    const description = text(item.property_description);
    if (description !== '') property.property_description = description;
    const base = normaliseDistribution(item.base_distributions, values, uniformWhenMissing);
    if (base) property.base_distributions = base;
    kept.push({ property, conditionals: item.conditional_distributions });
  }

  const allNames = kept.map((k) => k.property.property_name);
  const parents = kept.map(() => [] as number[]);
  kept.forEach(({ property, conditionals }, i) => {
    if (!isRecord(conditionals)) return;
    const out: Record<string, Record<string, Record<string, number>>> = {};
    for (const [parentKey, inner] of Object.entries(conditionals)) {
      const p = find(allNames, parentKey);
      if (p < 0 || p === i || parents[i]!.includes(p) || !isRecord(inner)) continue;
      // Edges are added in listing order; one that would close a cycle is the later-listed one: dropped.
      if (conditioningPath(parents, p, i)) continue;
      const parentValues = kept[p]!.property.property_values;
      const byValue: Record<string, Record<string, number>> = {};
      const filled = new Set<number>();
      for (const [valueKey, dist] of Object.entries(inner)) {
        const v = find(parentValues, valueKey);
        if (v < 0 || filled.has(v)) continue;
        filled.add(v);
        const normalised = normaliseDistribution(dist, property.property_values, uniformWhenMissing);
        if (normalised) setOwn(byValue, parentValues[v]!, normalised);
      }
      if (Object.keys(byValue).length === 0) continue;
      parents[i]!.push(p);
      setOwn(out, allNames[p]!, byValue);
    }
    if (Object.keys(out).length > 0) property.conditional_distributions = out;
  });

  const spec: SpecContent = {
    description: text(raw.description),
    requirements: Array.isArray(raw.requirements)
      ? raw.requirements
          .map(text)
          .filter((r) => r !== '')
          .map((r) => `- ${r}`)
          .join('\n')
      : text(raw.requirements),
    data_property_variations: kept.map((k) => k.property),
  };
  const column = raw.selected_sql_schema_column;
  if (column === null) spec.selected_sql_schema_column = null;
  else if (typeof column === 'string') spec.selected_sql_schema_column = column.trim() || null;
  const columns = raw.selected_sql_query_columns;
  if (columns === null) spec.selected_sql_query_columns = null;
  else if (Array.isArray(columns))
    spec.selected_sql_query_columns = columns.map(text).filter((c) => c !== '');
  return spec;
}
