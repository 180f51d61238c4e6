import { createRng, type Rng } from '../sampling/rng.js';

/**
 * The offline fallback for free text: a word n-gram (Markov) model of the seed texts recombines their
 * phrases into new sentences. It knows nothing of meaning; it keeps vocabulary, phrasing and lengths.
 * A sentence that equals a seed sentence (compared case- and space-insensitively) is never emitted: it is
 * drawn again, with a shorter context when the seeds are too few to branch, and as a last resort two seed
 * sentences are spliced at a shared word. Output is labelled as a fallback in its metadata.
 */
export interface TextFallbackOptions {
  seed: string;
  n: number;
  /** Words of context (default 2, i.e. a word 3-gram model). */
  order?: number;
}

export interface TextFallbackMetadata {
  fallback: true;
  method: string;
  note: string;
  order: number;
  seedDocuments: number;
  seedSentences: number;
}

export interface TextFallbackResult {
  documents: string[];
  metadata: TextFallbackMetadata;
}

const START = '\u0002';
const END = '\u0003';

/** Sentences of a text: split after . ! ? (or line breaks), keeping the punctuation. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

const normalise = (s: string) => s.toLowerCase().replace(/\s+/g, ' ').trim();
const tokenise = (s: string) => s.split(/\s+/).filter((w) => w.length > 0);

export class NgramTextModel {
  private readonly tables: Map<string, string[]>[] = [];
  private readonly seedSentences = new Set<string>();
  private readonly seedDocuments = new Set<string>();
  private readonly sentences: string[][] = [];
  /** Sentences per document in the seeds, to draw document lengths from. */
  private readonly lengths: number[] = [];
  readonly order: number;
  readonly documents: number;
  private longest = 10;

  constructor(seedTexts: string[], order = 2) {
    this.order = Math.max(1, order);
    for (let k = 0; k <= this.order; k++) this.tables.push(new Map());
    let documents = 0;
    for (const text of seedTexts) {
      if (typeof text !== 'string' || text.trim() === '') continue;
      documents++;
      this.seedDocuments.add(normalise(text));
      const sentences = splitSentences(text);
      this.lengths.push(sentences.length);
      for (const s of sentences) {
        this.seedSentences.add(normalise(s));
        const words = tokenise(s);
        this.sentences.push(words);
        this.longest = Math.max(this.longest, words.length);
        const padded = [...new Array<string>(this.order).fill(START), ...words, END];
        for (let i = this.order; i < padded.length; i++) {
          // Every context length from 0 to `order` words, for back-off.
          for (let k = 0; k <= this.order; k++) {
            const key = padded.slice(i - k, i).join(' ');
            const table = this.tables[k]!;
            const list = table.get(key);
            if (list) list.push(padded[i]!);
            else table.set(key, [padded[i]!]);
          }
        }
      }
    }
    this.documents = documents;
  }

  get sentenceCount(): number {
    return this.seedSentences.size;
  }

  isSeedSentence(sentence: string): boolean {
    return this.seedSentences.has(normalise(sentence));
  }

  isSeedDocument(text: string): boolean {
    return this.seedDocuments.has(normalise(text));
  }

  private walk(rng: Rng, order: number): string {
    const words: string[] = [];
    const history = new Array<string>(this.order).fill(START);
    const limit = 3 * this.longest;
    while (words.length < limit) {
      let choices: string[] | undefined;
      for (let k = order; k >= 0 && !choices; k--) {
        choices = this.tables[k]!.get(history.slice(this.order - k).join(' '));
      }
      if (!choices) break;
      const w = choices[rng.int(choices.length)]!;
      if (w === END) break;
      words.push(w);
      // A word that ends a sentence ends this one (back-off could otherwise run past it).
      if (/[.!?]$/.test(w)) break;
      history.shift();
      history.push(w);
    }
    return words.join(' ');
  }

  /** Two seed sentences joined at a word they share (or at their middles). */
  private splice(rng: Rng): string {
    const a = this.sentences[rng.int(this.sentences.length)]!;
    const b = this.sentences[rng.int(this.sentences.length)]!;
    const positions = new Map<string, number>();
    b.forEach((w, i) => {
      if (!positions.has(w.toLowerCase())) positions.set(w.toLowerCase(), i);
    });
    const shared = a
      .map((w, i) => [i, positions.get(w.toLowerCase())] as const)
      .filter(([, j]) => j !== undefined);
    let head: string[];
    let tail: string[];
    if (shared.length > 0) {
      const [i, j] = shared[rng.int(shared.length)]!;
      head = a.slice(0, i);
      tail = b.slice(j!);
    } else {
      head = a.slice(0, Math.ceil(a.length / 2));
      tail = b.slice(Math.floor(b.length / 2));
    }
    // The head must not close a sentence inside the new one.
    const last = head.length - 1;
    if (last >= 0 && /[.!?]$/.test(head[last]!))
      head = [...head.slice(0, last), head[last]!.replace(/[.!?]+$/, '')];
    return [...head, ...tail].filter((w) => w.length > 0).join(' ');
  }

  /** One new sentence, never a seed sentence. */
  sentence(rng: Rng): string {
    if (this.sentences.length === 0) return '';
    for (let attempt = 0; attempt < 60; attempt++) {
      // Full context first; when the seeds are too few to branch, shorter contexts recombine more.
      const order = attempt < 20 ? this.order : attempt < 40 ? Math.max(1, this.order - 1) : 0;
      const s = attempt < 50 ? this.walk(rng, order) : this.splice(rng);
      if (s && !this.isSeedSentence(s)) return s;
    }
    // Seeds that cannot be recombined (e.g. a single one-word sentence): mark the sentence as new.
    for (let k = 1; ; k++) {
      const base = this.splice(rng);
      const end = /[.!?]$/.test(base) ? base.slice(-1) : '';
      const s = `${end ? base.slice(0, -1) : base} (${k})${end}`;
      if (!this.isSeedSentence(s)) return s;
    }
  }

  /** One new document with as many sentences as a random seed document has. */
  document(rng: Rng): string {
    if (this.sentences.length === 0) return '';
    for (let attempt = 0; ; attempt++) {
      const count = this.lengths.length ? this.lengths[rng.int(this.lengths.length)]! : 1;
      const sentences = Array.from({ length: Math.max(1, count) }, () => this.sentence(rng));
      // Sentences without closing punctuation go on a new line, so they stay apart when read back.
      const doc = sentences.reduce(
        (d, s, i) => (i === 0 ? s : `${d}${/[.!?]$/.test(sentences[i - 1]!) ? ' ' : '\n'}${s}`),
        '',
      );
      if (!this.isSeedDocument(doc) || attempt > 20) return doc;
    }
  }
}

export function textFallbackMetadata(model: NgramTextModel): TextFallbackMetadata {
  return {
    fallback: true,
    method: `word ${model.order + 1}-gram Markov recombination`,
    note: 'Offline fallback, no language model: seed phrases recombined into new sentences; no seed sentence is emitted verbatim. Fluency and meaning are not guaranteed.',
    order: model.order,
    seedDocuments: model.documents,
    seedSentences: model.sentenceCount,
  };
}

/** `n` documents recombined from the seed texts, labelled as a fallback in the metadata. */
export function textFallback(seedTexts: string[], options: TextFallbackOptions): TextFallbackResult {
  const model = new NgramTextModel(seedTexts, options.order ?? 2);
  const rng = createRng(`text-fallback/${options.seed}`);
  const documents = Array.from({ length: options.n }, () => model.document(rng));
  return { documents, metadata: textFallbackMetadata(model) };
}
