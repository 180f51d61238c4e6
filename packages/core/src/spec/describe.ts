/**
 * A compact plain-text rendering of a spec for prompts: shorter than the YAML, and every percentage is
 * spelled out (uniform ones included) so the model never has to work a distribution out.
 */
import { effectivePercentages } from './distribution.js';
import type { SpecContent } from './types.js';

function percentages(values: readonly string[], dist: Record<string, number> | undefined): string {
  return effectivePercentages(values, dist)
    .map(([value, percent]) => `${value} ${percent}%`)
    .join(', ');
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : prefix + line))
    .join('\n');
}

export function describeSpec(content: SpecContent): string {
  const parts: string[] = [];
  if (content.description.trim() !== '') parts.push(`Description: ${content.description.trim()}`);
  if (content.requirements.trim() !== '')
    parts.push(`Requirements:\n${indent(content.requirements.trim(), '  ')}`);
  const properties = content.data_property_variations;
  if (properties.length === 0) {
    parts.push('Properties: none');
  } else {
    const lines = ['Properties (each sample takes one value of each, at these rates):'];
    for (const p of properties) {
      const about = p.property_description?.trim() ? ` (${p.property_description.trim()})` : '';
      lines.push(`- ${p.property_name}${about}: ${percentages(p.property_values, p.base_distributions)}`);
      for (const [parent, byValue] of Object.entries(p.conditional_distributions ?? {})) {
        for (const [parentValue, dist] of Object.entries(byValue)) {
          lines.push(`  - when ${parent} is ${parentValue}: ${percentages(p.property_values, dist)}`);
        }
      }
    }
    parts.push(lines.join('\n'));
  }
  return parts.join('\n');
}
