import type { AnalysisContext, Recognizer, RecognizerResult } from '../types.js';
import { loadNer, mentions } from './ner.js';

type PlaceLabel = 'city' | 'state' | 'country';

/** Cities, states and countries, from the NER parse and the gazetteer of places of many locales. */
export const locationRecognizer: Recognizer<PlaceLabel> & { prepare(): Promise<void> } = {
  name: 'location',
  kind: 'ner',
  labels: ['city', 'state', 'country'],
  context: [
    'city',
    'town',
    'live',
    'lives',
    'living',
    'moved',
    'born',
    'located',
    'country',
    'state',
    'address',
  ],
  headers: /^(city|town|municipality|locality|state|province|region|county|country|nation)$/i,
  prepare: loadNer,
  analyze(ctx: AnalysisContext) {
    const out: RecognizerResult<PlaceLabel>[] = [];
    for (const m of mentions(ctx)) {
      if (m.kind !== 'place') continue;
      out.push({
        start: m.start,
        end: m.end,
        label: m.place ?? 'city',
        score: m.score,
        recognizer: 'location',
      });
    }
    return out;
  },
};
