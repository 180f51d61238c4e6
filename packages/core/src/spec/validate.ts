/**
 * The rules a spec must follow, written once over a "draft" that both entry points fill: `validateSpec` from
 * a SpecContent built in code, and `parseSpecYaml` from YAML nodes (which adds line numbers). In a draft,
 * BROKEN marks a part the filler already reported as malformed, so checks that depend on it are skipped
 * instead of piling up follow-on complaints about the same mistake.
 */
import type { SpecPath, SpecProblem } from './problems.js';
import { formatSpecPath } from './problems.js';
import type { SpecContent } from './types.js';

export const BROKEN: unique symbol = Symbol('broken');
export type Broken = typeof BROKEN;

export interface DraftDistribution {
  entries: [key: string, percent: number | Broken][];
  /** False when an entry was dropped as malformed: the sum is then unknown. */
  complete: boolean;
}

export interface DraftProperty {
  name: string | Broken;
  values: (string | Broken)[] | Broken;
  base: DraftDistribution | Broken | undefined;
  conditionals:
    | [parent: string, inner: [parentValue: string, DraftDistribution | Broken][] | Broken][]
    | Broken
    | undefined;
}

export type Report = (path: SpecPath, message: string) => void;

const PROPERTIES = 'data_property_variations';

/** Problems of a spec built in code (e.g. from a model reply); paths are relative to the content object. */
export function validateSpec(content: SpecContent): SpecProblem[] {
  const problems: SpecProblem[] = [];
  const report: Report = (path, message) => {
    problems.push({ line: null, path: formatSpecPath(path), message });
  };
  const properties = draftFromContent(content, report);
  if (properties) checkProperties(properties, report);
  return problems;
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Runtime type checks: content typed as SpecContent may still be a model's JSON cast without checking. */
function draftFromContent(content: unknown, report: Report): DraftProperty[] | undefined {
  if (!isRecord(content)) {
    report([], 'the spec must be an object');
    return undefined;
  }
  if (typeof content.description !== 'string') report(['description'], 'must be text');
  if (typeof content.requirements !== 'string') report(['requirements'], 'must be text');
  const column = content.selected_sql_schema_column;
  if (column !== undefined && column !== null && typeof column !== 'string') {
    report(['selected_sql_schema_column'], 'must be text or null');
  }
  const columns = content.selected_sql_query_columns;
  if (columns !== undefined && columns !== null) {
    if (!Array.isArray(columns))
      report(['selected_sql_query_columns'], 'must be a list of column names or null');
    else
      columns.forEach((c, i) => {
        if (typeof c !== 'string') report(['selected_sql_query_columns', i], 'must be text');
      });
  }
  const list = content[PROPERTIES];
  if (!Array.isArray(list)) {
    report([PROPERTIES], 'must be a list of properties');
    return undefined;
  }
  return list.map((raw, i): DraftProperty => {
    const at = [PROPERTIES, i];
    if (!isRecord(raw)) {
      report(at, 'must be an object with property_name and property_values');
      return { name: BROKEN, values: BROKEN, base: undefined, conditionals: undefined };
    }
    let name: string | Broken = BROKEN;
    if (typeof raw.property_name === 'string') name = raw.property_name;
    else report([...at, 'property_name'], 'must be text');
    if (raw.property_description !== undefined && typeof raw.property_description !== 'string') {
      report([...at, 'property_description'], 'must be text');
    }
    let values: (string | Broken)[] | Broken = BROKEN;
    if (Array.isArray(raw.property_values)) {
      values = raw.property_values.map((v, j) => {
        if (typeof v === 'string') return v;
        report([...at, 'property_values', j], 'must be text');
        return BROKEN;
      });
    } else {
      report([...at, 'property_values'], 'must be a list of values');
    }
    const base =
      raw.base_distributions === undefined
        ? undefined
        : draftDistribution(raw.base_distributions, [...at, 'base_distributions'], report);
    let conditionals: DraftProperty['conditionals'];
    if (raw.conditional_distributions !== undefined) {
      const cAt = [...at, 'conditional_distributions'];
      if (!isRecord(raw.conditional_distributions)) {
        report(cAt, 'must map parent property -> parent value -> distribution');
        conditionals = BROKEN;
      } else {
        conditionals = Object.entries(raw.conditional_distributions).map(([parent, inner]) => {
          if (!isRecord(inner)) {
            report([...cAt, parent], 'must map each parent value to a distribution');
            return [parent, BROKEN];
          }
          return [
            parent,
            Object.entries(inner).map(([pv, dist]) => [
              pv,
              draftDistribution(dist, [...cAt, parent, pv], report),
            ]),
          ];
        });
      }
    }
    return { name, values, base, conditionals };
  });
}

function draftDistribution(raw: unknown, at: SpecPath, report: Report): DraftDistribution | Broken {
  if (!isRecord(raw)) {
    report(at, 'must map each value to a percentage');
    return BROKEN;
  }
  return {
    entries: Object.entries(raw).map(([key, percent]) => {
      if (typeof percent === 'number') return [key, percent];
      report([...at, key], 'must be a number');
      return [key, BROKEN];
    }),
    complete: true,
  };
}

/** `a, b, c` for messages, shortened when a property has many values. */
function listForMessage(items: readonly string[], max = 8): string {
  const shown = items.slice(0, max).map((v) => JSON.stringify(v));
  return items.length > max ? `${shown.join(', ')}, … (${items.length} in all)` : shown.join(', ');
}

function fold(text: string): string {
  return text.trim().toLowerCase();
}

/** The cross-field rules: names, values, distributions, conditioning parents and cycles. */
export function checkProperties(properties: readonly DraftProperty[], report: Report): void {
  const byName = new Map<string, number>();
  const folded = new Map<string, number>();
  let someNameBroken = false;
  properties.forEach((p, i) => {
    if (p.name === BROKEN) {
      someNameBroken = true;
      return;
    }
    const at = [PROPERTIES, i, 'property_name'];
    if (p.name.trim() === '') {
      report(at, 'must not be empty');
      return;
    }
    const first = folded.get(fold(p.name));
    if (first !== undefined) {
      report(
        at,
        `"${p.name}" repeats the name of ${PROPERTIES}[${first}] (names are compared ignoring case)`,
      );
      return;
    }
    folded.set(fold(p.name), i);
    if (!byName.has(p.name)) byName.set(p.name, i);
  });

  // Per property: its valid values (for messages), and the set of all values written, or null when they
  // could not all be read (checks against them are then skipped).
  const distinctValues: string[][] = properties.map(() => []);
  const valueSets = properties.map((p, i): Set<string> | null => {
    if (p.values === BROKEN) return null;
    const at = [PROPERTIES, i, 'property_values'];
    if (p.values.length === 0) report(at, 'must list at least one value');
    const seen = new Map<string, string>();
    const firstIndex = new Map<string, number>();
    let complete = true;
    p.values.forEach((v, j) => {
      if (v === BROKEN) {
        complete = false;
        return;
      }
      if (v.trim() === '') {
        report([...at, j], 'must not be empty');
        return;
      }
      const first = firstIndex.get(fold(v));
      if (first !== undefined) {
        report([...at, j], `"${v}" repeats property_values[${first}] (values are compared ignoring case)`);
        return;
      }
      firstIndex.set(fold(v), j);
      seen.set(fold(v), v);
    });
    distinctValues[i] = [...seen.values()];
    return complete ? new Set(p.values.filter((v): v is string => v !== BROKEN)) : null;
  });

  const checkDistribution = (dist: DraftDistribution, i: number, at: SpecPath) => {
    const values = valueSets[i] ?? null;
    const listed = distinctValues[i] ?? [];
    let sum = 0;
    let summable = dist.complete;
    for (const [key, percent] of dist.entries) {
      if (values && !values.has(key)) {
        report([...at, key], `"${key}" is not one of the property's values (${listForMessage(listed)})`);
      }
      if (percent === BROKEN) {
        summable = false;
      } else if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
        report([...at, key], `${percent} must be a whole number from 0 to 100`);
        if (!Number.isFinite(percent)) summable = false;
      }
      if (percent !== BROKEN) sum += percent;
    }
    if (summable && sum !== 100) {
      const given = new Set(dist.entries.map(([key]) => key));
      const missing = values ? listed.filter((v) => !given.has(v)) : [];
      const note = missing.length > 0 ? ` (values not listed count as 0: ${listForMessage(missing)})` : '';
      report(at, `sums to ${Number(sum.toFixed(6))}, must sum to 100${note}`);
    }
  };

  properties.forEach((p, i) => {
    if (p.base !== undefined && p.base !== BROKEN)
      checkDistribution(p.base, i, [PROPERTIES, i, 'base_distributions']);
  });

  // Conditioning edges child -> parent, in listing order; an edge closing a cycle is reported and left out,
  // which is exactly the edge normaliseSpec drops, so the message says what to remove.
  const parents = properties.map(() => [] as number[]);
  properties.forEach((p, i) => {
    if (p.conditionals === undefined || p.conditionals === BROKEN) return;
    for (const [parent, inner] of p.conditionals) {
      const at = [PROPERTIES, i, 'conditional_distributions', parent];
      if (p.name !== BROKEN && parent === p.name) {
        report(at, 'a property cannot be conditioned on itself');
        continue;
      }
      const parentIndex = byName.get(parent);
      if (parentIndex === undefined) {
        if (!someNameBroken) {
          const names = [...byName.keys()].filter((n) => n !== p.name);
          report(
            at,
            `"${parent}" is not the name of another property (${listForMessage(names) || 'there is none'})`,
          );
        }
        continue;
      }
      if (inner !== BROKEN) {
        const parentValues = valueSets[parentIndex] ?? null;
        for (const [parentValue, dist] of inner) {
          if (parentValues && !parentValues.has(parentValue)) {
            const listed = distinctValues[parentIndex] ?? [];
            report(
              [...at, parentValue],
              `"${parentValue}" is not one of ${parent}'s values (${listForMessage(listed)})`,
            );
          }
          if (dist !== BROKEN) checkDistribution(dist, i, [...at, parentValue]);
        }
      }
      const back = conditioningPath(parents, parentIndex, i);
      if (back) {
        const names = [i, ...back].map((k) => properties[k]!.name).map((n) => (n === BROKEN ? '?' : n));
        report(
          at,
          `conditioning cycle: ${names.join(' -> ')} (each is conditioned on the next); remove one link`,
        );
        continue;
      }
      if (!parents[i]!.includes(parentIndex)) parents[i]!.push(parentIndex);
    }
  });
}

/**
 * The chain from `from` to `to` following "is conditioned on" edges (both ends included), or undefined when
 * `to` cannot be reached. Breadth-first, neighbours in listing order, so the chain reported is a shortest one.
 */
export function conditioningPath(
  parents: readonly (readonly number[])[],
  from: number,
  to: number,
): number[] | undefined {
  const previous = new Map<number, number>([[from, -1]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    if (node === to) {
      const chain: number[] = [];
      for (let at = node; at !== -1; at = previous.get(at)!) chain.unshift(at);
      return chain;
    }
    for (const next of parents[node] ?? []) {
      if (!previous.has(next)) {
        previous.set(next, node);
        queue.push(next);
      }
    }
  }
  return undefined;
}
