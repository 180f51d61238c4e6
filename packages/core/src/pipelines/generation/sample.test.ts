import { describe, expect, it } from 'vitest';
import { createDuplicateFilter } from './filters.js';
import { generateSample } from './sample.js';
import {
  docSeeds,
  makeCtx,
  outline,
  plan,
  prose,
  type ScriptedCall,
  scriptedGateway,
} from './test-helpers.js';
import type { GenerationContext, SampleOutcome, SqlExecutor } from './types.js';

function portsFor(ctx: GenerationContext, gateway: ReturnType<typeof scriptedGateway>['gateway']) {
  return { llm: gateway, duplicates: createDuplicateFilter({ seeds: ctx.seeds, shape: ctx.shape }) };
}

function ok(outcome: SampleOutcome) {
  if (!outcome.ok) throw new Error(`expected success, got ${outcome.kind}: ${outcome.reason}`);
  return outcome.output;
}

const [SAMPLE] = plan(1);

describe('generateSample: tables', () => {
  const csvSeeds = [
    { id: '0', record: { id: '101', customer: 'Ann Lee', amount: '12.50', note: 'late delivery' } },
    { id: '1', record: { id: '102', customer: 'Bo Chan', amount: '7', note: '' } },
  ];

  it('writes a CSV record in one structured call, columns in table order, any scalar accepted', async () => {
    const ctx = makeCtx({
      shape: { kind: 'table', format: 'csv', columns: ['id', 'customer', 'amount', 'note'] },
      seeds: csvSeeds,
    });
    const { gateway, calls } = scriptedGateway(() => ({
      note: 'wrong size',
      amount: 19.99,
      customer: 'Cy Dorn',
      id: '103',
    }));
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.request).toMatchObject({
      stage: 'generation',
      schemaName: 'record',
      model: 'openai/gpt-4.1',
    });
    expect(Object.keys(output.record!)).toEqual(['id', 'customer', 'amount', 'note']);
    expect(output.record).toEqual({ id: '103', customer: 'Cy Dorn', amount: 19.99, note: 'wrong size' });
    expect(output.revisions).toBe(0);
    const schema = calls[0]!.request.schema!;
    expect(schema.safeParse({ id: 1, customer: true, amount: null, note: 'x' }).success).toBe(true);
    expect(calls[0]!.user).toContain('- topic = refund');
    expect(calls[0]!.request.system).toContain(
      'exactly these columns, in this order: id, customer, amount, note',
    );
  });

  it('rejects a CSV record whose numeric column is not numeric, and regenerates it', async () => {
    const ctx = makeCtx({
      shape: { kind: 'table', format: 'csv', columns: ['id', 'customer', 'amount', 'note'] },
      seeds: csvSeeds,
    });
    const replies = [
      { id: '103', customer: 'Cy', amount: 'twelve', note: 'a' },
      { id: '104', customer: 'Di', amount: '12', note: 'b' },
    ];
    const { gateway, calls } = scriptedGateway((_c, i) => replies[i]);
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls).toHaveLength(2);
    expect(output.record!.amount).toBe('12');
  });

  it('types JSON columns from the seeds and asks for nested values as JSON text, parsed back', async () => {
    const ctx = makeCtx({
      shape: { kind: 'table', format: 'jsonl', columns: ['id', 'vip', 'items', 'meta'] },
      seeds: [
        { id: '0', record: { id: 1, vip: true, items: [{ sku: 'a' }], meta: { src: 'web' } } },
        { id: '1', record: { id: 2, vip: false, items: [], meta: null } },
      ],
    });
    const { gateway, calls } = scriptedGateway(() => ({
      id: 3,
      vip: false,
      items: '[{"sku":"b","qty":2}]',
      meta: '{"src":"app"}',
    }));
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(output.record).toEqual({ id: 3, vip: false, items: [{ sku: 'b', qty: 2 }], meta: { src: 'app' } });
    const schema = calls[0]!.request.schema!;
    // Seeds have numbers in `id`: text is refused there; `meta` was null once, so null is allowed.
    expect(schema.safeParse({ id: '3', vip: false, items: '[]', meta: null }).success).toBe(false);
    expect(schema.safeParse({ id: 3, vip: false, items: '[]', meta: null }).success).toBe(true);
    expect(calls[0]!.user).toContain('Columns items, meta hold nested JSON');
  });

  it('fails a record whose JSON column does not parse, naming the column', async () => {
    const ctx = makeCtx({
      shape: { kind: 'table', format: 'json', columns: ['id', 'items'] },
      seeds: [{ id: '0', record: { id: 1, items: [1] } }],
    });
    const { gateway, calls } = scriptedGateway(() => ({ id: 2, items: '[1, 2' }));
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    expect(outcome).toMatchObject({ ok: false, kind: 'filtered' });
    expect(!outcome.ok && outcome.reason).toMatch(/^format: column items should hold JSON/);
    expect(calls).toHaveLength(2);
  });
});

