import { useEffect, useRef } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

// Asks before something that cannot be taken back (a new feed address, turning the feed off,
// disconnecting a calendar) and says what will happen. A native <dialog> in the page: focus is
// trapped while open and Escape cancels.

export function ConfirmDialog(props: { title: string; confirmLabel: string; danger?: boolean; onConfirm: () => void; onCancel: () => void; children: ComponentChildren }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => opener?.focus();
  }, []);
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="confirm-title" onCancel={props.onCancel}>
      <h2 id="confirm-title">{props.title}</h2>
      <div class="confirm-body">{props.children}</div>
      <div class="actions">
        <button type="button" class={`button${props.danger ? ' danger' : ' primary'}`} onClick={props.onConfirm}>
          {props.confirmLabel}
        </button>
        <button type="button" class="button" autoFocus onClick={props.onCancel}>
          Keep it as it is
        </button>
      </div>
    </dialog>
  );
}
