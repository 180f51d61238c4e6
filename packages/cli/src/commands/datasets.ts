import { DataframerError, planUpload, type SeedDataset } from '@openframer/sdk';
import { Command } from 'commander';
import { UsageError } from '../exit-codes.js';
import { bytes, record, table } from '../format.js';
import { nonNegativeInt, positiveInt, session } from '../session.js';

const SUMMARY_COLUMNS = ['id', 'name', 'dataset_type', 'file_count', 'folder_count', 'created_at'];

export function printDataset(dataset: SeedDataset, line: (text?: string) => void): void {
  line(
    record({ ...dataset, total_size: bytes(dataset.total_size_bytes) }, [
      'id',
      'name',
      'description',
      'dataset_type',
      'file_count',
      'folder_count',
      'total_size',
      'created_at',
      'created_by_email',
    ]),
  );
  line();
  line(
    table(
      dataset.files.map((f) => ({ ...f, size: bytes(f.size_bytes), records: f.record_count })),
      ['id', 'path', 'file_type', 'size', 'records'],
    ),
  );
}

/** Checks the path locally first, so a typo is a usage error (exit 2) rather than a failed upload. */
export async function checkedPlan(path: string) {
  try {
    return await planUpload(path);
  } catch (err) {
    if (err instanceof DataframerError) throw new UsageError(err.message);
    throw err;
  }
}

export function datasetsCommand(): Command {
  const datasets = new Command('datasets').description(
    'Seed datasets: the real examples generation learns from',
  );

  datasets
    .command('create')
    .description('Upload a file or folder as a seed dataset (the type is chosen from the layout)')
    .argument('<path>', 'a CSV/JSON/JSONL file, a folder of files, a folder of folders, or a .zip')
    .option('--name <name>', 'dataset name, unique in your company (default: the file or folder name)')
    .option('--description <text>', 'what the data is')
    .addHelpText(
      'after',
      `
Layouts:
  table.csv | .json | .jsonl     SINGLE_FILE (one record per sample)
  docs/a.txt docs/b.md ...       MULTI_FILE (one file per sample)
  patients/p1/... patients/p2/...  MULTI_FOLDER (one folder per sample)
  archive.zip                    uploaded as is; the server reads the layout

Examples:
  openframer datasets create examples/insurance-claims.csv
  openframer datasets create examples/patient-records --name patients --description "Intake notes and labs"
  openframer --json datasets create tickets.zip | jq -r .id`,
    )
    .action(async (path: string, opts: { name?: string; description?: string }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      await checkedPlan(path);
      const dataset = await client.dataframer.seedDatasets.createFromPath(
        path,
        {
          ...(opts.name && { name: opts.name }),
          ...(opts.description !== undefined && { description: opts.description }),
        },
        { signal },
      );
      out.result(dataset, () => printDataset(dataset, out.line));
    });

  datasets
    .command('list')
    .description('List seed datasets, newest first')
    .option('--limit <n>', 'at most this many', positiveInt)
    .option('--offset <n>', 'skip this many', nonNegativeInt)
    .addHelpText(
      'after',
      '\nExamples:\n  openframer datasets list\n  openframer --json datasets list | jq -r ".[].id"',
    )
    .action(async (opts: { limit?: number; offset?: number }, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const list = await client.dataframer.seedDatasets.list(opts, { signal });
      out.result(list, () => out.line(table(list, SUMMARY_COLUMNS)));
    });

  datasets
    .command('get')
    .description('Show a seed dataset and its files')
    .argument('<id>', 'dataset id')
    .addHelpText('after', '\nExample:\n  openframer datasets get 3fa85f64-5717-4562-b3fc-2c963f66afa6')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      const dataset = await client.dataframer.seedDatasets.retrieve(id, { signal });
      out.result(dataset, () => printDataset(dataset, out.line));
    });

  datasets
    .command('delete')
    .description('Delete a seed dataset and its files (refused while a spec uses it)')
    .argument('<id>', 'dataset id')
    .addHelpText('after', '\nExample:\n  openframer datasets delete 3fa85f64-5717-4562-b3fc-2c963f66afa6')
    .action(async (id: string, _opts: object, cmd: Command) => {
      const { client, out, signal } = session(cmd);
      await client.dataframer.seedDatasets.delete(id, { signal });
      out.result({ id, deleted: true }, () => out.line(`deleted dataset ${id}`));
    });

  return datasets;
}
