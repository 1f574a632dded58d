import { useState } from 'preact/hooks';
import type { EventJson } from '../api.ts';
import { ConfirmDialog } from './ConfirmDialog.tsx';

// Asks in the page before cancelling (never window.confirm), says what will happen, and takes
// an optional note to attendees that the event page shows.

export function CancelDialog({ event, onConfirm, onClose }: { event: EventJson; onConfirm: (note: string) => void; onClose: () => void }) {
  const [note, setNote] = useState('');
  return (
    <ConfirmDialog title={`Cancel “${event.title}”?`} confirmLabel="Cancel the event" danger onConfirm={() => onConfirm(note.trim())} onCancel={onClose}>
      <p>Everyone who subscribed or saved it sees it as cancelled, and copies in connected calendars are removed. You can restore it afterwards.</p>
      <div class="field">
        <label for="cancel-note">Note to attendees (optional)</label>
        <textarea id="cancel-note" rows={3} maxLength={1000} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} aria-describedby="cancel-note-hint" />
        <p class="muted" id="cancel-note-hint">
          Shown on the event page, e.g. “Moved to next month because of the weather.”
        </p>
      </div>
    </ConfirmDialog>
  );
}
