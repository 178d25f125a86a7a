/** Response shapes of the consent API (consent.routes.ts). */
import { z } from 'zod';
import type { FormView } from './consent.service.js';

/** A consent form version (an organisation document: no personal data). */
export const ConsentForm = z.object({ id: z.string(), kind: z.string(), procedureKey: z.string(), version: z.number(), title: z.string(), body: z.string(), bodyHash: z.string(), createdAt: z.string() });
export type ConsentForm = z.infer<typeof ConsentForm>;

export const ConsentFormList = z.object({ forms: z.array(ConsentForm) });
export type ConsentFormList = z.infer<typeof ConsentFormList>;

export const ConsentSigned = z.object({ id: z.string(), signedAt: z.string() });
export type ConsentSigned = z.infer<typeof ConsentSigned>;

export const ScopeWithdrawn = z.object({ status: z.literal('withdrawn') });
export type ScopeWithdrawn = z.infer<typeof ScopeWithdrawn>;

/** A new signing link: the token (shown once) and the path that carries it after '#'. */
export const SigningLink = z.object({ token: z.string(), expiresAt: z.string(), path: z.string() });
export type SigningLink = z.infer<typeof SigningLink>;

/** What the holder of a signing link sees: the document, not the patient. */
export const LinkForm = z.object({ title: z.string(), body: z.string(), kind: z.string(), version: z.number(), bodyHash: z.string() });
export type LinkForm = z.infer<typeof LinkForm>;

export const LinkSigned = z.object({ signedAt: z.string() });
export type LinkSigned = z.infer<typeof LinkSigned>;

export function presentSigningLink(link: { token: string; expiresAt: string }): SigningLink {
  // The token goes after '#': browsers never send the fragment to the server, so it stays out of logs.
  return { ...link, path: `/sign#${link.token}` };
}

export function presentLinkForm(form: FormView): LinkForm {
  return { title: form.title, body: form.body, kind: form.kind, version: form.version, bodyHash: form.bodyHash };
}
