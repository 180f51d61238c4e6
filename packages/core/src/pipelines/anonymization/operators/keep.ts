import type { Operator } from './types.js';

/** Leaves the value as it is (the entity is still counted and reported). */
export const keepOperator: Operator = {
  name: 'KEEP',
  apply: ({ value }) => value,
};
