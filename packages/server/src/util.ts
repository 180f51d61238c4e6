import { randomUUID } from 'node:crypto';

export const newId = (): string => randomUUID();

/** ISO-8601 UTC with milliseconds: the one timestamp format we store, so text order is time order. */
export const nowIso = (date: Date = new Date()): string => date.toISOString();

export const addDays = (date: Date, days: number): Date => new Date(date.getTime() + days * 86_400_000);
