import { describe, expect, it } from 'vitest';
import { createDuplicateFilter, fileFormatProblem, formatProblem } from './filters.js';
import { FILTERING_TYPES, generationParamProblems, REVISION_TYPES, resolveOptions } from './options.js';
import { duplicateText, stripCodeFences } from './output.js';
import { profileColumns } from './table.js';
import { docSeeds, PARAMS, prose } from './test-helpers.js';

describe('fileFormatProblem', () => {
  it('checks JSON, JSONL and CSV, and that text is not empty', () => {
    expect(fileFormatProblem('{"a": [1, 2]}', 'json')).toBeUndefined();
    expect(fileFormatProblem('{"a": [1, 2}', 'json')).toMatch(/^not valid JSON/);
    expect(fileFormatProblem('{"a":1}\n\n{"a":2}\n', 'jsonl')).toBeUndefined();
    expect(fileFormatProblem('{"a":1}\n{"a":', 'jsonl')).toMatch(/^line 2 is not valid JSON/);
    expect(fileFormatProblem('id,name\n1,"Ann, B"\n2,Bo', 'csv')).toBeUndefined();
    expect(fileFormatProblem('id,name\n1,Ann,extra', 'csv')).toMatch(/^not valid CSV/);
    expect(fileFormatProblem('id,name\n1,"Ann', 'csv')).toMatch(/^not valid CSV/);
    expect(fileFormatProblem('id,name\n', 'csv')).toBe('CSV has a header but no data rows');
    expect(fileFormatProblem('  \n', 'txt')).toBe('the file is empty');
    expect(fileFormatProblem('# Title', 'md')).toBeUndefined();
  });
});

describe('formatProblem', () => {
  it('checks a record against the columns and the column kinds the seeds show', () => {
    const shape = { kind: 'table' as const, format: 'json' as const, columns: ['id', 'ok', 'tags'] };
    const profiles = profileColumns(shape, [{ id: '0', record: { id: 1, ok: true, tags: ['a'] } }]);
    expect(profiles.map((p) => p.kind)).toEqual(['number', 'boolean', 'json']);
    const check = (record: Record<string, unknown>) =>
      formatProblem({ record, revisions: 0 }, shape, profiles);
    expect(check({ id: 2, ok: false, tags: [] })).toBeUndefined();
    expect(check({ id: 2, ok: false })).toBe('missing column tags');
    expect(check({ id: 2, ok: false, tags: [], x: 1 })).toBe('unexpected column x');
    expect(check({ id: '2', ok: false, tags: [] })).toBe('column id should be a number, got "2"');
    expect(check({ id: null, ok: false, tags: [] })).toBe('column id is empty, but every seed has a value');
  });

  it('checks a folder has exactly its files, each valid for its format', () => {
    const shape = {
      kind: 'folder' as const,
      roles: [
        { name: 'a.txt', format: 'txt' as const },
        { name: 'b.json', format: 'json' as const },
      ],
    };
    const files = (b: string) => ({
      files: [
        { name: 'a.txt', content: 'x' },
        { name: 'b.json', content: b },
      ],
      revisions: 0,
    });
    expect(formatProblem(files('{}'), shape)).toBeUndefined();
    expect(formatProblem(files('{'), shape)).toMatch(/^b\.json: not valid JSON/);
    expect(formatProblem({ files: [{ name: 'a.txt', content: 'x' }], revisions: 0 }, shape)).toBe(
      'expected files a.txt, b.json, got a.txt',
    );
  });
});

describe('stripCodeFences', () => {
  it('removes a fence around the whole reply only', () => {
    expect(stripCodeFences('```json\n{"a":1}\n```')).toBe('{"a":1}');
    expect(stripCodeFences('```\nplain\n```\n')).toBe('plain');
    expect(stripCodeFences('Intro\n```js\nx\n```')).toBe('Intro\n```js\nx\n```');
    expect(stripCodeFences('```a\n1\n```\ntext\n```b\n2\n```')).toBe('```a\n1\n```\ntext\n```b\n2\n```');
    expect(stripCodeFences('```markdown\n# T\n```js\nx\n```\n```')).toBe('# T\n```js\nx\n```');
  });
});

describe('createDuplicateFilter', () => {
  it('finds exact and near copies of seeds, and near copies of accepted samples', () => {
    const seeds = docSeeds(3);
    const shape = { kind: 'document' as const, format: 'txt' as const, extension: '.txt' };
    const filter = createDuplicateFilter({ seeds, shape, accepted: [{ index: 7, text: prose('old', 80) }] });
    const seedText = seeds[1]!.files![0]!.content;
    expect(filter.seedDuplicate(`  ${seedText.replace(/ /g, '\n')} `)).toEqual({
      seedId: 'seed file seed1.txt',
      similarity: 1,
      exact: true,
    });
    const near = filter.seedDuplicate(`${seedText} and one more sentence`);
    expect(near?.seedId).toBe('seed file seed1.txt');
    expect(near?.exact).toBe(false);
    expect(near!.similarity).toBeGreaterThanOrEqual(0.8);
    expect(filter.seedDuplicate(prose('fresh', 80))).toBeUndefined();

    expect(filter.sampleDuplicate(prose('old', 80))).toEqual({ index: 7, similarity: 1 });
    expect(filter.sampleDuplicate(prose('new', 80))).toBeUndefined();
    filter.accept(8, prose('new', 80));
    expect(filter.sampleDuplicate(`${prose('new', 80)} end`)?.index).toBe(8);
  });

  it('compares records by their values in column order', () => {
    const shape = { kind: 'table' as const, format: 'csv' as const, columns: ['a', 'b'] };
    const filter = createDuplicateFilter({
      seeds: [{ id: '4', record: { b: 'two words', a: 'one' } }],
      shape,
    });
    expect(duplicateText({ record: { a: 'one', b: 'two words' } }, shape)).toBe('one\ntwo words');
    expect(filter.seedDuplicate('one\ntwo words')).toMatchObject({ seedId: 'seed record 4', exact: true });
    const named = createDuplicateFilter({ seeds: [{ id: 'record 5', record: { a: 'x', b: 'y' } }], shape });
    expect(named.seedDuplicate('x\ny')?.seedId).toBe('seed record 5');
  });
});

describe('type tables', () => {
  it('documents every revision and filtering type, and resolves defaults', () => {
    expect(Object.keys(REVISION_TYPES)).toEqual(['requirements', 'properties', 'realism', 'format']);
    expect(Object.keys(FILTERING_TYPES)).toEqual(['format', 'seed_duplicate', 'sample_duplicate', 'sql']);
    expect(generationParamProblems({ revision_types: ['tone'], filtering_types: ['sql'] })).toEqual([
      'unknown revision type "tone"; expected one of requirements, properties, realism, format',
    ]);
    const resolved = resolveOptions({ ...PARAMS, revision_types: [], filtering_types: [] });
    expect(resolved.revisionTypes).toHaveLength(4);
    expect(resolved.filteringTypes).toEqual([]);
    expect(resolved.maxRevisionCycles).toBe(1);
    expect(resolved.revisionModel).toBe(PARAMS.generation_model);
  });
});
