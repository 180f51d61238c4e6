import type { Assignment } from '../../sampling/quota.js';
import { describeSpec } from '../../spec/describe.js';
import { REVISION_TYPES, type RevisionType } from './options.js';
import type { Outline } from './schemas.js';
import type { ColumnProfile } from './table.js';
import type { GenerationContext, OutputShape } from './types.js';

// Layout for provider prompt caching: `system` holds only what is shared by many calls (instructions,
// output shape, spec, seed examples), in that order; everything about one sample or one call (assigned
// values, outline, earlier parts, the task) goes in the user message.

const GENERATOR_INSTRUCTIONS = `You are part of a synthetic data pipeline. You plan, write and review samples of a dataset,
one sample at a time, following a specification. Each sample must read like real data of this kind: specific,
varied, realistic and internally consistent. Each sample has assigned property values that it must clearly show.
Never copy the examples; they show the form, not the content. Invent names, places, identifiers and numbers.`;

const FORMAT_RULES: Record<string, string> = {
  json: 'a single valid JSON document (RFC 8259)',
  jsonl: 'JSON Lines: one valid JSON object per line, nothing else',
  csv: 'CSV (RFC 4180) with a header row, comma-separated, values with commas, quotes or line breaks in double quotes',
  md: 'Markdown text',
  txt: 'plain text',
  pdf: 'plain text (the document text a PDF would contain)',
};

function formatRule(format: string): string {
  return FORMAT_RULES[format] ?? 'text';
}

export function describeShape(shape: OutputShape, profiles?: readonly ColumnProfile[]): string {
  if (shape.kind === 'table') {
    const kinds = profiles?.length
      ? `\nColumn values: ${profiles
          .map(
            (p) =>
              `${p.name} (${p.kind === 'any' ? 'text or number' : p.kind === 'json' ? 'nested JSON' : p.kind}${p.nullable ? ', may be empty' : ''})`,
          )
          .join('; ')}.`
      : '';
    return `Output shape: each sample is ONE record (row) of a ${shape.format.toUpperCase()} table with exactly these columns, in this order: ${shape.columns.join(', ')}.${kinds}`;
  }
  if (shape.kind === 'document') {
    return `Output shape: each sample is ONE file in ${formatRule(shape.format)}. Output only the file content: no commentary before or after it and no code fences around it.`;
  }
  const roles = shape.roles.map((r) => `${r.name} (${formatRule(r.format)})`).join('; ');
  return `Output shape: each sample is ONE folder of related files that describe the same case and must agree with each other. The folder holds exactly these files: ${roles}. File content only: no commentary and no code fences around it.`;
}

/** Everything of the system prompt but the seeds: identical for every call of a run. */
export function systemHead(ctx: GenerationContext, profiles?: readonly ColumnProfile[]): string {
  return [
    GENERATOR_INSTRUCTIONS,
    describeShape(ctx.shape, profiles),
    `<spec>\n${describeSpec(ctx.spec)}\n</spec>`,
  ].join('\n\n');
}

export function systemPrompt(head: string, seeds: string): string {
  return seeds ? `${head}\n\n${seeds}` : `${head}\n\nThere are no example samples: follow the spec alone.`;
}

export function assignmentBlock(assignment: Assignment): string {
  const entries = Object.entries(assignment);
  if (entries.length === 0)
    return '<sample_properties>\nNo property values are assigned to this sample.\n</sample_properties>';
  return `<sample_properties>\nThis sample must have:\n${entries.map(([k, v]) => `- ${k} = ${v}`).join('\n')}\n</sample_properties>`;
}

export function renderOutline(outline: Outline): string {
  const sections = outline.sections
    .map((s, i) => `${i + 1}. ${s.heading} (~${Math.round(s.target_words)} words): ${s.summary}`)
    .join('\n');
  return `<outline>\nTitle: ${outline.title}\n${sections}\n</outline>`;
}

