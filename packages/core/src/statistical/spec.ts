import type { TableRecord } from '../datasets/records.js';
import type { SpecContent, SpecProperty } from '../spec/types.js';
import { type ColumnProfile, cellText, isMissing, profileTable } from './profile.js';

export interface StatisticalSpecOptions {
  generateDistributions: boolean;
  generateConditionalDistributions: boolean;
  /** Most values an axis keeps before the rarest are folded into `other`. */
  maxValuesPerAxis?: number;
}

/** An axis learned from one column: how a record maps to one of its values. */
interface ColumnAxis {
  column: string;
  values: string[];
  valueOf(record: TableRecord): string | undefined;
}

const OTHER = 'other';

/**
 * The offline spec: axes from categorical, boolean and binned numeric columns with their observed
 * distributions, and conditionals from the strongest associations between axes. No network, no model.
 */
export function statisticalSpec(
  columns: string[],
  records: TableRecord[],
  options: StatisticalSpecOptions,
  total = records.length,
): { content: SpecContent; profiles: ColumnProfile[] } {
  const profiles = profileTable(columns, records);
  const maxValues = options.maxValuesPerAxis ?? 12;
  const axes = profiles.map((p) => axisFor(p, maxValues)).filter((a): a is ColumnAxis => a !== undefined);

  const properties: SpecProperty[] = axes.map((axis) => {
    const property: SpecProperty = {
      property_name: axis.column,
      property_description: describeAxis(profiles.find((p) => p.name === axis.column)!),
      property_values: axis.values,
    };
    if (options.generateDistributions)
      property.base_distributions = shares(records.map(axis.valueOf), axis.values);
    return property;
  });

  if (options.generateDistributions && options.generateConditionalDistributions) {
    addConditionals(properties, axes, records);
  }

  return {
    profiles,
    content: {
      description: `A table of ${total} records with ${columns.length} columns: ${columns.join(', ')}.`,
      requirements: profiles.map(requirementFor).join('\n'),
      data_property_variations: properties,
    },
  };
}

function axisFor(profile: ColumnProfile, maxValues: number): ColumnAxis | undefined {
  const name = profile.name;
  const few = profile.distinct <= maxValues;
  if (
    profile.kind === 'categorical' ||
    profile.kind === 'boolean' ||
    ((profile.kind === 'integer' || profile.kind === 'numeric') && few)
  ) {
    if (profile.distinct < 2) return undefined;
    const kept = profile.topValues
      .slice(0, profile.distinct > maxValues ? maxValues - 1 : maxValues)
      .map((v) => v.value);
    const folded = profile.distinct > kept.length;
    const values = folded ? [...kept, OTHER] : kept;
    const known = new Set(kept);
    return {
      column: name,
      values:
        profile.kind === 'integer' || profile.kind === 'numeric'
          ? [...values].sort((a, b) => Number(a) - Number(b))
          : values,
      valueOf: (r) => {
        const v = r[name];
        if (isMissing(v)) return undefined;
        const t = cellText(v).trim();
        return known.has(t) ? t : folded ? OTHER : undefined;
      },
    };
  }
  if ((profile.kind === 'integer' || profile.kind === 'numeric') && profile.numeric) {
    const q = profile.numeric.quantiles;
    // Quartile edges (0, .25, .5, .75, 1 sit at indexes 0, 3, 6, 9, 12), without repeats.
    const edges = [...new Set([q[0]!, q[3]!, q[6]!, q[9]!, q[12]!])];
    if (edges.length < 3) return undefined;
    const integer = profile.kind === 'integer';
    const labels = edges
      .slice(0, -1)
      .map((lo, i) => binLabel(lo, edges[i + 1]!, integer, i === edges.length - 2));
    return {
      column: name,
      values: labels,
      valueOf: (r) => {
        const v = r[name];
        if (isMissing(v)) return undefined;
        const x = Number(cellText(v));
        if (!Number.isFinite(x)) return undefined;
        for (let i = 0; i < edges.length - 1; i++) {
          if (x < edges[i + 1]! || i === edges.length - 2) return labels[i];
        }
        return undefined;
      },
    };
  }
  return undefined;
}

const fmt = (x: number, integer: boolean) =>
  integer
    ? String(Math.round(x))
    : Math.abs(x) >= 100
      ? x.toFixed(0)
      : Math.abs(x) >= 1
        ? x.toFixed(2)
        : x.toPrecision(3);

function binLabel(lo: number, hi: number, integer: boolean, last: boolean): string {
  if (integer) return `${fmt(lo, true)}-${fmt(last ? hi : hi - 1, true)}`;
  return last ? `${fmt(lo, false)} to ${fmt(hi, false)}` : `${fmt(lo, false)} to under ${fmt(hi, false)}`;
}

