import { describe, expect, it } from 'vitest';
import { editorCommand, withoutProblem, withProblem } from './editor.js';

describe('the spec editor helpers', () => {
  it('appends the refusal as comments at the end, so line numbers in it still hold, and strips it again', () => {
    const yaml = 'spec:\n  description: x\n';
    const shown = withProblem(yaml, 'Invalid spec: 1 problem\nline 2: spec.description: too short');
    expect(shown.startsWith(yaml)).toBe(true);
    expect(shown).toContain('# line 2: spec.description: too short\n');
    expect(withoutProblem(shown)).toBe(yaml);
    expect(withoutProblem(shown.replace('x\n', 'y\n'))).toBe('spec:\n  description: y\n');
    expect(withoutProblem(yaml)).toBe(yaml);
  });

  it('prefers $VISUAL, then $EDITOR', () => {
    expect(editorCommand({ VISUAL: 'code --wait', EDITOR: 'nano' })).toBe('code --wait');
    expect(editorCommand({ EDITOR: 'nano' })).toBe('nano');
    expect(editorCommand({})).toBe(process.platform === 'win32' ? 'notepad' : 'vi');
  });
});
