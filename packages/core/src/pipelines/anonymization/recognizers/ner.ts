import type { AnalysisContext } from '../types.js';
import { type Gazetteer, gazetteer, loadGazetteer } from './gazetteer.js';

/**
 * Named-entity recognition for people, places and organisations: the `compromise` English parser (its
 * lexicon and rules tag first names, last names, honorifics, places and organisations; no model download)
 * combined with the gazetteer of names and places from many locales and a few context rules. The parse of
 * a text is shared by the person, location and organisation recognizers.
 */

type Nlp = typeof import('compromise').default;
let nlp: Nlp | undefined;
let lexicon: Record<string, string | string[]> = {};

/** Loads compromise and the gazetteer (once). */
export async function loadNer(): Promise<void> {
  if (!nlp) {
    const mod = await import('compromise');
    nlp = mod.default;
    lexicon = (nlp.model() as { one: { lexicon: Record<string, string | string[]> } }).one.lexicon;
  }
  await loadGazetteer();
}

export type MentionKind = 'person' | 'place' | 'organization';

export interface Token {
  start: number;
  end: number;
  text: string;
  tags: Set<string>;
  /** First word of its sentence (capitalised for grammar, not because it is a name). */
  sentenceStart: boolean;
}

export interface Mention {
  start: number;
  end: number;
  kind: MentionKind;
  /** For places: what kind of place. */
  place?: 'city' | 'state' | 'country';
  score: number;
  /** The name's words, honorifics left out. */
  tokens: Token[];
  /** Preceded by an honorific (Mr., Dr.): a family name when it stands alone. */
  honorific: boolean;
}

/** Pieces of at most this many characters are parsed at a time (cut at line ends), to bound memory. */
const PIECE = 20_000;

const PARTICLES = new Set([
  'van',
  'von',
  'de',
  'der',
  'den',
  'da',
  'di',
  'del',
  'della',
  'dos',
  'das',
  'du',
  'la',
  'le',
  'bin',
  'ibn',
  'al',
  'el',
  'ter',
  'ten',
  'zu',
]);

const ORG_WORDS = new Set([
  'inc',
  'inc.',
  'llc',
  'ltd',
  'ltd.',
  'limited',
  'corp',
  'corp.',
  'corporation',
  'company',
  'co',
  'co.',
  'group',
  'gmbh',
  'ag',
  'sa',
  'plc',
  'lp',
  'llp',
  'bank',
  'university',
  'college',
  'hospital',
  'clinic',
  'foundation',
  'institute',
  'associates',
  'partners',
  'technologies',
  'technology',
  'solutions',
  'systems',
  'labs',
  'holdings',
  'enterprises',
  'industries',
  'international',
  'services',
  'consulting',
  'insights',
  'capital',
  'ventures',
  'media',
  'healthcare',
  'pharma',
  'pharmaceuticals',
  'insurance',
  'agency',
  'association',
  'society',
  'council',
  'ministry',
  'department',
  'trust',
  'orchestra',
  'airlines',
  'motors',
  'software',
  'networks',
  'analytics',
  'logistics',
  'sons',
  'brothers',
  'bros',
  'studios',
  'records',
  'press',
  'publishing',
  'restaurant',
  'hotel',
  'academy',
  'school',
  'center',
  'centre',
  'medical',
]);

const HONORIFICS = new Set([
  'mr',
  'mrs',
  'ms',
  'miss',
  'mx',
  'dr',
  'prof',
  'sir',
  'madam',
  'mme',
  'mlle',
  'herr',
  'frau',
  'sr',
  'sra',
  'fr',
  'rev',
]);

/** Tags of compromise's lexicon that mark a word as ordinary vocabulary rather than a name. */
const COMMON_TAGS = new Set([
  'Verb',
  'Modal',
  'Adjective',
  'Adverb',
  'Determiner',
  'Preposition',
  'Conjunction',
  'Pronoun',
  'Copula',
  'Infinitive',
  'PresentTense',
  'PastTense',
  'Gerund',
  'Comparative',
  'Superlative',
  'QuestionWord',
  'Expression',
  'Negative',
  'Month',
  'WeekDay',
  'Date',
  'Noun',
  'Singular',
  'Plural',
  'Uncountable',
  'Auxiliary',
  'Cardinal',
  'Ordinal',
  'Value',
  'Unit',
  'Currency',
  'Demonym',
  'Possessive',
  'Actor',
  'Abbreviation',
]);
const NAME_TAGS = ['Person', 'FirstName', 'LastName', 'MaleName', 'FemaleName', 'Honorific'];
const PLACE_TAGS = ['Place', 'City', 'Country', 'Region', 'Address'];

