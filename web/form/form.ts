/**
 * Tacet enquiry form script. Seals the enquiry in the browser with the
 * clinic group's HPKE public key (RFC 9180, via @hpke/core on WebCrypto)
 * before it leaves the device; the server never sees it in the clear.
 *
 * Two ways to use it:
 *  - the hosted page (`/enquire`) has a plain HTML form that works without
 *    JavaScript; this script upgrades it to seal in the browser;
 *  - on a clinic's own website: `<script src="https://INTAKE/form.js" data-tacet-clinic="slug" async></script>`
 *    renders the form where the script tag stands.
 */
import { Aes256Gcm, CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { fromBase64Url, toBase64Url, utf8 } from '../../src/crypto/bytes.js';
import { ENQUIRY_HPKE_INFO, ENQUIRY_REFERENCE_CONTEXT, ENQUIRY_SUITE, enquiryAad, formatEnquiryReference } from '../../src/crypto/enquiry-suite.js';
import { captureOrigin, enquiryFieldsSchema, type EnquiryFields, FIELD_MESSAGES, fieldErrors, NEXT_STEPS, UTM_PARAMS } from '../../src/intake/enquiry-fields.js';
import { FIELD_ORDER, setFieldError, showErrors, updateSummary, wireSummaryLinks } from './form-errors.js';

interface Target {
  readonly form: HTMLFormElement;
  readonly endpoint: string;
  readonly kid: string;
  readonly publicKey: string;
  /** On a clinic's own website (the embed): its page is part of the enquiry's origin. */
  readonly isEmbedded: boolean;
  /** After the first send, each field is checked again as the person leaves it. */
  hasTried: boolean;
}

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

function value(form: HTMLFormElement, name: string): string {
  const field = form.elements.namedItem(name);
  return field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement ? field.value : '';
}

function isChecked(form: HTMLFormElement, name: string): boolean {
  const field = form.elements.namedItem(name);
  return field instanceof HTMLInputElement && field.checked;
}

function setStatus(form: HTMLFormElement, message: string, isError: boolean): void {
  const status = form.querySelector('.tacet-status');
  if (status) {
    status.textContent = message;
    status.classList.toggle('tacet-error', isError);
  }
}

/**
 * Where the person came from: the page's UTM parameters, the referrer (not one from this same site, which
 * is moving about it, as the no-JS page also drops), and (embedded) the page without its query or fragment.
 */
function originOf(target: Target): EnquiryFields['origin'] {
  const query = new URLSearchParams(location.search);
  const isSameSite = URL.canParse(document.referrer) && new URL(document.referrer).origin === location.origin;
  return captureOrigin({
    ...Object.fromEntries(UTM_PARAMS.map(([param, key]) => [key, query.get(param)])),
    referrer: isSameSite ? undefined : document.referrer,
    ...(target.isEmbedded ? { page: `${location.origin}${location.pathname}` } : {}),
  });
}

/** The fields as typed (what the schema checks, and what is sealed once it passes). */
function typed(target: Target): Record<string, unknown> {
  const { form } = target;
  const origin = originOf(target);
  return {
    sid: value(form, 'sid'),
    name: value(form, 'name'),
    email: value(form, 'email'),
    phone: value(form, 'phone'),
    ...(value(form, 'dob') ? { dob: value(form, 'dob') } : {}),
    ...(value(form, 'address') ? { address: value(form, 'address') } : {}),
    procedure: value(form, 'procedure'),
    message: value(form, 'message'),
    consent: isChecked(form, 'consent'),
    acknowledge: isChecked(form, 'acknowledge'),
    ...(origin ? { origin } : {}),
  };
}

/** The shared schema's verdict on the form: the fields, or each bad field's message. */
function check(target: Target): { fields: EnquiryFields; errors: undefined } | { fields: undefined; errors: Record<string, string> } {
  const parsed = enquiryFieldsSchema.safeParse(typed(target));
  const errors = { ...(value(target.form, 'clinic') ? {} : { clinic: FIELD_MESSAGES.clinic }), ...(parsed.success ? {} : fieldErrors(parsed.error)) };
  return parsed.success && Object.keys(errors).length === 0 ? { fields: parsed.data, errors: undefined } : { fields: undefined, errors };
}

async function seal(target: Target, clinic: string, body: Uint8Array): Promise<{ enc: string; ct: string }> {
  const recipientPublicKey = await suite.kem.importKey('raw', Uint8Array.from(fromBase64Url(target.publicKey)).buffer, true);
  const sealed = await suite.seal({ recipientPublicKey, info: utf8(ENQUIRY_HPKE_INFO) }, body, utf8(enquiryAad(clinic, target.kid)));
  return { enc: toBase64Url(new Uint8Array(sealed.enc)), ct: toBase64Url(new Uint8Array(sealed.ct)) };
}

/** The reference the core will store for this submission id (enquiry-suite.ts), computed here with WebCrypto. */
async function referenceOf(sid: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', Uint8Array.from(utf8(`${ENQUIRY_REFERENCE_CONTEXT}${sid}`))));
  return formatEnquiryReference(Array.from(digest, (byte) => byte.toString(16).padStart(2, '0')).join(''));
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]>, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

async function thank(form: HTMLFormElement, fields: EnquiryFields): Promise<void> {
  const reference = await referenceOf(fields.sid);
  const done = element(
    'div',
    { className: 'tacet-done', tabIndex: -1 },
    element('h2', { textContent: 'Thank you' }),
    element('p', { textContent: 'Your enquiry has been sent securely.' }),
    element('p', {}, 'Your reference is ', element('strong', { className: 'tacet-reference', textContent: reference })),
    element('p', { textContent: NEXT_STEPS }),
    ...(fields.acknowledge ? [element('p', { textContent: 'We will also e-mail you a confirmation with this reference.' })] : []),
  );
  form.reset();
  form.replaceChildren(done);
  done.focus();
}

async function submit(target: Target, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const { form } = target;
  target.hasTried = true;
  const verdict = check(target);
  // SECURITY/nothing lost: nothing is sealed or sent while a field is invalid; the person is shown why, at the field.
  showErrors(form, verdict.errors ?? {}, true);
  if (!verdict.fields) {
    setStatus(form, '', false);
    return;
  }
  const button = form.querySelector('button[type="submit"]');
  if (button instanceof HTMLButtonElement) button.disabled = true;
  setStatus(form, 'Encrypting and sending…', false);
  try {
    const clinic = value(form, 'clinic');
    const sealed = await seal(target, clinic, utf8(JSON.stringify(verdict.fields)));
    const response = await fetch(target.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: 1, suite: ENQUIRY_SUITE, kid: target.kid, clinic, ...sealed, formToken: value(form, 'formToken'), website: value(form, 'website') }),
    });
    if (response.status === 202) return await thank(form, verdict.fields);
    const problem = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    // A token is good for one enquiry, and not before a person could have filled the form: after a spent, expired
    // or too-fast one the intake hands a fresh one back, so what the person typed can simply be sent again
    // (same submission id: a repeat is one enquiry at ingest).
    const fresh = response.headers.get('tacet-form-token'); // FRESH_TOKEN_HEADER (intake-contract.ts would bring zod's classic API in)
    const token = form.elements.namedItem('formToken');
    if (fresh && token instanceof HTMLInputElement) token.value = fresh;
    setStatus(form, problem.error?.message ?? 'Your enquiry could not be sent. Please try again.', true);
  } catch {
    setStatus(form, 'Your enquiry could not be sent. Please check your connection and try again.', true);
  }
  if (button instanceof HTMLButtonElement) button.disabled = false;
}

