import type { z } from 'zod';
import { addUsage, ZERO_USAGE } from '../../llm/cost.js';
import type { LlmRequest, LlmResult, LlmTool } from '../../llm/types.js';
import { formatProblem, rejection } from './filters.js';
import { type ResolvedOptions, resolveOptions } from './options.js';
import { documentFileName, renderContent, stripCodeFences } from './output.js';
import {
  assignmentBlock,
  critiqueTask,
  folderFileTask,
  folderTask,
  outlineTask,
  partTask,
  rewriteTask,
  systemHead,
  systemPrompt,
  tableTask,
  wholeDocumentTask,
} from './prompts.js';
import { Critique, type FolderFiles, folderFilesSchema, Outline } from './schemas.js';
import { type SeedSelector, seedSelectorFor } from './seed-selection.js';
import { type ColumnProfile, profileColumns, recordFromReply, recordSchema } from './table.js';
import { generationTools } from './tools.js';
import type {
  GenerationContext,
  OutputShape,
  PlannedSample,
  SampleCost,
  SampleOutcome,
  SampleOutput,
  SamplePorts,
} from './types.js';

/** Above this many planned words (and with 2+ sections) a document is written one section per call. */
export const PART_BY_PART_MIN_WORDS = 600;
/** Tries per sample: the first, and one regeneration after a filter rejects it. */
const ATTEMPTS = 2;

type Stage = 'outline' | 'generation' | 'revision';
type Draft = Omit<SampleOutput, 'revisions'>;

/** What every sample of a run shares, built once per context object. */
interface RunKit {
  selector: SeedSelector;
  head: string;
  profiles: ColumnProfile[];
  recordSchema: z.ZodType<Record<string, unknown>> | undefined;
  folderSchema: z.ZodType<FolderFiles> | undefined;
  /** The run's `tools`, offered on generation and revision calls (an outline needs none). */
  tools: Record<string, LlmTool> | undefined;
}

const kits = new WeakMap<GenerationContext, RunKit>();

function kitFor(ctx: GenerationContext, ports: SamplePorts): RunKit {
  let kit = kits.get(ctx);
  if (!kit) {
    const shape = ctx.shape;
    const profiles = shape.kind === 'table' ? profileColumns(shape, ctx.seedless ? [] : ctx.seeds) : [];
    kit = {
      selector: seedSelectorFor(ctx),
      head: systemHead(ctx, profiles),
      profiles,
      recordSchema: shape.kind === 'table' ? recordSchema(shape, profiles) : undefined,
      folderSchema: shape.kind === 'folder' ? folderFilesSchema(shape.roles.map((r) => r.name)) : undefined,
      tools: ctx.params.tools?.length ? generationTools(ctx.params.tools, ports) : undefined,
    };
    kits.set(ctx, kit);
  }
  return kit;
}

/** The LLM calls of one sample: prompt assembly, seed choice per call, and the running cost. */
class SampleCalls {
  attempt = 0;
  private call = 0;
  readonly cost: SampleCost = { usage: { ...ZERO_USAGE }, costUsd: 0, calls: 0 };

  constructor(
    private readonly ctx: GenerationContext,
    private readonly kit: RunKit,
    private readonly options: ResolvedOptions,
    private readonly planned: PlannedSample,
    private readonly ports: SamplePorts,
    private readonly signal: AbortSignal | undefined,
  ) {}

  private request(stage: Stage, field: string, task: string): LlmRequest {
    const { params } = this.ctx;
    const seeds = this.kit.selector.block(params.seed_shuffling_level, {
      sampleIndex: this.planned.index,
      field,
      call: this.call++,
      attempt: this.attempt,
    });
    const [model, thinkingBudget] =
      stage === 'outline'
        ? [this.options.outlineModel, params.outline_thinking_budget]
        : stage === 'revision'
          ? [this.options.revisionModel, params.revision_thinking_budget]
          : [params.generation_model, params.generation_thinking_budget];
    return {
      model,
      stage,
      system: systemPrompt(this.kit.head, seeds),
      messages: [{ role: 'user', content: `${assignmentBlock(this.planned.assignment)}\n\n${task}` }],
      thinkingBudget,
      ...(this.kit.tools && stage !== 'outline' && { tools: this.kit.tools }),
      ...(this.ctx.credentials && { credentials: this.ctx.credentials }),
      ...(this.signal && { signal: this.signal }),
    };
  }

