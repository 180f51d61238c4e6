import type { Operator } from './types.js';

export const DEFAULT_KEEP_LAST = 4;

/**
 * Hides every letter and digit but the last `keep_last` (default 4) behind `masking_char` (default `*`);
 * separators and spaces stay, so `4111 1111 1111 1234` becomes `**** **** **** 1234`.
 */
export const maskOperator: Operator = {
  name: 'MASK',
  apply: ({ value, config }) => {
    const keep = Math.max(0, config.keep_last ?? DEFAULT_KEEP_LAST);
    const char = config.masking_char ?? '*';
    const chars = [...value];
    let visible = 0;
    for (let i = chars.length - 1; i >= 0; i--) {
      if (!/[\p{L}\p{N}]/u.test(chars[i]!)) continue;
      if (visible < keep) visible++;
      else chars[i] = char;
    }
    return chars.join('');
  },
};
