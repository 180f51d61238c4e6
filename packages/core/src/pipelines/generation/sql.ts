/**
 * A dialect-tolerant SQL check without a parser (none is a dependency of core). It tokenizes the text
 * (strings, quoted identifiers, comments, Postgres dollar quotes) and checks what a tokenizer can know:
 * closed quotes and comments, balanced brackets, each statement starting with a statement keyword, no
 * statement ending on a keyword or operator that needs more (`WHERE`, `AND`, `=`), no stray commas, and
 * CASE/END pairs. It does not check the grammar in full: `SELECT a b c FROM` errors inside a clause, column
 * names and types are not caught. The schema check finds tables after FROM/JOIN/INTO/UPDATE and compares
 * them with the CREATE TABLE/VIEW statements of the DDL and the query's own CTEs.
 */

export type SqlTokenKind = 'word' | 'ident' | 'string' | 'number' | 'param' | 'punct' | 'op';

export interface SqlToken {
  kind: SqlTokenKind;
  /** Words upper-cased; identifiers unquoted; others as written. */
  text: string;
  pos: number;
}

function words(list: string): Set<string> {
  return new Set(list.split(' '));
}

const STATEMENT_KEYWORDS = words(
  'SELECT WITH INSERT UPDATE DELETE MERGE UPSERT REPLACE VALUES TABLE CREATE ALTER DROP ' +
    'TRUNCATE RENAME COMMENT GRANT REVOKE EXPLAIN ANALYZE ANALYSE DESCRIBE DESC SHOW USE SET ' +
    'RESET PRAGMA VACUUM BEGIN START COMMIT ROLLBACK SAVEPOINT RELEASE CALL EXEC EXECUTE ' +
    'DECLARE COPY LOCK REFRESH OPTIMIZE ATTACH DETACH REINDEX CLUSTER',
);

/** Words after which a statement cannot end. */
const NEEDS_MORE = words(
  'SELECT FROM WHERE AND OR NOT JOIN ON BY SET VALUES INTO HAVING UNION INTERSECT EXCEPT AS ' +
    'IN LIKE ILIKE BETWEEN IS CASE WHEN THEN ELSE LIMIT OFFSET WITH UPDATE INSERT DELETE ' +
    'DISTINCT INNER LEFT RIGHT FULL OUTER CROSS NATURAL USING GROUP ORDER PARTITION OVER ' +
    'EXISTS ANY SOME TABLE WINDOW RETURNING CREATE DROP ALTER',
);

/** Words a comma cannot come right before. */
const NOT_AFTER_COMMA = words('FROM WHERE GROUP ORDER HAVING LIMIT UNION ON INTO');

/** Functions whose argument syntax uses FROM (`EXTRACT(YEAR FROM d)`), which is not a table reference. */
const FROM_FUNCTIONS = new Set(['EXTRACT', 'SUBSTRING', 'SUBSTR', 'TRIM', 'OVERLAY', 'POSITION']);

const OPERATOR_CHARS = '+-*/<>=~!@#%^&|';
const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);

type Tokenized = { ok: true; tokens: SqlToken[] } | { ok: false; error: string };

function isWordStart(c: string): boolean {
  return /[A-Za-z_]/.test(c) || c > '\u007f';
}

function isWordPart(c: string): boolean {
  return /[A-Za-z0-9_$]/.test(c) || c > '\u007f';
}