describe('generateSample: documents', () => {
  it('plans a short document, then writes it in one call guided by the outline', async () => {
    const ctx = makeCtx();
    const { gateway, calls } = scriptedGateway((c, i) =>
      c.kind === 'object' ? outline([120, 150]) : prose(i),
    );
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls.map((c) => [c.request.stage, c.request.model])).toEqual([
      ['outline', 'openai/gpt-4.1-mini'],
      ['generation', 'openai/gpt-4.1'],
    ]);
    expect(calls[1]!.user).toContain('Section 2 (~150 words)');
    expect(output.files).toEqual([{ name: 'sample_0.txt', content: prose(1) }]);
  });

  it('writes a long outlined document part by part, each part seeing the outline and earlier parts', async () => {
    const ctx = makeCtx();
    const { gateway, calls } = scriptedGateway((c, i) =>
      c.kind === 'object' ? outline([300, 250, 200]) : `Part text ${i}. ${prose(i, 30)}`,
    );
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls).toHaveLength(4);
    expect(calls[2]!.user).toContain('Write part 2 of 3 only: "Section 2"');
    expect(calls[2]!.user).toContain('Part text 1.');
    expect(calls[3]!.user).toContain('Part text 2.');
    expect(calls[3]!.user).toContain('<outline>');
    expect(output.files![0]!.content).toBe(
      [1, 2, 3].map((i) => `Part text ${i}. ${prose(i, 30)}`).join('\n\n'),
    );
  });

  it('with skip_outline writes a short document in exactly one call', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const { gateway, calls } = scriptedGateway(() => prose('only'));
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    expect(ok(outcome).files![0]!.content).toBe(prose('only'));
    expect(calls).toHaveLength(1);
    expect(calls[0]!.request.stage).toBe('generation');
    expect(outcome.calls).toBe(1);
  });

  it('produces a JSON document as raw file text, removing a code fence around it', async () => {
    const ctx = makeCtx({
      shape: { kind: 'document', format: 'json', extension: 'json' },
      seeds: [{ id: 'a.json', files: [{ name: 'a.json', content: '{"ticket": 1, "body": "hello"}' }] }],
      params: { skip_outline: true },
    });
    const { gateway } = scriptedGateway(() => '```json\n{"ticket": 2, "body": "refund please"}\n```');
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(output.files).toEqual([
      { name: 'sample_0.json', content: '{"ticket": 2, "body": "refund please"}' },
    ]);
  });

  it('writes a JSON document whole even when its outline is long (JSON cannot be concatenated)', async () => {
    const ctx = makeCtx({ shape: { kind: 'document', format: 'json', extension: '.json' } });
    const { gateway, calls } = scriptedGateway((c) =>
      c.kind === 'object' ? outline([400, 400]) : '{"a": 1}',
    );
    ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls).toHaveLength(2);
  });

  it('rejects a malformed JSON document with the format filter and regenerates it successfully', async () => {
    const ctx = makeCtx({
      shape: { kind: 'document', format: 'json', extension: '.json' },
      params: { skip_outline: true, seed_shuffling_level: 'sample' },
      seeds: docSeeds(6, 'json'),
    });
    const replies = ['{"ticket": 3, "body": "cut off', '{"ticket": 3, "body": "complete"}'];
    const { gateway, calls } = scriptedGateway((_c, i) => replies[i]);
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    expect(ok(outcome).files![0]!.content).toBe('{"ticket": 3, "body": "complete"}');
    expect(calls).toHaveLength(2);
    // The second try gets a fresh seed selection.
    expect(calls[0]!.request.system).not.toBe(calls[1]!.request.system);
    expect(outcome.calls).toBe(2);
  });

  it('gives up after the regeneration fails too, with the filter named in the reason', async () => {
    const ctx = makeCtx({
      shape: { kind: 'document', format: 'jsonl', extension: '.jsonl' },
      params: { skip_outline: true },
    });
    const { gateway } = scriptedGateway(() => '{"a": 1}\n{"a": ');
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    expect(outcome).toMatchObject({ ok: false, kind: 'filtered', calls: 2 });
    expect(!outcome.ok && outcome.reason).toMatch(/^format: line 2 is not valid JSON/);
  });

  it('writes a long CSV document part by part without repeating the header', async () => {
    const ctx = makeCtx({ shape: { kind: 'document', format: 'csv', extension: 'csv' } });
    const parts = ['id,name\n1,Ann\n2,Bo', 'id,name\n3,Cy', '4,Di'];
    const { gateway } = scriptedGateway((c, i) =>
      c.kind === 'object' ? outline([300, 300, 300]) : parts[i - 1],
    );
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(output.files![0]!.content).toBe('id,name\n1,Ann\n2,Bo\n3,Cy\n4,Di');
  });

  it('works seedless: no examples in the prompt', async () => {
    const ctx = makeCtx({ seedless: true, seeds: [], params: { skip_outline: true } });
    const { gateway, calls } = scriptedGateway(() => prose('x'));
    ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls[0]!.request.system).toContain('There are no example samples');
    expect(calls[0]!.request.system).not.toContain('<examples>');
    expect(calls[0]!.request.system).toContain('Customer support tickets');
  });
});

