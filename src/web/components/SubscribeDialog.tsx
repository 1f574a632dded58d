import { useEffect, useRef, useState } from 'preact/hooks';
import type { FeedLinks } from '../api.ts';
import { QrCode } from './QrCode.tsx';

// Subscribe to a feed: options in the order the server chose for this device, a copy button
// that always works, Google's "From URL" fallback, and a QR code for phones. A native <dialog>
// traps focus while open; focus returns to the opener when it closes.

export function SubscribeDialog({ name, links, onClose }: { name: string; links: FeedLinks; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const urlField = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    dialog.current?.showModal();
    return () => opener?.focus();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(links.httpsUrl);
    } catch {
      urlField.current?.select(); // no clipboard permission: select it for Ctrl+C
      document.execCommand?.('copy');
    }
    setCopied(true);
  }

  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="subscribe-title" onClose={onClose} onCancel={onClose}>
      <div class="dialog-head">
        <h2 id="subscribe-title">Subscribe to “{name}”</h2>
        <button type="button" class="icon" aria-label="Close" onClick={() => dialog.current?.close()}>
          ×
        </button>
      </div>
      <p class="muted">Your calendar app checks the feed for changes by itself; new and changed events appear there.</p>
      <ul class="options">
        {links.options.map((o) =>
          o.target === 'copy' ? (
            <li key={o.target} class="option copy-option">
              <label for="feed-url">{o.label}</label>
              <div class="copy-row">
                <input id="feed-url" ref={urlField} readOnly value={links.httpsUrl} onFocus={(e) => (e.target as HTMLInputElement).select()} />
                <button type="button" class="button" onClick={copy}>
                  {copied ? 'Copied' : 'Copy'}
                </button>
              </div>
              {o.instructions && <p class="muted small">{o.instructions}</p>}
              {o.settingsUrl && (
                <a href={o.settingsUrl} target="_blank" rel="noopener" class="small">
                  Open Google Calendar’s “From URL” settings
                </a>
              )}
              <p class="visually-hidden" aria-live="polite">
                {copied ? 'Feed URL copied' : ''}
              </p>
            </li>
          ) : (
            <li key={o.target} class="option">
              <a class="button wide" href={o.url} data-target={o.target} target={o.target === 'webcal' ? undefined : '_blank'} rel="noopener">
                {o.label}
              </a>
              {o.instructions && <p class="muted small">{o.instructions}</p>}
            </li>
          ),
        )}
      </ul>
      <figure class="qr-figure">
        <QrCode text={links.webcalUrl} label={`QR code of the feed address ${links.webcalUrl}`} />
        <figcaption class="muted small">On a phone: scan to subscribe.</figcaption>
      </figure>
    </dialog>
  );
}