export function outlineTask(shape: OutputShape): string {
  if (shape.kind === 'folder') {
    return `Plan this sample folder before it is written. Give a title for the case, then one section per file, in this order: ${shape.roles
      .map((r) => r.name)
      .join(
        ', ',
      )}. For each: heading = the file name, summary = what the file contains (key facts, so the files agree), target_words = its length in words, like the examples.`;
  }
  return 'Plan this sample before it is written. Give its title and its sections in order: heading, a summary of what the section contains (specific facts, not generalities), and target_words (the length of the section in words). Match the structure and length of the examples and the spec.';
}

export function wholeDocumentTask(format: string, outline: Outline | null): string {
  const guide = outline ? `\n\nFollow this outline:\n${renderOutline(outline)}` : '';
  return `Write the complete sample file now, as ${formatRule(format)}. Output only the file content.${guide}`;
}

export function partTask(
  format: string,
  outline: Outline,
  part: number,
  previous: readonly string[],
): string {
  const section = outline.sections[part]!;
  const written = previous.length
    ? `\n\nParts written so far (do not repeat them):\n<written>\n${previous.join('\n\n')}\n</written>`
    : '';
  const continuation =
    part === 0
      ? ''
      : format === 'csv'
        ? ' Continue the same CSV: output only further data rows, no header.'
        : format === 'jsonl'
          ? ' Continue the same JSON Lines file: output only further lines.'
          : ' Continue the text seamlessly from where it stops.';
  return `The sample is written part by part following this outline:\n${renderOutline(outline)}${written}\n\nWrite part ${part + 1} of ${outline.sections.length} only: "${section.heading}", about ${Math.round(section.target_words)} words, as ${formatRule(format)}.${continuation} Output only the text of this part.`;
}

export function tableTask(profiles: readonly ColumnProfile[]): string {
  const nested = profiles.filter((p) => p.kind === 'json').map((p) => p.name);
  const note = nested.length
    ? ` Columns ${nested.join(', ')} hold nested JSON: give each as JSON text (a string) that parses.`
    : '';
  return `Write one record of the table: a value for every column, realistic and consistent with each other.${note}`;
}

export function folderTask(shape: Extract<OutputShape, { kind: 'folder' }>, outline: Outline | null): string {
  const guide = outline ? `\n\nFollow this outline:\n${renderOutline(outline)}` : '';
  return `Write every file of this sample folder: exactly these files, each once, in this order: ${shape.roles
    .map((r) => r.name)
    .join(', ')}. Return them as "files", each with its name and its complete content.${guide}`;
}

export function folderFileTask(
  role: { name: string; format: string },
  outline: Outline | null,
  written: readonly { name: string; content: string }[],
): string {
  const guide = outline ? `\n\nThe folder follows this outline:\n${renderOutline(outline)}` : '';
  const before = written.length
    ? `\n\nFiles of this folder written so far (the new file must agree with them):\n${written
        .map((f) => `<file name="${f.name}">\n${f.content}\n</file>`)
        .join('\n')}`
    : '';
  return `This sample is a folder written file by file.${guide}${before}\n\nWrite the file "${role.name}" now, as ${formatRule(role.format)}. Output only its content.`;
}

export function critiqueTask(types: readonly RevisionType[], sample: string, known: string[]): string {
  const checks = types.map((t) => `- ${t}: ${REVISION_TYPES[t]}`).join('\n');
  const automated = known.length
    ? `\n\nAutomated checks already found these problems (include them in issues):\n${known.map((k) => `- ${k}`).join('\n')}`
    : '';
  return `Review the sample below. Check only these points:\n${checks}${automated}\n\nSet conformant to true only when it passes every point. Otherwise list each problem in issues, concretely (what is wrong, where, and what it should be).\n\n<sample>\n${sample}\n</sample>`;
}

export function rewriteTask(sample: string, issues: readonly string[], output: string): string {
  return `Revise the sample below so that it fixes every issue listed. Keep everything that is fine; change only what the issues require.\n\n<issues>\n${issues.map((i) => `- ${i}`).join('\n')}\n</issues>\n\n<sample>\n${sample}\n</sample>\n\n${output}`;
}
