import { z } from 'zod';
import type { DatabricksCredentials, LlmGateway } from '../../llm/types.js';
import { PII_TYPE_DESCRIPTIONS, type PiiType } from './recognizers/index.js';
import type { Entity } from './types.js';

export interface LlmDetectorOptions {
  gateway: LlmGateway;
  model: string;
  piiTypes: readonly PiiType[];
  credentials?: { databricks?: DatabricksCredentials };
  /** Characters of text per request (texts are packed together up to this size). Default 6,000. */
  chunkChars?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
}

/** The score given to spans a language model returns (models give no calibrated confidence). */
export const LLM_SCORE = 0.85;

const SEPARATOR = '\n\n';

/** One request's text: pieces of one or more texts, and where each sits in it. */
interface Chunk {
  text: string;
  parts: { index: number; offset: number; at: number; length: number }[];
}

/**
 * Finds entities with a language model. Texts are packed into chunks; the model returns each entity's
 * text, label and offsets as structured output; every span is verified against the text: a span whose
 * text is not at the given offsets is re-located by searching for its text (nearest occurrence), or
 * dropped when the text is not there. Every other occurrence of a verified entity's text is marked too.
 */
export class LlmDetector {
  private readonly schema: z.ZodType<{
    entities: { text: string; label: string; start: number; end: number }[];
  }>;

  constructor(private readonly options: LlmDetectorOptions) {
    this.schema = z.object({
      entities: z.array(
        z.object({
          text: z.string().describe('The entity exactly as written in the text'),
          label: z.enum(options.piiTypes as [PiiType, ...PiiType[]]),
          start: z.number().int().describe('Character offset where the entity starts'),
          end: z.number().int().describe('Character offset just after the entity'),
        }),
      ),
    });
  }

  /** Entities of each text, in the order of `texts`. */
  async detect(texts: readonly string[], signal?: AbortSignal): Promise<Entity<PiiType>[][]> {
    const found: Entity<PiiType>[][] = texts.map(() => []);
    const chunks = pack(texts, this.options.chunkChars ?? 6000);
    let next = 0;
    const worker = async () => {
      while (next < chunks.length) {
        signal?.throwIfAborted();
        const chunk = chunks[next++]!;
        for (const e of await this.detectChunk(chunk.text, signal)) {
          const part = chunk.parts.find((p) => e.start >= p.at && e.end <= p.at + p.length);
          if (!part) continue;
          found[part.index]!.push({
            ...e,
            start: e.start - part.at + part.offset,
            end: e.end - part.at + part.offset,
          });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 4, chunks.length) }, worker));
    return found;
  }

  /** Verified entities of one chunk of text. */
  async detectChunk(text: string, signal?: AbortSignal): Promise<Entity<PiiType>[]> {
    if (!text.trim()) return [];
    const labels = this.options.piiTypes.map((l) => `- ${l}: ${PII_TYPE_DESCRIPTIONS[l]}`).join('\n');
    const result = await this.options.gateway.generateObject({
      model: this.options.model,
      stage: 'anonymization',
      schemaName: 'pii_entities',
      schema: this.schema,
      system: [
        'You find personal data (PII and PHI) in text for anonymization.',
        'Return every occurrence of an entity of the listed types, with its exact text as written and its character offsets in the text (0-based, end exclusive).',
        'Use only these labels:',
        labels,
        'Return an empty list when there is none. Do not return anything that is not of these types.',
      ].join('\n'),
      messages: [{ role: 'user', content: `Text:\n<<<\n${text}\n>>>` }],
      temperature: 0,
      ...(signal ? { signal } : {}),
      ...(this.options.credentials ? { credentials: this.options.credentials } : {}),
    });
    return verifySpans(text, result.object.entities, new Set(this.options.piiTypes));
  }
}

/**
 * Keeps the spans whose text is in `text`: at the given offsets, else at the occurrence nearest to them;
 * adds the other occurrences of each verified text (the model may list a repeated name once).
 */
export function verifySpans(
  text: string,
  spans: readonly { text: string; label: string; start: number; end: number }[],
  labels: ReadonlySet<string>,
): Entity<PiiType>[] {
  const out: Entity<PiiType>[] = [];
  const seen = new Set<string>();
  const add = (start: number, end: number, label: PiiType) => {
    const key = `${start}:${end}:${label}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ start, end, label, score: LLM_SCORE });
  };
  for (const span of spans) {
    const value = span.text.trim();
    if (!value || !labels.has(span.label)) continue;
    const label = span.label as PiiType;
    const occurrences = allOccurrences(text, value);
    if (occurrences.length === 0) continue;
    // At the given offsets when the text is there, else the occurrence nearest to them.
    const start = occurrences.includes(span.start)
      ? span.start
      : occurrences.reduce((best, o) => (Math.abs(o - span.start) < Math.abs(best - span.start) ? o : best));
    add(start, start + value.length, label);
    for (const o of occurrences) add(o, o + value.length, label);
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Start offsets of `value` in `text` where it is not part of a longer word. */
function allOccurrences(text: string, value: string): number[] {
  const out: number[] = [];
  const word = /[\p{L}\p{N}]/u;
  for (let i = text.indexOf(value); i >= 0; i = text.indexOf(value, i + 1)) {
    const before = text[i - 1];
    const after = text[i + value.length];
    if (
      (before && word.test(before) && word.test(value[0]!)) ||
      (after && word.test(after) && word.test(value.at(-1)!))
    )
      continue;
    out.push(i);
  }
  return out;
}

/** Packs texts into chunks of at most `size` characters; a longer text is cut at line ends. */
function pack(texts: readonly string[], size: number): Chunk[] {
  const chunks: Chunk[] = [];
  let current: Chunk = { text: '', parts: [] };
  const flush = () => {
    if (current.parts.length > 0) chunks.push(current);
    current = { text: '', parts: [] };
  };
  texts.forEach((text, index) => {
    if (!text.trim()) return;
    for (const [offset, piece] of cut(text, size)) {
      if (current.text.length + SEPARATOR.length + piece.length > size) flush();
      if (current.text) current.text += SEPARATOR;
      current.parts.push({ index, offset, at: current.text.length, length: piece.length });
      current.text += piece;
    }
  });
  flush();
  return chunks;
}

function cut(text: string, size: number): [number, string][] {
  const out: [number, string][] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + size);
    if (end < text.length) {
      const nl = text.lastIndexOf('\n', end);
      const space = text.lastIndexOf(' ', end);
      const at = nl > start + size / 2 ? nl + 1 : space > start + size / 2 ? space + 1 : end;
      end = at;
    }
    out.push([start, text.slice(start, end)]);
    start = end;
  }
  return out;
}