function tokenize(sql: string, backslashEscapes: boolean): Tokenized {
  const tokens: SqlToken[] = [];
  let i = 0;
  const n = sql.length;
  const quoted = (quote: string, start: number, escapes: boolean): number | undefined => {
    // Returns the index after the closing quote; a doubled quote is an escaped one.
    let j = start + 1;
    while (j < n) {
      const c = sql[j]!;
      if (escapes && c === '\\') {
        j += 2;
        continue;
      }
      if (c === quote) {
        if (sql[j + 1] === quote) {
          j += 2;
          continue;
        }
        return j + 1;
      }
      j++;
    }
    return undefined;
  };
  while (i < n) {
    const c = sql[i]!;
    const next = sql[i + 1] ?? '';
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
    } else if (c === '/' && next === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return { ok: false, error: `unterminated /* comment at position ${i}` };
      i = end + 2;
    } else if (c === "'" || (/[EeNnXxBb]/.test(c) && next === "'" && !isWordPart(sql[i - 1] ?? ' '))) {
      const start = c === "'" ? i : i + 1;
      const escapes = backslashEscapes || c === 'E' || c === 'e';
      const end = quoted("'", start, escapes);
      if (end === undefined) return { ok: false, error: `unterminated string starting at position ${i}` };
      tokens.push({ kind: 'string', text: sql.slice(i, end), pos: i });
      i = end;
    } else if (c === '"' || c === '`') {
      const end = quoted(c, i, false);
      if (end === undefined) return { ok: false, error: `unterminated quoted identifier at position ${i}` };
      tokens.push({ kind: 'ident', text: sql.slice(i + 1, end - 1).replaceAll(c + c, c), pos: i });
      i = end;
    } else if (c === '$' && /[0-9]/.test(next)) {
      let j = i + 1;
      while (j < n && /[0-9]/.test(sql[j]!)) j++;
      tokens.push({ kind: 'param', text: sql.slice(i, j), pos: i });
      i = j;
    } else if (c === '$' && (next === '$' || /[A-Za-z_]/.test(next))) {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(sql.slice(i, i + 64));
      if (!tag) {
        tokens.push({ kind: 'op', text: c, pos: i });
        i++;
        continue;
      }
      const end = sql.indexOf(tag[0], i + tag[0].length);
      if (end < 0) return { ok: false, error: `unterminated ${tag[0]} quoted string at position ${i}` };
      tokens.push({ kind: 'string', text: sql.slice(i, end + tag[0].length), pos: i });
      i = end + tag[0].length;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next))) {
      const m = /^(0[xX][0-9A-Fa-f]+|(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)/.exec(sql.slice(i))!;
      tokens.push({ kind: 'number', text: m[0], pos: i });
      i += m[0].length;
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < n && isWordPart(sql[j]!)) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j).toUpperCase(), pos: i });
      i = j;
    } else if (c === '?' || ((c === ':' || c === '@') && /[A-Za-z_0-9@]/.test(next) && sql[i - 1] !== ':')) {
      let j = i + 1;
      while (j < n && isWordPart(sql[j]!)) j++;
      if (c === '@' && sql[j] === '@') j++;
      tokens.push({ kind: 'param', text: sql.slice(i, j), pos: i });
      i = j;
    } else if ('()[]{},;.'.includes(c)) {
      tokens.push({ kind: 'punct', text: c, pos: i });
      i++;
    } else {
      let j = i + 1;
      if (OPERATOR_CHARS.includes(c) || c === ':') {
        while (j < n && (OPERATOR_CHARS.includes(sql[j]!) || sql[j] === ':')) {
          // `--` and `/*` start comments even right after an operator.
          if ((sql[j] === '-' && sql[j + 1] === '-') || (sql[j] === '/' && sql[j + 1] === '*')) break;
          j++;
        }
      }
      tokens.push({ kind: 'op', text: sql.slice(i, j), pos: i });
      i = j;
    }
  }
  return { ok: true, tokens };
}

/**
 * Tokens of a SQL text. Standard SQL doubles quotes to escape them; when that leaves a string open,
 * backslash escapes (MySQL) are tried before giving up.
 */
export function tokenizeSql(sql: string): Tokenized {
  const standard = tokenize(sql, false);
  if (standard.ok) return standard;
  const mysql = tokenize(sql, true);
  return mysql.ok ? mysql : standard;
}

function splitStatements(tokens: SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === 'punct' && t.text in OPEN) depth++;
    else if (t.kind === 'punct' && CLOSE.has(t.text)) depth--;
    if (t.kind === 'punct' && t.text === ';' && depth === 0) {
      if (current.length) statements.push(current);
      current = [];
    } else current.push(t);
  }
  if (current.length) statements.push(current);
  return statements;
}

function show(t: SqlToken): string {
  return t.kind === 'word' ? t.text : `'${t.text}'`;
}

function statementProblem(statement: SqlToken[]): string | undefined {
  const first = statement.find((t) => !(t.kind === 'punct' && t.text === '(')) ?? statement[0]!;
  if (first.kind !== 'word' || !STATEMENT_KEYWORDS.has(first.text)) {
    return `a statement starts with ${show(first)}, not a SQL statement keyword`;
  }
  const last = statement[statement.length - 1]!;
  if (
    (last.kind === 'word' && NEEDS_MORE.has(last.text)) ||
    (last.kind === 'op' && last.text !== '*') ||
    (last.kind === 'punct' && (last.text === ',' || last.text === '.' || last.text in OPEN))
  ) {
    return `a statement ends unexpectedly after ${show(last)}`;
  }
  for (let i = 0; i < statement.length - 1; i++) {
    const t = statement[i]!;
    const after = statement[i + 1]!;
    if (t.kind === 'punct' && t.text === ',') {
      if (
        (after.kind === 'punct' && (after.text === ',' || CLOSE.has(after.text))) ||
        (after.kind === 'word' && NOT_AFTER_COMMA.has(after.text))
      ) {
        return `stray comma before ${show(after)} at position ${t.pos}`;
      }
    }
    if (t.kind === 'punct' && t.text === '(' && after.kind === 'punct' && after.text === ',') {
      return `stray comma after '(' at position ${after.pos}`;
    }
  }
  if (['SELECT', 'WITH', 'INSERT', 'UPDATE', 'DELETE', 'MERGE'].includes(first.text)) {
    const cases = statement.filter((t) => t.kind === 'word' && t.text === 'CASE').length;
    const ends = statement.filter((t) => t.kind === 'word' && t.text === 'END').length;
    if (cases !== ends) return `${cases} CASE but ${ends} END`;
  }
  return undefined;
}

