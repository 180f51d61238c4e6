export { type PlannedAttack, planStrategies } from './plan.js';
export {
  type RedTeamOptionProblem,
  type RedTeamOptions,
  RedTeamShortfallError,
  type RedTeamSummary,
  runRedTeam,
  summarizeRedTeam,
  validateRedTeamOptions,
} from './run.js';
export {
  ATTACK_STRATEGIES,
  type AttackStrategy,
  applyTransform,
  attackStrategy,
  decodeBase64,
  decodeLeetspeak,
  decodeTransform,
  encodeBase64,
  isTransform,
  leetspeak,
  MULTILINGUAL_LANGUAGES,
  rot13,
  splitPayload,
  type TransformId,
} from './strategies.js';
export {
  OWASP_LLM_TOP_10_2025,
  RED_TEAM_CATEGORIES,
  type RedTeamCategory,
  redTeamCategory,
  repairCategory,
} from './taxonomy.js';
export type * from './types.js';
