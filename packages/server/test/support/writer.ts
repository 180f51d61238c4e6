import { createRng } from '@openframer/core';
import {
  type ChatBody,
  exampleFromSchema,
  type FakeHandlerContext,
  type FakeReply,
} from '../../../core/test/support/fake-openai.js';

const WORDS = (
  'account adjust agent amount answer appeal approve arrive balance bank billing branch broken budget call card case ' +
  'charge check claim clinic code confirm contract cover credit customer damage date debit delay deliver deny deposit ' +
  'detail device doctor driver email error estimate expire family fee file follow form fraud fund garage health help ' +
  'home hospital income invoice issue item late letter limit loan lost medical member message mistake month note ' +
  'notice number office online order owner paid patient payment pending phone plan policy premium price problem ' +
  'receipt record refund renew repair report request review risk room schedule service signal status storm submit ' +
  'support system team ticket total transfer travel update urgent vehicle visit wait warranty water week window'
).split(' ');

/** A paragraph nobody else gets: random words seeded by the request, so duplicate filters stay quiet. */
export function uniqueText(seed: string | number, words = 60): string {
  const rng = createRng(`writer/${seed}`);
  return Array.from({ length: words }, () => rng.pick(WORDS)).join(' ');
}

function vary(value: unknown, seed: string): unknown {
  if (typeof value === 'string') return uniqueText(seed, 40);
  if (Array.isArray(value)) return value.map((v, i) => vary(v, `${seed}/${i}`));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, k === 'name' ? v : vary(v, `${seed}/${k}`)]),
    );
  }
  return value;
}

/**
 * A fake model that writes something different every time: schema-shaped JSON with unique strings, or a
 * unique paragraph; critiques always pass. Tests override pieces with their own handler.
 */
export function variedWriter(body: ChatBody, ctx: FakeHandlerContext): FakeReply {
  const schema = body.response_format?.json_schema;
  if (!schema) return { content: uniqueText(ctx.index) };
  if (schema.name === 'critique') return { json: { conformant: true, issues: [] } };
  if (schema.name === 'folder_files') {
    // One file per role the schema allows, JSON roles with JSON content.
    const roles: string[] = schema.schema?.properties?.files?.items?.properties?.name?.enum ?? [];
    return {
      json: {
        files: roles.map((name, i) => ({
          name,
          content: name.endsWith('.json')
            ? JSON.stringify({ note: uniqueText(`${ctx.index}/${i}`, 12) })
            : uniqueText(`${ctx.index}/${i}`),
        })),
      },
    };
  }
  const example = exampleFromSchema(schema.schema, schema.schema, 0);
  return { json: vary(example, String(ctx.index)) };
}

/** What a model answers when asked for the support-tickets spec: one `topic` axis, refund 50 / bug 30 / feature 20. */
export const ticketsSpecReply = {
  description: 'Customer support tickets',
  requirements: ['Starts with a subject line'],
  data_property_variations: [
    {
      property_name: 'topic',
      property_description: 'What it is about',
      values: [
        { value: 'refund', percent: 50 },
        { value: 'bug', percent: 30 },
        { value: 'feature', percent: 20 },
      ],
      conditional: null,
    },
  ],
};
