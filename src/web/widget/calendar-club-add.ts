// <calendar-club-add event="ID or slug"> — an "Add to calendar" button for any page on any site.
// Framework-free; styles live in its Shadow DOM so the host page cannot break it (and it cannot
// break the host page). It talks to the server it was loaded from (or `api-base`).

interface AddLink {
  target: string;
  label: string;
  /** A series: what this calendar keeps of it ("first date only"). */
  note?: string;
  goUrl: string;
}
interface LinksResponse {
  event: { id: string; title: string; status: string };
  add: AddLink[];
}

const scriptOrigin = (() => {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  return src ? new URL(src).origin : location.origin;
})();

const STYLE = `
:host { display: inline-block; position: relative; font: 15px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1b1b22; }
button { font: inherit; cursor: pointer; border-radius: 10px; border: 1px solid #3346d3; background: #3346d3; color: #fff; padding: 0.5rem 0.9rem; min-height: 44px; }
button:focus-visible, a:focus-visible { outline: 3px solid #8fa0ff; outline-offset: 2px; }
ul { position: absolute; z-index: 2147483000; top: calc(100% + 4px); left: 0; min-width: 15rem; margin: 0; padding: 0.3rem; list-style: none; background: #fff; border: 1px solid #e2e2ea; border-radius: 12px; box-shadow: 0 8px 24px rgb(0 0 0 / 0.15); }
ul[hidden] { display: none; }
a { display: flex; align-items: center; box-sizing: border-box; min-height: 44px; padding: 0.55rem 0.7rem; border-radius: 8px; color: #1b1b22; text-decoration: none; }
a:hover, a:focus { background: #f1f1f7; }
.note { color: #5d5d6b; }
`;

class CalendarClubAdd extends HTMLElement {
  static observedAttributes = ['event', 'api-base'];
  readonly #root = this.attachShadow({ mode: 'open' });
  #links: AddLink[] = [];
  #close: () => void = () => {};
  readonly #onDocumentClick = (e: MouseEvent) => {
    if (!e.composedPath().includes(this)) this.#close();
  };

  connectedCallback(): void {
    document.addEventListener('click', this.#onDocumentClick);
    void this.#load();
  }

  disconnectedCallback(): void {
    document.removeEventListener('click', this.#onDocumentClick);
  }

  attributeChangedCallback(): void {
    if (this.isConnected) void this.#load();
  }

  get #base(): string {
    return (this.getAttribute('api-base') ?? scriptOrigin).replace(/\/+$/, '');
  }

  async #load(): Promise<void> {
    const id = this.getAttribute('event');
    if (!id) return this.#note('Set the event attribute to an event id.');
    this.#note('Loading…');
    try {
      const response = await fetch(`${this.#base}/api/v1/events/${encodeURIComponent(id)}/links`, { credentials: 'omit' });
      if (response.status === 404) return this.#note('This event does not exist.');
      if (!response.ok) throw new Error(String(response.status));
      const data = (await response.json()) as LinksResponse;
      if (data.event.status === 'cancelled') return this.#note('Event cancelled');
      this.#links = data.add.map((l) => ({ ...l, goUrl: new URL(l.goUrl, this.#base).href }));
      this.#render(data.event.title);
    } catch {
      this.#note('Calendar links are unavailable right now.');
    }
  }

  #note(text: string): void {
    const p = document.createElement('span');
    p.className = 'note';
    p.setAttribute('role', 'status');
    p.textContent = text;
    this.#root.replaceChildren(this.#style(), p);
  }

  #style(): HTMLStyleElement {
    const style = document.createElement('style');
    style.textContent = STYLE;
    return style;
  }

  #render(title: string): void {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Add to calendar ▾';
    button.setAttribute('aria-haspopup', 'menu');
    button.setAttribute('aria-expanded', 'false');
    // The name starts with the visible words, so voice control (“click Add to calendar”) finds it.
    button.setAttribute('aria-label', `Add to calendar: “${title}”`);
    const menu = document.createElement('ul');
    menu.setAttribute('role', 'menu');
    menu.hidden = true;
    const items = this.#links.map((link) => {
      const li = document.createElement('li');
      li.setAttribute('role', 'none');
      const a = document.createElement('a');
      a.setAttribute('role', 'menuitem');
      a.tabIndex = -1;
      a.href = link.goUrl;
      a.target = '_blank';
      a.rel = 'noopener';
      a.dataset.target = link.target;
      a.textContent = link.note ? `${link.label} (${link.note})` : link.label;
      li.append(a);
      menu.append(li);
      return a;
    });
    const setOpen = (open: boolean, focus?: number) => {
      menu.hidden = !open;
      button.setAttribute('aria-expanded', String(open));
      if (open && focus !== undefined) items[(focus + items.length) % items.length]?.focus();
    };
    button.addEventListener('click', () => setOpen(menu.hidden, 0));
    button.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setOpen(true, e.key === 'ArrowDown' ? 0 : items.length - 1);
      }
    });
    menu.addEventListener('keydown', (e) => {
      const i = items.indexOf(this.#root.activeElement as HTMLAnchorElement);
      const moves: Record<string, number> = { ArrowDown: i + 1, ArrowUp: i - 1, Home: 0, End: items.length - 1 };
      if (e.key in moves) {
        e.preventDefault();
        items[(moves[e.key]! + items.length) % items.length]?.focus();
      } else if (e.key === 'Escape') {
        setOpen(false);
        button.focus();
      }
    });
    menu.addEventListener('click', () => setOpen(false));
    this.#close = () => setOpen(false);
    this.#root.replaceChildren(this.#style(), button, menu);
  }
}

if (!customElements.get('calendar-club-add')) customElements.define('calendar-club-add', CalendarClubAdd);
