/**
 * The same fan-out and round trip on a Temporal cluster, in the same run as on the dev server: two Temporal 1.29.1
 * nodes on PostgreSQL from deploy/temporal/production.yaml (test/cluster/temporal-cluster.ts, what the cluster suite
 * and README "Production" run), reached through the same kind of TCP balancer. The worker process, the store, the
 * web app and the payload codec are the bench's usual ones: only Temporal differs, so the figures compare the
 * product's costs on each, and each side's product against bare Temporal on the same server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { projectDataConverter } from '../src/temporal/codec';
import { startPostgres, type PostgresServer } from '../test/helpers/postgres';
import { startTemporalCluster, type TemporalCluster } from '../test/cluster/temporal-cluster';
import type { BenchContext } from './context';
import { cpuSeconds } from './cpu';
import type { WorkerProcessEnv } from './worker-process';
import { startWorkerProcess } from './worker-handle';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../scripts/tools') as { ensureClusterTools(): Promise<unknown> };

/** A BenchContext on the cluster, and how to stop what it started. */
export interface ClusterBench {
  ctx: BenchContext;
  cluster: TemporalCluster;
  stop(): Promise<void>;
}

/**
 * Builds (first time: about 6 minutes with Go) and starts PostgreSQL and a two-node cluster, then a worker process
 * like `dev`'s connected to it. The new context's CPU sample charges the cluster's server processes (the nodes, not
 * PostgreSQL) where the dev server's own are charged on the dev side.
 */
export async function startClusterBench(
  dev: BenchContext,
  workerEnv: WorkerProcessEnv,
  log: (line: string) => void,
): Promise<ClusterBench> {
  await tools.ensureClusterTools();
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-bench-cluster-'));
  let postgres: PostgresServer | undefined;
  let cluster: TemporalCluster | undefined;
  let connection: Connection | undefined;
  const stop = async () => {
    await connection?.close().catch(() => undefined);
    await cluster?.stop().catch(() => undefined);
    await postgres?.stop().catch(() => undefined);
    fs.rmSync(logDir, { recursive: true, force: true });
  };
  try {
    postgres = await startPostgres();
    const admin = new URL(postgres.adminUrl);
    cluster = await startTemporalCluster({
      db: { host: admin.hostname, port: Number(admin.port), user: decodeURIComponent(admin.username) },
      nodes: 2,
      logDir,
    });
    log(`Temporal ${cluster.version}: ${cluster.nodes.length} nodes on PostgreSQL behind ${cluster.address}`);
    connection = await Connection.connect({ address: cluster.address });
    const env = { ...workerEnv, BENCH_TEMPORAL_ADDRESS: cluster.address };
    const nodes = cluster.nodes;
    const ctx: BenchContext = {
      ...dev,
      client: new Client({
        connection,
        namespace: cluster.namespace,
        dataConverter: projectDataConverter(dev.payloadKeys),
      }),
      baselineClient: new Client({
        connection,
        namespace: cluster.namespace,
        dataConverter: projectDataConverter(null),
      }),
      variant: '-cluster',
      worker: await startWorkerProcess(env),
      async restartWorker() {
        await ctx.worker.stop();
        ctx.worker = await startWorkerProcess(env);
        return ctx.worker;
      },
      cpu: () => ({
        worker: cpuSeconds(ctx.worker.pid),
        server: nodes.reduce((sum, n) => sum + (n.process?.pid ? cpuSeconds(n.process.pid) : 0), 0),
      }),
    };
    return {
      ctx,
      cluster,
      async stop() {
        await ctx.worker.stop();
        await stop();
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
