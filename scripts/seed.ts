/**
 * Run by `npm start` before the worker and web server: on an empty database, loads the demo
 * mechanism (mechanisms/cn-ls.yaml) and opens its cycle for the current quarter, so a newcomer
 * sees a live cycle at once. On a database that has data it changes nothing.
 */
import { loadConfig, loadDotenv } from '../src/config';
import { quarterOf } from '../src/domain';
import { DEMO_MECHANISM_FILE, loadDemoIfEmpty, openStore } from '../src/store';
import { connectClient } from '../src/temporal/connection';
import { startCycle } from '../src/temporal/cycles';

async function main(): Promise<void> {
  loadDotenv();
  const config = loadConfig();
  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.DATABASE_URL });
  try {
    // The demo shows the whole product at once: its requests go out now rather than at 09:00 of the next working
    // morning in Maseru, so the mailbox has an owner's link to open (the reminders keep the send hour).
    if (!(await loadDemoIfEmpty(store, DEMO_MECHANISM_FILE, { policy: { sendRequestsAtOnce: true } }))) {
      console.log(
        `database ready (${store.dialect}); mechanisms: ${(await store.mechanisms.list()).map((m) => m.id).join(', ')}`,
      );
      return;
    }
    const [demo] = await store.mechanisms.list();
    console.log(
      `loaded the demo mechanism ${demo.id} into the empty database (${store.dialect}); its requests go out at once`,
    );
    const client = await connectClient(config);
    try {
      const quarter = quarterOf(new Date(), demo.timeZone);
      const { workflowId, created } = await startCycle(client, demo.id, quarter, {
        taskQueue: config.TEMPORAL_TASK_QUEUE,
      });
      console.log(`${created ? 'opened' : 'found'} the demo cycle ${workflowId}`);
    } finally {
      await client.connection.close();
    }
  } finally {
    await store.close();
  }
}

main().catch((err: Error) => {
  console.error(err.message);
  process.exit(1);
});
