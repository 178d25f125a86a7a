import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_TEMPLATE, render, templateProblems } from './acknowledgement-template.js';

describe('acknowledgement template', () => {
  it('accepts the default and renders the clinic, the reference and the next steps', () => {
    assert.deepEqual(templateProblems(DEFAULT_TEMPLATE), []);
    const message = render({ ...DEFAULT_TEMPLATE, openingHours: 'Mon–Fri 9–5' }, { clinic: 'Harley Skin', reference: 'ENQ-ABCDE-FGHJK' });
    assert.equal(message.subject, 'We have received your enquiry (ENQ-ABCDE-FGHJK)');
    assert.match(message.text, /Thank you for contacting Harley Skin\./);
    assert.ok(message.text.includes(DEFAULT_TEMPLATE.nextSteps));
    assert.ok(message.text.includes('Mon–Fri 9–5'));
    assert.doesNotMatch(message.text, /[{}]/);
  });

  it('refuses placeholders for what the person typed, and any unknown one, naming each', () => {
    const problems = templateProblems({ ...DEFAULT_TEMPLATE, subject: 'About your {procedure}', body: `${DEFAULT_TEMPLATE.body}\n{message} {name} {Reference}` });
    assert.deepEqual(problems, ['subject: unknown placeholder {procedure}', 'body: unknown placeholder {message}', 'body: unknown placeholder {name}', 'body: unknown placeholder {Reference}']);
  });

  it('refuses stray braces, placeholders inside the clinic texts, a missing reference, a multi-line subject and overlong parts', () => {
    assert.deepEqual(templateProblems({ ...DEFAULT_TEMPLATE, body: `${DEFAULT_TEMPLATE.body} {` }), ['body: a brace outside a placeholder']);
    assert.deepEqual(templateProblems({ ...DEFAULT_TEMPLATE, nextSteps: 'We call {clinic}' }), ['nextSteps: unknown placeholder {clinic}']);
    assert.deepEqual(templateProblems({ ...DEFAULT_TEMPLATE, body: 'Thanks from {clinic}.' }), ['body: must include {reference}']);
    assert.deepEqual(templateProblems({ ...DEFAULT_TEMPLATE, subject: 'Thanks\nBcc: x@example.org' }), ['subject: a line break']);
    assert.deepEqual(templateProblems({ ...DEFAULT_TEMPLATE, openingHours: 'x'.repeat(501) }), ['openingHours: longer than 500 characters']);
  });

  it('prints only the values it is given: an empty opening hours line leaves no gap', () => {
    const text = render({ subject: 'Ref {reference}', body: 'A\n\n{openingHours}\n\nB {reference}', nextSteps: '', openingHours: '' }, { clinic: 'C', reference: 'R' }).text;
    assert.equal(text, 'A\n\nB R\n');
  });
});
