/** The hosted enquiry page: a plain HTML form that works without JavaScript and is sealed in the browser when it runs. */
import { html, page, type SafeHtml } from '../platform/http/html.js';
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
  sid: 'Form',
};

/** Human label of a field name. */
export function fieldLabel(name: string): string {
  return LABELS[name] ?? name;
}

/** What a person typed into the no-JS form, shown again when it must be sent once more. */
export type TypedValues = Readonly<Partial<Record<'name' | 'email' | 'phone' | 'dob' | 'address' | 'procedure' | 'message' | 'consent', string>>>;

/**
 * Render the hosted enquiry form. With `values` and `notice` it is the same
 * form again, filled in as the person left it, with the notice above the
 * button (the no-JS path after a refusal the person can fix by sending again).
 */
export function renderEnquiryPage(options: { publication: Publication; clinic?: string; formToken: string; submissionId: string; values?: TypedValues; notice?: string }): string {
  const { publication } = options;
  const typed = options.values ?? {};
  const activeKey = publication.keys.find((key) => key.kid === publication.activeKid);
  const body: SafeHtml = html`<main class="tacet-page">
<h1>Enquire with ${publication.organisation}</h1>
<p class="tacet-lede">Your details are encrypted in your browser before they are sent, and only the clinic team can open them.</p>
<form class="tacet-form" method="post" action="/enquire" data-tacet-enquiry data-kid="${publication.activeKid}" data-public-key="${activeKey?.publicKey ?? ''}" novalidate>
<input type="hidden" name="formToken" value="${options.formToken}">
<input type="hidden" name="sid" value="${options.submissionId}">
<div class="tacet-hp" aria-hidden="true"><label for="tacet-website">Leave this empty</label><input id="tacet-website" name="website" tabindex="-1" autocomplete="off"></div>
<label for="tacet-clinic">${fieldLabel('clinic')}</label>
<select id="tacet-clinic" name="clinic" required>${publication.clinics.map((c) => html`<option value="${c.slug}"${c.slug === options.clinic ? html` selected` : ''}>${c.name}</option>`)}</select>
<label for="tacet-name">${fieldLabel('name')}</label><input id="tacet-name" name="name" autocomplete="name" required maxlength="200" value="${typed.name ?? ''}">
<label for="tacet-email">${fieldLabel('email')}</label><input id="tacet-email" name="email" type="email" autocomplete="email" required maxlength="254" value="${typed.email ?? ''}">
<label for="tacet-phone">${fieldLabel('phone')}</label><input id="tacet-phone" name="phone" type="tel" autocomplete="tel" required maxlength="40" value="${typed.phone ?? ''}">
<label for="tacet-dob">${fieldLabel('dob')} <span class="tacet-optional">(optional)</span></label><input id="tacet-dob" name="dob" type="date" autocomplete="bday" value="${typed.dob ?? ''}">
<label for="tacet-address">${fieldLabel('address')} <span class="tacet-optional">(optional)</span></label><textarea id="tacet-address" name="address" autocomplete="street-address" maxlength="500" rows="2">${typed.address ?? ''}</textarea>
<label for="tacet-procedure">${fieldLabel('procedure')}</label><input id="tacet-procedure" name="procedure" required maxlength="100" value="${typed.procedure ?? ''}">
<label for="tacet-message">${fieldLabel('message')}</label><textarea id="tacet-message" name="message" maxlength="5000" rows="5">${typed.message ?? ''}</textarea>
<div class="tacet-consent"><input id="tacet-consent" name="consent" type="checkbox" value="yes" required${typed.consent ? html` checked` : ''}><label for="tacet-consent">I agree that the clinic may contact me about this enquiry.</label></div>
${options.notice ? html`<p class="tacet-status tacet-error" role="alert">${options.notice}</p>` : html`<p class="tacet-status" role="status" aria-live="polite"></p>`}
<button type="submit">Send enquiry</button>
</form>
</main>`;
  return page({ title: `Enquire — ${publication.organisation}`, stylesheet: '/form.css', script: '/form.js', body });
}

/** A short result page for the no-JS path. */
export function renderMessagePage(title: string, message: string, fields: readonly string[] = []): string {
  const body = html`<main class="tacet-page"><h1>${title}</h1><p>${message}</p>${
    fields.length > 0 ? html`<ul>${fields.map((field) => html`<li>${fieldLabel(field)}</li>`)}</ul><p>Use your browser's Back button to correct them; nothing has been sent.</p>` : ''
  }</main>`;
  return page({ title, stylesheet: '/form.css', body });
}
