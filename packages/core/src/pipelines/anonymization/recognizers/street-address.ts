import { hasContext, UNIT_BOUNDARY } from '../context.js';
import { digitRuns, digitRunsOf } from '../digits.js';
import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';

type AddressLabel = 'street_address' | 'city' | 'state' | 'country' | 'postal_code';

/** English street types (USPS) and their common abbreviations, plural forms included. */
const STREET_TYPES = [
  'Street',
  'St',
  'Streets',
  'Avenue',
  'Ave',
  'Av',
  'Avenues',
  'Road',
  'Rd',
  'Roads',
  'Boulevard',
  'Blvd',
  'Lane',
  'Ln',
  'Lanes',
  'Drive',
  'Dr',
  'Drives',
  'Court',
  'Ct',
  'Courts',
  'Way',
  'Ways',
  'Place',
  'Pl',
  'Terrace',
  'Ter',
  'Circle',
  'Cir',
  'Circles',
  'Parkway',
  'Pkwy',
  'Highway',
  'Hwy',
  'Square',
  'Sq',
  'Squares',
  'Trail',
  'Trl',
  'Crescent',
  'Close',
  'Grove',
  'Groves',
  'Gardens',
  'Garden',
  'Mews',
  'Row',
  'Walk',
  'Walks',
  'Hill',
  'Hills',
  'Heights',
  'Park',
  'Parks',
  'Plaza',
  'Crossing',
  'Loop',
  'Alley',
  'Path',
  'Pike',
  'Point',
  'Points',
  'Ridge',
  'Ridges',
  'View',
  'Views',
  'Vista',
  'Manor',
  'Manors',
  'Meadow',
  'Meadows',
  'Estate',
  'Estates',
  'Green',
  'Greens',
  'Junction',
  'Junctions',
  'Expressway',
  'Expy',
  'Freeway',
  'Fwy',
  'Turnpike',
  'Tpke',
  'Causeway',
  'Bypass',
  'Mall',
  'Port',
  'Ports',
  'Pass',
  'Spur',
  'Spurs',
  'Run',
  'Village',
  'Villages',
  'Ville',
  'Fork',
  'Forks',
  'Ford',
  'Fords',
  'Falls',
  'Fall',
  'Ferry',
  'Field',
  'Fields',
  'Flat',
  'Flats',
  'Forest',
  'Forge',
  'Forges',
  'Gateway',
  'Glen',
  'Glens',
  'Harbor',
  'Harbors',
  'Haven',
  'Island',
  'Islands',
  'Isle',
  'Key',
  'Keys',
  'Knoll',
  'Knolls',
  'Lake',
  'Lakes',
  'Landing',
  'Light',
  'Lights',
  'Lodge',
  'Mill',
  'Mills',
  'Mission',
  'Mount',
  'Mountain',
  'Mountains',
  'Neck',
  'Orchard',
  'Oval',
  'Overpass',
  'Pine',
  'Pines',
  'Plain',
  'Plains',
  'Prairie',
  'Radial',
  'Ramp',
  'Ranch',
  'Rapid',
  'Rapids',
  'Rest',
  'River',
  'Route',
  'Rte',
  'Shoal',
  'Shoals',
  'Shore',
  'Shores',
  'Skyway',
  'Spring',
  'Springs',
  'Station',
  'Stravenue',
  'Stream',
  'Summit',
  'Throughway',
  'Trace',
  'Track',
  'Trafficway',
  'Tunnel',
  'Underpass',
  'Union',
  'Unions',
  'Valley',
  'Valleys',
  'Viaduct',
  'Wall',
  'Well',
  'Wells',
  'Branch',
  'Bridge',
  'Brook',
  'Brooks',
  'Burg',
  'Burgs',
  'Camp',
  'Canyon',
  'Cape',
  'Center',
  'Centers',
  'Cliff',
  'Cliffs',
  'Club',
  'Common',
  'Commons',
  'Corner',
  'Corners',
  'Course',
  'Cove',
  'Coves',
  'Creek',
  'Crest',
  'Crossroad',
  'Curve',
  'Dale',
  'Dam',
  'Divide',
  'Extension',
  'Extensions',
  'Fort',
  'Ft',
  'Hollow',
  'Inlet',
  'Land',
  'Loaf',
  'Lock',
  'Locks',
  'Motorway',
  'Passage',
  'Wynd',
  'Broadway',
  'Quay',
  'Embankment',
  'Parade',
];

/** Street-type words written as part of the street name in other languages (`Koskikatu`, `Hauptstraße`). */
const JOINED_TYPES =
  'katu|tie|kuja|polku|kaari|rinne|piha|raitti|väylä|vej|gade|vænget|stræde|allé|alle|gatan|vägen|gränd|torget|straße|strasse|str\\.|weg|gasse|allee|platz|ring|damm|ufer|laan|straat|plein|gracht|singel|kade|dreef|utca|út|tér|ulica|vei|veien|gata|vegen|veg|tänav|iela|gatvė';

/** Words that start a street name in Romance and other languages (`Rua do Arenque 1634`). */
const LEADING_TYPES =
  'Rua|Avenida|Av\\.|Avda\\.?|Calle|C/|Carrer|Camino|Carretera|Via|Viale|Vicolo|Piazza|Piazzale|Corso|Largo|Contrada|Strada|Rue|Chemin|Allée|Impasse|Boulevard|Bd|Quai|Place|Plaza|Paseo|Pasaje|Travessa|Praça|Estrada|Alameda|Ulica|ul\\.|Odos|Rruga|Calea|Bulevardul|Aleja|Al\\.|Osiedle|os\\.';

