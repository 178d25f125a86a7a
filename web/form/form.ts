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
import { ENQUIRY_HPKE_INFO, ENQUIRY_SUITE, enquiryAad } from '../../src/crypto/enquiry-suite.js';

interface Target {
  readonly form: HTMLFormElement;
  readonly endpoint: string;
  readonly kid: string;
  readonly publicKey: string;
}

const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

function value(form: HTMLFormElement, name: string): string {
  const field = form.elements.namedItem(name);
  return field instanceof HTMLInputElement || field instanceof HTMLTextAreaElement || field instanceof HTMLSelectElement ? field.value : '';
}

function setStatus(form: HTMLFormElement, message: string, isError: boolean): void {
  const status = form.querySelector('.tacet-status');
  if (status) {
    status.textContent = message;
    status.classList.toggle('tacet-error', isError);
  }
}

async function seal(target: Target, clinic: string, body: Uint8Array): Promise<{ enc: string; ct: string }> {
  const recipientPublicKey = await suite.kem.importKey('raw', Uint8Array.from(fromBase64Url(target.publicKey)).buffer, true);
  const sealed = await suite.seal({ recipientPublicKey, info: utf8(ENQUIRY_HPKE_INFO) }, body, utf8(enquiryAad(clinic, target.kid)));
  return { enc: toBase64Url(new Uint8Array(sealed.enc)), ct: toBase64Url(new Uint8Array(sealed.ct)) };
}

async function submit(target: Target, event: SubmitEvent): Promise<void> {
  event.preventDefault();
  const { form } = target;
  if (!form.reportValidity()) return;
  const button = form.querySelector('button[type="submit"]');
  if (button instanceof HTMLButtonElement) button.disabled = true;
  setStatus(form, 'Encrypting and sending…', false);
  try {
    const clinic = value(form, 'clinic');
    const consent = form.elements.namedItem('consent');
    const fields = {
      sid: value(form, 'sid'),
      name: value(form, 'name'),
      email: value(form, 'email'),
      phone: value(form, 'phone'),
      ...(value(form, 'dob') ? { dob: value(form, 'dob') } : {}),
      ...(value(form, 'address') ? { address: value(form, 'address') } : {}),
      procedure: value(form, 'procedure'),
      message: value(form, 'message'),
      consent: consent instanceof HTMLInputElement && consent.checked,
    };
    const sealed = await seal(target, clinic, utf8(JSON.stringify(fields)));
    const response = await fetch(target.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ v: 1, suite: ENQUIRY_SUITE, kid: target.kid, clinic, ...sealed, formToken: value(form, 'formToken'), website: value(form, 'website') }),
    });
    if (response.status === 202) {
      form.reset();
      form.replaceChildren(Object.assign(document.createElement('p'), { className: 'tacet-done', textContent: 'Thank you. Your enquiry has been sent securely and the clinic team will be in touch.' }));
      return;
    }
    const problem = (await response.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    // A token is good for one enquiry: after a spent or expired one the intake hands a fresh one back, so what
    // the person typed can simply be sent again (same submission id: a repeat is one enquiry at ingest).
    const fresh = response.headers.get('tacet-form-token');
    const token = form.elements.namedItem('formToken');
    if (fresh && token instanceof HTMLInputElement) token.value = fresh;
    setStatus(form, problem.error?.message ?? 'Your enquiry could not be sent. Please try again.', true);
  } catch {
    setStatus(form, 'Your enquiry could not be sent. Please check your connection and try again.', true);
  }
  if (button instanceof HTMLButtonElement) button.disabled = false;
}

function field(form: HTMLFormElement, label: string, control: HTMLElement): void {
  const id = `tacet-${(control as HTMLInputElement).name}`;
  control.id = id;
  form.append(Object.assign(document.createElement('label'), { htmlFor: id, textContent: label }), control);
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
  field(form, 'Message', Object.assign(document.createElement('textarea'), { name: 'message', maxLength: 5000, rows: 5 }));
  const consent = input('consent', { type: 'checkbox', required: true, value: 'yes' });
  field(form, 'I agree that the clinic may contact me about this enquiry.', consent);
  const status = Object.assign(document.createElement('p'), { className: 'tacet-status' });
  status.setAttribute('role', 'status');
  form.append(status, Object.assign(document.createElement('button'), { type: 'submit', textContent: 'Send enquiry' }));
  script.after(form);
  const target: Target = { form, endpoint: `${origin}/v1/enquiries`, kid: publication.activeKid, publicKey: publication.keys.find((k) => k.kid === publication.activeKid)?.publicKey ?? '' };
  form.addEventListener('submit', (event) => void submit(target, event));
}

function start(): void {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-tacet-enquiry]')) {
    const target: Target = { form, endpoint: '/v1/enquiries', kid: form.dataset['kid'] ?? '', publicKey: form.dataset['publicKey'] ?? '' };
    form.addEventListener('submit', (event) => void submit(target, event));
  }
  for (const script of document.querySelectorAll<HTMLScriptElement>('script[data-tacet-clinic]')) void renderEmbed(script);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
