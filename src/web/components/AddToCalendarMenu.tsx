import { useEffect, useRef, useState } from 'preact/hooks';
import type { AddLink } from '../api.ts';

// The WAI-ARIA menu button pattern: Enter/Space/ArrowDown open and focus the first item, arrow
// keys move, Home/End jump, Escape closes and gives focus back to the button.

export function AddToCalendarMenu({ links, label = 'Add to calendar' }: { links: AddLink[]; label?: string }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLAnchorElement | null)[]>([]);
  const focusItem = (i: number) => items.current[(i + links.length) % links.length]?.focus();

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (!(e.target as Element).closest('.menu')) setOpen(false);
    };
    document.addEventListener('click', close);
    return () => document.removeEventListener('click', close);
  }, [open]);

  function openAndFocus(index: number) {
    setOpen(true);
    requestAnimationFrame(() => focusItem(index));
  }

  function onItemKey(e: KeyboardEvent, i: number) {
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: links.length - 1 };
    if (e.key in moves) {
      e.preventDefault();
      focusItem(moves[e.key]!);
    } else if (e.key === 'Escape' || e.key === 'Tab') {
      setOpen(false);
      if (e.key === 'Escape') button.current?.focus();
    }
  }

  return (
    <div class="menu">
      <button
        ref={button}
        type="button"
        class="button primary"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls="add-menu"
        onClick={() => (open ? setOpen(false) : openAndFocus(0))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            openAndFocus(e.key === 'ArrowDown' ? 0 : links.length - 1);
          }
        }}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      <ul id="add-menu" role="menu" aria-label={label} hidden={!open}>
        {links.map((link, i) => (
          <li role="none" key={link.target}>
            <a
              role="menuitem"
              tabIndex={-1}
              ref={(el) => {
                items.current[i] = el;
              }}
              href={link.goUrl}
              target={link.target === 'ics' ? undefined : '_blank'}
              rel="noopener"
              data-target={link.target}
              onKeyDown={(e) => onItemKey(e, i)}
              onClick={() => setOpen(false)}
            >
              {link.label}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
