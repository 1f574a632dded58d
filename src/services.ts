import { createHash } from 'node:crypto';
import type { Config } from './infra/config.ts';
import type { DatabaseHandle } from './infra/db/database.ts';
import { isReachable } from './infra/db/database.ts';
import { isMigrated } from './infra/db/migrate.ts';
import { createEventRepository } from './infra/db/event-repository.ts';
import { createFeedRepository } from './infra/db/feed-repository.ts';
import { createVisitorRepository } from './infra/db/visitor-repository.ts';
import { createEventUseCases } from './app/events.ts';
import { createVisitorUseCases } from './app/visitors.ts';
import { createConnectionUseCases } from './app/connections.ts';
import { createConnectionRepository } from './infra/db/connection-repository.ts';
import { mergeVisitors } from './infra/db/visitor-merge.ts';
import { createOAuthStateRepository } from './infra/db/oauth-state-repository.ts';
import { createReloadingVault, loadVaultKeys } from './infra/crypto/vault-keys.ts';
import { createTokenLifecycle } from './integrations/oauth/token-lifecycle.ts';
import { refreshTokens, type OAuthKind } from './integrations/oauth/flow.ts';
import { createProviderRegistry } from './integrations/registry.ts';
import { createRequestGate } from './infra/db/request-gate.ts';
import { createOutboxRepository } from './infra/db/outbox-repository.ts';
import { createCopyRepository } from './infra/db/copy-repository.ts';
import { createPushSync } from './app/push-sync.ts';
import { createPushFactsReader } from './infra/db/push-facts.ts';
import { createPushWorker } from './worker/push-worker.ts';
import { createConflictUseCases } from './app/conflicts.ts';
import { createFeedService } from './app/feeds.ts';
import { createMetrics } from './http/plugins/metrics.ts';
import { createHousekeeping } from './worker/housekeeping.ts';
import { createEmailRepository } from './infra/db/email-repository.ts';
import { createMailTransport } from './infra/mail/transport.ts';
import { createEmailInvites } from './app/email-invites.ts';
import { createInboundMail } from './app/inbound-mail.ts';
import { createMailJobRunner } from './worker/mail-jobs.ts';

export const PRODUCT_ID = '-//Calendar Club//Calendar Club 1.0//EN';

/** Everything the HTTP layer and the worker use, built from configuration and a database. */
/** Where the worker reports what went wrong outside a request (a pino logger fits). */
export interface ServiceLog {
  warn(details: object, message: string): void;
}

