import {
  type Assignment,
  fitTabularSynthesizer,
  type GenerationContext,
  type PlannedSample,
  type SampleOutcome,
  type SeedCorpus,
  textFallback,
  ZERO_USAGE,
} from '@openframer/core';

const free = { usage: ZERO_USAGE, costUsd: 0, calls: 0 };

/**
 * Samples from the offline engine (`openframer/statistical`): tables from a synthesiser fitted on the seed
 * table, with the planned property values as conditions; documents from the labelled text fallback.
 */
export function offlineOutcomes(
  ctx: GenerationContext,
  corpus: SeedCorpus | null,
  planned: PlannedSample[],
): SampleOutcome[] {
  if (corpus?.table) {
    const synthesizer = fitTabularSynthesizer(corpus.table.columns, corpus.table.records, { seed: ctx.seed });
    const columns = new Set(corpus.table.columns);
    const conditions: Assignment[] = planned.map((p) =>
      Object.fromEntries(Object.entries(p.assignment).filter(([property]) => columns.has(property))),
    );
    const axisValues = Object.fromEntries(
      ctx.spec.data_property_variations.map((p) => [p.property_name, p.property_values]),
    );
    const rows = synthesizer.sample(planned.length, {
      seed: `${ctx.seed}/${planned[0]?.index ?? 0}`,
      conditions,
      axisValues,
    });
    return rows.map((record) => ({ ok: true, output: { record, revisions: 0 }, ...free }));
  }
  const texts = (corpus?.documents ?? []).map((d) => d.text);
  if (texts.length === 0) {
    return planned.map(() => ({
      ok: false,
      kind: 'error',
      reason:
        'openframer/statistical needs seed documents to recombine; a seedless spec needs a language model',
      ...free,
    }));
  }
  const shape = ctx.shape;
  const structuredFormats = ['json', 'jsonl', 'csv'];
  const structured =
    shape.kind === 'folder'
      ? shape.roles.some((r) => structuredFormats.includes(r.format))
      : shape.kind === 'document' && structuredFormats.includes(shape.format);
  if (structured) {
    return planned.map(() => ({
      ok: false,
      kind: 'error',
      reason:
        'openframer/statistical writes text documents only (TXT, MD); structured documents (JSON, JSONL, CSV) need a language model',
      ...free,
    }));
  }
  const { documents } = textFallback(texts, {
    seed: `${ctx.seed}/${planned[0]?.index ?? 0}`,
    n: planned.length,
  });
  return documents.map((text, i) => {
    const files =
      shape.kind === 'folder'
        ? shape.roles.map((role, r) => ({
            name: role.name,
            content: textFallback(texts, { seed: `${ctx.seed}/${planned[i]!.index}/${r}`, n: 1 })
              .documents[0]!,
          }))
        : [{ name: `sample.${shape.kind === 'document' ? shape.extension : 'txt'}`, content: text }];
    return { ok: true, output: { files, revisions: 0 }, ...free };
  });
}
