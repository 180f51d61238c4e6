import { isPiiType } from '@openframer/core';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../main.js';

describe('openframer anonymize --help', () => {
  it('gives examples whose labels the server accepts', () => {
    const command = buildProgram().commands.find((c) => c.name() === 'anonymize')!;
    let help = '';
    command.configureOutput({ writeOut: (s) => (help += s) });
    command.outputHelp();
    const lists = [...help.matchAll(/--pii-types (\S+)/g)].map((m) => m[1]!);
    // The option's own description plus two examples.
    expect(lists.length).toBeGreaterThanOrEqual(2);
    for (const label of lists.filter((l) => !l.startsWith('<')).flatMap((l) => l.split(',')))
      expect(isPiiType(label), label).toBe(true);
  });
});
