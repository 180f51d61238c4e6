/**
 * Reads a spec from YAML: the API dialect (`spec:` / property_name / property_values) and the older one
 * (`specification:` / axis_name / possible_values). The YAML is walked node by node rather than converted to
 * plain objects, so every problem can name its line, and unknown keys are caught instead of silently
 * dropped (a typo such as `base_distribution` would otherwise make a distribution vanish).
 */
import {
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type YAMLMap,
} from 'yaml';
import { formatSpecPath, type SpecPath, type SpecProblem, SpecValidationError, setOwn } from './problems.js';
import type { SpecContent, SpecProperty } from './types.js';
import {
  BROKEN,
  type Broken,
  checkProperties,
  type DraftDistribution,
  type DraftProperty,
} from './validate.js';

const ROOT_KEYS = ['spec', 'specification', 'metadata'];
const SPEC_KEYS = [
  'description',
  'requirements',
  'data_property_variations',
  'selected_sql_schema_column',
  'selected_sql_query_columns',
];
/** Key as written -> key in SpecProperty. Both dialects' names are accepted under either root key. */
const PROPERTY_KEYS: Record<string, keyof SpecProperty> = {
  property_name: 'property_name',
  axis_name: 'property_name',
  property_description: 'property_description',
  axis_description: 'property_description',
  property_values: 'property_values',
  possible_values: 'property_values',
  base_distributions: 'base_distributions',
  distributions: 'base_distributions',
  conditional_distributions: 'conditional_distributions',
};
const CANONICAL_PROPERTY_KEYS = [...new Set(Object.values(PROPERTY_KEYS))];

/** A position in the document: the path in SpecContent terms, the path as written, and its offset. */
interface Where {
  canon: SpecPath;
  display: SpecPath;
  pos: number | null;
}

class Walk {
  readonly problems: { pos: number | null; path: string; message: string }[] = [];
  /** Canonical path -> where it is written, so rule checks on the built spec can point back at lines. */
  readonly places = new Map<string, { pos: number | null; display: string }>();

  constructor(private readonly lines: LineCounter) {}

  /** Offset where `node` starts: problems are sorted by it, then shown by line. */
  posOf(node: Node | Pair | null | undefined, fallback: number | null): number | null {
    const range = node && 'range' in node ? node.range : undefined;
    return range ? range[0] : fallback;
  }

  /** The problems in document order, offsets turned into line numbers. */
  finish(): SpecProblem[] {
    return [...this.problems]
      .sort((a, b) => (a.pos ?? Number.MAX_SAFE_INTEGER) - (b.pos ?? Number.MAX_SAFE_INTEGER))
      .map(({ pos, path, message }) => ({
        line: pos === null ? null : this.lines.linePos(pos).line,
        path,
        message,
      }));
  }

  at(parent: Where, canon: string | number, display: string | number, pos: number | null): Where {
    const where = { canon: [...parent.canon, canon], display: [...parent.display, display], pos };
    this.places.set(formatSpecPath(where.canon), { pos, display: formatSpecPath(where.display) });
    return where;
  }

  problem(where: Where, message: string): void {
    this.problems.push({ pos: where.pos, path: formatSpecPath(where.display), message });
  }

  /** Reports a problem found on the built spec at its closest written ancestor. */
  ruleProblem(path: SpecPath, prefix: SpecPath, message: string): void {
    for (let n = path.length; n >= 0; n--) {
      const place = this.places.get(formatSpecPath(path.slice(0, n)));
      if (place) {
        const rest = formatSpecPath(['x', ...path.slice(n)]).slice(1);
        this.problems.push({ pos: place.pos, path: place.display + rest, message });
        return;
      }
    }
    this.problems.push({ pos: null, path: formatSpecPath([...prefix, ...path]), message });
  }
}

