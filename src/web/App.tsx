import { HomePage } from './pages/HomePage.tsx';
import { EventPage } from './pages/EventPage.tsx';
import { MePage } from './pages/MePage.tsx';
import { OrganizerPage } from './pages/OrganizerPage.tsx';
import { Link, usePath } from './router.tsx';
import { NotFound } from './components/PageState.tsx';

export function App() {
  const path = usePath();
  const eventMatch = /^\/events\/([^/]+)$/.exec(path);
  const page = eventMatch ? (
    <EventPage idOrSlug={decodeURIComponent(eventMatch[1]!)} key={eventMatch[1]} />
  ) : path === '/me' ? (
    <MePage />
  ) : path.startsWith('/organizer') ? (
    <OrganizerPage />
  ) : path === '/' ? (
    <HomePage />
  ) : (
    <NotFound />
  );
  const current = (href: string) => ((href === '/' ? path === '/' : path.startsWith(href)) ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="site-header">
        <Link href="/" class="brand">
          <span aria-hidden="true">📅</span> Calendar Club
        </Link>
        <nav aria-label="Main">
          <Link href="/" aria-current={current('/')}>
            Events
          </Link>
          <Link href="/me" aria-current={current('/me')}>
            My events
          </Link>
          <Link href="/organizer" aria-current={current('/organizer')}>
            Organizer
          </Link>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
    </>
  );
}
