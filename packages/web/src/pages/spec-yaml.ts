import { parse } from 'yaml';

export interface Axis {
  name: string;
  description: string;
  /** value → percentage; uniform when the spec gives none. */
  distribution: Record<string, number>;
  /** Parent properties whose values change this one's distribution. */
  conditionalOn: string[];
}

/** The axes of a spec's YAML (either dialect), for display; an unreadable YAML gives none. */
export function axesOf(contentYaml: string | null | undefined): Axis[] {
  if (!contentYaml) return [];
  let doc: unknown;
  try {
    doc = parse(contentYaml);
  } catch {
    return [];
  }
  const root = (doc ?? {}) as Record<string, unknown>;
  const spec = (root.spec ?? root.specification ?? {}) as Record<string, unknown>;
  const list = spec.data_property_variations ?? spec.data_axes ?? spec.axes;
  if (!Array.isArray(list)) return [];
  return list.flatMap((raw): Axis[] => {
    if (!raw || typeof raw !== 'object') return [];
    const p = raw as Record<string, unknown>;
    const name = String(p.property_name ?? p.axis_name ?? '');
    const values = (p.property_values ?? p.possible_values ?? []) as unknown[];
    const given = p.base_distributions as Record<string, unknown> | undefined;
    const distribution: Record<string, number> = {};
    if (given && typeof given === 'object') {
      for (const [k, v] of Object.entries(given)) distribution[k] = Number(v) || 0;
    } else if (Array.isArray(values) && values.length > 0) {
      for (const v of values) distribution[String(v)] = 100 / values.length;
    }
    const conditional = p.conditional_distributions;
    return [
      {
        name,
        description: String(p.property_description ?? p.axis_description ?? ''),
        distribution,
        conditionalOn: conditional && typeof conditional === 'object' ? Object.keys(conditional) : [],
      },
    ];
  });
}

export interface SpecProblemLine {
  line: number | null;
  message: string;
}

/** The problems of a 400 `Invalid spec: N problems` detail, one per line, with their YAML line numbers. */
export function problemsOf(detail: string): SpecProblemLine[] {
  const lines = detail.split('\n');
  if (!/^Invalid spec/.test(lines[0] ?? '')) return [{ line: null, message: detail }];
  return lines.slice(1).map((text) => {
    const m = /^line (\d+): (.*)$/.exec(text);
    return m ? { line: Number(m[1]), message: m[2]! } : { line: null, message: text };
  });
}
