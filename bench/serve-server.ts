// A real server for the load benchmark, in its own process so the load generator does not
// share its event loop. Prints one JSON line {port} when ready; SIGTERM stops it.
// Usage: node bench/serve-server.ts <events in the feed>
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../src/infra/config.ts';
import { openDatabase } from '../src/infra/db/database.ts';
import { migrateToLatest } from '../src/infra/db/migrate.ts';
import { createServices } from '../src/services.ts';
import { buildApp } from '../src/http/app.ts';
import { generateEvents } from './events.ts';

const count = Number(process.argv[2] ?? 500);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-bench-'));
const config = loadConfig({
  DATABASE_URL: `file:${path.join(dir, 'bench.sqlite')}`,
  TOKEN_ENCRYPTION_KEYS: `kbench:${Buffer.alloc(32, 1).toString('base64')}`,
  FEED_FUTURE_DAYS: '3650',
});
const database = openDatabase({ url: config.databaseUrl });
await migrateToLatest(database);
const services = createServices(config, database);
for (const event of generateEvents(count)) await services.eventRepository.insert({ ...event, status: event.status === 'cancelled' ? 'confirmed' : event.status });
const app = await buildApp({ services, adminToken: 'bench-admin-token-0123456789', sessionSecret: 'bench-session-secret-0123456789abcdef', logger: false });
await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 }) + '\n');
process.once('SIGTERM', async () => {
  await app.close();
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
  process.exit(0);
});
