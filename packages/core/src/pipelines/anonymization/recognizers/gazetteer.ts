/**
 * Name and place lists for the NER recognizers, built once from the locale data that ships inside
 * @faker-js/faker (77 locales: given names, family names, cities, states, countries, company suffixes).
 * Loaded on first use, so heuristics-only runs never pay for it.
 */
export interface Gazetteer {
  firstNames: ReadonlySet<string>;
  lastNames: ReadonlySet<string>;
  cities: ReadonlySet<string>;
  states: ReadonlySet<string>;
  stateCodes: ReadonlySet<string>;
  countries: ReadonlySet<string>;
  companySuffixes: ReadonlySet<string>;
}

let loaded: Gazetteer | undefined;
let loading: Promise<Gazetteer> | undefined;

export function gazetteer(): Gazetteer {
  if (!loaded) throw new Error('the gazetteer is not loaded; call loadGazetteer() first');
  return loaded;
}

export function loadGazetteer(): Promise<Gazetteer> {
  loading ??= build().then((g) => {
    loaded = g;
    return g;
  });
  return loading;
}

type Tree = unknown;

function collect(into: Set<string>, value: Tree): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'string') {
    if (!value.includes('{{') && !value.includes('#')) into.add(value.toLowerCase());
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) collect(into, v);
    return;
  }
  if (typeof value === 'object') for (const v of Object.values(value)) collect(into, v);
}

async function build(): Promise<Gazetteer> {
  const { allLocales } = await import('@faker-js/faker');
  const g = {
    firstNames: new Set<string>(),
    lastNames: new Set<string>(),
    cities: new Set<string>(),
    states: new Set<string>(),
    stateCodes: new Set<string>(),
    countries: new Set<string>(),
    companySuffixes: new Set<string>(),
  };
  for (const locale of Object.values(allLocales) as Record<string, Record<string, Tree> | undefined>[]) {
    collect(g.firstNames, locale.person?.first_name);
    collect(g.lastNames, locale.person?.last_name);
    collect(g.cities, locale.location?.city_name);
    collect(g.states, locale.location?.state);
    collect(g.stateCodes, locale.location?.state_abbr);
    collect(g.countries, locale.location?.country);
    collect(g.companySuffixes, locale.company?.legal_entity_type);
  }
  for (const extra of [
    'usa',
    'uk',
    'u.s.',
    'u.s.a.',
    'great britain',
    'england',
    'scotland',
    'wales',
    'holland',
  ])
    g.countries.add(extra);
  return g;
}
