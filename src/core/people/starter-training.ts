/**
 * The built-in starter module: short, specific to a clinic that holds
 * intimate data, and with a quiz whose answers are in the text. The DPO can
 * edit it (a new version) or add modules of their own.
 */

export interface QuizQuestion {
  readonly question: string;
  readonly options: readonly string[];
  /** Index of the right option. */
  readonly answer: number;
}

export const STARTER_TITLE = 'Protecting our patients’ data (security awareness, starter)';
export const STARTER_PASS_MARK = 80;

export const STARTER_CONTENT = `Our patients tell us things they tell nobody else, and let us photograph them. Two clinics like ours lost exactly that: one had 480,000 website enquiries copied and was blackmailed; another had its patient list and intimate photos stolen, and for weeks could not say what had been taken. These five habits are what stops that happening here.

## 1. Your sign-in is a key to every patient you can see
- Sign in with your passkey or authenticator; never share it, never approve a prompt you did not start.
- Tacet will ask you to confirm it is you again before sensitive actions. That is deliberate.

## 2. Phishing is how most breaches start
- Links in emails asking you to "re-confirm your login", "view a shared photo" or "pay an invoice" are the usual bait. Open Tacet from your bookmark instead.
- Report a suspicious message to the DPO, even if you clicked it. Early reports save patients.

## 3. Photos and records stay inside Tacet
- Never download, screenshot, email or message a patient photo. Every copy Tacet serves carries your name in a watermark.
- Exports need a second person's approval for a reason: use them only for the patient's care.

## 4. Look only at the patients you are caring for
- Every read is recorded. Opening records out of curiosity (a celebrity, a colleague, a neighbour) is a disciplinary and legal matter.
- Break-glass access is for emergencies and is reviewed by the DPO.

## 5. If something looks wrong, say so at once
- A lost phone, a strange alert, a patient who says someone knew their details: tell the DPO immediately. The law gives us 72 hours to report a breach, and the clock starts when we find out.`;

export const STARTER_QUIZ: readonly QuizQuestion[] = [
  { question: 'An email asks you to re-confirm your Tacet login through a link. What do you do?', options: ['Click it quickly so you are not locked out', 'Open Tacet from your bookmark and report the email to the DPO', 'Forward it to colleagues to check'], answer: 1 },
  { question: 'A patient asks you to email them their before/after photos. What is right?', options: ['Email them from your phone', 'Use Tacet’s export, which is recorded and approved, for the patient’s own care', 'Take a screenshot and send it by message'], answer: 1 },
  { question: 'A well-known person has booked a consultation at another clinic in the group. May you look at their record?', options: ['Yes, if you are curious', 'Only if you are involved in their care', 'Yes, if nobody finds out'], answer: 1 },
  { question: 'You approved a sign-in prompt you did not start. What now?', options: ['Nothing, it was probably a glitch', 'Tell the DPO at once so the account can be checked and locked', 'Wait to see if it happens again'], answer: 1 },
  { question: 'How long does the clinic have to report a personal data breach to the regulator?', options: ['72 hours from becoming aware of it', 'One month', 'There is no deadline'], answer: 0 },
];
