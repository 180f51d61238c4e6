import { describe, expect, it } from 'vitest';
import { readTableRecords } from './records.js';
import { writeTable } from './write.js';

async function* chunks(text: string) {
  yield Buffer.from(text);
}

describe('writeTable', () => {
  const records = [
    { id: 'A-1', note: 'plain', amount: 12.5 },
    { id: 'A-2', note: 'has, comma and "quotes"\nand a newline', amount: null },
  ];

  it('writes CSV that reads back to the same records, columns in the given order', async () => {
    const csv = writeTable('csv', ['id', 'amount', 'note'], records);
    expect(csv.split('\r\n')[0]).toBe('id,amount,note');
    const read = await readTableRecords(chunks(csv), 'csv');
    expect(read.columns).toEqual(['id', 'amount', 'note']);
    expect(read.records).toEqual([
      { id: 'A-1', amount: '12.5', note: 'plain' },
      { id: 'A-2', amount: '', note: 'has, comma and "quotes"\nand a newline' },
    ]);
  });

  it('writes JSON and JSONL with every column present', async () => {
    const jsonl = writeTable('jsonl', ['id', 'note', 'amount'], records);
    expect(jsonl.trim().split('\n')).toHaveLength(2);
    expect((await readTableRecords(chunks(jsonl), 'jsonl')).records[1]).toEqual(records[1]);
    expect(JSON.parse(writeTable('json', ['id', 'missing'], [{ id: 1 }]))).toEqual([
      { id: 1, missing: null },
    ]);
  });
});
