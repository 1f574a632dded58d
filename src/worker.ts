// `npm run worker`: the push worker on its own (run the servers with WORKER=false). Several can
// run at once, on several machines, against PostgreSQL: they share jobs through leases.
import pino from 'pino';
import { loadConfig } from './infra/config.ts';
import { loggerOptions } from './infra/logger.ts';
import { openDatabase } from './infra/db/database.ts';
import { migrateToLatest } from './infra/db/migrate.ts';
import { createServices } from './services.ts';

const config = loadConfig();
const log = pino(loggerOptions(config.logLevel));
const database = openDatabase({
  url: config.databaseUrl,
  schema: config.databaseSchema ?? undefined,
  onIdleConnectionError: (err) => log.warn({ err }, 'a database connection dropped'),
});
await migrateToLatest(database);
const services = createServices(config, database, Date.now, log);
services.worker.start();
services.housekeeping.start();
process.stdout.write('push worker running\n');

async function stop() {
  await services.worker.stop();
  await services.housekeeping.stop();
  await database.close();
  process.exit(0);
}
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
