/**
 * Password rules of NIST SP 800-63B: length (15 when the password is the only
 * factor, 8 with MFA; up to 128), any Unicode (NFKC-normalised), no
 * composition rules, no forced change; refuse common/breached passwords (a
 * 49,000-entry list shipped inside the package, no network lookups),
 * repetitive or sequential strings, and words of the context. On top, the
 * zxcvbn-ts estimate (`password-strength.ts`) must reach 10^10 guesses as the
 * only factor and 10^8 with MFA (zxcvbn's scores 4 and 3), so compounds of
 * words, names, years, keyboard walks and l33t are refused too.
 */
import { dictionary } from '@zxcvbn-ts/language-common';
import { estimateGuesses, type GuessHint, userInputsFrom } from './password-strength.js';

export const MAX_PASSWORD_LENGTH = 128;
export const MIN_LENGTH_SOLE_FACTOR = 15;
export const MIN_LENGTH_WITH_MFA = 8;
/** log10 of the guesses a password must withstand: zxcvbn's score 4 as the only factor, score 3 with MFA. */
export const MIN_GUESSES_LOG10_SOLE_FACTOR = 10;
export const MIN_GUESSES_LOG10_WITH_MFA = 8;

/** A password that the estimator finds easy to guess, by what makes it so. */
export type GuessableProblem = 'guessable' | `guessable-${Exclude<GuessHint, 'other'>}`;

/** Why a password was refused; shown to the person choosing it (a stable code, never the password). */
export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'repetitive' | 'sequential' | 'context' | GuessableProblem;

const MESSAGES: Record<PasswordProblem, string> = {
  'too-short': 'is too short',
  'too-long': `is longer than ${MAX_PASSWORD_LENGTH} characters`,
  common: 'is on a list of commonly used or breached passwords',
  repetitive: 'is mostly one repeated character or pattern',
  sequential: 'is a simple sequence (like 12345678 or abcdefgh)',
  context: 'contains your name, email, the clinic or organisation name, or the product name',
  guessable: 'is easy to guess; a few unrelated, uncommon words make a strong password',
  'guessable-personal': 'is easy to guess: it is built on your name, email, the clinic or organisation name',
  'guessable-keyboard': 'is easy to guess: it follows a keyboard pattern (like qwerty or 1qaz2wsx)',
  'guessable-date': 'is easy to guess: years and dates (like a birth year) add little',
  'guessable-repeat': 'is easy to guess: it repeats a word or pattern',
  'guessable-sequence': 'is easy to guess: it contains a simple sequence (like 1234 or abcd)',
  'guessable-common': 'is easy to guess: it is made of common passwords, words or names with a few digits or symbols',
};

/** Every problem code, for clients that word them (the staff UI). */
export const PASSWORD_PROBLEMS = Object.keys(MESSAGES) as readonly PasswordProblem[];

let blocklist: Set<string> | undefined;
function commonPasswords(): Set<string> {
  blocklist ??= new Set((dictionary['passwords-common'] as readonly string[]).map((p) => p.toLowerCase()));
  return blocklist;
}

/** The password as compared and hashed: Unicode NFKC (NIST: normalise before hashing). */
export function normalisePassword(password: string): string {
  return password.normalize('NFKC');
}

function isRepetitive(lower: string): boolean {
  const chars = [...lower];
  if (new Set(chars).size <= 2) return true;
  for (let size = 1; size <= 4; size++) {
    const unit = chars.slice(0, size).join('');
    if (unit.repeat(Math.ceil(chars.length / size)).slice(0, lower.length) === lower) return true;
  }
  return false;
}

function isSequential(lower: string): boolean {
  const codes = [...lower].map((c) => c.codePointAt(0) as number);
  let steps = 0;
  for (let i = 1; i < codes.length; i++) if (Math.abs((codes[i] as number) - (codes[i - 1] as number)) === 1) steps += 1;
  return steps >= codes.length - 2;
}

function contextWords(context: readonly string[]): string[] {
  const words = new Set<string>(['tacet']);
  for (const item of context) {
    const lower = item.normalize('NFKC').toLowerCase();
    for (const part of lower.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 4) words.add(part);
  }
  return [...words];
}

/**
 * Check a new password against the policy; returns the problems (empty when
 * acceptable). `context` holds the person's name and email and the
 * organisation's and clinics' names.
 */
export function checkPassword(password: string, options: { hasMfa: boolean; context: readonly string[] }): PasswordProblem[] {
  const normalised = normalisePassword(password);
  const length = [...normalised].length;
  const problems: PasswordProblem[] = [];
  if (length < (options.hasMfa ? MIN_LENGTH_WITH_MFA : MIN_LENGTH_SOLE_FACTOR)) problems.push('too-short');
  if (length > MAX_PASSWORD_LENGTH) problems.push('too-long');
  const lower = normalised.toLowerCase();
  const compact = lower.replace(/\s+/g, '');
  if (commonPasswords().has(lower) || commonPasswords().has(compact)) problems.push('common');
  if (length > 0 && isRepetitive(compact)) problems.push('repetitive');
  else if (compact.length > 2 && isSequential(compact)) problems.push('sequential');
  if (contextWords(options.context).some((word) => compact.includes(word))) problems.push('context');
  // Checked last, and only when no simpler reason applies, so the person reads one clear reason.
  if (problems.length === 0) {
    const estimate = estimateGuesses(normalised, userInputsFrom(options.context));
    if (estimate.guessesLog10 < (options.hasMfa ? MIN_GUESSES_LOG10_WITH_MFA : MIN_GUESSES_LOG10_SOLE_FACTOR)) problems.push(estimate.hint === 'other' ? 'guessable' : `guessable-${estimate.hint}`);
  }
  return problems;
}

/** A sentence for the person, e.g. "The password is too short (at least 15 characters)." */
export function describePasswordProblems(problems: readonly PasswordProblem[], hasMfa: boolean): string {
  const parts = problems.map((p) => (p === 'too-short' ? `${MESSAGES[p]} (at least ${hasMfa ? MIN_LENGTH_WITH_MFA : MIN_LENGTH_SOLE_FACTOR} characters)` : MESSAGES[p]));
  return `The password ${parts.join('; it ')}.`;
}
