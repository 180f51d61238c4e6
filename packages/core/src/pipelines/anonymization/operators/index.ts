import { InvalidInputError } from '../../../errors.js';
import { hashOperator } from './hash.js';
import { keepOperator } from './keep.js';
import { maskOperator } from './mask.js';
import { redactOperator } from './redact.js';
import { ReplaceOperator } from './replace.js';
import { OPERATOR_NAMES, type Operator, type OperatorConfig, type OperatorName } from './types.js';

export { DEFAULT_KEEP_LAST } from './mask.js';
export { OPERATOR_NAMES, type Operator, type OperatorConfig, type OperatorName } from './types.js';

/** The operators of one run: REPLACE and HASH hold the run's secret (and REPLACE its table of fakes). */
export function createOperators(secret: string): Record<OperatorName, Operator> {
  return {
    REDACT: redactOperator,
    REPLACE: new ReplaceOperator(secret),
    MASK: maskOperator,
    HASH: hashOperator(secret),
    KEEP: keepOperator,
  };
}

/** Operator per label; labels not named get the default (REDACT unless `*` says otherwise). */
export type MaskPlan = Record<string, OperatorConfig>;

/**
 * Reads `mask_config`: `{label: "REPLACE"}` or `{label: {type: "MASK", keep_last: 4, masking_char: "#"}}`;
 * labels and operator names are case-insensitive; `*` (or `default`) sets the operator of unnamed labels.
 * Unknown labels and operators are errors naming the key.
 */
export function parseMaskConfig(
  input: unknown,
  labels: readonly string[],
): { plan: MaskPlan; fallback: OperatorConfig } {
  const plan: MaskPlan = {};
  let fallback: OperatorConfig = { type: 'REDACT' };
  if (input === undefined || input === null) return { plan, fallback };
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw new InvalidInputError('mask_config must be an object of label -> operator', 'mask_config');
  }
  const known = new Set(labels);
  for (const [rawKey, rawValue] of Object.entries(input as Record<string, unknown>)) {
    const key = rawKey.trim().toLowerCase();
    const config = parseOperator(rawKey, rawValue);
    if (key === '*' || key === 'default') {
      fallback = config;
      continue;
    }
    if (!known.has(key)) {
      throw new InvalidInputError(
        `mask_config has unknown label "${rawKey}"; use one of ${labels.join(', ')} (or * for the default)`,
        'mask_config',
      );
    }
    plan[key] = config;
  }
  return { plan, fallback };
}

function parseOperator(key: string, value: unknown): OperatorConfig {
  const names = OPERATOR_NAMES.join(', ');
  if (typeof value === 'string') {
    const type = value.trim().toUpperCase();
    if (!(OPERATOR_NAMES as readonly string[]).includes(type)) {
      throw new InvalidInputError(
        `mask_config.${key}: "${value}" is not an operator; use one of ${names}`,
        'mask_config',
      );
    }
    return { type: type as OperatorName };
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const config = parseOperator(key, v.type ?? v.operator);
    for (const extra of Object.keys(v)) {
      if (!['type', 'operator', 'keep_last', 'masking_char'].includes(extra)) {
        throw new InvalidInputError(
          `mask_config.${key}: unknown option "${extra}" (keep_last, masking_char)`,
          'mask_config',
        );
      }
    }
    if (v.keep_last !== undefined) {
      if (
        typeof v.keep_last !== 'number' ||
        !Number.isInteger(v.keep_last) ||
        v.keep_last < 0 ||
        v.keep_last > 64
      )
        throw new InvalidInputError(
          `mask_config.${key}.keep_last must be an integer from 0 to 64`,
          'mask_config',
        );
      config.keep_last = v.keep_last;
    }
    if (v.masking_char !== undefined) {
      if (typeof v.masking_char !== 'string' || [...v.masking_char].length !== 1)
        throw new InvalidInputError(`mask_config.${key}.masking_char must be one character`, 'mask_config');
      config.masking_char = v.masking_char;
    }
    return config;
  }
  throw new InvalidInputError(
    `mask_config.${key} must be an operator name (${names}) or an object with "type"`,
    'mask_config',
  );
}
