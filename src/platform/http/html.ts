/** Minimal, escaping HTML templating for server-rendered pages (no inline script or style). */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** An HTML fragment that is already safe. */
export interface SafeHtml {
  readonly __html: string;
}

/** Escape text for HTML element content and attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (ch) => ESCAPES[ch] as string);
}

/** Tagged template that escapes every interpolation unless it is SafeHtml (or an array of them). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return { __html: out };
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  if (typeof value === 'object' && '__html' in value) return (value as SafeHtml).__html;
  return escapeHtml(String(value));
}

/** A whole page with the shared stylesheet and optional script (same-origin only). */
export function page(options: { title: string; stylesheet: string; script?: string; body: SafeHtml }): string {
  return `<!doctype html>${
    html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${options.title}</title><link rel="stylesheet" href="${options.stylesheet}">${
      options.script ? html`<script src="${options.script}" defer></script>` : ''
    }</head><body>${options.body}</body></html>`.__html
  }`;
}
