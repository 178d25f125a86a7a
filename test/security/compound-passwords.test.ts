/**
 * Attacker test: compound passwords. A guesser does not try random strings;
 * it tries common words with digits, keyboard walks, leetspeak, and the
 * victim's own name, birth year and workplace. Each such password must be
 * refused for a new staff account (15+ characters, the password the only
 * factor, 10^10 guesses needed); their 8–12 character forms must be refused
 * once MFA is enrolled (10^8 guesses needed). Real passphrases are accepted.
 * The reason given never repeats the password or a piece of it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword, describePasswordProblems, type PasswordProblem } from '../../src/auth/password-policy.js';

// A staff member whose name, email domain and clinic are made of short words, which the
// "contains your name" rule (words of 4+ letters) does not see: only the estimator does.
const AMY = { name: 'Amy Lee', email: 'amy.lee@fenland-clinics.test', organisation: 'Fenland Clinics', clinics: ['Ely Spa', 'Wisbech Skin'] };
const context = [AMY.name, AMY.email, AMY.organisation, ...AMY.clinics];
const newStaff = { hasMfa: false, context };
const withMfa = { hasMfa: true, context };

const COMPOUNDS: Record<string, readonly string[]> = {
  'word + digits': ['password12345678', 'dragon2024dragon', 'Football1987!!!!', 'Welcome123456789', 'Summer2024Summer'],
  'keyboard walks': ['qwertyuiopasdfgh', '1qaz2wsx3edc4rfv5tgb', 'zxcvbnmasdfghjkl', 'qazwsxedcrfvtgby'],
  leetspeak: ['P@ssw0rdP@ssw0rd', 'W3lc0m3W3lc0m3!!', 'P@ssw0rd!2024abc'],
  'names + years': ['AmyLee1987AmyLee', 'Amy Lee 1987 Lee', 'amylee19871987!', 'Sarah1987Sarah!!'],
  'clinic or organisation + digits': ['ElySpa2024!2024', 'ElySpa123456789', 'Ely Spa 2024 2024', 'Fenland2024!!!!'],
};
// Shorter versions, which only the 8-character rule with MFA would let through on length.
const SHORT_COMPOUNDS = ['password1234', 'qwertyuiop', 'P@ssw0rd!', 'AmyLee1987', 'Lee1987!', 'ElySpa2024', 'dragon2024'];

const STRONG_AS_ONLY_FACTOR = ['Brass owl, sleepy tram, 9 lemons', 'saffron glacier kettle 64', 'amy walks her dog to the harbour', 'r7Gp2LwQz9Tb4Hs1Kd', 'Ünïcödé pässwörd wïth émojï 🦊🦊'];
const STRONG_WITH_MFA = ['kite-vole9', 'xK9#mQ2v!', 'violet harbour lantern'];

function isGuessable(problems: readonly PasswordProblem[]): boolean {
  return problems.some((p) => p.startsWith('guessable') || p === 'common' || p === 'repetitive' || p === 'sequential' || p === 'context');
}

/** Pieces of the password a reason must not repeat: the whole, and every run of 4+ letters or digits. */
function piecesOf(password: string): string[] {
  return [password, ...(password.toLowerCase().match(/[\p{L}\p{N}]{4,}/gu) ?? [])];
}

describe('compound passwords are refused (attacker test)', () => {
  for (const [pattern, passwords] of Object.entries(COMPOUNDS)) {
    it(`refuses ${pattern} for a new staff account`, () => {
      for (const password of passwords) {
        const problems = checkPassword(password, newStaff);
        assert.ok(isGuessable(problems), `accepted as only factor: pattern ${pattern}, #${passwords.indexOf(password)}`);
        assert.ok(!problems.includes('too-short'), `test password must be long enough to test the estimator: #${passwords.indexOf(password)}`);
      }
    });
  }

  it('refuses the short forms once MFA allows 8 characters', () => {
    for (const password of SHORT_COMPOUNDS) assert.ok(isGuessable(checkPassword(password, withMfa)), `accepted with MFA: #${SHORT_COMPOUNDS.indexOf(password)}`);
  });

  it('says why in words, never repeating the password or a piece of it', () => {
    const cases = [...Object.values(COMPOUNDS).flat().map((password) => ({ password, options: newStaff })), ...SHORT_COMPOUNDS.map((password) => ({ password, options: withMfa }))];
    for (const { password, options } of cases) {
      const message = describePasswordProblems(checkPassword(password, options), options.hasMfa).toLowerCase();
      assert.match(message, /^the password (is|contains)/);
      for (const piece of piecesOf(password)) assert.ok(!message.includes(piece.toLowerCase()), 'the reason repeats part of the password');
    }
    const reasons = checkPassword('AmyLee1987AmyLee', newStaff);
    assert.match(describePasswordProblems(reasons, false), /easy to guess/);
  });

  it('accepts genuinely strong passphrases and random strings', () => {
    for (const password of STRONG_AS_ONLY_FACTOR) assert.deepEqual(checkPassword(password, newStaff), [], `refused: #${STRONG_AS_ONLY_FACTOR.indexOf(password)}`);
    for (const password of STRONG_WITH_MFA) assert.deepEqual(checkPassword(password, withMfa), [], `refused with MFA: #${STRONG_WITH_MFA.indexOf(password)}`);
  });

  it('is quick enough to run on every password change', () => {
    checkPassword('warm up the estimator once', newStaff);
    const started = performance.now();
    for (const password of Object.values(COMPOUNDS).flat()) checkPassword(password, newStaff);
    const perCheckMs = (performance.now() - started) / Object.values(COMPOUNDS).flat().length;
    assert.ok(perCheckMs < 250, `${perCheckMs.toFixed(0)} ms per check`);
  });
});
