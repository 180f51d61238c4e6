/** How a detected entity is masked. */
export const OPERATOR_NAMES = ['REDACT', 'REPLACE', 'MASK', 'HASH', 'KEEP'] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

export interface OperatorConfig {
  type: OperatorName;
  /** MASK: how many trailing letters or digits stay visible (default 4). */
  keep_last?: number;
  /** MASK: the character that replaces the others (default `*`). */
  masking_char?: string;
}

/** Everything an operator needs to turn one original value into its masked form. */
export interface OperatorInput {
  label: string;
  value: string;
  config: OperatorConfig;
}

export interface Operator {
  readonly name: OperatorName;
  /** The output does not depend on the value (REDACT): a column of one label is one string. */
  readonly ignoresValue?: boolean;
  apply(input: OperatorInput): string;
}