/** Parses and checks a spec; throws SpecValidationError listing every problem with its line. */
export function parseSpecYaml(text: string): SpecContent {
  const lines = new LineCounter();
  // YAML 1.2 core schema: `yes`/`no`/`on` stay text, only true/false are booleans.
  const doc = parseDocument(text, {
    lineCounter: lines,
    version: '1.2',
    schema: 'core',
    prettyErrors: false,
  });
  if (doc.errors.length > 0) {
    throw new SpecValidationError(
      doc.errors.map((err) => {
        const { line, col } = lines.linePos(err.pos[0]);
        return { line, path: '', message: `invalid YAML: ${err.message} (column ${col})` };
      }),
    );
  }
  const walk = new Walk(lines);
  const top: Where = { canon: [], display: [], pos: 0 };
  const root = doc.contents;
  if (!isMap(root)) {
    const what = root === null || (isScalar(root) && root.value === null) ? 'is empty' : 'must be a mapping';
    walk.problem(
      { ...top, pos: walk.posOf(root, 0) },
      `the document ${what}: expected a \`spec:\` section (description, requirements, data_property_variations)`,
    );
    throw new SpecValidationError(walk.finish());
  }

  let specPair: Pair | undefined;
  let specKey = 'spec';
  for (const pair of root.items) {
    const key = keyText(pair);
    const pos = walk.posOf(pair.key as Node, top.pos);
    if (key === undefined || !ROOT_KEYS.includes(key)) {
      walk.problem(
        { canon: [], display: [key ?? '?'], pos },
        `unknown top-level key${suggest(key, ROOT_KEYS)}; expected spec (or specification) and optionally metadata`,
      );
    } else if (key !== 'metadata') {
      if (specPair)
        walk.problem({ canon: [], display: [key], pos }, `the spec is already given under ${specKey}:`);
      else {
        specPair = pair;
        specKey = key;
      }
    }
  }
  if (!specPair) {
    walk.problem({ ...top, display: ['spec'] }, 'missing: the spec goes under a top-level `spec:` key');
    throw new SpecValidationError(walk.finish());
  }

  const specAt: Where = { canon: [], display: [specKey], pos: walk.posOf(specPair.key as Node, 0) };
  walk.places.set('', { pos: specAt.pos, display: specKey });
  const content: SpecContent = { description: '', requirements: '', data_property_variations: [] };
  let properties: DraftProperty[] = [];
  const specNode = resolve(walk, specPair.value, specAt);
  if (specNode !== BROKEN && specNode !== null) {
    if (!isMap(specNode)) {
      walk.problem(specAt, 'must be a mapping (description, requirements, data_property_variations)');
    } else {
      properties = readSpecMap(walk, specNode, specAt, content);
    }
  } else if (specNode === null) {
    walk.problem(specAt, 'is empty');
  }

  checkProperties(properties, (path, message) => walk.ruleProblem(path, [specKey], message));
  if (walk.problems.length > 0) throw new SpecValidationError(walk.finish());
  return content;
}

/** The node itself; null for an empty/`null` value; BROKEN (reported) for an alias. */
function resolve(walk: Walk, node: unknown, where: Where): Node | null | Broken {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    // Aliases could expand a short text into a huge spec; specs are small enough to write out.
    walk.problem(where, 'aliases (*name) are not supported in specs; write the value out');
    return BROKEN;
  }
  if (isScalar(node) && node.value === null) return null;
  return node as Node;
}

/** A key's text, or undefined when the key is not a plain scalar. */
function keyText(pair: Pair): string | undefined {
  const key = pair.key;
  if (!isScalar(key) || key.value === null) return undefined;
  return scalarText(key);
}

/** A scalar as written: `1.0` stays "1.0", `yes` stays "yes" (the core schema's conversions are undone). */
function scalarText(node: Node): string | undefined {
  if (!isScalar(node)) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.source ?? String(node.value);
}

/** Text for a field that must be a scalar; null if empty; BROKEN (reported) otherwise. */
function readText(walk: Walk, node: unknown, where: Where): string | null | Broken {
  const resolved = resolve(walk, node, where);
  if (resolved === null || resolved === BROKEN) return resolved;
  const text = scalarText(resolved);
  if (text === undefined) {
    walk.problem(where, `must be text, not a ${isSeq(resolved) ? 'list' : 'mapping'}`);
    return BROKEN;
  }
  return text;
}

