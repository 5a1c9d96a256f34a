/**
 * The production topology on one machine, for the cluster tests: PostgreSQL (Temporal's two databases and the
 * app's), a Temporal cluster of two nodes from deploy/temporal/production.yaml, two workers and two web instances
 * running the compiled dist with production dependencies (sharing SESSION_SECRET and DATABASE_URL), and an SMTP
 * server on 127.0.0.1 that records every message. Everything listens on free ports of 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openStore, type Store } from '../../src/store';
import { TEST_PAYLOAD_KEYS } from '../helpers/payload-keys';
import { startPostgres, type PostgresServer } from '../helpers/postgres';
import { startSmtpCatcher, type SmtpCatcher } from '../helpers/smtp';
import { appProcess, prepareProductionApp, type AppProcess } from './app-processes';
import { freePort } from './ports';
import { startTemporalCluster, type TemporalCluster } from './temporal-cluster';

/** Everything running, plus a store on the app's database for seeding and for checking the records. */
export interface ProductionStack {
  postgres: PostgresServer;
  temporal: TemporalCluster;
  smtp: SmtpCatcher;
  workers: AppProcess[];
  webs: AppProcess[];
  /** The app's own database (records), as every worker and web instance sees it. */
  databaseUrl: string;
  store: Store;
  /** A bearer token for the API (made in the store, like `coord token create`). */
  token: string;
  logDir: string;
  /** Seconds each part took to start. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

/**
 * The environment of every worker and web instance: the image's (NODE_ENV=production, COORD_SKIP_TOOLS, DATA_DIR)
 * and the app's variables, the secrets shared by every instance (a session signed by one web instance is valid on
 * the other; an owner link made by a worker opens on any web instance), plus PATH, HOME and a quieter LOG_LEVEL.
 * Web instances add HOST and PORT.
 */
export function appEnvironment(parts: {
  dataDir: string;
  databaseUrl: string;
  temporalAddress: string;
  namespace: string;
  smtpUrl: string;
  publicUrl: string;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LOG_LEVEL: 'warn',
    COORD_SKIP_TOOLS: '1',
    NODE_ENV: 'production',
    DATA_DIR: parts.dataDir,
    DATABASE_URL: parts.databaseUrl,
    TEMPORAL_ADDRESS: parts.temporalAddress,
    TEMPORAL_NAMESPACE: parts.namespace,
    SMTP_URL: parts.smtpUrl,
    MAIL_FROM: 'secretariat@example.org',
    PUBLIC_URL: parts.publicUrl,
    SESSION_SECRET: randomBytes(32).toString('hex'),
    LINK_SECRET: randomBytes(32).toString('hex'),
    COORD_PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
  };
}

/** Starts the whole stack; `log` receives progress lines. */
export async function startProductionStack(log: (line: string) => void = () => undefined): Promise<ProductionStack> {
  const timings: Record<string, number> = {};
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-cluster-logs-'));
  let t0 = Date.now();
  const appDir = prepareProductionApp(log);
  timings.app = (Date.now() - t0) / 1000;

  const started: (() => Promise<void>)[] = [];
  try {
    t0 = Date.now();
    const postgres = await startPostgres();
    started.push(() => postgres.stop());
    const admin = new URL(postgres.adminUrl);
    const databaseUrl = await postgres.createDatabase();
    timings.postgres = (Date.now() - t0) / 1000;

    const temporal = await startTemporalCluster({
      db: {
        host: admin.hostname,
        port: Number(admin.port),
        user: decodeURIComponent(admin.username),
        ...(admin.password && { password: decodeURIComponent(admin.password) }),
      },
      nodes: 2,
      logDir,
    });
    started.push(() => temporal.stop());
    Object.assign(timings, Object.fromEntries(Object.entries(temporal.timings).map(([k, v]) => [`temporal-${k}`, v])));
    log(`Temporal ${temporal.version}: ${temporal.nodes.length} nodes behind ${temporal.address} (logs in ${logDir})`);

    const smtp = await startSmtpCatcher();
    started.push(() => smtp.close());
    const store = await openStore({ dataDir: logDir, databaseUrl });
    const { token } = await store.apiTokens.create({ name: 'cluster-test', scope: 'write' });

    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-archive-'));
    const [webPortA, webPortB] = [await freePort(), await freePort()];
    const env = appEnvironment({
      dataDir,
      databaseUrl,
      temporalAddress: temporal.address,
      namespace: temporal.namespace,
      smtpUrl: smtp.url,
      publicUrl: `http://127.0.0.1:${webPortA}`,
    });
    const workers = [1, 2].map((i) => appProcess({ appDir, kind: 'worker', name: `worker-${i}`, env, logDir }));
    const webs = [webPortA, webPortB].map((port, i) =>
      appProcess({ appDir, kind: 'web', name: `web-${i + 1}`, env, port, logDir }),
    );
    started.push(async () => void (await Promise.all([...workers, ...webs].map((p) => p.kill('SIGKILL')))));
    t0 = Date.now();
    await Promise.all([...workers, ...webs].map((p) => p.start()));
    timings.app_processes = (Date.now() - t0) / 1000;

    return {
      postgres,
      temporal,
      smtp,
      workers,
      webs,
      databaseUrl,
      store,
      token,
      logDir,
      timings,
      async stop() {
        await Promise.all([...workers, ...webs].map((p) => p.kill('SIGKILL')));
        await store.close().catch(() => undefined);
        await temporal.stop();
        await smtp.close();
        await postgres.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
        fs.rmSync(appDir, { recursive: true, force: true });
        // The processes' logs stay only when asked for (they are printed in a failure's message anyway).
        if (process.env.COORD_CLUSTER_KEEP_LOGS === '1') log(`logs kept in ${logDir}`);
        else fs.rmSync(logDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    // Leave nothing running behind a failed start.
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    throw err;
  }
}
