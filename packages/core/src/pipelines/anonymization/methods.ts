/** The detectors a detection method combines. */
export type Detector = 'heuristics' | 'ner' | 'llm';

/**
 * Detection methods as DataFramer names them. Compound methods take the union of their detectors' spans
 * (overlaps resolved, highest score kept). `aimon_pii_m1` (DataFramer's own model) is the best offline
 * combination here; `gliner` names are accepted for clients of the older transform-jobs API.
 */
export const DETECTION_METHODS = {
  heuristics: {
    detectors: ['heuristics'],
    description: 'Pattern recognizers with validation and context words',
  },
  ner: {
    detectors: ['ner'],
    description: 'Names of people, places and organisations (compromise NER + gazetteers)',
  },
  llm: { detectors: ['llm'], description: 'A language model finds the spans (needs llm_model_name)' },
  'ner+heuristics': { detectors: ['ner', 'heuristics'], description: 'NER and pattern recognizers' },
  'llm+heuristics': {
    detectors: ['llm', 'heuristics'],
    description: 'Language model and pattern recognizers',
  },
  all: {
    detectors: ['llm', 'ner', 'heuristics'],
    description: 'Language model, NER and pattern recognizers',
  },
  aimon_pii_m1: {
    detectors: ['ner', 'heuristics'],
    description: 'The best offline combination (ner+heuristics)',
  },
  gliner: { detectors: ['ner'], description: 'Alias of ner (older transform-jobs name)' },
  'gliner+heuristics': { detectors: ['ner', 'heuristics'], description: 'Alias of ner+heuristics' },
} as const satisfies Record<string, { detectors: readonly Detector[]; description: string }>;

export type DetectionMethod = keyof typeof DETECTION_METHODS;

export const DETECTION_METHOD_NAMES = Object.keys(DETECTION_METHODS) as DetectionMethod[];

export function detectorsOf(method: DetectionMethod): readonly Detector[] {
  return DETECTION_METHODS[method].detectors;
}

export function usesLlm(method: DetectionMethod): boolean {
  return (detectorsOf(method) as readonly Detector[]).includes('llm');
}