  private track<T extends LlmResult>(result: T): T {
    this.cost.usage = addUsage(this.cost.usage, result.usage);
    this.cost.costUsd += result.costUsd;
    this.cost.calls += result.calls;
    return result;
  }

  async object<T>(stage: Stage, field: string, schema: z.ZodType<T>, schemaName: string, task: string) {
    this.signal?.throwIfAborted();
    const result = await this.ports.llm.generateObject({
      ...this.request(stage, field, task),
      schema,
      schemaName,
    });
    return this.track(result).object;
  }

  async text(stage: Stage, field: string, task: string): Promise<string> {
    this.signal?.throwIfAborted();
    const result = await this.ports.llm.generateText(this.request(stage, field, task));
    return this.track(result).text;
  }
}

function usePartByPart(outline: Outline, format: string): boolean {
  // A JSON document cannot be concatenated from separately written pieces.
  if (format === 'json' || outline.sections.length < 2) return false;
  const words = outline.sections.reduce((sum, s) => sum + Math.max(0, s.target_words || 0), 0);
  return words > PART_BY_PART_MIN_WORDS;
}

function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0]!.trim();
}

async function writeDocument(
  calls: SampleCalls,
  shape: Extract<OutputShape, { kind: 'document' }>,
  skipOutline: boolean,
): Promise<string> {
  const outline = skipOutline
    ? null
    : await calls.object('outline', 'outline', Outline, 'outline', outlineTask(shape));
  if (!outline || !usePartByPart(outline, shape.format)) {
    return stripCodeFences(
      await calls.text('generation', 'document', wholeDocumentTask(shape.format, outline)),
    );
  }
  const parts: string[] = [];
  for (let i = 0; i < outline.sections.length; i++) {
    let part = stripCodeFences(
      await calls.text('generation', `part:${i}`, partTask(shape.format, outline, i, parts)),
    );
    // Continuation parts of a CSV sometimes repeat the header row.
    if (shape.format === 'csv' && i > 0 && parts[0] && firstLine(part) === firstLine(parts[0])) {
      part = part.split(/\r?\n/).slice(1).join('\n');
    }
    if (part.trim() !== '') parts.push(part);
  }
  return parts.join(shape.format === 'csv' || shape.format === 'jsonl' ? '\n' : '\n\n');
}

function orderFiles(
  shape: Extract<OutputShape, { kind: 'folder' }>,
  files: readonly { name: string; content: string }[],
): { name: string; content: string }[] {
  return shape.roles.flatMap((role) => {
    const file = files.find((f) => f.name === role.name);
    return file ? [{ name: role.name, content: stripCodeFences(file.content) }] : [];
  });
}

async function writeFolder(
  calls: SampleCalls,
  kit: RunKit,
  shape: Extract<OutputShape, { kind: 'folder' }>,
  ctx: GenerationContext,
): Promise<{ name: string; content: string }[]> {
  const outline = ctx.params.skip_outline
    ? null
    : await calls.object('outline', 'outline', Outline, 'outline', outlineTask(shape));
  if (ctx.params.unified_multifield) {
    const reply = await calls.object(
      'generation',
      'files',
      kit.folderSchema!,
      'folder_files',
      folderTask(shape, outline),
    );
    return orderFiles(shape, reply.files);
  }
  const written: { name: string; content: string }[] = [];
  for (const role of shape.roles) {
    const content = await calls.text(
      'generation',
      `file:${role.name}`,
      folderFileTask(role, outline, written),
    );
    written.push({ name: role.name, content: stripCodeFences(content) });
  }
  return written;
}

async function draft(calls: SampleCalls, kit: RunKit, ctx: GenerationContext, index: number): Promise<Draft> {
  const shape = ctx.shape;
  if (shape.kind === 'table') {
    // A record is small: planning it in a separate call would only add cost.
    const reply = await calls.object(
      'generation',
      'record',
      kit.recordSchema!,
      'record',
      tableTask(kit.profiles),
    );
    return { record: recordFromReply(reply, kit.profiles) };
  }
  if (shape.kind === 'document') {
    const content = await writeDocument(calls, shape, ctx.params.skip_outline);
    return { files: [{ name: documentFileName(shape, index), content }] };
  }
  return { files: await writeFolder(calls, kit, shape, ctx) };
}

