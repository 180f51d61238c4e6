import { z } from 'zod';

// Shapes the model answers in. Every object has all its properties required, so OpenAI's strict mode
// accepts them.

export const Outline = z.object({
  title: z.string(),
  sections: z
    .array(
      z.object({
        heading: z.string(),
        summary: z.string().describe('What this section (or file) contains: the specific facts'),
        target_words: z.number().describe('Length of this section in words'),
      }),
    )
    .min(1),
});
export type Outline = z.infer<typeof Outline>;

export const Critique = z.object({
  conformant: z.boolean().describe('True only when the sample passes every check'),
  issues: z.array(z.string()).describe('Each problem found, concretely; empty when conformant'),
});
export type Critique = z.infer<typeof Critique>;

export interface FolderFiles {
  files: { name: string; content: string }[];
}

/** All files of a folder in one reply: each role exactly once (a reply breaking this is asked again). */
export function folderFilesSchema(roles: readonly string[]): z.ZodType<FolderFiles> {
  const [first, ...rest] = roles;
  if (first === undefined) throw new Error('a folder shape needs at least one file role');
  return z
    .object({
      files: z.array(z.object({ name: z.enum([first, ...rest]), content: z.string() })),
    })
    .superRefine((value, ctx) => {
      const names = value.files.map((f) => f.name);
      const missing = roles.filter((r) => !names.includes(r));
      const repeated = names.filter((n, i) => names.indexOf(n) !== i);
      if (missing.length)
        ctx.addIssue({ code: 'custom', path: ['files'], message: `missing files: ${missing.join(', ')}` });
      if (repeated.length)
        ctx.addIssue({
          code: 'custom',
          path: ['files'],
          message: `files given more than once: ${[...new Set(repeated)].join(', ')}`,
        });
    });
}