/** Check a field again as the person leaves it (after the first send), and keep the summary in step. */
function recheck(target: Target, event: Event): void {
  const name = (event.target as HTMLInputElement | null)?.name ?? '';
  if (!target.hasTried || !(FIELD_ORDER as readonly string[]).includes(name)) return;
  setFieldError(target.form, name, check(target).errors?.[name]);
  updateSummary(target.form);
}

function enhance(target: Target): void {
  target.form.noValidate = true;
  target.form.addEventListener('submit', (event) => void submit(target, event));
  target.form.addEventListener('focusout', (event) => recheck(target, event));
  target.form.addEventListener('change', (event) => recheck(target, event));
  // A form the server gave back with errors (it was sent once already): its summary links focus their field.
  target.hasTried = target.form.querySelector('.tacet-summary') !== null;
  wireSummaryLinks(target.form);
}

function field(form: HTMLFormElement, label: string, control: HTMLElement): void {
  const id = `tacet-${(control as HTMLInputElement).name}`;
  control.id = id;
  form.append(Object.assign(document.createElement('label'), { htmlFor: id, textContent: label }), control);
}

/** A checkbox in a row with its label, as on the hosted page. */
function checkbox(form: HTMLFormElement, label: string, control: HTMLInputElement): void {
  control.id = `tacet-${control.name}`;
  form.append(element('div', { className: 'tacet-check' }, control, element('label', { htmlFor: control.id, textContent: label })));
}

