import { createHmac } from 'node:crypto';
import type { Operator } from './types.js';

/**
 * HMAC-SHA256 of the value (hex) keyed with the run's secret: the same value always gives the same hash
 * within a run, so joins still work, but hashes cannot be looked up in a dictionary without the secret.
 */
export function hashOperator(secret: string): Operator {
  return {
    name: 'HASH',
    apply: ({ value }) => createHmac('sha256', secret).update(value).digest('hex'),
  };
}