/** Why a SQL text fails the syntax check, or undefined when it passes. */
export function sqlSyntaxProblem(sql: string): string | undefined {
  const tokenized = tokenizeSql(sql);
  if (!tokenized.ok) return tokenized.error;
  const { tokens } = tokenized;
  if (tokens.length === 0) return 'no SQL';
  const stack: SqlToken[] = [];
  for (const t of tokens) {
    if (t.kind !== 'punct') continue;
    if (t.text in OPEN) stack.push(t);
    else if (CLOSE.has(t.text)) {
      const open = stack.pop();
      if (!open) return `unmatched '${t.text}' at position ${t.pos}`;
      if (OPEN[open.text] !== t.text) return `'${open.text}' at position ${open.pos} closed by '${t.text}'`;
    }
  }
  const open = stack.pop();
  if (open) return `unclosed '${open.text}' at position ${open.pos}`;
  const statements = splitStatements(tokens);
  if (statements.length === 0) return 'no SQL statement';
  for (const statement of statements) {
    const problem = statementProblem(statement);
    if (problem) return problem;
  }
  return undefined;
}

/** A possibly qualified name at `i` (`a`, `s.a`, `"S"."A"`); its last part in lower case, and the index after it. */
function qualifiedName(
  tokens: SqlToken[],
  i: number,
): { name: string; qualifier: string | undefined; end: number } | undefined {
  const t = tokens[i];
  if (!t || (t.kind !== 'word' && t.kind !== 'ident')) return undefined;
  const parts = [t.text];
  let j = i + 1;
  while (
    tokens[j]?.kind === 'punct' &&
    tokens[j]!.text === '.' &&
    (tokens[j + 1]?.kind === 'word' || tokens[j + 1]?.kind === 'ident')
  ) {
    parts.push(tokens[j + 1]!.text);
    j += 2;
  }
  return { name: parts[parts.length - 1]!.toLowerCase(), qualifier: parts[0]!.toLowerCase(), end: j };
}

const CREATE_MODIFIERS = new Set([
  'OR',
  'REPLACE',
  'TEMP',
  'TEMPORARY',
  'UNLOGGED',
  'GLOBAL',
  'LOCAL',
  'VIRTUAL',
  'EXTERNAL',
  'MATERIALIZED',
  'TRANSIENT',
]);

/** Tables and views the DDL creates, lower-cased, without schema prefix. */
export function definedTables(ddl: string): Set<string> {
  const tokenized = tokenizeSql(ddl);
  const tables = new Set<string>();
  if (!tokenized.ok) return tables;
  const tokens = tokenized.tokens;
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i]!.kind !== 'word' || tokens[i]!.text !== 'CREATE') continue;
    let j = i + 1;
    while (tokens[j]?.kind === 'word' && CREATE_MODIFIERS.has(tokens[j]!.text)) j++;
    if (!(tokens[j]?.kind === 'word' && (tokens[j]!.text === 'TABLE' || tokens[j]!.text === 'VIEW')))
      continue;
    j++;
    if (tokens[j]?.text === 'IF' && tokens[j + 1]?.text === 'NOT' && tokens[j + 2]?.text === 'EXISTS') j += 3;
    const name = qualifiedName(tokens, j);
    if (name) tables.add(name.name);
  }
  return tables;
}

/** Index after the bracket group opening at `i`. */
function skipGroup(tokens: SqlToken[], i: number): number {
  let depth = 0;
  for (let j = i; j < tokens.length; j++) {
    const t = tokens[j]!;
    if (t.kind === 'punct' && t.text in OPEN) depth++;
    else if (t.kind === 'punct' && CLOSE.has(t.text) && --depth === 0) return j + 1;
  }
  return tokens.length;
}

