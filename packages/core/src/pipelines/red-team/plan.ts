import { createRng } from '../../sampling/rng.js';
import { MULTILINGUAL_LANGUAGES } from './strategies.js';

/** The strategy (and, for `multilingual`, the language) one prompt slot gets. */
export interface PlannedAttack {
  strategy: string;
  language?: string;
}

/**
 * Assigns every prompt slot of the run a strategy before anything is generated, so the run covers the
 * strategies evenly whatever the model does later.
 *
 * The strategies are shuffled once (seeded) and dealt round-robin along the run, behaviour after
 * behaviour: over the whole run each strategy is used ⌊N/k⌋ or ⌈N/k⌉ times, and within one behaviour's
 * `promptsPerBehavior` consecutive slots each is used ⌊M/k⌋ or ⌈M/k⌉ times, so a behaviour gets as many
 * different strategies as it has prompts (up to k). Each behaviour's slots are then shuffled (seeded) so
 * the first query is not always paired with the same strategy. Languages for `multilingual` slots are
 * dealt the same way from a seeded shuffle of `MULTILINGUAL_LANGUAGES`.
 *
 * Deterministic in its inputs: a resumed run gets the same plan as the attempt it continues.
 */
export function planStrategies(
  numberOfBehaviors: number,
  promptsPerBehavior: number,
  strategies: readonly string[],
  seed: string,
): PlannedAttack[][] {
  if (strategies.length === 0) throw new Error('planStrategies needs at least one strategy');
  const rng = createRng(`${seed}/red-team-strategies`);
  const order = rng.shuffle(strategies);
  const languages = rng.shuffle(MULTILINGUAL_LANGUAGES);
  let languageCursor = 0;
  const plan: PlannedAttack[][] = [];
  for (let b = 0; b < numberOfBehaviors; b++) {
    const slots: PlannedAttack[] = [];
    for (let j = 0; j < promptsPerBehavior; j++) {
      const strategy = order[(b * promptsPerBehavior + j) % order.length]!;
      slots.push({ strategy });
    }
    const shuffled = rng.fork(`behavior/${b}`).shuffle(slots);
    for (const slot of shuffled) {
      if (slot.strategy === 'multilingual') {
        slot.language = languages[languageCursor % languages.length]!;
        languageCursor++;
      }
    }
    plan.push(shuffled);
  }
  return plan;
}
