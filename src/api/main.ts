/**
 * Entry point of the web/API server (`npm run server`, started as a child process by `npm start`): loads the
 * configuration, opens the store, connects to Temporal, listens on HOST:PORT, and closes everything on
 * SIGTERM/SIGINT. /readyz checks `database` and `temporal`.
 */
import { connectClient } from '../temporal/connection';
import { loadConfig, loadDotenv } from '../config';
import { openStore } from '../store';
import { buildApp } from './app';
import { readinessChecks } from './readiness';
import { temporalCycleGateway } from './temporal-cycle-gateway';

async function main(): Promise<void> {
  loadDotenv();
  const config = loadConfig();
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.DATABASE_URL });
  const client = await connectClient(config);
  const cycles = temporalCycleGateway({
    client,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    namespace: config.TEMPORAL_NAMESPACE,
    temporalUiUrl: config.temporalUiUrl,
  });
  const app = await buildApp({
    config,
    store,
    cycles,
    logger: { level: config.LOG_LEVEL },
    // Several API instances must share it, or sessions only work on the instance that signed them.
    sessionSecret: config.SESSION_SECRET,
    readiness: readinessChecks(store.db, client),
  });
  await app.listen({ host: config.HOST, port: config.PORT });
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    await app.close();
    await client.connection.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  // ConfigError messages name the variable and never the secret value.
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
