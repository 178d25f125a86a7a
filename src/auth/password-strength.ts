/**
 * How many guesses a password would take, estimated with zxcvbn-ts and its
 * common and English dictionaries (shipped in the packages; no network).
 *
 * zxcvbn splits a password into parts (dictionary words, names, years,
 * keyboard walks, repeats, l33t variants, the person's own details) and
 * multiplies the parts' guesses, then adds a large penalty per extra part
 * (×10,000 and a factorial) for an attacker who does not know the structure.
 * That penalty lifts every three-part compound such as `dragon2024dragon` to
 * 10^8 guesses whatever its parts, while real cracking rules (word × year ×
 * suffix) try exactly those structures first. So the estimate used here leaves
 * the penalty out (see `estimateGuesses`), and looks at the password with its
 * spaces removed too (zxcvbn sees the parts of `Amy Lee 1987` only so).
 */
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary } from '@zxcvbn-ts/language-en';

/** What makes a weak password easy to guess, as a stable code (never the password). */
export type GuessHint = 'personal' | 'keyboard' | 'date' | 'repeat' | 'sequence' | 'common' | 'other';

/** The estimate for one password. */
export interface GuessEstimate {
  /** log10 of the estimated number of guesses. */
  readonly guessesLog10: number;
  /** The most telling reason, from zxcvbn's warning or else from the weakest part. */
  readonly hint: GuessHint;
}

// zxcvbn's warnings (plain keys, as no translations are configured) in our categories.
const WARNING_HINTS: Readonly<Record<string, GuessHint>> = {
  straightRow: 'keyboard',
  keyPattern: 'keyboard',
  simpleRepeat: 'repeat',
  extendedRepeat: 'repeat',
  sequences: 'sequence',
  recentYears: 'date',
  dates: 'date',
  topTen: 'common',
  topHundred: 'common',
  common: 'common',
  similarToCommon: 'common',
  pwned: 'common',
  wordByItself: 'common',
  namesByThemselves: 'common',
  commonNames: 'common',
  userInputs: 'personal',
};

// Built once (about 0.3 s: ranking some 150,000 dictionary words); each check then takes milliseconds.
let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    // Levenshtein matching of the whole password costs ~10× per check; the blocklist and l33t matching cover its cases.
    useLevenshteinDistance: false,
    // Bounds the l33t matcher's work on long strings of substitutable characters (128 of them: ~1 s at the default 100, ~0.1 s at 16), same scores on real passwords.
    l33tMaxSubstitutions: 16,
  });
  return estimator;
}

function partGuessesLog10(part: ZxcvbnResult['sequence'][number]): number {
  const guesses: unknown = part['guesses'];
  return typeof guesses === 'number' && guesses > 1 ? Math.log10(guesses) : 0;
}

const PATTERN_HINTS: Readonly<Record<string, GuessHint>> = { spatial: 'keyboard', repeat: 'repeat', sequence: 'sequence', date: 'date', regex: 'date', dictionary: 'common' };

// zxcvbn's own warning if it gives one; else the person's details if used at all; else what covers most of the password.
function hintOf(result: ZxcvbnResult): GuessHint {
  const fromWarning = result.feedback.warning ? WARNING_HINTS[result.feedback.warning] : undefined;
  if (fromWarning) return fromWarning;
  if (usesUserInputs(result)) return 'personal';
  const covered = new Map<GuessHint, number>();
  for (const part of result.sequence) {
    const hint = PATTERN_HINTS[part.pattern];
    if (hint) covered.set(hint, (covered.get(hint) ?? 0) + part.token.length);
  }
  let best: GuessHint = 'other';
  for (const [hint, length] of covered) if (length > (covered.get(best) ?? 0)) best = hint;
  return best;
}

function partsLog10(result: ZxcvbnResult): number {
  return result.sequence.reduce((sum, part) => sum + partGuessesLog10(part), 0);
}

function usesUserInputs(result: ZxcvbnResult): boolean {
  return result.sequence.some((part) => part.pattern === 'dictionary' && part['dictionaryName'] === 'userInputs');
}

/**
 * The words of the person's context for zxcvbn's user-input dictionary: each
 * item whole and without separators, and each word of 3+ characters.
 */
export function userInputsFrom(context: readonly string[]): string[] {
  const inputs = new Set<string>(['tacet']);
  for (const item of context) {
    const lower = item.normalize('NFKC').toLowerCase().trim();
    if (lower === '') continue;
    const words = lower.split(/[^\p{L}\p{N}]+/u).filter((word) => word.length > 0);
    inputs.add(lower);
    inputs.add(words.join(''));
    for (const word of words) if (word.length >= 3) inputs.add(word);
  }
  return [...inputs];
}

/**
 * Estimate the guesses for `password` (already NFKC-normalised), treating the
 * person's `userInputs` (see `userInputsFrom`) as the first things tried. The
 * estimate is the lowest of: the product of the parts' guesses, for the
 * password as typed and without spaces; and the sum over its runs of letters,
 * digits and other characters of each run's zxcvbn estimate (rules that
 * append digits and symbols to words, as crackers use).
 * SECURITY: the result holds no part of the password.
 */
export function estimateGuesses(password: string, userInputs: readonly string[]): GuessEstimate {
  const inputs = [...userInputs];
  const asTyped = zxcvbn().check(password, inputs);
  const compact = password.replace(/\s+/gu, '');
  const whole = compact === password || compact === '' ? [asTyped] : [asTyped, zxcvbn().check(compact, inputs)];
  let weakest = whole[0] as ZxcvbnResult;
  for (const result of whole) if (partsLog10(result) < partsLog10(weakest)) weakest = result;
  const runs = compact.match(/\p{L}+|\p{N}+|[^\p{L}\p{N}]+/gu) ?? [];
  const runResults = runs.length > 1 ? runs.map((run) => zxcvbn().check(run, inputs)) : [];
  const runsLog10 = runResults.length > 0 ? runResults.reduce((sum, result) => sum + result.guessesLog10, 0) : Number.POSITIVE_INFINITY;
  const guessesLog10 = Math.min(partsLog10(weakest), runsLog10);
  return { guessesLog10, hint: runResults.some(usesUserInputs) ? 'personal' : hintOf(weakest) };
}
