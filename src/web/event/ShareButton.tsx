import { useState } from 'preact/hooks';

// Web Share where the browser has it (phones: the system share sheet); elsewhere the link is
// copied, and the button says so.

export function ShareButton({ title, url }: { title: string; url: string }) {
  const [copied, setCopied] = useState(false);
  const canShare = typeof navigator.share === 'function';

  async function share() {
    if (canShare) {
      // A dismissed share sheet rejects; that is the person's choice, not an error.
      await navigator.share({ title, url }).catch(() => undefined);
      return;
    }
    try {
      await navigator.clipboard.writeText(url);
      setCopied(true);
    } catch {
      window.prompt('Copy this link', url);
    }
  }

  return (
    <button type="button" class="button" onClick={() => void share()}>
      {canShare ? 'Share' : copied ? 'Link copied' : 'Copy link'}
    </button>
  );
}
