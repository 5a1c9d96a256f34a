/**
 * The worker process: connects to Temporal and the store, makes sure every mechanism's schedule
 * exists, and serves the workflows and activities until SIGINT/SIGTERM, then drains and exits.
 */
import { NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import { ConfigError, loadConfig, loadDotenv, requirePayloadKeys } from '../config';
import { openStore } from '../store';
import { loadLinkSecret } from '../store/secrets';
import { connectClient, nativeConnectionOptions } from '../temporal/connection';
import { ensureSchedules } from '../temporal/bootstrap';
import { createWorker } from './worker';

/**
 * A Ctrl-C in `npm start` reaches this process twice (the terminal's SIGINT, then start.ts's SIGTERM). The
 * Temporal runtime's own handlers drain the running worker; ours keep a second signal from killing the process
 * while it closes the store, and end it at once when it comes before the worker runs (e.g. while bundling).
 */
let running = false;
function onStopSignal(): void {
  if (!running) process.exit(0);
}
process.on('SIGINT', onStopSignal);
process.on('SIGTERM', onStopSignal);

async function main(): Promise<void> {
  loadDotenv();
  const config = loadConfig();
  const payloadKeys = requirePayloadKeys(config);
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.DATABASE_URL });
  const connection = await NativeConnection.connect(nativeConnectionOptions(config));
  const client = await connectClient(config);
  try {
    const schedules = await ensureSchedules(client, store, config.TEMPORAL_TASK_QUEUE);
    console.log(`schedules ensured: ${schedules.join(', ') || '(no mechanism yet)'}`);
    const worker = await createWorker({
      connection,
      namespace: config.TEMPORAL_NAMESPACE,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      payloadKeys,
      maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
      activities: createActivities({
        store,
        dataDir: config.dataDir,
        publicUrl: config.PUBLIC_URL,
        mailFrom: config.MAIL_FROM,
        smtpUrl: config.SMTP_URL,
        linkSecret: loadLinkSecret(config.dataDir, config.LINK_SECRET),
      }),
    });
    console.log(
      `worker serving task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.temporalAddress} (namespace ${config.TEMPORAL_NAMESPACE}); ` +
        `mail: ${config.SMTP_URL ? 'SMTP' : 'local outbox only'}; payloads encrypted with key ${payloadKeys.current.id} (${config.payloadKeySource})`,
    );
    // Worker.run() resolves after SIGINT/SIGTERM once in-flight tasks have drained.
    running = true;
    await worker.run();
  } finally {
    await client.connection.close();
    await connection.close();
    await store.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof ConfigError ? 2 : 1);
});
