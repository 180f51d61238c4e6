import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';
import { loadNer, mentions, nameRole } from './ner.js';

type NameLabel = 'first_name' | 'last_name';

/**
 * People's names, from the NER parse: a full name gives a first name (given names, initials included)
 * and a last name; a single word is a family name after an honorific (`Dr. Varvio`) or `last name`,
 * else a given name unless the gazetteer knows it only as a family name.
 */
export const personRecognizer: Recognizer<NameLabel> & { prepare(): Promise<void> } = {
  name: 'person',
  kind: 'ner',
  labels: ['first_name', 'last_name'],
  context: [
    'name',
    'named',
    'called',
    'patient',
    'contact',
    'customer',
    'dear',
    'signed',
    'mr',
    'mrs',
    'ms',
    'dr',
    'author',
    'employee',
    'user',
  ],
  headers:
    /^(first[-_ ]?name|given[-_ ]?name|fname|forename|last[-_ ]?name|family[-_ ]?name|surname|lname|(full[-_ ]?)?name|person|patient[-_ ]?name|customer[-_ ]?name|contact[-_ ]?name|author|employee)$/i,
  prepare: loadNer,
  analyze(ctx: AnalysisContext) {
    const out: RecognizerResult<NameLabel>[] = [];
    const headerRole = roleFromHints(ctx.hints);
    for (const m of mentions(ctx)) {
      if (m.kind !== 'person') continue;
      const words = m.tokens;
      if (words.length === 1) {
        const lead = ctx.text.slice(Math.max(0, m.start - 40), m.start);
        const label = headerRole ?? nameRole(words[0]!.text, m.honorific, lead);
        out.push({ start: m.start, end: m.end, label, score: m.score, recognizer: 'person' });
        continue;
      }
      const lastWord = words[words.length - 1]!;
      const given = words.slice(0, -1);
      const lastGiven = given[given.length - 1]!;
      // An initial keeps its period (`Faina D.`).
      const givenEnd =
        /^\p{Lu}$/u.test(lastGiven.text) && ctx.text[lastGiven.end] === '.'
          ? lastGiven.end + 1
          : lastGiven.end;
      out.push({
        start: given[0]!.start,
        end: givenEnd,
        label: 'first_name',
        score: m.score,
        recognizer: 'person',
      });
      out.push({
        start: lastWord.start,
        end: lastWord.end,
        label: 'last_name',
        score: m.score,
        recognizer: 'person',
      });
    }
    return out;
  },
};

function roleFromHints(hints: readonly string[]): NameLabel | undefined {
  const h = hints.join(' ');
  if (/(last|family|sur)[-_ ]?name|lname/i.test(h)) return 'last_name';
  if (/(first|given)[-_ ]?name|fname|forename/i.test(h)) return 'first_name';
  return undefined;
}
