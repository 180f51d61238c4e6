// Module resolve hook (module.register): adds the "@openframer/source" export condition, so the workspace
// packages (@openframer/sdk, ...) resolve to their TypeScript sources rather than to a build. See
// docs/development.md.
const CONDITION = '@openframer/source';

export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions ?? [];
  if (conditions.includes(CONDITION)) return nextResolve(specifier, context);
  return nextResolve(specifier, { ...context, conditions: [...conditions, CONDITION] });
}