interface InputAttrs {
  type?: string;
  value?: string;
  required?: boolean;
  maxLength?: number;
  autocomplete?: AutoFill;
  tabIndex?: number;
}

function input(name: string, attrs: InputAttrs = {}): HTMLInputElement {
  const element = document.createElement('input');
  element.name = name;
  if (attrs.type) element.type = attrs.type;
  if (attrs.value !== undefined) element.value = attrs.value;
  if (attrs.required) element.required = true;
  if (attrs.maxLength) element.maxLength = attrs.maxLength;
  if (attrs.autocomplete) element.autocomplete = attrs.autocomplete;
  if (attrs.tabIndex !== undefined) element.tabIndex = attrs.tabIndex;
  return element;
}

interface PublicationResponse {
  organisation: string;
  clinics: { slug: string; name: string }[];
  activeKid: string;
  keys: { kid: string; publicKey: string }[];
  formToken: string;
  submissionId: string;
}

async function renderEmbed(script: HTMLScriptElement): Promise<void> {
  const origin = new URL(script.src).origin;
  const publication = (await (await fetch(`${origin}/v1/publication`)).json()) as PublicationResponse;
  const form = document.createElement('form');
  form.className = 'tacet-form';
  form.noValidate = true;
  form.append(input('formToken', { type: 'hidden', value: publication.formToken }), input('sid', { type: 'hidden', value: publication.submissionId }));
  const honeypot = Object.assign(document.createElement('div'), { className: 'tacet-hp' });
  honeypot.setAttribute('aria-hidden', 'true');
  honeypot.append(input('website', { tabIndex: -1, autocomplete: 'off' }));
  form.append(honeypot);
  const clinic = Object.assign(document.createElement('select'), { name: 'clinic', required: true });
  for (const c of publication.clinics) clinic.append(Object.assign(document.createElement('option'), { value: c.slug, textContent: c.name, selected: c.slug === script.dataset['tacetClinic'] }));
  field(form, 'Clinic', clinic);
  field(form, 'Full name', input('name', { required: true, maxLength: 200, autocomplete: 'name' }));
  field(form, 'Email', input('email', { type: 'email', required: true, maxLength: 254, autocomplete: 'email' }));
  field(form, 'Phone', input('phone', { type: 'tel', required: true, maxLength: 40, autocomplete: 'tel' }));
  field(form, 'Date of birth (optional)', input('dob', { type: 'date' }));
  field(form, 'Address (optional)', Object.assign(document.createElement('textarea'), { name: 'address', maxLength: 500, rows: 2 }));
  field(form, 'Procedure of interest', input('procedure', { required: true, maxLength: 100 }));
  field(form, 'Message (optional)', Object.assign(document.createElement('textarea'), { name: 'message', maxLength: 5000, rows: 5 }));
  checkbox(form, 'I agree that the clinic may contact me about this enquiry.', input('consent', { type: 'checkbox', required: true, value: 'yes' }));
  checkbox(form, 'E-mail me a confirmation with my reference', input('acknowledge', { type: 'checkbox', value: 'yes' }));
  const status = Object.assign(document.createElement('p'), { className: 'tacet-status' });
  status.setAttribute('role', 'status');
  form.append(status, Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Send enquiry' }));
  script.after(form);
  const publicKey = publication.keys.find((k) => k.kid === publication.activeKid)?.publicKey ?? '';
  enhance({ form, endpoint: `${origin}/v1/enquiries`, kid: publication.activeKid, publicKey, isEmbedded: true, hasTried: false });
}

function start(): void {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-tacet-enquiry]')) {
    enhance({ form, endpoint: '/v1/enquiries', kid: form.dataset['kid'] ?? '', publicKey: form.dataset['publicKey'] ?? '', isEmbedded: false, hasTried: false });
  }
  for (const script of document.querySelectorAll<HTMLScriptElement>('script[data-tacet-clinic]')) void renderEmbed(script);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
