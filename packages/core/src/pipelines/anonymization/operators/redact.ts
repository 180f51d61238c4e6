import type { Operator } from './types.js';

/** The replacement of each label, made once (a run redacts hundreds of thousands of values). */
const redacted = new Map<string, string>();

/** `[FIRST_NAME]`: the label in capitals, in brackets. */
export const redactOperator: Operator = {
  name: 'REDACT',
  ignoresValue: true,
  apply: ({ label }) => {
    let out = redacted.get(label);
    if (out === undefined) {
      out = `[${label.toUpperCase()}]`;
      redacted.set(label, out);
    }
    return out;
  },
};
