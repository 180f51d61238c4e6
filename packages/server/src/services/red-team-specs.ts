import { ConflictError, InvalidInputError, NotFoundError } from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import type { Principal } from '../auth/service.js';
import type { Database } from '../db/index.js';
import { newId, nowIso } from '../util.js';
import { isUniqueViolation } from './db-errors.js';

/** Rows of migration 0006 (kept here, next to the code that reads them). */
export interface RedTeamSpecTable {
  id: string;
  company_id: string;
  name: string;
  domain_description: string;
  app_description: string;
  concerns: string | null;
  created_by: string;
  created_by_email: string;
  created_at: string;
  updated_at: string;
}

type Tables = {
  red_team_specs: RedTeamSpecTable;
  red_team_runs: { red_team_spec_id: string | null; status: string };
};
type Db = Kysely<Database & Tables>;

export interface RedTeamSpecView {
  id: string;
  name: string;
  domain_description: string;
  app_description: string;
  concerns: string | null;
  created_at: string;
  updated_at: string;
  company_id: string;
  company_name: string;
  created_by: string;
  created_by_email: string;
}

export interface RedTeamSpecInput {
  name: string;
  domain_description: string;
  app_description: string;
  concerns?: string | null;
}

export const RED_TEAM_SPEC_NOT_FOUND = "Red-team spec not found or does not belong to user's company";

/**
 * DataFramer stores red-team spec names in snake_case: "Patient Portal Bot" and "patientPortalBot" both
 * become `patient_portal_bot` (so they are the same name for uniqueness).
 */
export function toSnakeCase(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

/** Red-team specs: the application under test, in the user's words. */
export class RedTeamSpecService {
  private readonly db: Db;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<Tables>();
  }

  async create(principal: Principal, input: RedTeamSpecInput): Promise<RedTeamSpecView> {
    const name = snakeName(input.name);
    const now = nowIso();
    const row: RedTeamSpecTable = {
      id: newId(),
      company_id: principal.companyId,
      name,
      domain_description: input.domain_description.trim(),
      app_description: input.app_description.trim(),
      concerns: input.concerns?.trim() || null,
      created_by: principal.userId,
      created_by_email: principal.email,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('red_team_specs').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(name);
      throw err;
    }
    return view(row, principal);
  }

  async get(principal: Principal, id: string): Promise<RedTeamSpecView> {
    return view(await this.findOwned(principal, id), principal);
  }

  async list(
    principal: Principal,
    page: { limit?: number; offset?: number } = {},
  ): Promise<RedTeamSpecView[]> {
    const rows = await this.db
      .selectFrom('red_team_specs')
      .selectAll()
      .where('company_id', '=', principal.companyId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(page.limit ?? 1_000_000)
      .offset(page.offset ?? 0)
      .execute();
    return rows.map((r) => view(r, principal));
  }

  async update(
    principal: Principal,
    id: string,
    changes: Partial<RedTeamSpecInput>,
  ): Promise<RedTeamSpecView> {
    const current = await this.findOwned(principal, id);
    const next: Partial<RedTeamSpecTable> = { updated_at: nowIso() };
    if (changes.name !== undefined) next.name = snakeName(changes.name);
    if (changes.domain_description !== undefined) next.domain_description = changes.domain_description.trim();
    if (changes.app_description !== undefined) next.app_description = changes.app_description.trim();
    if (changes.concerns !== undefined) next.concerns = changes.concerns?.trim() || null;
    try {
      await this.db.updateTable('red_team_specs').set(next).where('id', '=', current.id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(next.name ?? current.name);
      throw err;
    }
    return this.get(principal, id);
  }

  /** Finished runs keep their copy of the spec; a run still working on it makes this a 409. */
  async delete(principal: Principal, id: string): Promise<void> {
    const spec = await this.findOwned(principal, id);
    const busy = await this.db
      .selectFrom('red_team_runs')
      .select('status')
      .where('red_team_spec_id', '=', spec.id)
      .where('status', 'in', ['PENDING', 'PROCESSING'])
      .executeTakeFirst();
    if (busy) {
      throw new ConflictError(
        'a red-team run of this spec is still PENDING or PROCESSING; cancel it or wait for it to end, then delete the spec',
      );
    }
    await this.db.deleteFrom('red_team_specs').where('id', '=', spec.id).execute();
  }

  async findOwned(principal: Principal, id: string): Promise<Selectable<RedTeamSpecTable>> {
    const row = await this.db
      .selectFrom('red_team_specs')
      .selectAll()
      .where('id', '=', id)
      .where('company_id', '=', principal.companyId)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(RED_TEAM_SPEC_NOT_FOUND);
    return row;
  }
}

function snakeName(raw: string): string {
  const name = toSnakeCase(raw);
  if (!name) {
    throw new InvalidInputError('name must contain at least one letter or digit', 'name');
  }
  if (name.length > 120)
    throw new InvalidInputError('name must be at most 120 characters in snake_case', 'name');
  return name;
}

const nameTaken = (name: string) =>
  new ConflictError(`a red-team spec named "${name}" already exists`, 'name');

function view(row: Selectable<RedTeamSpecTable>, principal: Principal): RedTeamSpecView {
  return {
    id: row.id,
    name: row.name,
    domain_description: row.domain_description,
    app_description: row.app_description,
    concerns: row.concerns,
    created_at: row.created_at,
    updated_at: row.updated_at,
    company_id: row.company_id,
    company_name: principal.companyName,
    created_by: row.created_by,
    created_by_email: row.created_by_email,
  };
}
