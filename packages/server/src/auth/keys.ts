import { createHash, randomBytes } from 'node:crypto';

/** A new API key: 32 random bytes as 64 hex characters, the shape DataFramer's rotation returns. */
export const generateApiKey = (): string => randomBytes(32).toString('hex');

// Keys carry 256 bits of entropy, so a fast hash is enough: no dictionary to slow down.
export const hashApiKey = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** First 4 and last 4 characters, as DataFramer shows a key: `a1b2****5678`. */
export const maskApiKey = (key: string): string => `${key.slice(0, 4)}****${key.slice(-4)}`;
