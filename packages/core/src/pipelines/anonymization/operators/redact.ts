import type { Operator } from './types.js';

/** `[FIRST_NAME]`: the label in capitals, in brackets. */
export const redactOperator: Operator = {
  name: 'REDACT',
  apply: ({ label }) => `[${label.toUpperCase()}]`,
};