const SEPARATE_TYPES = 'u\\.|utca|út|tér|krt\\.|körút|ulica|ul\\.|str\\.|g\\.|gatve|iela|tn\\.|tänav';

const STREET_TYPE_SET = new Set(STREET_TYPES);
const JOINED_END = new RegExp(`(?:${JOINED_TYPES})$`, 'iu');
const SEPARATE_SET = new Set(SEPARATE_TYPES.replace(/\\/g, '').split('|'));
const DIRECTIONS = new Set(['N', 'S', 'E', 'W', 'NE', 'NW', 'SE', 'SW', 'North', 'South', 'East', 'West']);

const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}'’.-]*/uy;
const SPACE = /,?[ \t]+/y;

/** A house number, one to five words on the same line, a number: `6750 Koskikatu 25`. */
const NUMBER_WORDS_NUMBER =
  /(?<![\p{L}\p{N}.,\-/])\d{1,6}[A-Za-z]?[ \t]+((?:[\p{L}\p{M}][\p{L}\p{M}'’.-]*[ \t]+){1,5})\d{1,5}[A-Za-z]?(?![\p{L}\p{N}])/gu;

const NUMBER_WORDS_NUMBER_AT = new RegExp(NUMBER_WORDS_NUMBER.source, 'uy');

/**
 * The matches of NUMBER_WORDS_NUMBER in `text`, tried only where a run of digits (`runs`, as digitRuns
 * gives them) starts, is at most six digits long and is followed by a space or tab (after one letter at
 * most): the pattern cannot start anywhere else. The same matches as a global scan (property test).
 */
export function numberWordsNumber(text: string, runs: readonly number[]): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  let reach = 0;
  for (let r = 0; r < runs.length; r += 2) {
    const index = runs[r]!;
    const end = runs[r + 1]!;
    if (index < reach || end - index > 6) continue;
    let c = text.charCodeAt(end);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) c = text.charCodeAt(end + 1);
    if (c !== 32 && c !== 9) continue;
    NUMBER_WORDS_NUMBER_AT.lastIndex = index;
    const m = NUMBER_WORDS_NUMBER_AT.exec(text);
    if (!m) continue;
    reach = index + m[0].length;
    out.push(m);
  }
  return out;
}

/** NUMBER_WORDS_NUMBER's matches by a scan of the whole text (for tests). */
export const numberWordsNumberScan = (text: string) => [...text.matchAll(NUMBER_WORDS_NUMBER)];

/**
 * `the corner of A and B` (a street or a house address on each side). Matched from `corner` (a literal
 * start scans fast; the word boundary before it is checked after), a `the` before it taken in by
 * `cornerStart`.
 */
const CORNER =
  /corner[ \t]+of[ \t]+[^\n.,;!?]{2,60}?[ \t]+and[ \t]+(?:the[ \t]+)?[\p{L}\p{N}](?:[^\n.,;!?]{0,40}(?=[.,;!?\n]|$)|[^\n.,;!?\s]*)/giu;

const CORNER_AT = new RegExp(CORNER.source, 'iuy');
const CORNER_WORD = /corner/gi;

/** The spans of `the corner of A and B` in `text`. */
export function corners(text: string): [number, number][] {
  const out: [number, number][] = [];
  // Tried, as a sticky twin of CORNER, where `corner` is (one scan for a literal): the attempts of the
  // global regex that can succeed, in the same order.
  let next = 0;
  let floor = 0;
  CORNER_WORD.lastIndex = 0;
  while (CORNER_WORD.test(text)) {
    const at = CORNER_WORD.lastIndex - 6;
    if (at < next) continue;
    CORNER_AT.lastIndex = at;
    const m = CORNER_AT.exec(text);
    if (!m) continue;
    if (at > 0 && isWordChar(text[at - 1]!)) continue;
    const start = cornerStart(text, at, floor);
    floor = at + m[0].length;
    next = floor;
    out.push([start, floor]);
    CORNER_WORD.lastIndex = Math.max(CORNER_WORD.lastIndex, floor);
  }
  return out;
}

/** A word character of `\b` in a case-insensitive Unicode regular expression: ASCII, long s, Kelvin sign. */
const isWordChar = (ch: string) => /[A-Za-z0-9_\u017f\u212a]/.test(ch);

/** Where a match of CORNER at `at` starts: at a whole word `the` (any case) and spaces before it, else at `at`. */
function cornerStart(text: string, at: number, floor: number): number {
  let i = at;
  while (i > floor && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  if (i === at || i - 3 < floor || text.slice(i - 3, i).toLowerCase() !== 'the') return at;
  if (i - 3 > 0 && isWordChar(text[i - 4]!)) return at;
  return i - 3;
}

/** Phrases after which an address follows. */
const ADDRESS_CUES = [
  'address',
  'lives at',
  'live at',
  'lives in',
  'live in',
  'living at',
  'located at',
  'sent to',
  'send it to',
  'return to',
  'arrived at',
  'drops you off at',
  'drop me off at',
  'is at',
  'taxi to',
  'ship to',
  'shipped to',
  'deliver to',
  'delivered to',
  'corner of',
  'moved to',
  'mail to',
  'mailed to',
  'meet me at',
  'reside at',
  'resides at',
  'lives on',
  'enter on',
  'office is at',
  'user:',
];
const CUE_BODY = `(?:${ADDRESS_CUES.map((c) => c.replace(/ /g, '[ \\t]+')).join('|')})(?:[ \\t]+(?:is|was))?:?[ \\t]+(?:the[ \\t]+corner[ \\t]+of[ \\t]+)?`;
/** An address cue and the spaces after it (the reference AFTER_CUE_SCAN is tested against). */
export const AFTER_CUE = new RegExp(`(?<![\\p{L}])${CUE_BODY}`, 'giu');
/**
 * AFTER_CUE with the character before the cue matched rather than looked behind at (every cue starts with
 * a letter, so a match that starts with another character starts with it): V8 then tries the cues only
 * after a non-letter, a third faster.
 */
const AFTER_CUE_SCAN = new RegExp(`(?:^|[^\\p{L}])${CUE_BODY}`, 'giu');

/**
 * The cues of `text` as [end of cue, ...] (where the address after it starts), found in the near view as
 * AFTER_CUE finds them in the whole text: a cue at the start of a part with a letter before it in `text`
 * is not one, and the scan after a cue resumes at its last character (the one the next cue's look-behind
 * reads).
 */
export function cueEnds(text: string, near: Near): number[] {
  const out: number[] = [];
  const view = near.text;
  const { starts, offsets } = near;
  let k = 0;
  const re = AFTER_CUE_SCAN;
  re.lastIndex = 0;
  for (let m = re.exec(view); m; m = re.exec(view)) {
    // The character before the cue, when matched (one or two code units), else the cue starts the text.
    const boundary = LETTER_FIRST.test(m[0]) ? 0 : m[0].codePointAt(0)! > 0xffff ? 2 : 1;
    const i = m.index + boundary;
    const end = m.index + m[0].length;
    while (k + 1 < starts.length && starts[k + 1]! <= i) k++;
    const o = offsets[k]! + (i - starts[k]!);
    if (i === starts[k] && o > 0 && LETTER.test(charBefore(text, o))) {
      re.lastIndex = i;
      continue;
    }
    out.push(o + (end - i));
    re.lastIndex = end - 1;
  }
  return out;
}

/** Anchors: house numbers, and words that start a street name. */
const HOUSE_NUMBER = /(?<![\p{L}\p{N}.,\-/])\d{1,6}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?(?![\p{L}\p{N}])/gu;
const HOUSE_NUMBER_AT = new RegExp(HOUSE_NUMBER.source, 'uy');
/** Words that start a street name, followed by a space (the reference the two scans below are tested against). */
export const LEADING = new RegExp(`(?<![\\p{L}\\p{N}])(?:${LEADING_TYPES})[ \\t]`, 'gu');
/**
 * LEADING in two: the words that start with a capital (a scan that skips lower-case letters, four times
 * faster), and `ul.` and `os.`, tried where indexOf finds them.
 */
const LEADING_CAPITAL = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${LEADING_TYPES.split('|')
    .filter((t) => /^[A-Z]/.test(t))
    .join('|')})[ \\t]`,
  'gu',
);
const LEADING_LOWER = LEADING_TYPES.split('|')
  .filter((t) => !/^[A-Z]/.test(t))
  .map((t) => t.replace(/\\/g, ''));
// leadingWords looks for these two by their dot.
if (LEADING_LOWER.join('|') !== 'ul.|os.')
  throw new Error(`leading lower-case street words: ${LEADING_LOWER}`);
const LEADING_LOWER_AT = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${LEADING_TYPES.split('|')
    .filter((t) => !/^[A-Z]/.test(t))
    .join('|')})[ \\t]`,
  'uy',
);