function didYouMean(key: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(key.toLowerCase(), candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function suggest(key: string | undefined, candidates: readonly string[]): string {
  const best = key === undefined ? undefined : didYouMean(key, candidates);
  return best ? ` (did you mean ${best}?)` : '';
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length]!;
}

interface KeyedPair {
  key: string;
  pair: Pair;
  pos: number | null;
}

/**
 * A mapping's pairs with their text keys. Non-text, repeated and (when `known` is given) unknown keys are
 * reported and left out; `skipped` counts them.
 */
function pairsOf(
  walk: Walk,
  map: YAMLMap,
  where: Where,
  known: readonly string[] | null = null,
  expected = '',
): { pairs: KeyedPair[]; skipped: number } {
  const pairs: KeyedPair[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const pair of map.items) {
    const pos = walk.posOf(pair.key as Node, where.pos);
    const key = keyText(pair);
    if (key === undefined) {
      walk.problem({ ...where, pos }, 'keys must be plain text');
      skipped++;
    } else if (seen.has(key)) {
      // YAML itself sees `1` and "1" as different keys; as text they are the same.
      walk.problem({ canon: where.canon, display: [...where.display, key], pos }, 'repeats an earlier key');
      skipped++;
    } else if (known && !known.includes(key)) {
      walk.problem(
        { canon: where.canon, display: [...where.display, key], pos },
        `unknown key${suggest(key, known)}; expected ${expected}`,
      );
      skipped++;
    } else {
      seen.add(key);
      pairs.push({ key, pair, pos });
    }
  }
  return { pairs, skipped };
}

function readSpecMap(walk: Walk, map: YAMLMap, specAt: Where, content: SpecContent): DraftProperty[] {
  let properties: DraftProperty[] = [];
  for (const { key, pair, pos } of pairsOf(walk, map, specAt, SPEC_KEYS, SPEC_KEYS.join(', ')).pairs) {
    const where = walk.at(specAt, key, key, pos);
    switch (key) {
      case 'description': {
        const text = readText(walk, pair.value, where);
        if (typeof text === 'string') content.description = text;
        break;
      }
      case 'requirements': {
        const text = readRequirements(walk, pair.value, where);
        if (typeof text === 'string') content.requirements = text;
        break;
      }
      case 'selected_sql_schema_column': {
        const text = readText(walk, pair.value, where);
        if (text !== BROKEN) content.selected_sql_schema_column = text;
        break;
      }
      case 'selected_sql_query_columns': {
        const node = resolve(walk, pair.value, where);
        if (node === null) content.selected_sql_query_columns = null;
        else if (node !== BROKEN) {
          const columns = readTextList(walk, node, where);
          if (columns) content.selected_sql_query_columns = columns;
        }
        break;
      }
      case 'data_property_variations': {
        const node = resolve(walk, pair.value, where);
        if (node === null || node === BROKEN) break;
        if (!isSeq(node)) {
          walk.problem(where, 'must be a list of properties');
          break;
        }
        properties = node.items.map((item, i) => {
          const itemAt = walk.at(where, i, i, walk.posOf(item as Node, pos));
          const { draft, property } = readProperty(walk, item, itemAt);
          if (property) content.data_property_variations.push(property);
          return draft;
        });
        break;
      }
    }
  }
  return properties;
}

/** A string, or a list of strings joined as `- item` lines. */
function readRequirements(walk: Walk, node: unknown, where: Where): string | Broken {
  const resolved = resolve(walk, node, where);
  if (resolved === null) return '';
  if (resolved === BROKEN) return BROKEN;
  if (isSeq(resolved)) {
    const items = readTextList(walk, resolved, where);
    return items ? items.map((item) => `- ${item}`).join('\n') : BROKEN;
  }
  return readText(walk, resolved, where) ?? '';
}

/** A list of scalars as text; undefined (reported) if it is not a list or an item is not text. */
function readTextList(walk: Walk, node: Node, where: Where): string[] | undefined {
  if (!isSeq(node)) {
    walk.problem(where, 'must be a list');
    return undefined;
  }
  const out: string[] = [];
  let ok = true;
  node.items.forEach((item, i) => {
    const itemAt = walk.at(where, i, i, walk.posOf(item as Node, where.pos));
    const text = readText(walk, item, itemAt);
    if (typeof text === 'string') out.push(text);
    else {
      if (text === null) walk.problem(itemAt, 'is empty');
      ok = false;
    }
  });
  return ok ? out : undefined;
}

function readProperty(
  walk: Walk,
  item: unknown,
  itemAt: Where,
): { draft: DraftProperty; property: SpecProperty | undefined } {
  const draft: DraftProperty = { name: BROKEN, values: BROKEN, base: undefined, conditionals: undefined };
  const node = resolve(walk, item, itemAt);
  if (node === BROKEN) return { draft, property: undefined };
  if (!isMap(node)) {
    walk.problem(itemAt, 'each property must be a mapping with property_name and property_values');
    return { draft, property: undefined };
  }
  const property: SpecProperty = { property_name: '', property_values: [] };
  const written = new Map<keyof SpecProperty, string>();
  const expected = CANONICAL_PROPERTY_KEYS.join(', ');
  for (const { key, pair, pos } of pairsOf(walk, node, itemAt, Object.keys(PROPERTY_KEYS), expected).pairs) {
    const canon = PROPERTY_KEYS[key]!;
    const where = walk.at(itemAt, canon, key, pos);
    const earlier = written.get(canon);
    if (earlier !== undefined) {
      walk.problem(where, `repeats ${earlier} (both name the ${canon} of this property)`);
      continue;
    }
    written.set(canon, key);
    switch (canon) {
      case 'property_name': {
        const text = readText(walk, pair.value, where);
        if (text === null) walk.problem(where, 'must not be empty');
        if (typeof text === 'string') property.property_name = draft.name = text;
        break;
      }
      case 'property_description': {
        const text = readText(walk, pair.value, where);
        if (typeof text === 'string') property.property_description = text;
        break;
      }
      case 'property_values': {
        const list = resolve(walk, pair.value, where);
        if (list === BROKEN) break;
        if (list === null) {
          draft.values = [];
          break;
        }
        if (!isSeq(list)) {
          walk.problem(where, 'must be a list of values, e.g. [low, medium, high]');
          break;
        }
        draft.values = list.items.map((value, i) => {
          const valueAt = walk.at(where, i, i, walk.posOf(value as Node, pos));
          const text = readText(walk, value, valueAt);
          if (text === null) walk.problem(valueAt, 'is empty (write "null" in quotes if you mean the text)');
          if (typeof text !== 'string') return BROKEN;
          property.property_values.push(text);
          return text;
        });
        break;
      }
      case 'base_distributions': {
        const dist = readDistribution(walk, pair.value, where);
        if (dist === null) break;
        draft.base = dist;
        if (dist !== BROKEN) property.base_distributions = recordOf(dist);
        break;
      }
      case 'conditional_distributions': {
        const read = readConditionals(walk, pair.value, where);
        if (read === null) break;
        draft.conditionals = read.draft;
        if (read.record) property.conditional_distributions = read.record;
        break;
      }
    }
  }
  if (!written.has('property_name')) {
    walk.problem({ ...itemAt, display: [...itemAt.display, 'property_name'] }, 'is missing');
  }
  if (!written.has('property_values')) {
    walk.problem({ ...itemAt, display: [...itemAt.display, 'property_values'] }, 'is missing');
  }
  return { draft, property };
}

function recordOf(dist: DraftDistribution): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, percent] of dist.entries) if (percent !== BROKEN) setOwn(out, key, percent);
  return out;
}