export function createServices(config: Config, database: DatabaseHandle, clock: () => number = Date.now, log?: ServiceLog) {
  const eventRepository = createEventRepository(database.db);
  const visitorRepository = createVisitorRepository(database.db);
  const metrics = createMetrics();
  const vault = createReloadingVault(() => loadVaultKeys(config));
  const connectionRepository = createConnectionRepository(database.db, vault);
  const tokens = createTokenLifecycle({
    connections: connectionRepository,
    refresherFor: (kind) => (refreshToken) => refreshTokens(config, kind as OAuthKind, refreshToken),
    clock,
  });
  // A slot outlives any request (the provider deadline) before a dead process's slot is reused.
  const gate = createRequestGate(database.db, database.engine, { slotLeaseMs: config.providerTimeoutMs + 5_000 }); // real time: it really waits
  const registry = createProviderRegistry({
    endpoints: { googleApiUrl: config.google.apiUrl, graphUrl: config.microsoft.graphUrl },
    timeoutMs: config.providerTimeoutMs,
    allowPrivateNetwork: config.allowPrivateNetwork,
    tokens: { sourceFor: (id) => tokens.sourceFor(id) },
    caldavPassword: async (id) => (await connectionRepository.secrets(id)).password ?? null,
    gate,
  });
  const oauthStates = createOAuthStateRepository(database.db);
  const outbox = createOutboxRepository(database.db, database.engine);
  const copies = createCopyRepository(database.db);
  metrics.watchQueue(() => outbox.countsByState());
  const conflicts = createConflictUseCases({ db: database.db, connections: connectionRepository, events: eventRepository, registry, clock });
  const pushSync = createPushSync(
    { connections: connectionRepository, copies, events: eventRepository, visitors: visitorRepository, registry, facts: createPushFactsReader(database.db), clock },
    config.publicUrl,
  );
  const emailRepository = createEmailRepository(database.db);
  const emailInvites = createEmailInvites({
    emails: emailRepository,
    events: eventRepository,
    visitors: visitorRepository,
    vault,
    transport: createMailTransport(config.mail, config.dataDir),
    publicUrl: config.publicUrl,
    mailFrom: config.mail.from,
    calendarName: config.calendarName,
    productId: PRODUCT_ID,
    clock,
  });
  // Settings that shape rendered bytes: a change to any of them is a new feed version.
  const settingsFingerprint = createHash('sha256')
    .update(
      JSON.stringify([
        config.publicUrl,
        config.calendarName,
        config.feedPastDays,
        config.feedFutureDays,
        config.cancelledRetentionDays,
        config.feedRefreshMinutes,
      ]),
    )
    .digest('hex')
    .slice(0, 16);
  return {
    config,
    database,
    clock,
    metrics,
    settingsFingerprint,
    eventRepository,
    events: createEventUseCases({ events: eventRepository, uidDomain: config.uidDomain, clock }),
    visitors: createVisitorUseCases({ visitors: visitorRepository, events: eventRepository, vault, clock }),
    connectionRepository,
    tokens,
    registry,
    outbox,
    copies,
    pushSync,
    /** The push worker; main.ts starts it unless WORKER=false, `npm run worker` runs it alone. */
    worker: createPushWorker({
      outbox,
      copies,
      connections: connectionRepository,
      push: pushSync,
      clock,
      leaseMs: config.pushLeaseSeconds * 1000,
      idleMs: config.pushPollMs,
      wakeups: config.pushWakeups ? database.outboxWakeups : undefined,
      onOutcome: (kind, outcome, latency) => metrics.recordPush(kind, outcome, latency),
      onCalendarChanged: (id) => conflicts.forget(id),
      log,
      mail: createMailJobRunner({ invites: emailInvites, emails: emailRepository, outbox, clock, onOutcome: (kind, outcome, latency) => metrics.recordPush(kind, outcome, latency), log }),
    }),
    /** Email invites (issue 15): addresses, verification, what the worker sends; replies in. */
    emailInvites,
    emailRepository,
    inboundMail: createInboundMail({ emails: emailRepository, events: eventRepository, visitors: visitorRepository, clock, log }),
    conflicts,
    /** Removes idle visitors, expired OAuth states and ended rate-limit windows; runs with the worker. */
    housekeeping: createHousekeeping({ db: database.db, states: oauthStates, clock, log }),
    connections: createConnectionUseCases({
      config,
      connections: connectionRepository,
      states: oauthStates,
      vault,
      registry,
      mergeVisitors: (from, into, now) => mergeVisitors(database.db, from, into, now),
      clock,
    }),
    feeds: createFeedService({
      feeds: createFeedRepository(database.db, database.engine),
      events: eventRepository,
      changes: database.feedChanges,
      policy: {
        pastDays: config.feedPastDays,
        futureDays: config.feedFutureDays,
        cancelledRetentionDays: config.cancelledRetentionDays,
      },
      calendarName: config.calendarName,
      refreshMinutes: config.feedRefreshMinutes,
      productId: PRODUCT_ID,
      settingsFingerprint,
      clock,
      onRender: (seconds) => metrics.recordRender(seconds),
    }),
    ready: async () => (await isReachable(database.db)) && (await isMigrated(database)),
  };
}

export type Services = ReturnType<typeof createServices>;