async function rewrite(
  calls: SampleCalls,
  kit: RunKit,
  ctx: GenerationContext,
  current: Draft,
  issues: string[],
): Promise<Draft> {
  const shape = ctx.shape;
  const sample = renderContent(current);
  if (shape.kind === 'table') {
    const reply = await calls.object(
      'revision',
      'revision',
      kit.recordSchema!,
      'record',
      rewriteTask(sample, issues, 'Return the complete revised record.'),
    );
    return { record: recordFromReply(reply, kit.profiles) };
  }
  if (shape.kind === 'document') {
    const file = current.files![0]!;
    const text = await calls.text(
      'revision',
      'revision',
      rewriteTask(file.content, issues, 'Output only the complete revised file content.'),
    );
    return { files: [{ name: file.name, content: stripCodeFences(text) }] };
  }
  const reply = await calls.object(
    'revision',
    'revision',
    kit.folderSchema!,
    'folder_files',
    rewriteTask(sample, issues, 'Return every file of the folder as "files", revised or not, each complete.'),
  );
  return { files: orderFiles(shape, reply.files) };
}

/** Critique, then rewrite when the critique finds issues; at most `maxRevisionCycles` rewrites. */
async function revise(
  calls: SampleCalls,
  kit: RunKit,
  ctx: GenerationContext,
  options: ResolvedOptions,
  first: Draft,
): Promise<SampleOutput> {
  let current = first;
  let revisions = 0;
  for (let cycle = 0; cycle < options.maxRevisionCycles; cycle++) {
    // The format check is exact in code; the reviewer is told what it found rather than left to guess.
    const known: string[] = [];
    if (options.revisionTypes.includes('format')) {
      const problem = formatProblem({ ...current, revisions }, ctx.shape, kit.profiles);
      if (problem) known.push(problem);
    }
    const critique = await calls.object(
      'revision',
      'revision',
      Critique,
      'critique',
      critiqueTask(options.revisionTypes, renderContent(current), known),
    );
    if (critique.conformant && known.length === 0) break;
    const issues = [
      ...critique.issues.filter((i) => i.trim() !== ''),
      ...known.filter((k) => !critique.issues.includes(k)),
    ];
    if (issues.length === 0)
      issues.push('The reviewer judged the sample not conformant; make it satisfy every check.');
    current = await rewrite(calls, kit, ctx, current, issues);
    revisions++;
  }
  return { ...current, revisions };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Generates one sample: outline, writing (whole, part by part, or per file), revisions, then filters; a
 * sample a filter rejects is generated once more with another seed selection. Never throws for the
 * sample's own failures (they become outcomes); rethrows only when `signal` aborted.
 */
export async function generateSample(
  ctx: GenerationContext,
  planned: PlannedSample,
  ports: SamplePorts,
  signal?: AbortSignal,
): Promise<SampleOutcome> {
  let calls: SampleCalls | undefined;
  const cost = (): SampleCost => calls?.cost ?? { usage: { ...ZERO_USAGE }, costUsd: 0, calls: 0 };
  try {
    signal?.throwIfAborted();
    const options = resolveOptions(ctx.params);
    const kit = kitFor(ctx, ports);
    calls = new SampleCalls(ctx, kit, options, planned, ports, signal);
    let reason = '';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      calls.attempt = attempt;
      const first = await draft(calls, kit, ctx, planned.index);
      const output: SampleOutput = ctx.params.enable_revisions
        ? await revise(calls, kit, ctx, options, first)
        : { ...first, revisions: 0 };
      const rejected = await rejection({
        output,
        shape: ctx.shape,
        spec: ctx.spec,
        profiles: kit.profiles,
        types: options.filteringTypes,
        sqlLevel: ctx.params.sql_validation_level,
        duplicates: ports.duplicates,
        ...(ports.sqlExecutor && { sqlExecutor: ports.sqlExecutor }),
        ...(signal && { signal }),
      });
      if (!rejected) return { ok: true, output, ...cost() };
      reason = rejected;
    }
    return { ok: false, kind: 'filtered', reason, ...cost() };
  } catch (err) {
    if (signal?.aborted) throw signal.reason ?? err;
    return { ok: false, kind: 'error', reason: messageOf(err), ...cost() };
  }
}
