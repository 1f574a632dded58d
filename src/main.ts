// Composition root: configuration, database, services, HTTP server; graceful shutdown.
import { loadConfig } from './infra/config.ts';
import { openDatabase } from './infra/db/database.ts';
import { migrateToLatest } from './infra/db/migrate.ts';
import { readOrCreateSecret } from './infra/secret-file.ts';
import { createServices, type ServiceLog } from './services.ts';
import { buildApp } from './http/app.ts';
import { seedDemoEvents } from './app/demo-data.ts';
import { redactUrl } from './infra/logger.ts';

const config = loadConfig();
// The server's logger exists only once the app does; until then warnings go nowhere.
let appLog: ServiceLog | undefined;
const log: ServiceLog = { warn: (details, message) => appLog?.warn(details, message) };
const database = openDatabase({
  url: config.databaseUrl,
  schema: config.databaseSchema ?? undefined,
  onIdleConnectionError: (err) => log.warn({ err }, 'a database connection dropped'),
});
await migrateToLatest(database);

const adminToken = config.adminToken ?? readOrCreateSecret(config.dataDir, 'admin-token').value;
const sessionSecret = config.sessionSecret ?? readOrCreateSecret(config.dataDir, 'session-secret', 32).value;
const services = createServices(config, database, Date.now, log);
const app = await buildApp({ services, adminToken, sessionSecret });
appLog = app.log;

if (config.demoData && (await services.eventRepository.countAll()) === 0) {
  const n = await seedDemoEvents(services.events);
  app.log.info(`added ${n} demo events to the empty database`);
}

// The push worker (and the housekeeping) runs inside the server unless it runs on its own (`npm run worker`).
if (config.worker) {
  services.worker.start();
  services.housekeeping.start();
}

let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info(`${signal}: finishing open requests, then closing`);
  const force = setTimeout(() => process.exit(1), 10_000).unref();
  try {
    await app.close();
    await services.worker.stop();
    await services.housekeeping.stop();
    await database.close();
  } finally {
    clearTimeout(force);
  }
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ port: config.port, host: config.host });
const base = config.publicUrl;
const lines = [
  '',
  `Calendar Club is running (${database.engine === 'sqlite' ? redactUrl(config.databaseUrl) : 'PostgreSQL'}).`,
  `  Home:          ${base}/`,
  `  My events:     ${base}/me`,
  `  Organizer:     ${base}/organizer`,
  `  Widget demo:   ${base}/widget/demo`,
  `  All events:    ${base}/feeds/all.ics   (subscribe: ${base.replace(/^https?:/, 'webcal:')}/feeds/all.ics)`,
  `  API docs:      ${base}/docs`,
  `  Health:        ${base}/healthz  ${base}/readyz  ${base}/metrics (with the admin token)`,
  config.adminToken
    ? '  Admin token:   from ADMIN_TOKEN'
    : `  Admin token:   ${adminToken}   (kept in ${config.dataDir}/admin-token; set ADMIN_TOKEN to choose one)`,
  '',
];
process.stdout.write(lines.join('\n') + '\n');