/** Observed percentages of each value (floats; normalisation rounds them to integers summing to 100). */
function shares(observed: (string | undefined)[], values: string[]): Record<string, number> {
  const counts = new Map(values.map((v) => [v, 0]));
  let n = 0;
  for (const v of observed) {
    if (v === undefined) continue;
    counts.set(v, (counts.get(v) ?? 0) + 1);
    n++;
  }
  return Object.fromEntries(values.map((v) => [v, n ? (100 * counts.get(v)!) / n : 100 / values.length]));
}

/** Cramér's V of two axes over the records: 0 independent, 1 one determines the other. */
export function cramersV(a: (string | undefined)[], b: (string | undefined)[]): number {
  const table = new Map<string, Map<string, number>>();
  const rowTotals = new Map<string, number>();
  const colTotals = new Map<string, number>();
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined || y === undefined) continue;
    const row = table.get(x) ?? new Map<string, number>();
    row.set(y, (row.get(y) ?? 0) + 1);
    table.set(x, row);
    rowTotals.set(x, (rowTotals.get(x) ?? 0) + 1);
    colTotals.set(y, (colTotals.get(y) ?? 0) + 1);
    n++;
  }
  const k = Math.min(rowTotals.size, colTotals.size);
  if (n === 0 || k < 2) return 0;
  let chi2 = 0;
  for (const [x, rt] of rowTotals) {
    for (const [y, ct] of colTotals) {
      const expected = (rt * ct) / n;
      const observed = table.get(x)?.get(y) ?? 0;
      chi2 += (observed - expected) ** 2 / expected;
    }
  }
  return Math.sqrt(chi2 / (n * (k - 1)));
}

/**
 * Each axis may depend on one earlier axis: the one it is most associated with (V >= 0.2). Parents come
 * before children in the list, so the conditioning graph has no cycles.
 */
function addConditionals(properties: SpecProperty[], axes: ColumnAxis[], records: TableRecord[]): void {
  const columns = axes.map((axis) => records.map(axis.valueOf));
  for (let child = 1; child < axes.length; child++) {
    let best = -1;
    let bestV = 0.2;
    for (let parent = 0; parent < child; parent++) {
      const v = cramersV(columns[parent]!, columns[child]!);
      if (v > bestV) {
        bestV = v;
        best = parent;
      }
    }
    if (best < 0) continue;
    const parentAxis = axes[best]!;
    const byParent: Record<string, Record<string, number>> = {};
    for (const parentValue of parentAxis.values) {
      const subset = columns[child]!.filter((_, i) => columns[best]![i] === parentValue);
      // Too few records to say anything: the child's base distribution applies for that parent value.
      if (subset.filter((v) => v !== undefined).length < 5) continue;
      byParent[parentValue] = shares(subset, axes[child]!.values);
    }
    if (Object.keys(byParent).length > 0) {
      properties[child]!.conditional_distributions = { [parentAxis.column]: byParent };
    }
  }
}

function describeAxis(p: ColumnProfile): string {
  if (p.kind === 'integer' || p.kind === 'numeric') return `Value of column "${p.name}" (${p.kind})`;
  return `Value of column "${p.name}"`;
}

function requirementFor(p: ColumnProfile): string {
  const missing = p.missingRate > 0 ? `, ${(100 * p.missingRate).toFixed(1)}% missing` : '';
  switch (p.kind) {
    case 'integer':
    case 'numeric':
      return `- ${p.name}: ${p.kind} between ${p.numeric!.min} and ${p.numeric!.max}, median ${p.numeric!.quantiles[6]}${missing}`;
    case 'id':
      return `- ${p.name}: unique identifier${p.pattern && p.pattern !== 'integer' ? ` shaped like ${p.pattern} (A letter, # digit)` : ''}${missing}`;
    case 'datetime':
      return `- ${p.name}: date/time (ISO 8601) from ${minMax(p)}${missing}`;
    case 'boolean':
      return `- ${p.name}: one of ${p.topValues.map((v) => v.value).join(', ')}${missing}`;
    case 'categorical':
      return `- ${p.name}: one of ${p.topValues.map((v) => v.value).join(', ')}${missing}`;
    default:
      return `- ${p.name}: free text, about ${Math.round(p.meanLength)} characters${missing}`;
  }
}

function minMax(p: ColumnProfile): string {
  const values = p.topValues.map((v) => v.value).sort();
  return `${values[0]} to ${values[values.length - 1]}`;
}