/** The mentions of people, places and organisations in the context's text (computed once per text). */
export function mentions(ctx: AnalysisContext): Mention[] {
  return ctx.memo('ner:mentions', () => findMentions(ctx.text));
}

export function findMentions(text: string): Mention[] {
  if (!nlp) throw new Error('NER is not loaded; call loadNer() first');
  if (!/\p{Lu}/u.test(text)) return [];
  const out: Mention[] = [];
  for (const [offset, piece] of pieces(text)) {
    for (const m of mentionsOf(tokenize(piece, offset), text)) out.push(m);
  }
  return out;
}

function* pieces(text: string): Generator<[number, string]> {
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + PIECE);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end);
      if (nl > start + PIECE / 2) end = nl + 1;
    }
    yield [start, text.slice(start, end)];
    start = end;
  }
}

interface Term {
  text: string;
  tags: string[];
  offset: { start: number; length: number };
}

function tokenize(piece: string, offset: number): Token[] {
  const sentences = nlp!(piece).json({ offset: true, terms: { offset: true } }) as { terms: Term[] }[];
  const tokens: Token[] = [];
  for (const sentence of sentences) {
    let first = true;
    for (const term of sentence.terms) {
      if (term.offset.length === 0) continue;
      let start = offset + term.offset.start;
      let end = start + term.offset.length;
      let word = piece.slice(start - offset, end - offset);
      // The possessive 's is not part of the name.
      const possessive = /['’]s$/.exec(word);
      if (possessive) {
        end -= 2;
        word = word.slice(0, -2);
      }
      // Trim punctuation compromise kept inside the term.
      while (word && /^[^\p{L}\p{N}]/u.test(word)) {
        start++;
        word = word.slice(1);
      }
      if (!word) continue;
      const prev = tokens[tokens.length - 1];
      // compromise splits hyphenated words; a hyphenated name is one token (Mayo-Walters).
      if (prev && prev.end + 1 === start && piece[prev.end - offset] === '-') {
        prev.end = end;
        prev.text = `${prev.text}-${word}`;
        for (const t of term.tags) prev.tags.add(t);
        continue;
      }
      tokens.push({ start, end, text: word, tags: new Set(term.tags), sentenceStart: first });
      first = false;
    }
  }
  return tokens;
}

const isCapitalized = (w: string) => /^\p{Lu}/u.test(w);
const isInitial = (w: string) => /^\p{Lu}$/u.test(w);
const hasAny = (tags: Set<string>, names: readonly string[]) => names.some((n) => tags.has(n));

/**
 * A capitalised word compromise reads as ordinary vocabulary: not a proper noun, name, place or
 * organisation for it (it tags unknown capitalised words as proper nouns). Words in capitals are judged
 * by the gazetteer instead, since compromise does not tag them.
 */
function isOrdinary(t: Token): boolean {
  if (/^\p{Lu}[\p{Lu}\p{M}'’.-]+$/u.test(t.text)) return false;
  if (hasAny(t.tags, ['ProperNoun', 'Organization', ...NAME_TAGS, ...PLACE_TAGS])) return false;
  return true;
}

/** True when the word is ordinary English vocabulary (not a name) in compromise's lexicon. */
function isCommonWord(word: string): boolean {
  const entry = lexicon[word.toLowerCase()];
  if (!entry) return false;
  const tags = Array.isArray(entry) ? entry : [entry];
  return (
    tags.some((t) => COMMON_TAGS.has(t)) && !tags.some((t) => NAME_TAGS.includes(t) || PLACE_TAGS.includes(t))
  );
}

function mentionsOf(tokens: Token[], text: string): Mention[] {
  const g = gazetteer();
  const out: Mention[] = [];
  let i = 0;
  while (i < tokens.length) {
    const t = tokens[i]!;
    const lower = t.text.toLowerCase();
    if (HONORIFICS.has(lower.replace(/\.$/, '')) && isCapitalized(t.text)) {
      // An honorific introduces a name: the following capitalised words.
      const group = takeGroup(tokens, i + 1, text);
      if (group.length > 0) {
        out.push(personMention(group, true, 0.85));
        i = tokens.indexOf(group[group.length - 1]!) + 1;
        continue;
      }
      i++;
      continue;
    }
    if (!isCapitalized(t.text) || /^\p{N}/u.test(t.text)) {
      i++;
      continue;
    }
    const group = takeGroup(tokens, i, text);
    if (group.length === 0) {
      i++;
      continue;
    }
    const m = classify(group, tokens[tokens.indexOf(group[0]!) - 1], text, g);
    if (m) out.push(m);
    i = tokens.indexOf(group[group.length - 1]!) + 1;
  }
  return out;
}

/** Consecutive capitalised words on one line (initials and particles such as `van` included). */
function takeGroup(tokens: Token[], from: number, text: string): Token[] {
  const group: Token[] = [];
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k]!;
    const prev = group[group.length - 1];
    if (prev) {
      const gap = text.slice(prev.end, t.start);
      if (!/^\.?[ \t]$/.test(gap)) break;
      if (t.sentenceStart && !isInitial(prev.text)) break;
    }
    // `Boston MA`: an all-capitals code after ordinary capitalised words starts a new mention.
    if (
      prev &&
      /^\p{Lu}{2,3}$/u.test(t.text) &&
      !/^\p{Lu}+$/u.test(prev.text) &&
      !ORG_WORDS.has(t.text.toLowerCase())
    )
      break;
    const particle = PARTICLES.has(t.text) && group.length > 0;
    if (!particle && !isCapitalized(t.text)) break;
    if (/\p{N}/u.test(t.text)) break;
    if (HONORIFICS.has(t.text.toLowerCase()) && group.length > 0) break;
    group.push(t);
    if (group.length >= 6) break;
  }
  // A particle cannot end a name; ordinary words (`Patient John`, `The Server`) do not start or end one.
  while (group.length > 0 && PARTICLES.has(group[group.length - 1]!.text)) group.pop();
  while (group.length > 0 && isOrdinary(group[0]!)) group.shift();
  while (group.length > 0 && isOrdinary(group[group.length - 1]!)) group.pop();
  return group;
}

function personMention(tokens: Token[], honorific: boolean, score: number): Mention {
  return {
    start: tokens[0]!.start,
    end: tokens[tokens.length - 1]!.end,
    kind: 'person',
    score,
    tokens,
    honorific,
  };
}

const PERSON_CUE =
  /\b(?:name(?:'s| is|:)?|named|called|i am|i'm|dear|hi|hello|by|signed|contact|patient|mr|mrs|ms|dr|with|thanks?|regards|cc|attn|says|said|asked)\s*[:,]?\s*$/i;
const PLACE_CUE =
  /\b(?:in|at|from|to|near|of|visit(?:ed|ing)?|moved to|live in|born in|city of|located in|based in|travel(?:l?ed)? to|flew to)\s*$/i;
const ORG_CUE =
  /\b(?:at|for|with|joined|join|company|firm|employer|employed by|work(?:s|ed|ing)? (?:at|for)|hired by|client|vendor|by|is from|are from|of)\s*$/i;

function classify(
  group: Token[],
  before: Token | undefined,
  text: string,
  g: Gazetteer,
): Mention | undefined {
  const start = group[0]!.start;
  const end = group[group.length - 1]!.end;
  const phrase = text.slice(start, end).toLowerCase();
  const lead = text.slice(Math.max(0, start - 40), start);
  const words = group.map((t) => t.text.toLowerCase().replace(/\.$/, ''));
  const last = words[words.length - 1]!;
  const single = group.length === 1;
  const initialOnly = group.every((t) => isInitial(t.text));
  if (initialOnly) return undefined;

  // `Southern Cyprus`: the direction is not part of the place's name.
  if (
    group.length > 1 &&
    /^(?:north|south|east|west|central|northern|southern|eastern|western|upper|lower)$/.test(words[0]!)
  ) {
    const rest = group.slice(1);
    const restPhrase = text.slice(rest[0]!.start, end).toLowerCase();
    if (g.countries.has(restPhrase) || g.states.has(restPhrase) || g.cities.has(restPhrase))
      return classify(rest, group[0], text, g);
  }

  // Organisations: a tagged organisation, a legal suffix or an organisation word at the end.
  const orgTagged = group.some((t) => t.tags.has('Organization'));
  const orgSuffix = ORG_WORDS.has(last) || g.companySuffixes.has(last) || /\band sons$/.test(phrase);
  if (orgSuffix && group.length >= 2) return mention(group, 'organization', 0.75);

  // Places: the whole phrase in the gazetteer, or tagged as a place.
  const placeKind: Mention['place'] | undefined = g.countries.has(phrase)
    ? 'country'
    : g.states.has(phrase)
      ? 'state'
      : g.cities.has(phrase)
        ? 'city'
        : undefined;
  const placeTagged = group.some((t) => hasAny(t.tags, ['Place', 'City', 'Country', 'Region']));
  const personTagged = group.filter((t) => hasAny(t.tags, NAME_TAGS)).length;
  const nameHits = words.filter((w) => g.firstNames.has(w) || g.lastNames.has(w)).length;
  // A lone acronym (IBAN, CEO) is not a name unless compromise or the gazetteer of places says so.
  if (
    single &&
    /^\p{Lu}{2,5}$/u.test(group[0]!.text) &&
    !hasAny(group[0]!.tags, NAME_TAGS) &&
    !g.countries.has(phrase) &&
    !g.states.has(phrase)
  )
    return undefined;
  const sentenceInitialWord = group[0]!.sentenceStart && single && isCommonWord(group[0]!.text);
  if (sentenceInitialWord) return undefined;

  if (placeKind && (!personTagged || PLACE_CUE.test(lead))) {
    return { ...mention(group, 'place', placeKind === 'country' ? 0.8 : 0.7), place: placeKind };
  }
  if (orgTagged && !personTagged) return mention(group, 'organization', 0.6);
  if (placeTagged && !personTagged) return { ...mention(group, 'place', 0.6), place: 'city' };

  const common = group.every((t) => isCommonWord(t.text) && !hasAny(t.tags, NAME_TAGS));
  if (common) return undefined;

  // After an article (`the Server`) a word is a thing, unless compromise itself reads a person.
  const afterArticle =
    /\b(?:the|a|an|this|that|these|those|our|your|their|its|every|each|any|some|no)\s+$/i.test(lead);
  if (personTagged > 0 || (nameHits > 0 && !afterArticle)) {
    if (single && group[0]!.sentenceStart && personTagged === 0 && !PERSON_CUE.test(lead)) return undefined;
    const evidence = personTagged > 0 && nameHits > 0 ? 0.85 : personTagged > 0 ? 0.75 : 0.6;
    const score = single && group[0]!.sentenceStart ? evidence - 0.2 : single ? evidence - 0.1 : evidence;
    return personMention(group, before ? HONORIFICS.has(before.text.toLowerCase()) : false, score);
  }

  // An unknown capitalised name (not in compromise's lexicon): the words around it decide.
  const unknown = group.every((t) => !lexicon[t.text.toLowerCase()]);
  // `Mohmad R. Vizirov`: a middle initial makes a person.
  if (group.length >= 3 && group.slice(1, -1).some((t) => isInitial(t.text)))
    return personMention(group, false, 0.7);
  if (PERSON_CUE.test(lead)) return personMention(group, false, 0.5);
  if (PLACE_CUE.test(lead)) return { ...mention(group, 'place', 0.45), place: 'city' };
  if (ORG_CUE.test(lead)) return mention(group, 'organization', 0.45);
  if (group[0]!.sentenceStart && single) {
    // `Nikolaj spent a year...`: a sentence that starts with an unknown name and a verb.
    const next = text.slice(end, end + 24);
    return unknown &&
      /^\s+(?:is|was|will|has|had|says|said|spent|lives|lived|works|worked|wrote|joined|went|came|met|told|asked)\b/.test(
        next,
      )
      ? personMention(group, false, 0.45)
      : undefined;
  }
  return mention(group, 'organization', unknown && !(single && afterArticle) ? 0.35 : 0.25);
}

function mention(group: Token[], kind: MentionKind, score: number): Mention {
  return {
    start: group[0]!.start,
    end: group[group.length - 1]!.end,
    kind,
    score,
    tokens: group,
    honorific: false,
  };
}

/** Whether a single name word is more likely a given name or a family name. */
export function nameRole(word: string, honorific: boolean, lead: string): 'first_name' | 'last_name' {
  if (honorific) return 'last_name';
  if (/\b(?:last|family|sur)[ -]?name\b[^.\n]{0,20}$/i.test(lead)) return 'last_name';
  if (/\b(?:first|given|christian)[ -]?name\b[^.\n]{0,20}$/i.test(lead)) return 'first_name';
  const g = gazetteer();
  const w = word.toLowerCase();
  const first = g.firstNames.has(w);
  const last = g.lastNames.has(w);
  if (last && !first) return 'last_name';
  return 'first_name';
}
