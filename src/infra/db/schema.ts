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

export interface Database {
  events: EventsTable;
  categories: CategoriesTable;
  event_categories: EventCategoriesTable;
  feed_versions: FeedVersionsTable;
}
