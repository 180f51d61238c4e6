import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

describe('OPENFRAMER_ANONYMIZATION_THREADS', () => {
  it('defaults to one thread per core, at most 4', () => {
    expect(loadConfig({}).anonymizationThreads).toBe(Math.min(4, availableParallelism()));
  });

  it('takes 0 (detection in the job thread) up to 64', () => {
    expect(loadConfig({ OPENFRAMER_ANONYMIZATION_THREADS: '0' }).anonymizationThreads).toBe(0);
    expect(loadConfig({ OPENFRAMER_ANONYMIZATION_THREADS: '12' }).anonymizationThreads).toBe(12);
  });

  it('refuses other values, naming the variable', () => {
    for (const bad of ['-1', '65', '1.5', 'many']) {
      expect(() => loadConfig({ OPENFRAMER_ANONYMIZATION_THREADS: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ OPENFRAMER_ANONYMIZATION_THREADS: bad })).toThrow(
        /OPENFRAMER_ANONYMIZATION_THREADS: /,
      );
    }
  });
});
