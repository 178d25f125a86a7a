/** Server-rendered staff pages for enquiries (the React staff UI replaces these in the identity issue). */
import { html, page, type SafeHtml } from '../../platform/http/html.js';
import type { EnquiryDetail, EnquirySummary } from '../door/personal-data-door.js';
import { reference } from './enquiry.presenter.js';

const STATUSES = ['new', 'contacted', 'booked', 'closed'] as const;

function layout(title: string, body: SafeHtml, signedIn = true): string {
  return page({
    title: `${title} — Tacet`,
    stylesheet: '/staff.css',
    body: html`<header class="bar"><strong>Tacet</strong>${signedIn ? html`<form method="post" action="/logout"><button type="submit">Sign out</button></form>` : ''}</header><main>${body}</main>`,
  });
}

/** Sign-in page. */
export function loginPage(error?: string): string {
  return layout(
    'Sign in',
    html`<h1>Sign in</h1>${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<form method="post" action="/login" class="stack">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
    false,
  );
}

/** Enquiry list with clinic and status filters. */
export function enquiryListPage(options: { rows: EnquirySummary[]; clinics: { id: string; slug: string; name: string }[]; clinicId?: string; status?: string }): string {
  return layout(
    'Enquiries',
    html`<h1>Enquiries</h1>
<form method="get" action="/enquiries" class="filters">
<label for="clinic">Clinic</label><select id="clinic" name="clinic"><option value="">All clinics</option>${options.clinics.map(
      (c) => html`<option value="${c.id}"${c.id === options.clinicId ? html` selected` : ''}>${c.name}</option>`,
    )}</select>
<label for="status">Status</label><select id="status" name="status"><option value="">Any status</option>${STATUSES.map((s) => html`<option value="${s}"${s === options.status ? html` selected` : ''}>${s}</option>`)}</select>
<button type="submit">Filter</button></form>
<p class="hint">Opening an enquiry is recorded in the audit log.</p>
<table><thead><tr><th>Reference</th><th>Received (UTC)</th><th>Clinic</th><th>Status</th><th>Via</th></tr></thead><tbody>${
      options.rows.length === 0
        ? html`<tr><td colspan="5">No enquiries.</td></tr>`
        : options.rows.map(
            (r) => html`<tr><td><a href="/enquiries/${r.id}">${reference(r.id)}</a></td><td>${r.receivedAt.replace('T', ' ').slice(0, 16)}</td><td>${r.clinic.name}</td><td>${r.status}</td><td>${r.source === 'js' ? 'web form' : 'web form (no JS)'}</td></tr>`,
          )
    }</tbody></table>`,
  );
}

/** One opened enquiry. */
export function enquiryDetailPage(detail: EnquiryDetail): string {
  const row = (label: string, value: string | undefined) => html`<dt>${label}</dt><dd>${value ?? '—'}</dd>`;
  return layout(
    reference(detail.id),
    html`<p><a href="/enquiries">← All enquiries</a></p><h1>${reference(detail.id)}</h1>
<dl class="detail">${row('Name', detail.contact.name)}${row('Email', detail.contact.email)}${row('Phone', detail.contact.phone)}${row('Date of birth', detail.contact.dob)}${row('Address', detail.contact.address)}${row(
      'Clinic',
      detail.clinic.name,
    )}${row('Procedure of interest', detail.body.procedure)}${row('Message', detail.body.message)}${row('Contact consent', detail.body.consent ? 'Yes' : 'No')}${row('Received (UTC)', detail.receivedAt)}${row('Status', detail.status)}</dl>`,
  );
}

/** A plain message page (sealed vault, not found). */
export function messagePage(title: string, message: string): string {
  return layout(title, html`<h1>${title}</h1><p>${message}</p><p><a href="/enquiries">Back to enquiries</a></p>`);
}