const TABLE_INTRODUCERS = new Set(['FROM', 'JOIN', 'INTO', 'UPDATE', 'TRUNCATE', 'USING']);
const ALIAS_STOP = words(
  'WHERE JOIN INNER LEFT RIGHT FULL CROSS NATURAL ON USING GROUP ORDER HAVING LIMIT OFFSET ' +
    'UNION INTERSECT EXCEPT SET VALUES SELECT WINDOW RETURNING FETCH FOR DEFAULT OUTPUT WHEN ' +
    'QUALIFY',
);

/**
 * Tables a query reads or writes (lower-cased last name part), and the CTE names it defines itself.
 * Subqueries and table functions (`FROM generate_series(...)`) are not table references.
 */
export function referencedTables(sql: string): { tables: string[]; ctes: Set<string> } {
  const tokenized = tokenizeSql(sql);
  if (!tokenized.ok) return { tables: [], ctes: new Set() };
  const tokens = tokenized.tokens;
  const tables: string[] = [];
  const ctes = new Set<string>();
  const parens: boolean[] = []; // per open bracket: whether FROM inside it is a function argument
  const word = (i: number, ...words: string[]) =>
    tokens[i]?.kind === 'word' && words.includes(tokens[i]!.text);

  // `readsFrom`: after FROM/JOIN/USING a name followed by `(` is a table function; after INTO it is
  // the table followed by its column list.
  const tableRef = (start: number, readsFrom: boolean): number => {
    let j = start;
    while (word(j, 'ONLY', 'LATERAL', 'TABLE')) j++;
    if (tokens[j]?.kind === 'punct' && tokens[j]!.text === '(') return j;
    const name = qualifiedName(tokens, j);
    if (!name) return j;
    if (readsFrom && tokens[name.end]?.kind === 'punct' && tokens[name.end]!.text === '(') return name.end;
    if (name.end - j === 1 || !SYSTEM_SCHEMAS.has(name.qualifier ?? '')) tables.push(name.name);
    return name.end;
  };

  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind === 'punct' && t.text in OPEN) {
      const before = tokens[i - 1];
      parens.push(before?.kind === 'word' && FROM_FUNCTIONS.has(before.text));
      continue;
    }
    if (t.kind === 'punct' && CLOSE.has(t.text)) {
      parens.pop();
      continue;
    }
    if (t.kind !== 'word') continue;
    if (t.text === 'WITH') {
      // WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (...) [, name ...]
      let j = i + 1;
      if (word(j, 'RECURSIVE')) j++;
      for (;;) {
        const name = qualifiedName(tokens, j);
        if (!name) break;
        ctes.add(name.name);
        j = name.end;
        if (tokens[j]?.text === '(') j = skipGroup(tokens, j);
        if (!word(j, 'AS')) break;
        j++;
        while (word(j, 'NOT', 'MATERIALIZED')) j++;
        if (tokens[j]?.text !== '(') break;
        const end = skipGroup(tokens, j);
        // The CTE body is scanned by the main loop for its own references.
        if (tokens[end]?.text !== ',') break;
        j = end + 1;
      }
      continue;
    }
    if (!TABLE_INTRODUCERS.has(t.text)) continue;
    if (t.text === 'FROM' && (parens[parens.length - 1] || word(i - 1, 'DISTINCT'))) continue;
    if (t.text === 'UPDATE' && word(i - 1, 'FOR', 'KEY', 'DO', 'ON')) continue; // FOR UPDATE, ON CONFLICT DO UPDATE
    if (t.text === 'USING' && tokens[i + 1]?.text === '(') continue; // JOIN ... USING (col)
    const readsFrom = t.text === 'FROM' || t.text === 'JOIN' || t.text === 'USING';
    let j = tableRef(i + 1, readsFrom);
    // FROM a x, b AS y, ...
    while (t.text === 'FROM' || t.text === 'USING') {
      if (word(j, 'AS')) j++;
      if ((tokens[j]?.kind === 'word' && !ALIAS_STOP.has(tokens[j]!.text)) || tokens[j]?.kind === 'ident')
        j++;
      if (tokens[j]?.kind === 'punct' && tokens[j]!.text === ',') j = tableRef(j + 1, true);
      else break;
    }
  }
  return { tables, ctes };
}

const SYSTEM_TABLES = new Set(['dual', 'sqlite_master', 'sqlite_schema', 'sqlite_sequence']);
const SYSTEM_SCHEMAS = new Set(['information_schema', 'pg_catalog', 'sys', 'mysql']);

/** Tables the query uses that the DDL does not create (CTEs and well-known system tables allowed). */
export function undefinedTables(query: string, ddl: string): string[] {
  const defined = definedTables(ddl);
  const { tables, ctes } = referencedTables(query);
  return [...new Set(tables.filter((t) => !defined.has(t) && !ctes.has(t) && !SYSTEM_TABLES.has(t)))];
}
