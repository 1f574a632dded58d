// Typed calls to the service's own API (same origin; the session cookie rides along).

export interface EventJson {
  id: string;
  slug: string;
  uid: string;
  title: string;
  description: string | null;
  location: string | null;
  url: string | null;
  categories: string[];
  start: string;
  end: string;
  timezone: string;
  allDay: boolean;
  /** A series' rule (RFC 5545 RECUR, no `RRULE:`); null for a one-off event. */
  rrule: string | null;
  /** A series' next occurrence that has not ended and is not cancelled. */
  next: { occurrence: string; start: string; end: string; startsAt: string; endsAt: string } | null;
  status: 'confirmed' | 'tentative' | 'cancelled';
  sequence: number;
  createdAt: string;
  updatedAt: string;
  cancelledAt: string | null;
  /** The organizer's note to attendees when cancelling. */
  cancelNote: string | null;
  startsAt: string;
  endsAt: string;
  icsUrl: string;
  pageUrl: string;
}

export interface SubscribeOption {
  target: string;
  label: string;
  url: string;
  instructions?: string;
  settingsUrl?: string;
}

export interface FeedLinks {
  httpsUrl: string;
  webcalUrl: string;
  options: SubscribeOption[];
}

export interface FeedJson {
  key: string;
  name: string;
  links: FeedLinks;
}

export interface AddLink {
  target: string;
  label: string;
  url: string;
  goUrl: string;
  /** A series: what this calendar keeps of it ("every date", "first date only"). */
  note?: string;
}

/** One date of a series (GET /api/v1/events/{id}/occurrences). */
export interface OccurrenceJson {
  occurrence: string;
  start: string;
  end: string;
  startsAt: string;
  endsAt: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  overridden: boolean;
  title: string;
  description: string | null;
  location: string | null;
}

export interface MeJson {
  savedEventIds: string[];
  personalFeed: { active: boolean; createdAt: string | null };
  feedHealth: { client: string; label: string; pollNote: string; lastFetchAt: string; lastStatus: number; fetchCount: number }[];
}

export interface ConnectionJson {
  id: string;
  kind: string;
  /** What the person calls it: Google, Fastmail, iCloud, Nextcloud… */
  service: string;
  mode: string;
  status: string;
  statusReason: string | null;
  account: string | null;
  targetCalendar: { id: string; name: string } | null;
  permissions: string;
  reconnectUrl: string | null;
  /** Only in the answer to a CalDAV connect: the account was already connected from another browser. */
  joinedOtherDevice?: boolean;
}

export interface Problem {
  title: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
}

export class ApiError extends Error {
  readonly problem: Problem;
  constructor(problem: Problem) {
    super(problem.detail ?? problem.title);
    this.problem = problem;
  }
}

export async function api<T>(path: string, init: RequestInit & { token?: string | null } = {}): Promise<T> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  const response = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  if (response.status === 204) return undefined as T;
  const body = await response.json().catch(() => ({ title: response.statusText, status: response.status }));
  if (!response.ok) throw new ApiError(body as Problem);
  return body as T;
}

export const json = (value: unknown) => JSON.stringify(value);
