/** True for a UNIQUE constraint violation on either database (SQLite or PostgreSQL code 23505). */
export function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: string }).code ?? '';
  return (
    code === '23505' ||
    code.startsWith('SQLITE_CONSTRAINT_UNIQUE') ||
    /UNIQUE constraint failed/.test(err.message)
  );
}
