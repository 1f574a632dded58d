// Row types as Kysely sees them. Instants are epoch milliseconds in BIGINT columns (both
// engines); booleans are 0/1 integers so that one set of migrations fits SQLite and PostgreSQL.

export interface EventsTable {
  id: string;
  slug: string;
  uid: string;
  title: string;
  description: string | null;
  location: string | null;
  url: string | null;
  categories_json: string;
  start_local: string;
  end_local: string;
  timezone: string;
  all_day: number;
  status: string;
  sequence: number;
  start_utc: number;
  end_utc: number;
  created_at: number;
  updated_at: number;
  cancelled_at: number | null;
  /** The organizer's note to attendees when cancelling (0011). */
  cancel_note: string | null;
  /** RECUR text of a series (0013); null for a one-off event. */
  rrule: string | null;
  /** End of the last occurrence; end_utc for a one-off event (0013). */
  range_end_utc: number | null;
}

/** A changed or cancelled occurrence of a series (0013), named by its original local start. */
export interface EventOccurrencesTable {
  event_id: string;
  occurrence: string;
  cancelled: number;
  changes_json: string;
  sequence: number;
  updated_at: number;
}

export interface CategoriesTable {
  slug: string;
  name: string;
}

export interface EventCategoriesTable {
  event_id: string;
  category_slug: string;
}

/** One row per feed ('all', 'category:<slug>'): bumped in the same transaction as any change to it. */
export interface FeedVersionsTable {
  feed_key: string;
  revision: number;
  changed_at: number;
}

export interface VisitorsTable {
  id: string;
  created_at: number;
  feed_token_hash: string | null;
  feed_token_created_at: number | null;
  feed_token_sealed: string | null;
  /** The visitor's last write; an idle visitor holding nothing is removed (worker/housekeeping.ts). */
  active_at: number;
}

export interface SavedEventsTable {
  visitor_id: string;
  event_id: string;
  saved_at: number;
}

export interface FeedClientsTable {
  visitor_id: string;
  client: string;
  last_fetch_at: number;
  last_status: number;
  fetch_count: number;
}

export interface EventChangesTable {
  event_id: string;
  at: number;
  sequence: number;
  changed_json: string;
}

export interface ConnectionsTable {
  id: string;
  visitor_id: string;
  kind: string;
  mode: string;
  status: string;
  status_reason: string | null;
  account: string | null;
  server_url: string | null;
  target_calendar_id: string | null;
  target_calendar_name: string | null;
  scope: string | null;
  secrets_sealed: string | null;
  access_expires_at: number | null;
  refresh_lease_owner: string | null;
  refresh_lease_until: number | null;
  /** JSON array of the calendar ids that count for busy times; null: every calendar the person owns. */
  busy_calendar_ids: string | null;
  created_at: number;
  updated_at: number;
}

export interface OAuthStatesTable {
  state_hash: string;
  visitor_id: string;
  kind: string;
  mode: string;
  verifier_sealed: string;
  nonce: string | null;
  reconnect_id: string | null;
  created_at: number;
}

export interface OutboxJobsTable {
  id: string;
  kind: string;
  payload_json: string;
  ordering_key: string;
  state: string;
  run_at: number;
  attempts: number;
  last_error: string | null;
  lease_owner: string | null;
  lease_until: number | null;
  created_at: number;
  updated_at: number;
}

export interface PushedCopiesTable {
  connection_id: string;
  event_id: string;
  calendar_id: string | null;
  remote_id: string | null;
  etag: string | null;
  sequence: number | null;
  pushed_version: number | null;
  state: string;
  last_error: string | null;
  updated_at: number;
  generation: number;
  /** 1 when the person saved the event again after this copy was pushed. */
  requested_again: number;
}

export interface RequestSlotsTable {
  connection_id: string;
  slot: number;
  holder: string | null;
  held_until: number | null;
}

export interface RequestPacingTable {
  connection_id: string;
  next_at: number;
}

/** One counter per rate limit and client (http/plugins/rate-limits.ts), shared by every process. */
export interface RateLimitsTable {
  key: string;
  hits: number;
  resets_at: number;
}

/** A visitor's address for email invites (0014); tokens only as hashes (and the unsubscribe one sealed). */
export interface VisitorEmailsTable {
  visitor_id: string;
  address: string;
  verified_at: number | null;
  verify_token_hash: string | null;
  verify_sent_at: number;
  unsubscribe_token_hash: string;
  unsubscribe_sealed: string;
  failing_at: number | null;
  failing_reason: string | null;
  delivery: string;
  created_at: number;
  updated_at: number;
}

/** Per person and event: the invite last sent (0014). */
export interface EmailInvitesTable {
  visitor_id: string;
  event_id: string;
  address: string;
  method: string | null;
  sequence: number | null;
  sent_at: number | null;
  attempt_key: string | null;
  attempt_count: number;
  state: string;
  last_error: string | null;
  updated_at: number;
}

export interface Database {
  events: EventsTable;
  event_occurrences: EventOccurrencesTable;
  categories: CategoriesTable;
  event_categories: EventCategoriesTable;
  feed_versions: FeedVersionsTable;
  visitors: VisitorsTable;
  saved_events: SavedEventsTable;
  feed_clients: FeedClientsTable;
  event_changes: EventChangesTable;
  connections: ConnectionsTable;
  oauth_states: OAuthStatesTable;
  outbox_jobs: OutboxJobsTable;
  pushed_copies: PushedCopiesTable;
  request_slots: RequestSlotsTable;
  request_pacing: RequestPacingTable;
  rate_limits: RateLimitsTable;
  visitor_emails: VisitorEmailsTable;
  email_invites: EmailInvitesTable;
}