/** A value -> percentage mapping; null when empty (absent = uniform). */
function readDistribution(walk: Walk, node: unknown, where: Where): DraftDistribution | Broken | null {
  const map = resolve(walk, node, where);
  if (map === null || map === BROKEN) return map;
  if (!isMap(map)) {
    walk.problem(where, 'must map each value to a percentage, e.g. {low: 20, high: 80}');
    return BROKEN;
  }
  const { pairs, skipped } = pairsOf(walk, map, where);
  // A key that is not text was reported and left out: the sum can no longer be judged.
  const dist: DraftDistribution = { entries: [], complete: skipped === 0 };
  for (const { key, pair, pos } of pairs) {
    const at = walk.at(where, key, key, pos);
    const value = resolve(walk, pair.value, at);
    if (value !== BROKEN && isScalar(value) && typeof value.value === 'number') {
      dist.entries.push([key, value.value]);
    } else {
      if (value !== BROKEN) walk.problem(at, 'must be a number (a percentage from 0 to 100)');
      dist.entries.push([key, BROKEN]);
    }
  }
  return dist;
}

function readConditionals(
  walk: Walk,
  node: unknown,
  where: Where,
): { draft: DraftProperty['conditionals']; record: SpecProperty['conditional_distributions'] } | null {
  const map = resolve(walk, node, where);
  if (map === null) return null;
  if (map === BROKEN) return { draft: BROKEN, record: undefined };
  if (!isMap(map)) {
    walk.problem(where, 'must map a parent property to its values, each with a distribution');
    return { draft: BROKEN, record: undefined };
  }
  const draft: NonNullable<Exclude<DraftProperty['conditionals'], Broken>> = [];
  const record: Record<string, Record<string, Record<string, number>>> = {};
  for (const { key: parent, pair, pos } of pairsOf(walk, map, where).pairs) {
    const parentAt = walk.at(where, parent, parent, pos);
    const inner = resolve(walk, pair.value, parentAt);
    if (inner === BROKEN) {
      draft.push([parent, BROKEN]);
      continue;
    }
    const byValue: Record<string, Record<string, number>> = {};
    setOwn(record, parent, byValue);
    if (inner === null) {
      draft.push([parent, []]);
      continue;
    }
    if (!isMap(inner)) {
      walk.problem(parentAt, `must map each value of ${parent} to a distribution`);
      draft.push([parent, BROKEN]);
      continue;
    }
    const entries: [string, DraftDistribution | Broken][] = [];
    for (const { key: parentValue, pair: innerPair, pos: innerPos } of pairsOf(walk, inner, parentAt).pairs) {
      const valueAt = walk.at(parentAt, parentValue, parentValue, innerPos);
      const dist = readDistribution(walk, innerPair.value, valueAt);
      if (dist === null) {
        walk.problem(valueAt, 'is empty: give a distribution or leave the value out');
        entries.push([parentValue, BROKEN]);
        continue;
      }
      entries.push([parentValue, dist]);
      if (dist !== BROKEN) setOwn(byValue, parentValue, recordOf(dist));
    }
    draft.push([parent, entries]);
  }
  return { draft, record };
}
