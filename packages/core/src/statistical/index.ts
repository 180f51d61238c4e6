export {
  type ColumnKind,
  type ColumnProfile,
  cellText,
  isMissing,
  profileTable,
  quantile,
} from './profile.js';
export { cramersV, type StatisticalSpecOptions, statisticalSpec } from './spec.js';
