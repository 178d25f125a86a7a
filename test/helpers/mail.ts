/** Reading a received message as its reader would: headers unfolded, the text part decoded (7bit, quoted-printable or base64). */

/** The message's headers (unfolded) and its decoded text. Throws for a multipart or an unknown encoding, so a search cannot pass on text it never decoded. */
export function decodedMail(raw: string): { headers: string; subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(headers)?.[1]?.trim() ?? '';
  if (/multipart/i.test(header('Content-Type'))) throw new Error('multipart message: not expected');
  const encoding = header('Content-Transfer-Encoding').toLowerCase() || '7bit';
  let text: string;
  if (encoding === '7bit' || encoding === '8bit') text = body;
  else if (encoding === 'quoted-printable') text = Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
  else if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else throw new Error(`unknown transfer encoding ${encoding}`);
  // An encoded-word subject (=?UTF-8?Q?...?= or ?B?) decoded; a plain one as it is.
  const subject = header('Subject').replace(/=\?utf-8\?([qb])\?([^?]*)\?=\s*/gi, (_m, kind: string, data: string) =>
    kind.toLowerCase() === 'b' ? Buffer.from(data, 'base64').toString('utf8') : Buffer.from(data.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8'),
  );
  return { headers, subject, text: text.replace(/\r\n/g, '\n') };
}
