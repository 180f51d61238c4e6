/**
 * Writes a spec as the API dialect. Beyond what YAML 1.2 needs, text that a YAML 1.1 reader (PyYAML, used
 * by DataFramer's own tooling) would turn into something else — `yes`, `on`, `1:30`, `2024-01-01` — is
 * quoted, so the file means the same thing to every consumer.
 */
import { Document, isScalar, Pair, parseDocument, Scalar, visit, YAMLMap, YAMLSeq } from 'yaml';
import type { SpecContent, SpecMetadata } from './types.js';

/** Flow style `[a, b, c]` only while the list stays readable on one line. */
const FLOW_LIMIT = 80;

// Control characters (other than tab and newline), and CR which YAML turns into a newline: a block literal
// cannot carry them, so such text is double-quoted with escapes instead.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const NOT_BLOCK_SAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\ufeff\u2028\u2029]|[\ud800-\udfff]/;

const plainIn11 = new Map<string, boolean>();

/** Whether `s` written plain would read back as the same text under YAML 1.1 too. */
function plainSafeIn11(s: string): boolean {
  let safe = plainIn11.get(s);
  if (safe === undefined) {
    const doc = parseDocument(s, { version: '1.1', prettyErrors: false, logLevel: 'silent' });
    const node = doc.contents;
    safe =
      s !== '<<' &&
      doc.errors.length === 0 &&
      doc.warnings.length === 0 &&
      isScalar(node) &&
      node.value === s;
    if (plainIn11.size > 10_000) plainIn11.clear();
    plainIn11.set(s, safe);
  }
  return safe;
}

function text(value: string, multiline = false): Scalar<string> {
  const node = new Scalar(value);
  if (multiline && value.includes('\n') && !NOT_BLOCK_SAFE.test(value)) node.type = 'BLOCK_LITERAL';
  return node;
}

function distributionMap(dist: Record<string, number>, values: readonly string[]): YAMLMap {
  const map = new YAMLMap();
  // Value order first (as the property lists them), then any other keys: readable and stable.
  const keys = [
    ...values.filter((v) => Object.hasOwn(dist, v)),
    ...Object.keys(dist).filter((k) => !values.includes(k)),
  ];
  for (const key of keys) map.items.push(new Pair(text(key), new Scalar(dist[key])));
  return map;
}

function flowLength(values: readonly string[]): number {
  return values.reduce((n, v) => n + v.length + 4, 2);
}

/** The spec as YAML (`spec:` then, if given, a read-only `metadata:` section). */
export function serialiseSpec(content: SpecContent, metadata?: SpecMetadata): string {
  const doc = new Document(null, { version: '1.2' });
  const spec = new YAMLMap();
  const add = (map: YAMLMap, key: string, value: unknown) => {
    map.items.push(new Pair(new Scalar(key), value));
  };
  add(spec, 'description', text(content.description, true));
  add(spec, 'requirements', text(content.requirements, true));
  const properties = new YAMLSeq();
  for (const p of content.data_property_variations) {
    const map = new YAMLMap();
    add(map, 'property_name', text(p.property_name));
    if (p.property_description !== undefined) add(map, 'property_description', text(p.property_description));
    const values = new YAMLSeq();
    for (const v of p.property_values) values.items.push(text(v));
    values.flow =
      flowLength(p.property_values) < FLOW_LIMIT && !p.property_values.some((v) => v.includes('\n'));
    add(map, 'property_values', values);
    if (p.base_distributions !== undefined) {
      add(map, 'base_distributions', distributionMap(p.base_distributions, p.property_values));
    }
    if (p.conditional_distributions !== undefined) {
      const byParent = new YAMLMap();
      for (const [parent, byValue] of Object.entries(p.conditional_distributions)) {
        const inner = new YAMLMap();
        for (const [parentValue, dist] of Object.entries(byValue)) {
          inner.items.push(new Pair(text(parentValue), distributionMap(dist, p.property_values)));
        }
        byParent.items.push(new Pair(text(parent), inner));
      }
      add(map, 'conditional_distributions', byParent);
    }
    properties.items.push(map);
  }
  add(spec, 'data_property_variations', properties);
  if (content.selected_sql_schema_column !== undefined) {
    const column = content.selected_sql_schema_column;
    add(spec, 'selected_sql_schema_column', column === null ? new Scalar(null) : text(column));
  }
  if (content.selected_sql_query_columns !== undefined) {
    const columns = content.selected_sql_query_columns;
    add(spec, 'selected_sql_query_columns', columns === null ? new Scalar(null) : doc.createNode(columns));
  }

  const root = new YAMLMap();
  add(root, 'spec', spec);
  if (metadata !== undefined) add(root, 'metadata', doc.createNode(metadata));
  doc.contents = root;

  // Empty collections have no block form; write them as [] and {}.
  visit(doc, {
    Map(_, node) {
      if (node.items.length === 0) node.flow = true;
    },
    Seq(_, node) {
      if (node.items.length === 0) node.flow = true;
    },
    Scalar(_, node) {
      if (typeof node.value === 'string' && node.type !== 'BLOCK_LITERAL' && !plainSafeIn11(node.value)) {
        node.type = 'QUOTE_DOUBLE';
      }
    },
  });
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
