import { digitsOf, patternRecognizer } from './pattern.js';

/**
 * Payment card numbers: 12 to 19 digits, optionally in groups, that pass the Luhn check. A known issuer
 * prefix (Visa, Mastercard, Amex, Discover, JCB, Diners, Maestro, UnionPay) makes it certain; without
 * one the number needs context (`card`, `visa`) to pass the default threshold.
 */
export const creditCardRecognizer = patternRecognizer({
  name: 'credit_card',
  label: 'credit_card_number',
  needsDigits: true,
  // Digits and single separators; look-arounds of two characters.
  digitWindow: { before: 4, after: 4 },
  patterns: [
    { name: 'card (grouped or plain)', regex: /(?<![\d-])\d(?:[ -]?\d){11,18}(?![\d-]|[ ]\d)/g, score: 0.3 },
  ],
  context: ['card', 'credit', 'debit', 'visa', 'mastercard', 'amex', 'cc', 'payment', 'pan', 'cardholder'],
  headers:
    /^(credit[-_ ]?card([-_ ]?(number|no|num))?|card[-_ ]?(number|no|num)|cc[-_ ]?(number|num)?|pan)$/i,
  validate: (match) => {
    const digits = digitsOf(match);
    if (digits.length < 12 || digits.length > 19) return false;
    if (!consistentGroups(match)) return false;
    if (!luhn(digits) || /^(\d)\1+$/.test(digits)) return false;
    return ISSUER.test(digits) ? true : 0.3;
  },
});

const ISSUER =
  /^(?:4\d{11,18}|5[1-5]\d{14}|2(?:2[2-9]|[3-6]\d|7[01])\d{13}|2720\d{12}|3[47]\d{13}|6(?:011|5\d{2}|4[4-9]\d)\d{12,15}|35(?:2[89]|[3-8]\d)\d{12,15}|30[0-5]\d{11,16}|3[689]\d{12,17}|(?:2131|1800)\d{11}|(?:50|5[6-9]|6\d)\d{10,17}|62\d{14,17})$/;

/** A number written with separators uses one kind of separator. */
function consistentGroups(match: string): boolean {
  const seps = new Set(match.replace(/\d/g, ''));
  return seps.size <= 1;
}

export function luhn(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}
