export {
  type Assignment,
  apportion,
  conditioningOrder,
  marginals,
  parentOf,
  planAssignments,
} from './quota.js';
export { createRng, type Rng } from './rng.js';
