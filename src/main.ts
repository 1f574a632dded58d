// Composition root: configuration, database, services, HTTP server; graceful shutdown.
// With WEB_CONCURRENCY > 1 this process (the cluster's primary) migrates, seeds and runs the
// push worker once, and forks the web processes that serve (src/web-cluster.ts); each of them
// runs this file too, as a web process only.
import cluster from 'node:cluster';
import { loadConfig } from './infra/config.ts';
import { openDatabase } from './infra/db/database.ts';
import { migrateToLatest } from './infra/db/migrate.ts';
import { readOrCreateSecret } from './infra/secret-file.ts';
import { createServices, type ServiceLog } from './services.ts';
import { buildApp } from './http/app.ts';
import { seedDemoEvents } from './app/demo-data.ts';
import { redactUrl } from './infra/logger.ts';
import { forkWebProcesses, type WebProcesses } from './web-cluster.ts';

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

if (cluster.isPrimary && config.demoData && (await services.eventRepository.countAll()) === 0) {
  const n = await seedDemoEvents(services.events);
  app.log.info(`added ${n} demo events to the empty database`);
}

// The push worker (and the housekeeping) runs inside the server unless it runs on its own (`npm run worker`).
if (config.worker && cluster.isPrimary) {
  services.worker.start();
  services.housekeeping.start();
}

const supervising = cluster.isPrimary && config.webConcurrency > 1;
let webProcesses: WebProcesses | undefined;
let closing = false;
async function shutdown(signal: string) {
  if (closing) return;
  closing = true;
  app.log.info(`${signal}: finishing open requests, then closing`);
  const force = setTimeout(() => process.exit(1), 10_000).unref();
  try {
    await webProcesses?.stop();
    await app.close();
    await services.worker.stop();
    await services.housekeeping.stop();
    await database.close();
  } finally {
    clearTimeout(force);
    // A web process's channel to the primary would keep it alive: let it go, so it exits.
    cluster.worker?.disconnect();
  }
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

if (supervising) {
  webProcesses = forkWebProcesses(config.webConcurrency, app.log);
  await webProcesses.listening;
} else {
  await app.listen({ port: config.port, host: config.host });
}
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
// One banner per server: the web processes of a cluster leave it to the primary.
if (cluster.isPrimary) process.stdout.write(lines.join('\n') + '\n');
