import type { FastifyInstance } from 'fastify';
import { loadConfig, type Config } from '../../src/infra/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import { buildApp } from '../../src/http/app.ts';
import type { TestDatabase, TestEngine } from './databases.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export interface TestApp {
  app: FastifyInstance;
  services: Services;
  database: TestDatabase;
  config: Config;
  /** Moves the app's clock (feeds window on it). */
  clock: { now: number };
  auth: { authorization: string };
  close(): Promise<void>;
}

/** The whole app on a fresh database of `engine`, with a controllable clock. */
export async function startTestApp(engine: TestEngine, env: Record<string, string> = {}): Promise<TestApp> {
  const database = await engine.open();
  const config = loadConfig({ PUBLIC_URL: 'https://cal.example.test', DATABASE_URL: 'file::memory:', ...env });
  const clock = { now: Date.now() };
  const services = createServices(config, database, () => clock.now);
  const app = await buildApp({ services, adminToken: ADMIN_TOKEN, logger: false });
  await app.ready();
  return {
    app,
    services,
    database,
    config,
    clock,
    auth: { authorization: `Bearer ${ADMIN_TOKEN}` },
    async close() {
      await app.close();
      await database.dispose();
    },
  };
}
