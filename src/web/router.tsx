import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';

// A small pathname router: links marked with `Link` navigate without a reload; the server
// answers every page path with the same index.html.

const listeners = new Set<() => void>();

export function navigate(to: string, options: { keepScroll?: boolean } = {}): void {
  history.pushState(null, '', to);
  listeners.forEach((l) => l());
  if (!options.keepScroll) window.scrollTo(0, 0);
}

/** The query string as it is now; re-renders on navigation and on back/forward. */
export function useSearch(): URLSearchParams {
  const [search, setSearch] = useState(location.search);
  useEffect(() => {
    const update = () => setSearch(location.search);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return new URLSearchParams(search);
}

export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export function Link(props: { href: string; class?: string; children: ComponentChildren; 'aria-current'?: 'page' }) {
  return (
    <a
      href={props.href}
      class={props.class}
      aria-current={props['aria-current']}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(props.href);
      }}
    >
      {props.children}
    </a>
  );
}