/** The matches of LEADING in `text` ([start, end, ...]), the capitalised ones looked for in `near`. */
export function leadingWords(text: string, near: Near): number[] {
  const capital = matchesNear(text, near, LEADING_CAPITAL, LETTER_OR_DIGIT);
  // `ul.` and `os.` (LEADING_LOWER) where a scan for their dot finds them: a dot is rarer than a `u` or
  // an `o`, which indexOf would stop at (about 3 times faster). In text order.
  const starts: number[] = [];
  for (let i = text.indexOf('.', 2); i >= 0; i = text.indexOf('.', i + 1)) {
    const a = text.charCodeAt(i - 2);
    const b = text.charCodeAt(i - 1);
    if ((a === 117 && b === 108) || (a === 111 && b === 115)) starts.push(i - 2);
  }
  if (starts.length === 0) return capital;
  const lower: number[] = [];
  for (const i of starts) {
    LEADING_LOWER_AT.lastIndex = i;
    if (LEADING_LOWER_AT.test(text)) lower.push(i, LEADING_LOWER_AT.lastIndex);
  }
  return mergeMatches(capital, lower);
}

/** Two lists of matches as one global regular expression finds them: in text order, none inside another. */
function mergeMatches(a: readonly number[], b: readonly number[]): number[] {
  if (b.length === 0) return a.slice();
  if (a.length === 0) return b.slice();
  const all: number[] = [];
  let i = 0;
  let j = 0;
  let floor = 0;
  while (i < a.length || j < b.length) {
    const fromB = i >= a.length || (j < b.length && b[j]! < a[i]!);
    const start = fromB ? b[j]! : a[i]!;
    const end = fromB ? b[j + 1]! : a[i + 1]!;
    if (fromB) j += 2;
    else i += 2;
    if (start < floor) continue;
    all.push(start, end);
    floor = end;
  }
  return all;
}

