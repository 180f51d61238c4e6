import type { SpecContent, SpecProperty } from '../spec/types.js';
import { inRange, parseBinLabel } from '../statistical/conditions.js';
import { isNa, textOf } from './columns.js';
import { chiSquareTail, totalVariation } from './stats.js';

/**
 * Conformance of generated samples to a spec: per property, the requested distribution (the spec's base
 * distribution, uniform when absent) against the observed one, as TVD (and accuracy = 1 - TVD, i.e.
 * mostlyai-qa's univariate accuracy with the spec as reference) and a χ² goodness-of-fit test; per
 * conditioned property also the TVD within each parent value, weighted by how many samples have it.
 */
export interface ChiSquare {
  statistic: number;
  df: number;
  /** P(χ² ≥ statistic) under the requested distribution; 0 when values were seen that it gives no room. */
  pValue: number;
}

export interface DistributionConformance {
  n: number;
  /** Percent per value, as requested and as observed (observed also lists unexpected values). */
  requested: Record<string, number>;
  observed: Record<string, number>;
  counts: Record<string, number>;
  tvd: number;
  accuracy: number;
  chiSquare: ChiSquare | null;
  /** Samples whose value is not among the requested ones. */
  unexpected: number;
}

export interface PropertyConformance extends DistributionConformance {
  property: string;
  /** Samples without a value for the property. */
  missing: number;
  conditional?: {
    parent: string;
    /** Mean TVD within parent values, weighted by their sample counts. */
    tvd: number;
    byParent: Record<string, { n: number; tvd: number }>;
  };
}

export interface ConformanceReport {
  properties: PropertyConformance[];
  /** Mean accuracy (1 - TVD) over properties. */
  accuracy: number;
  samples: number;
}

/** Requested vs observed distribution of one property. */
export function distributionConformance(
  requested: Record<string, number>,
  observed: string[],
): DistributionConformance {
  const counts: Record<string, number> = {};
  for (const v of observed) counts[v] = (counts[v] ?? 0) + 1;
  const n = observed.length;
  const total = Object.values(requested).reduce((s, x) => s + Math.max(0, x), 0);
  const shares = Object.fromEntries(
    Object.entries(requested).map(([k, v]) => [k, total > 0 ? Math.max(0, v) / total : 0]),
  );
  const unexpected = observed.filter((v) => !Object.hasOwn(requested, v)).length;
  let statistic = 0;
  let categories = 0;
  let impossible = false;
  for (const [k, p] of Object.entries(shares)) {
    const o = counts[k] ?? 0;
    if (p <= 0) {
      if (o > 0) impossible = true;
      continue;
    }
    const e = n * p;
    statistic += (o - e) ** 2 / e;
    categories++;
  }
  if (unexpected > 0) impossible = true;
  const chiSquare: ChiSquare | null =
    n > 0 && categories > 1
      ? { statistic, df: categories - 1, pValue: impossible ? 0 : chiSquareTail(statistic, categories - 1) }
      : null;
  const tvd = n > 0 ? totalVariation(shares, counts) : Number.NaN;
  return {
    n,
    requested: Object.fromEntries(Object.entries(shares).map(([k, p]) => [k, 100 * p])),
    observed: Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, n ? (100 * c) / n : 0])),
    counts,
    tvd,
    accuracy: 1 - tvd,
    chiSquare,
    unexpected,
  };
}

function requestedOf(property: SpecProperty): Record<string, number> {
  return Object.fromEntries(
    property.property_values.map((v) => [
      v,
      property.base_distributions ? (property.base_distributions[v] ?? 0) : 1,
    ]),
  );
}

/**
 * Per-sample observations -> conformance. `observations[i][property]` is the value sample i shows (as an
 * LLM classification or `observeRecord` gives it); samples without one count as missing.
 */
export function conformance(
  spec: SpecContent,
  observations: Record<string, string | undefined>[],
): ConformanceReport {
  const properties = spec.data_property_variations.map((property): PropertyConformance => {
    const name = property.property_name;
    const values = observations.map((o) => o[name]).filter((v): v is string => v !== undefined);
    const result: PropertyConformance = {
      property: name,
      missing: observations.length - values.length,
      ...distributionConformance(requestedOf(property), values),
    };
    const parents = Object.entries(property.conditional_distributions ?? {});
    if (parents.length > 0) {
      const [parent, byValue] = parents[0]!;
      const byParent: Record<string, { n: number; tvd: number }> = {};
      let weighted = 0;
      let weight = 0;
      const groups = new Map<string, string[]>();
      for (const o of observations) {
        const pv = o[parent];
        const v = o[name];
        if (pv === undefined || v === undefined) continue;
        groups.set(pv, [...(groups.get(pv) ?? []), v]);
      }
      for (const [pv, group] of groups) {
        const requested = byValue[pv] ?? requestedOf(property);
        const tvd = distributionConformance(requested, group).tvd;
        byParent[pv] = { n: group.length, tvd };
        weighted += tvd * group.length;
        weight += group.length;
      }
      result.conditional = { parent, tvd: weight ? weighted / weight : Number.NaN, byParent };
    }
    return result;
  });
  const accs = properties.map((p) => p.accuracy).filter((a) => !Number.isNaN(a));
  return {
    properties,
    accuracy: accs.length ? accs.reduce((s, a) => s + a, 0) / accs.length : Number.NaN,
    samples: observations.length,
  };
}

/**
 * The value a table record shows for each spec property that names one of its columns: the property value
 * equal to the cell, or the bin label (`20-34`, `10.5 to under 20`) its number falls in, or `other` when the
 * property lists it; undefined when the cell is missing.
 */
export function observeRecord(
  spec: SpecContent,
  record: Record<string, unknown>,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const property of spec.data_property_variations) {
    const name = property.property_name;
    if (!Object.hasOwn(record, name)) continue;
    const cell = record[name];
    if (isNa(cell)) {
      out[name] = undefined;
      continue;
    }
    const text = textOf(cell).trim();
    const values = property.property_values;
    if (values.includes(text)) {
      out[name] = text;
      continue;
    }
    const x = Number(text);
    const same =
      text !== '' && Number.isFinite(x) ? values.find((v) => v.trim() !== '' && Number(v) === x) : undefined;
    if (same !== undefined) {
      out[name] = same;
      continue;
    }
    const bin =
      text !== '' && Number.isFinite(x)
        ? values.find((v) => {
            const r = parseBinLabel(v);
            return r !== undefined && inRange(x, r);
          })
        : undefined;
    out[name] = bin ?? (values.includes('other') ? 'other' : text);
  }
  return out;
}
