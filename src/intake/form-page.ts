/**
 * The hosted enquiry page: a plain HTML form that works without JavaScript
 * and is sealed in the browser when it runs, and the no-JS thank-you page.
 * The markup of errors (inline per field, a summary at the top) is the same
 * one web/form/form.ts writes, so both paths look and read alike.
 */
import { html, page, type SafeHtml } from '../platform/http/html.js';
import { NEXT_STEPS, UTM_PARAMS } from './enquiry-fields.js';
import type { Publication } from './publication.js';

const LABELS: Record<string, string> = {
  name: 'Full name',
  email: 'Email',
  phone: 'Phone',
  dob: 'Date of birth',
  address: 'Address',
  clinic: 'Clinic',
  procedure: 'Procedure of interest',
  message: 'Message',
  consent: 'Consent to be contacted',
  acknowledge: 'E-mail confirmation',
  sid: 'Form',
};

/** Human label of a field name. */
export function fieldLabel(name: string): string {
  return LABELS[name] ?? name;
}

/** The fields in the order the page shows them (the error summary follows it). */
const ORDER = ['clinic', 'name', 'email', 'phone', 'dob', 'address', 'procedure', 'message', 'consent', 'acknowledge'];

/** What a person typed into the no-JS form, shown again when it must be sent once more. */
export type TypedValues = Readonly<Partial<Record<'name' | 'email' | 'phone' | 'dob' | 'address' | 'procedure' | 'message' | 'consent' | 'acknowledge', string>>>;

/** Where the person came from, carried through the no-JS form as hidden fields: the UTM query parameters and the referrer's origin. */
export type OriginFields = Readonly<Partial<Record<(typeof UTM_PARAMS)[number][0] | 'referrer', string>>>;

/** The hidden fields that carry the origin (their names in the form). */
export const ORIGIN_FIELDS: readonly (keyof OriginFields)[] = [...UTM_PARAMS.map(([param]) => param), 'referrer'];

/** What the hosted form is rendered from. */
export interface EnquiryPageOptions {
  readonly publication: Publication;
  readonly clinic?: string;
  readonly formToken: string;
  readonly submissionId: string;
  readonly values?: TypedValues;
  /** A message above the button (a refusal the person fixes by sending again). */
  readonly notice?: string;
  /** The person's message per field that failed (from the shared schema), shown beside it and in the summary. */
  readonly errors?: Readonly<Record<string, string>>;
  readonly origin?: OriginFields;
}

/**
 * Render the hosted enquiry form. With `values` it is the same form again,
 * filled in as the person left it; with `errors` each bad field says what is
 * wrong beside it, a summary at the top links to each, and the first gets
 * the focus; with `notice` a message stands above the button.
 */
