import { InvalidInputError, NotFoundError, TooLargeError } from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import type { Principal } from '../auth/service.js';
import {
  type EvaluationDatabase,
  type HumanLabelTable,
  withEvaluationTables,
} from '../db/evaluation-tables.js';
import type { Database } from '../db/index.js';
import { newId, nowIso } from '../util.js';

/** Bytes of a label set's JSON at most. */
export const MAX_LABELS_BYTES = 64 * 1024;

export interface HumanLabelInput {
  file_identifier: string;
  sample_identifier?: string | null;
  labels: Record<string, unknown>;
}

export interface HumanLabelView {
  id: string;
  run_id: string;
  company_id: string;
  file_identifier: string;
  sample_identifier: string | null;
  labels: Record<string, unknown>;
  created_at: string;
  created_by: string;
  created_by_name: string;
  created_by_email: string;
  updated_at: string;
  updated_by: string;
  updated_by_name: string;
  updated_by_email: string;
}

/**
 * Human labels on a run's generated files (DataFramer Gen-2): free JSON per file (`file_identifier`: a
 * generated file's path, or a sample folder of a MULTI_FOLDER run) and optionally per row or sample
 * (`sample_identifier`). Labels belong to the run's company.
 */
export class HumanLabelService {
  private readonly db: Kysely<EvaluationDatabase>;

  constructor(db: Kysely<Database>) {
    this.db = withEvaluationTables(db);
  }

  async create(principal: Principal, runId: string, input: HumanLabelInput): Promise<HumanLabelView> {
    await this.findRun(principal, runId);
    await this.checkFile(runId, input.file_identifier);
    const labels = labelsJson(input.labels);
    const now = nowIso();
    const row = {
      id: newId(),
      company_id: principal.companyId,
      run_id: runId,
      file_identifier: input.file_identifier,
      sample_identifier: input.sample_identifier ?? null,
      labels,
      created_by: principal.userId,
      created_by_email: principal.email,
      created_at: now,
      updated_by: principal.userId,
      updated_by_email: principal.email,
      updated_at: now,
    };
    await this.db.insertInto('human_labels').values(row).execute();
    return view(row);
  }

  async list(
    principal: Principal,
    runId: string,
    filter: { file_identifier?: string; sample_identifier?: string } = {},
  ): Promise<HumanLabelView[]> {
    await this.findRun(principal, runId);
    let q = this.db
      .selectFrom('human_labels')
      .selectAll()
      .where('run_id', '=', runId)
      .where('company_id', '=', principal.companyId);
    if (filter.file_identifier) q = q.where('file_identifier', '=', filter.file_identifier);
    if (filter.sample_identifier) q = q.where('sample_identifier', '=', filter.sample_identifier);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map(view);
  }

  async get(principal: Principal, id: string): Promise<HumanLabelView> {
    return view(await this.findOwned(principal, id));
  }

  /** Replaces the labels (and the identifiers, when given). */
  async update(
    principal: Principal,
    id: string,
    input: Partial<HumanLabelInput> & { labels: Record<string, unknown> },
  ): Promise<HumanLabelView> {
    const row = await this.findOwned(principal, id);
    if (input.file_identifier !== undefined && input.file_identifier !== row.file_identifier) {
      await this.checkFile(row.run_id, input.file_identifier);
    }
    const changes = {
      labels: labelsJson(input.labels),
      ...(input.file_identifier !== undefined ? { file_identifier: input.file_identifier } : {}),
      ...(input.sample_identifier !== undefined ? { sample_identifier: input.sample_identifier } : {}),
      updated_by: principal.userId,
      updated_by_email: principal.email,
      updated_at: nowIso(),
    };
    await this.db.updateTable('human_labels').set(changes).where('id', '=', id).execute();
    return view({ ...row, ...changes });
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.findOwned(principal, id);
    await this.db.deleteFrom('human_labels').where('id', '=', id).execute();
  }

  private async findOwned(principal: Principal, id: string): Promise<Selectable<HumanLabelTable>> {
    const row = await this.db
      .selectFrom('human_labels')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError("Human label not found or does not belong to user's company");
    return row;
  }

  private async findRun(principal: Principal, runId: string): Promise<void> {
    const run = await this.db
      .selectFrom('runs')
      .select('id')
      .where('id', '=', runId)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!run) throw new NotFoundError("Run not found or does not belong to user's company");
  }

  /** The file identifier must name a generated file of the run, or a sample folder. */
  private async checkFile(runId: string, fileIdentifier: string): Promise<void> {
    const wanted = fileIdentifier.replace(/^\/+|\/+$/g, '');
    const match = await this.db
      .selectFrom('run_files')
      .select('path')
      .where('run_id', '=', runId)
      .where((eb) =>
        eb.or([
          eb('path', '=', wanted),
          // A folder: a path starting with "<folder>/" (substr, not LIKE: `_` in names must match itself).
          eb(eb.fn<string>('substr', ['path', eb.val(1), eb.val(wanted.length + 1)]), '=', `${wanted}/`),
        ]),
      )
      .limit(1)
      .executeTakeFirst();
    if (match) return;
    const examples = await this.db
      .selectFrom('run_files')
      .select('path')
      .where('run_id', '=', runId)
      .orderBy('path')
      .limit(3)
      .execute();
    throw new InvalidInputError(
      examples.length
        ? `file_identifier "${fileIdentifier}" is not a generated file or folder of the run (e.g. ${examples.map((e) => e.path).join(', ')})`
        : `file_identifier "${fileIdentifier}": the run has no generated files`,
      'file_identifier',
    );
  }
}

function labelsJson(labels: Record<string, unknown>): string {
  const json = JSON.stringify(labels);
  if (Buffer.byteLength(json) > MAX_LABELS_BYTES) {
    throw new TooLargeError(`labels are larger than ${MAX_LABELS_BYTES / 1024} KiB`, 'labels');
  }
  return json;
}

function view(row: Selectable<HumanLabelTable>): HumanLabelView {
  return {
    id: row.id,
    run_id: row.run_id,
    company_id: row.company_id,
    file_identifier: row.file_identifier,
    sample_identifier: row.sample_identifier,
    labels: JSON.parse(row.labels) as Record<string, unknown>,
    created_at: row.created_at,
    created_by: row.created_by,
    created_by_name: row.created_by_email,
    created_by_email: row.created_by_email,
    updated_at: row.updated_at,
    updated_by: row.updated_by,
    updated_by_name: row.updated_by_email,
    updated_by_email: row.updated_by_email,
  };
}
