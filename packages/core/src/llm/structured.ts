import type { JSONSchema7 } from 'ai';
import type { z } from 'zod';

export type ParsedReply<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * The JSON in a reply, tolerating what models add around it when decoding is not constrained: code fences
 * and a sentence before or after the object.
 */
export function extractJson(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: 'reply is not valid JSON (the reply was empty)' };
  let firstError: string | undefined;
  const candidates = [trimmed];
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(trimmed);
  if (fenced?.[1]) candidates.push(fenced[1].trim());
  const start = trimmed.search(/[[{]/);
  const end = Math.max(trimmed.lastIndexOf('}'), trimmed.lastIndexOf(']'));
  if (start >= 0 && end > start) candidates.push(trimmed.slice(start, end + 1));
  for (const candidate of candidates) {
    try {
      return { ok: true, value: JSON.parse(candidate) };
    } catch (err) {
      firstError ??= err instanceof Error ? err.message : String(err);
    }
  }
  return { ok: false, error: `reply is not valid JSON (${firstError})` };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map((p) => String(p)).join('.');
}

/** Zod issues as `path: message; ...`, the form quoted back to the model and shown to users. */
export function describeIssues(issues: readonly z.core.$ZodIssue[], limit = 12): string {
  const lines = issues.slice(0, limit).map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  if (issues.length > limit) lines.push(`... and ${issues.length - limit} more`);
  return lines.join('; ');
}

export function parseReply<T>(text: string, schema: z.ZodType<T>): ParsedReply<T> {
  const json = extractJson(text);
  if (!json.ok) return json;
  const result = schema.safeParse(json.value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: describeIssues(result.error.issues) };
}

/** The user turn that asks for a corrected reply after `error`. */
export function correctionPrompt(error: string): string {
  return [
    'Your previous reply was rejected.',
    `Validation error: ${error}`,
    'Reply again with only the corrected JSON, matching the required schema exactly: no prose, no code fences.',
  ].join('\n');
}

/** Instruction for servers that cannot constrain output to a schema: the schema goes in the prompt. */
export function schemaInstruction(schemaName: string, schema: JSONSchema7): string {
  return `Reply with a single JSON value named "${schemaName}" that matches this JSON Schema, and nothing else:\n${JSON.stringify(schema)}`;
}

/**
 * Whether OpenAI's strict mode accepts the schema: every object closed (`additionalProperties: false`)
 * with all its properties required. Strict mode rejects anything else with a 400, so other schemas go
 * without it and rely on validation plus retry.
 */
export function isStrictCompatible(schema: unknown): boolean {
  if (Array.isArray(schema)) return schema.every(isStrictCompatible);
  if (schema === null || typeof schema !== 'object') return true;
  const node = schema as Record<string, unknown>;
  const isObject = node.type === 'object' || (Array.isArray(node.type) && node.type.includes('object'));
  if (isObject) {
    if (node.additionalProperties !== false) return false;
    const keys = Object.keys((node.properties as Record<string, unknown> | undefined) ?? {});
    const required = new Set(Array.isArray(node.required) ? node.required : []);
    if (!keys.every((k) => required.has(k))) return false;
  }
  for (const [key, child] of Object.entries(node)) {
    // `enum`, `const` and `default` hold data, not schemas.
    if (key === 'enum' || key === 'const' || key === 'default' || key === 'examples') continue;
    if (typeof child === 'object' && child !== null && !isStrictCompatible(child)) return false;
  }
  return true;
}