/** The word characters a look-behind `(?<![\p{L}\p{N}])` or `(?<![\p{L}])` refuses. */
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
const LETTER = /\p{L}/u;
const LETTER_FIRST = /^\p{L}/u;

/** Military addresses without a ship: `PSC 0413, Box 8144`, `APO AA 42323`. */
const MILITARY_NUMBERED =
  /(?<![\p{L}\p{N}])(?:(?:PSC|CMR|Unit)[ \t]\d{3,5},?[ \t]Box[ \t]\d{3,5}|(?:APO|FPO|DPO)[ \t](?:AA|AE|AP)[ \t]\d{5})(?![\p{L}\p{N}])/gu;
/** Ships (`USNS Smith`): no digits, looked for in the whole text. */
const MILITARY_SHIP =
  /(?<![\p{L}\p{N}])(?:USNS|USNV|USS|USCGC)[ \t][\p{Lu}][\p{L}]+(?:[ \t][\p{Lu}][\p{L}]+)?(?![\p{L}\p{N}])/gu;

const OTHER_PATTERNS: {
  name: string;
  find: (text: string, near: Near, close: Near) => number[];
  score: number;
}[] = [
  {
    // Apt. 864, Suite 501, Unit 4B, Flat 2
    name: 'unit',
    find: (text, _near, close) =>
      matchesNear(
        text,
        close,
        /(?<![\p{L}\p{N}])(?:Apt|Apartment|Suite|Ste|Unit|Flat|Room|Rm|Floor|Fl|Bldg|Building)\.?[ \t]?#?\d{1,5}[A-Za-z]?(?![\p{L}\p{N}])/gu,
        LETTER_OR_DIGIT,
      ),
    score: 0.6,
  },
  {
    // PSC 0413, Box 8144 / Unit 2345 Box 12 / APO AA 42323 / USNS Smith
    name: 'military',
    find: (text, _near, close) => {
      const numbered = matchesNear(text, close, MILITARY_NUMBERED, LETTER_OR_DIGIT);
      if (!text.includes('US')) return numbered;
      const ships: number[] = [];
      MILITARY_SHIP.lastIndex = 0;
      for (let m = MILITARY_SHIP.exec(text); m; m = MILITARY_SHIP.exec(text))
        ships.push(m.index, m.index + m[0].length);
      if (ships.length === 0) return numbered;
      return mergeMatches(numbered, ships);
    },
    score: 0.8,
  },
  {
    name: 'po box',
    find: (text, _near, close) =>
      matchesNear(
        text,
        close,
        /(?<![\p{L}\p{N}])P\.?[ \t]?O\.?[ \t]?Box[ \t]\d{1,6}(?![\p{L}\p{N}])/giu,
        LETTER_OR_DIGIT,
      ),
    score: 0.8,
  },
];

/**
 * The parts of a text within NEAR of a digit, joined by blank lines: where address cues, leading street
 * words, units, PO boxes and numbered military addresses are looked for (each is followed by its number
 * within a few words). `starts` are the parts' offsets in `text`, `offsets` in the text analysed.
 */
interface Near {
  text: string;
  starts: number[];
  offsets: number[];
}

/**
 * Cues and leading street words sit within about 100 characters before the number. A cue cut by the start
 * of a part (40 characters at most) ends over 80 characters, the reach of the address after a cue, before
 * the part's first digit: it could not have led to an address.
 */
const NEAR = { before: 140, after: 16 };
/** Units, PO boxes and numbered military addresses: at most 12 characters before their number. */
const CLOSE = { before: 16, after: 8 };
/** A view that would keep more than this share of the text is not built: the text is scanned whole. */
const NEAR_MAX_SHARE = 0.75;

/** Texts shorter than this are scanned whole. */
const NEAR_MIN = 2048;

function nearView(text: string, runs: readonly number[], window: { before: number; after: number }): Near {
  const parts: string[] = [];
  const starts: number[] = [];
  const offsets: number[] = [];
  let at = 0;
  let start = -1;
  let end = -1;
  let kept = 0;
  const flush = () => {
    if (start < 0) return;
    // Not inside a surrogate pair.
    if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start--;
    if (end < text.length && isLowSurrogate(text.charCodeAt(end))) end++;
    if (parts.length > 0) at += 2;
    starts.push(at);
    offsets.push(start);
    parts.push(text.slice(start, end));
    at += end - start;
    kept += end - start;
  };
  for (let r = 0; r < runs.length; r += 2) {
    const s = Math.max(0, runs[r]! - window.before);
    const e = Math.min(text.length, runs[r + 1]! + window.after);
    if (start >= 0 && s <= end) end = e;
    else {
      flush();
      start = s;
      end = e;
    }
  }
  flush();
  if (kept > text.length * NEAR_MAX_SHARE) return { text, starts: [0], offsets: [0] };
  return { text: parts.join('\n\n'), starts, offsets };
}

const isAsciiDigit = (c: number) => c >= 48 && c <= 57;
const isLowSurrogate = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** The character (code point) before `at`, as a look-behind of a `u` regular expression reads it. */
function charBefore(text: string, at: number): string {
  if (at >= 2 && isLowSurrogate(text.charCodeAt(at - 1))) {
    const high = text.charCodeAt(at - 2);
    if (high >= 0xd800 && high <= 0xdbff) return text.slice(at - 2, at);
  }
  return text[at - 1]!;
}