export function renderEnquiryPage(options: EnquiryPageOptions): string {
  const { publication } = options;
  const typed = options.values ?? {};
  const errors = options.errors ?? {};
  const bad = ORDER.filter((name) => errors[name]);
  const other = Object.keys(errors).filter((name) => !ORDER.includes(name));
  const activeKey = publication.keys.find((key) => key.kid === publication.activeKid);
  // Attributes tying a control to its error, and the error itself (empty when the field is fine).
  const invalid = (name: string): SafeHtml =>
    errors[name] ? html` aria-invalid="true" aria-describedby="tacet-${name}-error"${bad[0] === name ? html` autofocus` : ''}` : html``;
  const error = (name: string): SafeHtml => (errors[name] ? html`<p class="tacet-field-error" id="tacet-${name}-error">${errors[name]}</p>` : html``);
  const summary: SafeHtml =
    bad.length + other.length > 0
      ? html`<div class="tacet-summary" role="alert" aria-labelledby="tacet-summary-title"><h2 id="tacet-summary-title">Please check your details</h2><ul>${bad.map(
          (name) => html`<li><a href="#tacet-${name}">${errors[name]}</a></li>`,
        )}${other.map((name) => html`<li>${errors[name]}</li>`)}</ul></div>`
      : html``;
  const body: SafeHtml = html`<main class="tacet-page">
<h1>Enquire with ${publication.organisation}</h1>
<p class="tacet-lede">Your details are encrypted in your browser before they are sent, and only the clinic team can open them.</p>
<form class="tacet-form" method="post" action="/enquire" data-tacet-enquiry data-kid="${publication.activeKid}" data-public-key="${activeKey?.publicKey ?? ''}" novalidate>
${summary}
<input type="hidden" name="formToken" value="${options.formToken}">
<input type="hidden" name="sid" value="${options.submissionId}">
${ORIGIN_FIELDS.map((name) => (options.origin?.[name] ? html`<input type="hidden" name="${name}" value="${options.origin[name]}">` : ''))}
<div class="tacet-hp" aria-hidden="true"><label for="tacet-website">Leave this empty</label><input id="tacet-website" name="website" tabindex="-1" autocomplete="off"></div>
<label for="tacet-clinic">${fieldLabel('clinic')}</label>
<select id="tacet-clinic" name="clinic" required${invalid('clinic')}>${publication.clinics.map((c) => html`<option value="${c.slug}"${c.slug === options.clinic ? html` selected` : ''}>${c.name}</option>`)}</select>${error('clinic')}
<label for="tacet-name">${fieldLabel('name')}</label><input id="tacet-name" name="name" autocomplete="name" required maxlength="200" value="${typed.name ?? ''}"${invalid('name')}>${error('name')}
<label for="tacet-email">${fieldLabel('email')}</label><input id="tacet-email" name="email" type="email" autocomplete="email" required maxlength="254" value="${typed.email ?? ''}"${invalid('email')}>${error('email')}
<label for="tacet-phone">${fieldLabel('phone')}</label><input id="tacet-phone" name="phone" type="tel" autocomplete="tel" required maxlength="40" value="${typed.phone ?? ''}"${invalid('phone')}>${error('phone')}
<label for="tacet-dob">${fieldLabel('dob')} <span class="tacet-optional">(optional)</span></label><input id="tacet-dob" name="dob" type="date" autocomplete="bday" value="${typed.dob ?? ''}"${invalid('dob')}>${error('dob')}
<label for="tacet-address">${fieldLabel('address')} <span class="tacet-optional">(optional)</span></label><textarea id="tacet-address" name="address" autocomplete="street-address" maxlength="500" rows="2"${invalid('address')}>${typed.address ?? ''}</textarea>${error('address')}
<label for="tacet-procedure">${fieldLabel('procedure')}</label><input id="tacet-procedure" name="procedure" required maxlength="100" value="${typed.procedure ?? ''}"${invalid('procedure')}>${error('procedure')}
<label for="tacet-message">${fieldLabel('message')} <span class="tacet-optional">(optional)</span></label><textarea id="tacet-message" name="message" maxlength="5000" rows="5"${invalid('message')}>${typed.message ?? ''}</textarea>${error('message')}
<div class="tacet-check"><input id="tacet-consent" name="consent" type="checkbox" value="yes" required${typed.consent ? html` checked` : ''}${invalid('consent')}><label for="tacet-consent">I agree that the clinic may contact me about this enquiry.</label></div>${error('consent')}
<div class="tacet-check"><input id="tacet-acknowledge" name="acknowledge" type="checkbox" value="yes"${typed.acknowledge ? html` checked` : ''}><label for="tacet-acknowledge">E-mail me a confirmation with my reference</label></div>
${options.notice ? html`<p class="tacet-status tacet-error" role="alert">${options.notice}</p>` : html`<p class="tacet-status" role="status" aria-live="polite"></p>`}
<button type="submit">Send enquiry</button>
</form>
</main>`;
  return page({ title: `${bad.length + other.length > 0 ? 'Error: ' : ''}Enquire — ${publication.organisation}`, stylesheet: '/form.css', script: '/form.js', body });
}

/** The no-JS thank-you page, answered to the POST itself (the reference is never in a URL). */
export function renderThanksPage(options: { publication: Publication; reference: string; isAcknowledged: boolean }): string {
  const body = html`<main class="tacet-page"><div class="tacet-done"><h1>Thank you</h1><p>Your enquiry has been sent securely to ${options.publication.organisation}.</p>
<p>Your reference is <strong class="tacet-reference">${options.reference}</strong></p>
<p>${NEXT_STEPS}</p>${options.isAcknowledged ? html`<p>We will also e-mail you a confirmation with this reference.</p>` : ''}</div></main>`;
  return page({ title: `Thank you — ${options.publication.organisation}`, stylesheet: '/form.css', body });
}

/** A short result page for the no-JS path (a submission refused as automated). */
export function renderMessagePage(title: string, message: string): string {
  return page({ title, stylesheet: '/form.css', body: html`<main class="tacet-page"><h1>${title}</h1><p>${message}</p></main>` });
}