describe('generateSample: folders', () => {
  const shape = {
    kind: 'folder' as const,
    roles: [
      { name: 'notes.txt', format: 'txt' as const },
      { name: 'labs.csv', format: 'csv' as const },
    ],
  };
  const folderSeeds = Array.from({ length: 6 }, (_, i) => ({
    id: `patient_${i}`,
    files: [
      { name: 'notes.txt', content: `Notes ${i}: ${prose(`n${i}`, 30)}` },
      { name: 'labs.csv', content: `test,value\nhb,${10 + i}` },
    ],
  }));

  it('unified: an outline with one entry per file, then every file in one structured call', async () => {
    const ctx = makeCtx({ shape, seeds: folderSeeds, params: { unified_multifield: true } });
    const { gateway, calls } = scriptedGateway((c) =>
      c.request.schemaName === 'outline'
        ? outline([100, 20])
        : {
            files: [
              { name: 'labs.csv', content: '```csv\ntest,value\nhb,13\n```' },
              { name: 'notes.txt', content: prose('notes') },
            ],
          },
    );
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls.map((c) => c.request.schemaName)).toEqual(['outline', 'folder_files']);
    expect(calls[0]!.user).toContain('one section per file, in this order: notes.txt, labs.csv');
    expect(output.files).toEqual([
      { name: 'notes.txt', content: prose('notes') },
      { name: 'labs.csv', content: 'test,value\nhb,13' },
    ]);
    // The schema asks for exactly the roles: a missing or unknown file is refused (and asked again).
    const schema = calls[1]!.request.schema!;
    expect(schema.safeParse({ files: [{ name: 'notes.txt', content: 'x' }] }).success).toBe(false);
    expect(schema.safeParse({ files: [{ name: 'other.txt', content: 'x' }] }).success).toBe(false);
  });

  it('per file: one call per role in order, each seeing the files written so far', async () => {
    const ctx = makeCtx({
      shape,
      seeds: folderSeeds,
      params: { unified_multifield: false, skip_outline: true },
    });
    const { gateway, calls } = scriptedGateway((c) =>
      c.user.includes('Write the file "notes.txt"') ? prose('notes') : 'test,value\nhb,12',
    );
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls).toHaveLength(2);
    expect(calls[1]!.user).toContain('Write the file "labs.csv"');
    expect(calls[1]!.user).toContain(`<file name="notes.txt">\n${prose('notes')}`);
    expect(output.files!.map((f) => f.name)).toEqual(['notes.txt', 'labs.csv']);
  });

  it('field level: the roles of one sample see different seed selections', async () => {
    const ctx = makeCtx({
      shape,
      seeds: folderSeeds,
      params: {
        unified_multifield: false,
        skip_outline: true,
        seed_shuffling_level: 'field',
        max_examples_in_prompt: 2,
      },
    });
    const { gateway, calls } = scriptedGateway((c) =>
      c.user.includes('Write the file "notes.txt"') ? prose('notes') : 'test,value\nhb,12',
    );
    ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls[0]!.request.system).not.toBe(calls[1]!.request.system);
  });
});

