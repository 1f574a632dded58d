import { useEffect, useRef, useState } from 'preact/hooks';
import type { AddLink } from '../api.ts';

// The WAI-ARIA menu button pattern: Enter/Space/ArrowDown open and focus the first item, arrow
// keys move, Home/End jump, Escape closes and gives focus back to the button. With a push
// connection, the first item is the one-click "Google (kept in sync)" action.

export interface MenuAction {
  label: string;
  onSelect: () => void;
}

export function AddToCalendarMenu({ links, label = 'Add to calendar', action }: { links: AddLink[]; label?: string; action?: MenuAction | null }) {
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const items = useRef<(HTMLElement | null)[]>([]);
  const count = links.length + (action ? 1 : 0);
  const offset = action ? 1 : 0;
  const focusItem = (i: number) => items.current[(i + count) % count]?.focus();

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
    const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: count - 1 };
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
            openAndFocus(e.key === 'ArrowDown' ? 0 : count - 1);
          }
        }}
      >
        {label} <span aria-hidden="true">▾</span>
      </button>
      <ul id="add-menu" role="menu" aria-label={label} hidden={!open}>
        {action && (
          <li role="none">
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              class="menu-action"
              ref={(el) => {
                items.current[0] = el;
              }}
              onKeyDown={(e) => onItemKey(e, 0)}
              onClick={() => (setOpen(false), action.onSelect())}
            >
              {action.label}
            </button>
          </li>
        )}
        {links.map((link, j) => {
          const i = j + offset;
          return (
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
              {/* A series: what this calendar keeps of it, so nobody adds one date thinking it is all. */}
              {link.note && <span class="menu-note"> ({link.note})</span>}
            </a>
          </li>
          );
        })}
      </ul>
    </div>
  );
}
