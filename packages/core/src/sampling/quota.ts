import type { SpecContent, SpecProperty } from '../spec/types.js';
import { createRng, type Rng } from './rng.js';

/** The property values one sample must show: property name -> value. */
export type Assignment = Record<string, string>;

/**
 * Splits `n` into integer counts proportional to `weights` (largest remainder), so counts sum to `n`
 * exactly and each is within 1 of its exact share. `carry` (per key, updated) lets successive calls
 * round in different directions, so totals over many groups stay close to the exact shares too.
 */
export function apportion(
  n: number,
  weights: Record<string, number>,
  carry?: Map<string, number>,
): Record<string, number> {
  const keys = Object.keys(weights);
  const total = keys.reduce((s, k) => s + Math.max(0, weights[k]!), 0);
  const exact = keys.map((k) => (total > 0 ? (n * Math.max(0, weights[k]!)) / total : n / keys.length));
  const adjusted = exact.map((e, i) => e + (carry?.get(keys[i]!) ?? 0));
  const counts = adjusted.map((a) => Math.max(0, Math.floor(a)));
  let left = n - counts.reduce((s, c) => s + c, 0);
  // Give the remaining units to the largest remainders (ties: spec order); take back if carry overshot.
  const order = keys
    .map((_, i) => i)
    .sort(
      (a, b) => adjusted[b]! - Math.floor(adjusted[b]!) - (adjusted[a]! - Math.floor(adjusted[a]!)) || a - b,
    );
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) counts[order[j]!]! += 1;
  for (let j = order.length - 1; left < 0; j = (j - 1 + order.length) % order.length) {
    const i = order[j]!;
    if (counts[i]! > 0) {
      counts[i]! -= 1;
      left++;
    }
  }
  if (carry) {
    keys.forEach((k, i) => {
      carry.set(k, (carry.get(k) ?? 0) + exact[i]! - counts[i]!);
    });
  }
  return Object.fromEntries(keys.map((k, i) => [k, counts[i]!]));
}

function weightsOf(property: SpecProperty): Record<string, number> {
  const base = property.base_distributions;
  return Object.fromEntries(property.property_values.map((v) => [v, base ? (base[v] ?? 0) : 1]));
}

/** The parent a property is conditioned on (the first one listed), if any. */
export function parentOf(property: SpecProperty): string | undefined {
  const parents = Object.keys(property.conditional_distributions ?? {});
  return parents[0];
}

/** Properties ordered so each comes after the parent it is conditioned on. */
export function conditioningOrder(properties: SpecProperty[]): SpecProperty[] {
  const byName = new Map(properties.map((p) => [p.property_name, p]));
  const placed = new Set<string>();
  const ordered: SpecProperty[] = [];
  const visit = (p: SpecProperty, path: Set<string>) => {
    if (placed.has(p.property_name)) return;
    const parent = parentOf(p);
    if (parent && byName.has(parent) && !path.has(parent))
      visit(byName.get(parent)!, new Set([...path, p.property_name]));
    placed.add(p.property_name);
    ordered.push(p);
  };
  for (const p of properties) visit(p, new Set([p.property_name]));
  return ordered;
}

/**
 * Draws every sample's assignment up front by quota sampling: each property's values are dealt out in
 * exactly the proportions its distribution asks for (as closely as integer counts allow), within each
 * group of samples sharing the parent value when the property is conditioned, then shuffled (seeded).
 */
export function planAssignments(spec: SpecContent, n: number, seed: string | number): Assignment[] {
  const rng = createRng(seed);
  const plan: Assignment[] = Array.from({ length: n }, () => ({}));
  for (const property of conditioningOrder(spec.data_property_variations)) {
    const parent = parentOf(property);
    if (!parent || !spec.data_property_variations.some((p) => p.property_name === parent)) {
      deal(
        plan,
        [...plan.keys()],
        property.property_name,
        weightsOf(property),
        rng.fork(property.property_name),
      );
      continue;
    }
    const groups = new Map<string, number[]>();
    plan.forEach((a, i) => {
      const key = a[parent] ?? '';
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    const carry = new Map<string, number>();
    const conditional = property.conditional_distributions![parent]!;
    // Groups in a fixed order, so the carried rounding is deterministic.
    for (const [parentValue, indexes] of [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const given = conditional[parentValue];
      const weights = given
        ? Object.fromEntries(property.property_values.map((v) => [v, given[v] ?? 0]))
        : weightsOf(property);
      deal(
        plan,
        indexes,
        property.property_name,
        weights,
        rng.fork(`${property.property_name}/${parentValue}`),
        carry,
      );
    }
  }
  return plan;
}

function deal(
  plan: Assignment[],
  indexes: number[],
  name: string,
  weights: Record<string, number>,
  rng: Rng,
  carry?: Map<string, number>,
) {
  const counts = apportion(indexes.length, weights, carry);
  const deck: string[] = [];
  for (const [value, count] of Object.entries(counts)) for (let i = 0; i < count; i++) deck.push(value);
  const shuffled = rng.shuffle(deck);
  indexes.forEach((sampleIndex, i) => {
    plan[sampleIndex]![name] = shuffled[i]!;
  });
}

/** Observed share (percent) of each value of a property in a plan, for reports and tests. */
export function marginals(plan: Assignment[], property: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of plan) {
    const v = a[property];
    if (v !== undefined) counts[v] = (counts[v] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).map(([k, c]) => [k, (100 * c) / plan.length]));
}