describe('generateSample: revisions', () => {
  it('critiques, rewrites once when not conformant, stops when conformant, and counts the revision', async () => {
    const ctx = makeCtx({
      params: {
        skip_outline: true,
        enable_revisions: true,
        max_revision_cycles: 3,
        revision_model: 'anthropic/claude-sonnet-4-6',
        revision_types: ['properties', 'realism'],
      },
    });
    const critiques = [
      { conformant: false, issues: ['The tone is not angry'] },
      { conformant: true, issues: [] },
    ];
    const { gateway, calls } = scriptedGateway((c) => {
      if (c.request.schemaName === 'critique') return critiques.shift();
      return c.request.stage === 'revision' ? `Revised. ${prose('revised')}` : `Draft. ${prose('draft')}`;
    });
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    const output = ok(outcome);
    expect(output.revisions).toBe(1);
    expect(output.files![0]!.content).toBe(`Revised. ${prose('revised')}`);
    expect(calls.map((c) => `${c.request.stage}:${c.request.schemaName ?? 'text'}`)).toEqual([
      'generation:text',
      'revision:critique',
      'revision:text',
      'revision:critique',
    ]);
    expect(calls[1]!.request.model).toBe('anthropic/claude-sonnet-4-6');
    expect(calls[1]!.user).toContain('- properties:');
    expect(calls[1]!.user).not.toContain('- requirements:');
    expect(calls[2]!.user).toContain('- The tone is not angry');
    expect(calls[2]!.user).toContain(`Draft. ${prose('draft')}`);
    expect(outcome.calls).toBe(4);
  });

  it('defaults to one cycle and all four revision types; a table rewrite returns a record', async () => {
    const ctx = makeCtx({
      shape: { kind: 'table', format: 'json', columns: ['id', 'text'] },
      seeds: [{ id: '0', record: { id: 1, text: 'hello there' } }],
      params: { enable_revisions: true },
    });
    const { gateway, calls } = scriptedGateway((c) => {
      if (c.request.schemaName === 'critique') return { conformant: false, issues: ['too short'] };
      return c.request.stage === 'revision' ? { id: 2, text: prose('long', 20) } : { id: 2, text: 'hi' };
    });
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(output).toEqual({ record: { id: 2, text: prose('long', 20) }, revisions: 1 });
    expect(calls).toHaveLength(3);
    for (const t of ['requirements', 'properties', 'realism', 'format'])
      expect(calls[1]!.user).toContain(`- ${t}:`);
  });

  it('tells the reviewer about format problems found in code', async () => {
    const ctx = makeCtx({
      shape: { kind: 'document', format: 'json', extension: '.json' },
      params: { skip_outline: true, enable_revisions: true },
    });
    const { gateway, calls } = scriptedGateway((c) => {
      if (c.request.schemaName === 'critique') return { conformant: true, issues: [] };
      return c.request.stage === 'revision' ? '{"fixed": true}' : '{"broken": ';
    });
    const output = ok(await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway)));
    expect(calls[1]!.user).toContain('Automated checks already found these problems');
    expect(calls[2]!.user).toMatch(/not valid JSON/);
    expect(output).toMatchObject({ revisions: 1, files: [{ content: '{"fixed": true}' }] });
  });
});

describe('generateSample: duplicate filters', () => {
  it('catches an exact copy of a seed (whitespace aside), regenerates, and reports the seed', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const copy = ctx.seeds[2]!.files![0]!.content.replace(/ /g, '  ');
    const { gateway } = scriptedGateway(() => copy);
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    expect(outcome).toMatchObject({
      ok: false,
      kind: 'filtered',
      reason: 'seed_duplicate: identical to seed file seed2.txt',
    });
  });

  it('catches a near copy of a seed with its similarity', async () => {
    const ctx = makeCtx({ params: { skip_outline: true } });
    const near = ctx.seeds[1]!.files![0]!.content.replace(/\.$/, '') + ' thanks';
    const { gateway } = scriptedGateway(() => near);
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    expect(!outcome.ok && outcome.reason).toMatch(
      /^seed_duplicate: 0\.\d\d similar to seed file seed1\.txt$/,
    );
  });

  it('lets copies through when the filters are off', async () => {
    const ctx = makeCtx({ params: { skip_outline: true, filtering_types: [] } });
    const { gateway } = scriptedGateway(() => ctx.seeds[0]!.files![0]!.content);
    expect((await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway))).ok).toBe(true);
  });
});

