import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useId, useRef, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import { marathonKey } from '../../data/clusterFeeds.js';
import { useConnection } from '../../data/consoleContext.js';
import { explainError, isLocked, marathonFailure, type MarathonFailure } from '../../model/marathonModel.js';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Dialog is the views' modal: it takes focus when it opens (the `data-autofocus` element, else the first field),
 * keeps Tab inside, closes on Escape or a click outside, and gives focus back to what had it. It renders into
 * document.body, so a dialog opened from a virtualised (transformed) row still covers the window.
 */
export function Dialog({ title, onClose, children, wide }: { title: string; onClose(): void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = ref.current;
    const first = el?.querySelector<HTMLElement>('[data-autofocus]') ?? el?.querySelector<HTMLElement>('input:not([disabled]), select, textarea') ?? el?.querySelector<HTMLElement>(FOCUSABLE);
    (first ?? el)?.focus();
    return () => {
      if (previous && document.contains(previous)) previous.focus();
    };
  }, []);
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    // Keys typed in a dialog are the dialog's: the page's shortcuts (g a, /, Ctrl+K) must not act under it.
    e.stopPropagation();
    if (e.key !== 'Tab' || !ref.current) return;
    const items = [...ref.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const firstItem = items[0] as HTMLElement;
    const lastItem = items[items.length - 1] as HTMLElement;
    if (e.shiftKey && document.activeElement === firstItem) {
      e.preventDefault();
      lastItem.focus();
    } else if (!e.shiftKey && document.activeElement === lastItem) {
      e.preventDefault();
      firstItem.focus();
    }
  };
  return createPortal(
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className={`dialog apps-dialog${wide ? ' wide' : ''}`} role="dialog" aria-modal="true" aria-labelledby={titleId} tabIndex={-1} onKeyDown={onKeyDown}>
        <h2 id={titleId}>{title}</h2>
        {children}
      </div>
    </div>,
    document.body,
  );
}

/** FailureView shows a failed call: Marathon's message and every validation detail (path and errors). */
export function FailureView({ failure, children }: { failure: MarathonFailure; children?: ReactNode }) {
  return (
    <div className="banner error apps-failure" role="alert">
      <div>
        {failure.status ? <span className="muted">HTTP {failure.status} · </span> : null}
        {failure.message}
      </div>
      {failure.details.length > 0 && (
        <ul data-testid="error-details">
          {failure.details.map((d, i) => (
            <li key={`${d.path}-${i}`}>
              <code>{d.path}</code>: {d.errors.length === 0 ? 'invalid' : d.errors.map((e, j) => {
                const words = explainError(d.path, e);
                return (
                  <span key={j}>
                    {j > 0 ? '; ' : ''}
                    {e}
                    {words ? <span className="muted"> ({words})</span> : null}
                  </span>
                );
              })}
            </li>
          ))}
        </ul>
      )}
      {failure.lockedBy.length > 0 && <div className="muted">Locked by deployment {failure.lockedBy.join(', ')}.</div>}
      {children}
    </div>
  );
}

interface ActionDialogProps<R> {
  title: string;
  /** confirmLabel is the confirm button's visible text. */
  confirmLabel: string;
  danger?: boolean;
  children?: ReactNode;
  /** canConfirm disables the confirm button while the dialog's input is not valid. */
  canConfirm?: boolean;
  /** run makes the call; `force` is true when the user chose to override a deployment lock. */
  run(force: boolean): Promise<R>;
  onDone?(result: R): void;
  onClose(): void;
  wide?: boolean;
}

/**
 * ActionDialog asks before a Marathon change and makes it: the confirm button runs it, Marathon's answer appears
 * in the dialog, and a 409 "locked by a deployment" offers "Force" (the same call with `?force=true`). Success
 * invalidates the connection's Marathon queries, so every view shows the change at once.
 */
export function ActionDialog<R>({ title, confirmLabel, danger, children, canConfirm = true, run, onDone, onClose, wide }: ActionDialogProps<R>) {
  const c = useConnection();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: (force: boolean) => run(force),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: marathonKey(c.id) });
      onDone?.(result);
      onClose();
    },
  });
  const failure = mutation.error ? marathonFailure(mutation.error) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (canConfirm && !mutation.isPending) mutation.mutate(false);
  };
  return (
    <Dialog title={title} onClose={onClose} wide={wide}>
      <form onSubmit={submit}>
        <div className="apps-dialog-body">{children}</div>
        {failure && (
          <FailureView failure={failure}>
            {isLocked(failure) && <div className="muted">Force cancels the running deployment and applies this change instead.</div>}
          </FailureView>
        )}
        <div className="actions apps-dialog-actions">
          <button type="button" onClick={onClose} data-autofocus={danger ? true : undefined}>
            Cancel
          </button>
          {failure && isLocked(failure) && (
            <button type="button" className="danger" disabled={mutation.isPending} onClick={() => mutation.mutate(true)}>
              Force
            </button>
          )}
          <button type="submit" className={danger ? 'primary apps-danger' : 'primary'} disabled={!canConfirm || mutation.isPending} aria-busy={mutation.isPending}>
            {confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
