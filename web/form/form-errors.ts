/**
 * Showing the shared schema's verdict in the form: an error beside each bad
 * field (tied to it with aria-invalid and aria-describedby) and a summary
 * at the top that links to each. The same markup the no-JS page renders
 * (src/intake/form-page.ts), so a form re-rendered by the server and one
 * checked in the browser behave alike.
 */

/** The fields that can carry an error, in the order the form shows them. */
export const FIELD_ORDER = ['clinic', 'name', 'email', 'phone', 'dob', 'address', 'procedure', 'message', 'consent'] as const;

function controlOf(form: HTMLFormElement, name: string): HTMLElement | null {
  const control = form.elements.namedItem(name);
  return control instanceof HTMLElement ? control : null;
}

/** Show or clear the error beside one field. */
export function setFieldError(form: HTMLFormElement, name: string, message: string | undefined): void {
  const control = controlOf(form, name);
  if (!control) return;
  const id = `${control.id}-error`;
  let error = form.querySelector<HTMLElement>(`[id="${id}"]`);
  if (!message) {
    control.removeAttribute('aria-invalid');
    control.removeAttribute('aria-describedby');
    error?.remove();
    return;
  }
  if (!error) {
    error = Object.assign(document.createElement('p'), { className: 'tacet-field-error', id });
    // A checkbox sits in a row with its label: the error goes under the row.
    (control.closest('.tacet-check') ?? control).after(error);
  }
  error.textContent = message;
  control.setAttribute('aria-invalid', 'true');
  control.setAttribute('aria-describedby', id);
}

/** Rebuild the summary from the errors shown beside the fields (removed when there are none). */
export function updateSummary(form: HTMLFormElement, extra: readonly string[] = []): void {
  const items: HTMLLIElement[] = [];
  for (const name of FIELD_ORDER) {
    const control = controlOf(form, name);
    const error = control && control.getAttribute('aria-invalid') === 'true' ? form.querySelector(`[id="${control.id}-error"]`) : null;
    if (!control || !error) continue;
    const link = Object.assign(document.createElement('a'), { href: `#${control.id}`, textContent: error.textContent ?? '' });
    link.addEventListener('click', (event) => {
      event.preventDefault();
      control.focus();
    });
    const item = document.createElement('li');
    item.append(link);
    items.push(item);
  }
  for (const message of extra) items.push(Object.assign(document.createElement('li'), { textContent: message }));
  let summary = form.querySelector<HTMLElement>('.tacet-summary');
  if (items.length === 0) {
    summary?.remove();
    return;
  }
  if (!summary) {
    summary = Object.assign(document.createElement('div'), { className: 'tacet-summary' });
    summary.setAttribute('role', 'alert');
    const title = Object.assign(document.createElement('h2'), { id: 'tacet-summary-title', textContent: 'Please check your details' });
    summary.setAttribute('aria-labelledby', title.id);
    summary.append(title, document.createElement('ul'));
    form.prepend(summary);
  }
  summary.querySelector('ul')?.replaceChildren(...items);
}

/** Show every field's verdict and the summary; with `isFocusing`, move the focus to the first bad field. */
export function showErrors(form: HTMLFormElement, errors: Readonly<Record<string, string>>, isFocusing: boolean): void {
  for (const name of FIELD_ORDER) setFieldError(form, name, errors[name]);
  const known: ReadonlySet<string> = new Set(FIELD_ORDER);
  updateSummary(
    form,
    Object.entries(errors).flatMap(([name, message]) => (known.has(name) ? [] : [message])),
  );
  if (isFocusing) FIELD_ORDER.map((name) => (errors[name] ? controlOf(form, name) : null)).find((control) => control !== null)?.focus();
}

/** Wire the summary links the server rendered (no-JS re-render) to focus their field. */
export function wireSummaryLinks(form: HTMLFormElement): void {
  for (const link of form.querySelectorAll<HTMLAnchorElement>('.tacet-summary a[href^="#"]')) {
    link.addEventListener('click', (event) => {
      const control = form.querySelector<HTMLElement>(`[id="${link.hash.slice(1)}"]`);
      if (!control) return;
      event.preventDefault();
      control.focus();
    });
  }
}