/**
 * The matches of `regex` (global, its look-behind one character of `lookBehind`) in `text`, found in the
 * near view, as [start, end, start, end, ...] in `text`. A match at the start of a part where the character
 * before it in `text` is one the look-behind refuses is not one: the scan goes on from the next character,
 * as on the whole text.
 */
function matchesNear(text: string, near: Near, regex: RegExp, lookBehind: RegExp): number[] {
  const out: number[] = [];
  const view = near.text;
  const { starts, offsets } = near;
  let k = 0;
  regex.lastIndex = 0;
  for (let m = regex.exec(view); m; m = regex.exec(view)) {
    const i = m.index;
    while (k + 1 < starts.length && starts[k + 1]! <= i) k++;
    const o = offsets[k]! + (i - starts[k]!);
    if (i === starts[k] && o > 0 && lookBehind.test(charBefore(text, o))) {
      regex.lastIndex = i + 1;
      continue;
    }
    out.push(o, o + m[0].length);
  }
  return out;
}

const isCapital = (w: string) => /^[\p{Lu}\p{N}]/u.test(w);
/** A word without its final period. */
const bare = (w: string) => (w.charCodeAt(w.length - 1) === 46 ? w.slice(0, -1) : w);

const WORD_PART = /[\p{L}\p{M}\p{N}'’.-]/u;
/** A character of a word (`[\p{L}\p{M}\p{N}'’.-]`), ASCII without a regular expression. */
function isWordPart(c: number, ch: string): boolean {
  if (c < 128)
    return (
      (c >= 97 && c <= 122) ||
      (c >= 65 && c <= 90) ||
      (c >= 48 && c <= 57) ||
      c === 39 ||
      c === 46 ||
      c === 45
    );
  return WORD_PART.test(ch);
}

const UPPER = /^\p{Lu}/u;
const LOWER_FIRST = /^\p{Ll}/u;
/** An upper-case letter (`\p{Lu}`) starts at `i` and ends before `limit`. */
function upperAt(text: string, i: number, limit: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return c >= 65 && c <= 90;
  const cp = text.codePointAt(i)!;
  if (cp > 0xffff && i + 1 >= limit) return false;
  return UPPER.test(String.fromCodePoint(cp));
}

/**
 * The length of `/^,?[ \t]+(?=\p{Lu}|\d{1,6}[ \t]+\p{Lu})/u` matched at `from` within the next 6
 * characters, or 0: what separates a house number from the street name after it.
 */
export function gapAfterNumber(text: string, from: number): number {
  const limit = Math.min(text.length, from + 6);
  let i = from;
  if (i < limit && text.charCodeAt(i) === 44) i++;
  let j = i;
  while (j < limit && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j++;
  if (j === i || j >= limit) return 0;
  if (upperAt(text, j, limit)) return j - from;
  let k = j;
  while (k < limit && k - j < 6 && isAsciiDigit(text.charCodeAt(k))) k++;
  if (k === j || (k < limit && isAsciiDigit(text.charCodeAt(k)))) return 0;
  let l = k;
  while (l < limit && (text.charCodeAt(l) === 32 || text.charCodeAt(l) === 9)) l++;
  if (l === k || l >= limit) return 0;
  return upperAt(text, l, limit) ? j - from : 0;
}

/** First letters of the separate street types (all lower case): `u.`, `utca`, `tér`, `krt.`, `str.`, `g.`, `iela`. */
const SEPARATE_FIRST = new Set([...SEPARATE_SET].map((t) => t.charCodeAt(0)));
/** The longest separate street type, with a final period. */
const SEPARATE_MAX = Math.max(...[...SEPARATE_SET].map((t) => t.length)) + 1;

/**
 * False when the word before the house number at `at` cannot be a street type (the checks after
 * wordBefore would all fail): it starts with a lower-case ASCII letter that starts no separate type, or is
 * longer than any. A cheap look at the word's first character instead of a copy of the word for each
 * number of a text.
 */
function typeWordMayEndAt(text: string, at: number): boolean {
  let i = at;
  while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
  if (text.charCodeAt(i - 1) === 44) {
    i--;
    while (i > 0 && (text.charCodeAt(i - 1) === 32 || text.charCodeAt(i - 1) === 9)) i--;
  }
  let j = i;
  while (j > 0 && isWordPart(text.charCodeAt(j - 1), text[j - 1]!)) j--;
  if (j === i) return false;
  const first = text.charCodeAt(j);
  if (first >= 97 && first <= 122) return i - j <= SEPARATE_MAX && SEPARATE_FIRST.has(first);
  if (first >= 48 && first <= 57) return false;
  return true;
}

/** The word that ends just before `end`, separated from it by spaces and at most one comma, or undefined. */
function wordBefore(text: string, end: number): { start: number; word: string } | undefined {
  let i = end;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  if (text[i - 1] === ',') {
    i--;
    while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  }
  if (i === end || i === 0) return undefined;
  let j = i;
  while (j > 0 && isWordPart(text.charCodeAt(j - 1), text[j - 1]!)) j--;
  if (j === i) return undefined;
  return { start: j, word: text.slice(j, i) };
}

/** Words after `from` on the same line: [start, end, word] up to `max`. */
function wordsAfter(text: string, from: number, max: number): [number, number, string][] {
  const out: [number, number, string][] = [];
  let pos = from;
  for (let k = 0; k < max; k++) {
    if (k > 0) {
      SPACE.lastIndex = pos;
      const sp = SPACE.exec(text);
      if (!sp || sp[0].includes(',')) break;
      pos += sp[0].length;
    }
    WORD.lastIndex = pos;
    const w = WORD.exec(text);
    if (!w) break;
    out.push([pos, pos + w[0].length, w[0]]);
    pos += w[0].length;
  }
  return out;
}

/** Extends a street name to the left over up to `max` capitalised words (and a house number before them). */
function extendLeft(text: string, start: number, max: number): number {
  let s = start;
  for (let k = 0; k < max; k++) {
    const w = wordBefore(text, s);
    if (!w || !isCapital(w.word) || w.word.endsWith(',')) break;
    if (/[\n,]/.test(text.slice(w.start + w.word.length, s))) break;
    s = w.start;
    if (/^\d/.test(w.word)) break;
  }
  return s;
}

/** The end of the house number (HOUSE_NUMBER) that starts at `index`, or -1. */
function houseNumberAt(text: string, index: number): number {
  HOUSE_NUMBER_AT.lastIndex = index;
  return HOUSE_NUMBER_AT.test(text) ? HOUSE_NUMBER_AT.lastIndex : -1;
}

/** The house numbers of `text` as [start, end] pairs, found from its runs of digits (for tests). */
export function houseNumbers(text: string): [number, number][] {
  const runs = digitRuns(text);
  const out: [number, number][] = [];
  for (let r = 0; r < runs.length; r += 2) {
    const end = houseNumberAt(text, runs[r]!);
    if (end >= 0) out.push([runs[r]!, end]);
  }
  return out;
}

/** Street lines found by anchoring on house numbers and leading street words, then checking the words around them. */
function findStreets(
  text: string,
  runs: readonly number[],
  near: Near,
): { start: number; end: number; score: number; name: string }[] {
  const out: { start: number; end: number; score: number; name: string }[] = [];
  // House numbers start where a run of digits starts (a digit, letter, `-` or `/` before any other
  // place refuses the look-behind): tried there, with a sticky twin of HOUSE_NUMBER.
  for (let r = 0; r < runs.length; r += 2) {
    const index = runs[r]!;
    const numberEnd = houseNumberAt(text, index);
    if (numberEnd < 0) continue;
    // 1668 Glyn St / 14 Crown Street Kishiev Squares / 1987 74 Diakou Street
    const gap = gapAfterNumber(text, numberEnd);
    if (gap > 0) {
      const st = numberFirst(text, index, numberEnd + gap);
      if (st) out.push(st);
    }
    // Koskikatu 25 / Király u. 15. / Crown Street 14 / Brucker Bundesstrasse 31
    if (!typeWordMayEndAt(text, index)) continue;
    const w = wordBefore(text, index);
    if (!w) continue;
    let end = numberEnd;
    if (text[end] === '.' && /\d/.test(text[end - 1]!)) end++;
    const word = w.word;
    if (/^\p{Lu}/u.test(word) && word.length > 4 && JOINED_END.test(bare(word))) {
      out.push({ start: extendLeft(text, w.start, 3), end, score: 0.7, name: 'joined type then number' });
    } else if (SEPARATE_SET.has(word) || SEPARATE_SET.has(bare(word))) {
      const left = extendLeft(text, w.start, 3);
      if (left !== w.start) out.push({ start: left, end, score: 0.65, name: 'separate type then number' });
    } else if (/^\p{Lu}/u.test(word) && STREET_TYPE_SET.has(bare(word))) {
      const left = extendLeft(text, w.start, 3);
      if (left !== w.start) out.push({ start: left, end, score: 0.6, name: 'type then number' });
    }
  }
  // 6750 Koskikatu 25 / 864 Piazzetta Scalette Rubiani 104 / 3565 Πλατεία Συντάγματος 204
  for (const m of numberWordsNumber(text, runs)) {
    // Most matches are prose (`took 23 minutes and cost 300`): a first word in lower case needs a cue
    // before the number, looked for before the words are split and counted.
    const lower = hasContext(text, m.index, m.index, ADDRESS_CUES, [], { before: 50, after: 0 });
    if (!lower) {
      if (LOWER_FIRST.test(m[1]!)) continue;
      // At least half the words capitalised (so at least one).
      const words = m[1]!.trim().split(/[ \t]+/);
      let capitals = 0;
      for (const w of words) if (UPPER.test(w)) capitals++;
      if (capitals < words.length / 2) continue;
    }
    out.push({
      start: m.index,
      end: m.index + m[0].length,
      score: lower ? 0.5 : 0.6,
      name: 'number words number',
    });
  }
  // the corner of Dalbraut 99 and Frederikke Coves
  for (const [start, end] of corners(text)) out.push({ start, end, score: 0.6, name: 'corner' });
  // After `lives at`, `address:`, `sent to`: the rest of the phrase, when it has a house number.
  for (const start of cueEnds(text, near)) {
    const rest = /^[^\n.!?;]{3,80}?(?=[.!?;]?(?:\s|$)|\n)/.exec(text.slice(start, start + 90));
    if (!rest || !/\d/.test(rest[0])) continue;
    let end = start + rest[0].length;
    // Stop before a trailing clause (`..., and`, `in case of`, `after the concert`).
    const tail = /(?:,?\s+(?:and|but|in case|after|before|last|on|at|for|please|it)\b.*)$/i.exec(rest[0]);
    if (tail && /\d/.test(rest[0].slice(0, tail.index))) end = start + tail.index;
    while (end > start && /[\s,]/.test(text[end - 1]!)) end--;
    out.push({ start, end, score: 0.55, name: 'after cue' });
  }
  // Rua do Arenque 1634 / Via Franscini 71 / ul. Długa 5
  const leading = leadingWords(text, near);
  for (let l = 0; l < leading.length; l += 2) {
    const words = wordsAfter(text, leading[l + 1]!, 7);
    const at = words.findIndex((w) => /^\d{1,6}[A-Za-z]?(?:[-/]\d{1,4}[A-Za-z]?)?$|^s\/n$/.test(w[2]));
    if (at <= 0) continue;
    out.push({ start: leading[l]!, end: words[at]![1], score: 0.7, name: 'leading type' });
  }
  return out;
}

/** A house number followed by words with a street type among the next four. */
function numberFirst(text: string, start: number, from: number) {
  const words = wordsAfter(text, from, 7);
  let k = 0;
  if (words[0] && DIRECTIONS.has(bare(words[0][2]))) k = 1;
  if (words[k] && /^\d/.test(words[k]![2]) && words.length > k + 1) k++;
  for (let n = k + 1; n < Math.min(words.length, k + 5); n++) {
    const w = words[n]!;
    if (!isCapital(w[2])) return undefined;
    if (!STREET_TYPE_SET.has(bare(w[2]))) continue;
    let end = w[0] + bare(w[2]).length;
    if (w[2].endsWith('.')) end = w[1];
    // A second name and type (`Crown Street Kishiev Squares`).
    const extra = words[n + 1];
    if (extra && /^\p{Lu}\p{Ll}/u.test(extra[2])) {
      const type = words[n + 2];
      end = type && STREET_TYPE_SET.has(bare(type[2])) ? type[1] : extra[1];
    }
    return { start, end, score: 0.7, name: 'number first' };
  }
  return undefined;
}

const ADDRESS_CONTEXT = [
  'address',
  'addresses',
  'live',
  'lives',
  'living',
  'located',
  'location',
  'street',
  'ship',
  'shipping',
  'deliver',
  'delivery',
  'mail',
  'send',
  'residence',
  'resides',
  'home',
  'office',
  'moved',
  'visit',
  'apt',
  'suite',
  'billing',
];

/**
 * Street addresses: house number and street with a street type in English (`1668 Glyn St`) or in the
 * local language (`Koskikatu 25`, `Rua do Arenque 1634`, `Király u. 15.`), apartment and suite units,
 * PO boxes and military addresses. The lines that follow a street line in an address block (city, state,
 * country, postal code) are labelled as such.
 */
export const streetAddressRecognizer: Recognizer<AddressLabel> = {
  name: 'street_address',
  kind: 'heuristics',
  needsDigits: true,
  labels: ['street_address', 'city', 'state', 'country', 'postal_code'],
  context: ADDRESS_CONTEXT,
  headers:
    /^(street|street[-_ ]?address|address([-_ ]?line)?[-_ ]?\d?|addr|home[-_ ]?address|mailing[-_ ]?address|billing[-_ ]?address|shipping[-_ ]?address)$/i,
  analyze(ctx: AnalysisContext) {
    return streetAddresses(ctx.text, true, digitRunsOf(ctx));
  },
};

/**
 * The street addresses and address-block fields of `text`. `views: false` scans the whole text for every
 * pattern (slower, the same results: tests compare the two).
 */
export function streetAddresses(
  text: string,
  byViews = true,
  runs: readonly number[] = digitRuns(text),
): RecognizerResult<AddressLabel>[] {
  if (runs.length === 0) return [];
  const views = byViews && text.length >= NEAR_MIN;
  const near = views ? nearView(text, runs, NEAR) : { text, starts: [0], offsets: [0] };
  const close = views ? nearView(text, runs, CLOSE) : near;
  const out: RecognizerResult<AddressLabel>[] = [];
  for (const st of findStreets(text, runs, near)) {
    out.push({
      start: st.start,
      end: st.end,
      label: 'street_address',
      score: st.score,
      recognizer: `street_address:${st.name}`,
    });
  }
  for (const p of OTHER_PATTERNS) {
    const found = p.find(text, near, close);
    for (let f = 0; f < found.length; f += 2) {
      const start = found[f]!;
      let end = found[f + 1]!;
      // A trailing comma or period that ends the sentence is not part of the address.
      while (end > start && /[,;:]/.test(text[end - 1]!)) end--;
      out.push({
        start,
        end,
        label: 'street_address',
        score: p.score,
        recognizer: `street_address:${p.name}`,
      });
    }
  }
  if (out.length === 0) return out;
  const streets = joinAdjacent(text, out);
  return [...streets, ...continuation(text, streets)];
}

const COUNTRY_HINT =
  /^(United States|USA|US|United Kingdom|UK|Great Britain|England|Scotland|Wales|Ireland|Canada|Australia|New Zealand|Germany|Deutschland|France|Italy|Italia|Spain|España|Portugal|Netherlands|Belgium|Switzerland|Austria|Sweden|Norway|Denmark|Finland|Iceland|Estonia|Latvia|Lithuania|Poland|Czech Republic|Czechia|Slovakia|Hungary|Slovenia|Croatia|Greece|Cyprus|Turkey|Romania|Bulgaria|Uruguay|Argentina|Brazil|Brasil|Mexico|Chile|Peru|Colombia|Japan|China|India|South Africa|Tunisia|Egypt|Israel|Russia|Ukraine|Luxembourg|Malta)$/i;

/** A token of an address field: a postal code, a state code, or a place name of one or more words. */
const FIELD_TOKEN =
  /\d[\dA-Z -]*\d|\d+|\p{Lu}{2}(?![\p{L}\p{M}])|[\p{L}\p{M}\p{S}][\p{L}\p{M}\p{S}.'’-]*(?:\s(?!\p{Lu}{2}(?![\p{L}\p{M}]))(?:\p{Lu}|\()[\p{L}\p{M}\p{S}.'’()-]*)*/gu;

/** True when the line around `at` has no capital letters (a text written all in lower case). */
function lowercaseText(text: string, at: number): boolean {
  let line = text.slice(Math.max(0, at - 120), at);
  // Not into the value before (the values of a column are analysed together).
  const cut = line.lastIndexOf(UNIT_BOUNDARY);
  if (cut >= 0) line = line.slice(cut + 1);
  return /\p{Ll}/u.test(line) && !/\p{Lu}/u.test(line);
}

/**
 * The short lines after a street line, up to the first blank line or sentence: `Artilleros`, `, CO`,
 * `Uruguay 64677`. Each token becomes a city, state, country or postal code.
 */
function continuation(
  text: string,
  streets: RecognizerResult<AddressLabel>[],
): RecognizerResult<AddressLabel>[] {
  const out: RecognizerResult<AddressLabel>[] = [];
  const ends = [...new Set(streets.map((s) => s.end))].sort((a, b) => a - b);
  // Streets are sorted and apart (joinAdjacent): is `i` inside one?
  const covered = (i: number) => {
    let lo = 0;
    let hi = streets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (streets[mid]!.start <= i) lo = mid;
      else hi = mid - 1;
    }
    const s = streets[lo];
    return s !== undefined && s.start <= i && i < s.end;
  };
  for (const from of ends) {
    let pos = from;
    for (let field = 0; field < 4; field++) {
      // Fields follow white space or a comma (the checks below all start with one).
      const next = text.charCodeAt(pos);
      if (next !== 32 && next !== 9 && next !== 10 && next !== 13 && next !== 44) break;
      // A blank line ends the address block.
      if (/^[ \t]*\r?\n[ \t]*\r?\n/.test(text.slice(pos, pos + 100))) break;
      // The next field: after a newline, a comma or two or more spaces.
      const sep = /^(?:[ \t]*\r?\n[ \t]*|[ \t]*,[ \t]*|[ \t]{2,}|[ \t](?=\p{Lu}{3,}(?![\p{Ll}])))/u.exec(
        text.slice(pos, pos + 40),
      );
      if (!sep) break;
      const fieldStart = pos + sep[0].length;
      const lineEnd = text.slice(fieldStart, fieldStart + 60).search(/\r?\n|[ \t]{2,}|,/);
      const fieldEnd = lineEnd < 0 ? Math.min(text.length, fieldStart + 60) : fieldStart + lineEnd;
      const value = text.slice(fieldStart, fieldEnd).trim();
      if (!value) {
        pos = fieldEnd;
        continue;
      }
      if (covered(fieldStart)) {
        pos = fieldEnd;
        continue;
      }
      // A field of an address block: a few words and numbers, capitalised (or the whole text in lower case).
      if (!/^[\p{L}\p{N}][\p{L}\p{M}\p{N}\p{S} .'’()-]*$/u.test(value) || value.split(/\s+/).length > 5)
        break;
      const lowerText = lowercaseText(text, from);
      const tokens = [];
      for (const t of value.matchAll(FIELD_TOKEN)) {
        // Ordinary words after the place (`Tunisia last night`) end the block.
        if (!lowerText && /^\p{Ll}/u.test(t[0])) break;
        tokens.push(t);
      }
      if (tokens.length === 0) break;
      const base = fieldStart + text.slice(fieldStart, fieldEnd).indexOf(value);
      for (const t of tokens) {
        const s = base + t.index;
        const e = s + t[0].trimEnd().length;
        const word = t[0].trim();
        let label: AddressLabel;
        if (/^\d/.test(word)) label = 'postal_code';
        else if (/^\p{Lu}{2}$/u.test(word)) label = 'state';
        else if (COUNTRY_HINT.test(word.replace(/\s*\(.*\)$/, ''))) label = 'country';
        else label = 'city';
        out.push({
          start: s,
          end: e,
          label,
          score: 0.55,
          recognizer: 'street_address:continuation',
          contextApplied: true,
        });
      }
      pos = fieldEnd;
    }
  }
  return out;
}

/** Street parts on one line separated only by spaces or a comma (`6750 Koskikatu 25` + `Apt. 864`) are one address. */
function joinAdjacent(
  text: string,
  found: RecognizerResult<AddressLabel>[],
): RecognizerResult<AddressLabel>[] {
  const sorted = [...found].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: RecognizerResult<AddressLabel>[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    const gap = text.slice(last?.end ?? 0, s.start);
    // Spaces join any two parts; a comma joins a street and the unit after it (`..., Apt. 864`).
    const unitAfterStreet =
      s.recognizer.endsWith(':unit') && !/:(unit|po box|military)$/.test(last?.recognizer ?? '');
    if (
      last &&
      (s.start <= last.end || /^[ \t]+$/.test(gap) || (unitAfterStreet && /^[ \t]*,[ \t]*$/.test(gap)))
    ) {
      last.end = Math.max(last.end, s.end);
      last.score = Math.max(last.score, s.score);
    } else out.push({ ...s });
  }
  return out;
}
