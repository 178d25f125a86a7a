/**
 * An enquiry's channel: the one thing about where it came from that is kept
 * in the clear, for counts-only reports. The utm_source the form saw
 * (lowercased, letters, digits, `.`, `_`, `-`, at most 40), else the
 * referrer's host name without `www.`, else `direct`. Campaign, term,
 * content, the full referrer and the embedding page stay in the sealed
 * envelope (ADR 0019): a referrer's path or query can carry personal data.
 */
import type { EnquiryFields } from '../../intake/enquiry-fields.js';

const CODE = /^[a-z0-9._-]{1,40}$/;

/** The channel of an enquiry's origin. */
export function channelOf(origin: EnquiryFields['origin']): string {
  const source = origin?.utmSource?.trim().toLowerCase();
  if (source && CODE.test(source)) return source;
  if (origin?.referrer && URL.canParse(origin.referrer)) {
    const url = new URL(origin.referrer);
    const host = url.hostname.toLowerCase().replace(/^www\./, '');
    if ((url.protocol === 'https:' || url.protocol === 'http:') && CODE.test(host)) return host;
  }
  return 'direct';
}
