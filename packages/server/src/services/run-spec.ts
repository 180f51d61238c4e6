import { parseSpecYaml, type SpecContent, type SpecMetadata } from '@openframer/core';
import type { Kysely, Selectable } from 'kysely';
import { parse as parseYaml } from 'yaml';
import type { Database } from '../db/index.js';
import type { SpecTable } from '../db/schema.js';

/** The spec a run was made from, at the version it used: the row, its content and its read-only metadata. */
export async function loadRunSpec(
  db: Kysely<Database>,
  run: { spec_id: string; spec_version: number },
): Promise<{ spec: Selectable<SpecTable>; content: SpecContent; metadata: SpecMetadata }> {
  const spec = await db
    .selectFrom('specs')
    .selectAll()
    .where('id', '=', run.spec_id)
    .executeTakeFirstOrThrow();
  const version = await db
    .selectFrom('spec_versions')
    .select('content_yaml')
    .where('spec_id', '=', run.spec_id)
    .where('version', '=', run.spec_version)
    .executeTakeFirstOrThrow();
  const metadata = (parseYaml(version.content_yaml) as { metadata?: SpecMetadata } | null)?.metadata ?? {};
  return { spec, content: parseSpecYaml(version.content_yaml), metadata };
}
