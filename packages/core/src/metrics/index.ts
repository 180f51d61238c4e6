export {
  jaccard,
  type MinHashSignature,
  minhash,
  type NearDuplicate,
  NearDuplicateIndex,
  shingles,
  similarity,
} from './minhash.js';