describe('generateSample: SQL', () => {
  const shape = { kind: 'table' as const, format: 'csv' as const, columns: ['question', 'schema', 'query'] };
  const seeds = [
    {
      id: '0',
      record: {
        question: 'How many orders?',
        schema: 'CREATE TABLE orders (id INT, total REAL);',
        query: 'SELECT COUNT(*) FROM orders',
      },
    },
  ];
  const spec = {
    description: 'Text to SQL',
    requirements: '',
    data_property_variations: [],
    selected_sql_schema_column: 'schema',
    selected_sql_query_columns: ['query'],
  };
  const run = async (
    query: string,
    level: 'syntax' | 'syntax+schema' | 'syntax+schema+execute',
    executor?: SqlExecutor,
  ) => {
    const ctx = makeCtx({
      shape,
      seeds,
      spec,
      params: { sql_validation_level: level, filtering_types: ['format', 'sql'] },
    });
    const { gateway } = scriptedGateway(() => ({
      question: 'Biggest order?',
      schema: 'CREATE TABLE orders (id INT, total REAL);',
      query,
    }));
    return generateSample(ctx, SAMPLE!, {
      ...portsFor(ctx, gateway),
      ...(executor && { sqlExecutor: executor }),
    });
  };

  it('accepts valid SQL and rejects broken SQL, unknown tables, and unsupported execution', async () => {
    expect((await run('SELECT MAX(total) FROM orders', 'syntax+schema')).ok).toBe(true);
    expect(await run('SELECT MAX(total FROM orders', 'syntax')).toMatchObject({
      ok: false,
      kind: 'filtered',
      reason: "sql: column query: unclosed '(' at position 10",
    });
    expect(await run('SELECT * FROM customers', 'syntax+schema')).toMatchObject({
      reason: 'sql: column query uses table customers not created in schema',
    });
    expect((await run('SELECT * FROM customers', 'syntax')).ok).toBe(true);
    expect(await run('SELECT 1', 'syntax+schema+execute')).toMatchObject({
      reason: 'sql: executing SQL (syntax+schema+execute) is not supported by this server',
    });
    const executor: SqlExecutor = {
      execute: async ({ query }) =>
        query.includes('total') ? { ok: true } : { ok: false, error: 'no such column: x' },
    };
    expect((await run('SELECT total FROM orders', 'syntax+schema+execute', executor)).ok).toBe(true);
    expect(await run('SELECT x FROM orders', 'syntax+schema+execute', executor)).toMatchObject({
      reason: 'sql: column query failed to execute: no such column: x',
    });
  });
});

describe('generateSample: errors, aborts and costs', () => {
  it('turns an LLM failure into an error outcome with the message and the cost so far', async () => {
    const ctx = makeCtx();
    const { gateway } = scriptedGateway((c: ScriptedCall) => {
      if (c.kind === 'object') return outline([100]);
      throw new Error('openai/gpt-4.1 (generation stage) failed after 6 attempts; last error: 503');
    });
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    expect(outcome).toMatchObject({
      ok: false,
      kind: 'error',
      reason: 'openai/gpt-4.1 (generation stage) failed after 6 attempts; last error: 503',
      calls: 1,
      costUsd: 0.01,
    });
  });

  it('rethrows when aborted', async () => {
    const ctx = makeCtx();
    const controller = new AbortController();
    const { gateway } = scriptedGateway(() => outline([100]), { delayMs: 50 });
    const pending = generateSample(ctx, SAMPLE!, portsFor(ctx, gateway), controller.signal);
    controller.abort(new Error('cancelled by user'));
    await expect(pending).rejects.toThrow('cancelled by user');
  });

  it('sums usage, cost and calls over every call of the sample', async () => {
    const ctx = makeCtx();
    const { gateway } = scriptedGateway((c, i) =>
      c.kind === 'object' ? outline([300, 300, 300]) : prose(i),
    );
    const outcome = await generateSample(ctx, SAMPLE!, portsFor(ctx, gateway));
    expect(outcome.ok).toBe(true);
    expect(outcome.calls).toBe(4);
    expect(outcome.costUsd).toBeCloseTo(0.04);
    expect(outcome.usage).toEqual({
      inputTokens: 400,
      outputTokens: 200,
      cachedInputTokens: 40,
      thinkingTokens: 0,
    });
  });
});
