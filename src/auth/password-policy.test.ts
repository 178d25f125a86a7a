import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PASSWORD_REASONS } from '../../web/staff/src/api.js';
import { checkPassword, describePasswordProblems, MAX_PASSWORD_LENGTH, PASSWORD_PROBLEMS } from './password-policy.js';

const ctx = { hasMfa: false, context: ['Harley Street Clinic', 'Jane Doe', 'jane.doe@clinic.test', 'Demo Clinic Group'] };

describe('password policy (NIST SP 800-63B)', () => {
  it('accepts a long passphrase with spaces and any Unicode, without composition rules', () => {
    assert.deepEqual(checkPassword('correct horse battery staple', ctx), []);
    assert.deepEqual(checkPassword('Ünïcödé pässwörd wïth émojï 🦊🦊', ctx), []);
    assert.deepEqual(checkPassword('x'.repeat(0) + 'long but lower case only words', ctx), []);
  });
  it('needs 15 characters as the only factor, 8 with MFA, and allows at least 64', () => {
    assert.deepEqual(checkPassword('short phrase 9', ctx), ['too-short']);
    // Eight random characters reach the 10^8 guesses needed with MFA; two common words do not.
    assert.deepEqual(checkPassword('xK9#mQ2v', { ...ctx, hasMfa: true }), []);
    assert.deepEqual(checkPassword('kite-vole9', { ...ctx, hasMfa: true }), []);
    assert.deepEqual(checkPassword('blue kite', { ...ctx, hasMfa: true }), ['guessable-common']);
    assert.deepEqual(checkPassword('seven c', { ...ctx, hasMfa: true }), ['too-short']);
    const sixtyFour = 'a quiet walk along the river before dawn, with coffee & birdsong!';
    assert.ok(sixtyFour.length >= 64);
    assert.deepEqual(checkPassword(sixtyFour, ctx), []);
    assert.ok(checkPassword('k'.repeat(MAX_PASSWORD_LENGTH + 1), ctx).includes('too-long'));
  });
  it('refuses common and breached passwords, repetitive and sequential strings', () => {
    assert.ok(checkPassword('password1', { ...ctx, hasMfa: true }).includes('common'));
    assert.ok(checkPassword('1qaz2wsx3edc4rfv', ctx).includes('common'));
    assert.ok(checkPassword('aaaaaaaaaaaaaaaaaa', ctx).includes('repetitive'));
    assert.ok(checkPassword('abababababababab', ctx).includes('repetitive'));
    assert.ok(checkPassword('abcdefghijklmnopq', ctx).includes('sequential'));
  });
  it('refuses the clinic name, the user name, the email and the product name', () => {
    assert.ok(checkPassword('harley street is where I work', ctx).includes('context'));
    assert.ok(checkPassword('my name is jane doe really', ctx).includes('context'));
    assert.ok(checkPassword('tacet tacet tacet tacet!', ctx).includes('context'));
  });
  it('refuses what the zxcvbn estimate finds easy to guess, by what makes it so', () => {
    assert.deepEqual(checkPassword('password12345678', ctx), ['guessable-common']);
    assert.deepEqual(checkPassword('JoDoe1987JoDoe!!', { ...ctx, context: ['Jo Doe'] }), ['guessable-personal']);
    assert.deepEqual(checkPassword('1qaz2wsx3edc4rfv5tgb6yhn', ctx).length, 1);
  });
  it('explains the reason in words', () => {
    assert.equal(describePasswordProblems(['too-short'], false), 'The password is too short (at least 15 characters).');
    assert.match(describePasswordProblems(['common', 'context'], true), /commonly used.*your name/);
    assert.equal(describePasswordProblems(['guessable-keyboard'], true), 'The password is easy to guess: it follows a keyboard pattern (like qwerty or 1qaz2wsx).');
    for (const problem of PASSWORD_PROBLEMS) assert.ok(PASSWORD_REASONS[problem], `the staff UI has no words for ${problem}`);
  });
});
