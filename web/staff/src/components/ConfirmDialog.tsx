/**
 * Asking before a destructive one-click action: a modal <dialog> that names
 * what will happen, with Cancel focused first (Enter or Escape never does the
 * harm by accident) and focus returned to the button that asked.
 *
 *   const { confirm, dialog } = useConfirm();
 *   if (await confirm({ title: 'Disable Nia?', message: '…', action: 'Disable Nia' })) …
 *   ask({ title, message, action }, () => doIt());   // the same, as a one-liner
 *   return <>{dialog}…</>;
 */
import { type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';

export interface ConfirmRequest {
  /** The question, as the dialog's heading ("Disable Nia Nurse?"). */
  readonly title: string;
  /** What will happen, in full ("Their sessions end at once; …"). */
  readonly message: ReactNode;
  /** The confirming button's words: the act itself ("Disable Nia Nurse"), never "OK". */
  readonly action: string;
}

export function useConfirm(): { confirm: (request: ConfirmRequest) => Promise<boolean>; ask: (request: ConfirmRequest, work: () => unknown) => void; dialog: ReactNode } {
  const [request, setRequest] = useState<ConfirmRequest>();
  const resolver = useRef<(confirmed: boolean) => void>(undefined);
  const opener = useRef<HTMLElement | null>(null);
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const titleId = useId();
  const messageId = useId();

  const confirm = useCallback((next: ConfirmRequest) => {
    opener.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setRequest(next);
    return new Promise<boolean>((resolve) => {
      resolver.current = resolve;
    });
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    if (!request || !dialog || dialog.open) return;
    dialog.showModal();
    cancelRef.current?.focus();
  }, [request]);

  const settle = (confirmed: boolean) => {
    ref.current?.close();
    setRequest(undefined);
    resolver.current?.(confirmed);
    resolver.current = undefined;
    // Back to the button that asked (if it is still on the page).
    if (opener.current?.isConnected) opener.current.focus();
  };

  const dialog = request ? (
    <dialog
      ref={ref}
      className="confirm"
      aria-labelledby={titleId}
      aria-describedby={messageId}
      onCancel={(event) => {
        event.preventDefault();
        settle(false);
      }}
    >
      <h2 id={titleId}>{request.title}</h2>
      <div id={messageId}>{typeof request.message === 'string' ? <p>{request.message}</p> : request.message}</div>
      <div className="row">
        <button ref={cancelRef} type="button" className="secondary" onClick={() => settle(false)}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={() => settle(true)}>
          {request.action}
        </button>
      </div>
    </dialog>
  ) : null;
  /** Ask, and do `work` only once confirmed. */
  const ask = (request: ConfirmRequest, work: () => unknown) => void confirm(request).then((yes) => {
    if (yes) void work();
  });
  return { confirm, ask, dialog };
}
