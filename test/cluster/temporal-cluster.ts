/**
 * A Temporal cluster on PostgreSQL for the cluster tests, started the way README "Production" describes it without
 * Docker: the schema job (`temporal-sql-tool` create, setup-schema, update-schema for both databases), then N server
 * nodes from the project's one template (deploy/temporal/production.yaml), each running all four services on its own
 * free ports of 127.0.0.1 and finding the others through the cluster_membership table. Clients reach the frontends
 * through a TCP balancer (what a load balancer or a DNS name does in production), so a killed node costs them a
 * reconnect, not an outage. Then the namespace and the project's search attributes, with the Temporal CLI.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { Connection } from '@temporalio/client';
import { searchAttributeDefinitions } from '../../src/temporal/search-attributes';
import { freeLowPort, freePort } from './ports';

const execFileAsync = promisify(execFile);

// eslint-disable-next-line @typescript-eslint/no-require-imports
const tools = require('../../scripts/tools') as {
  clusterToolPaths(): { dir: string; version: string; server: string; sqlTool: string; schemaDir: string };
  toolPaths(): { temporalCli: string };
};

const repoRoot = path.resolve(__dirname, '../..');

/** The PostgreSQL server Temporal keeps its two databases on (host, port, a user allowed to create databases). */
export interface TemporalDatabaseServer {
  host: string;
  port: number;
  user: string;
  password?: string;
}

/** One server node: its frontend port, its process, and how to kill and start it again on the same ports. */
export interface TemporalNode {
  readonly name: string;
  readonly frontendPort: number;
  readonly process: ChildProcess | undefined;
  /** SIGKILL (or the given signal) and wait for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the node again (same ports, same databases) and waits until its frontend serves. */
  start(): Promise<void>;
}

/** A running cluster: its nodes, the balanced frontend address clients use, and the namespace. */
export interface TemporalCluster {
  /** `127.0.0.1:<port>` of the balancer in front of every node's frontend. */
  readonly address: string;
  readonly namespace: string;
  readonly nodes: TemporalNode[];
  readonly version: string;
  /** Seconds each step of the start took (schema job, nodes, namespace and search attributes). */
  readonly timings: Record<string, number>;
  stop(): Promise<void>;
}

/** Options of startTemporalCluster. */
export interface ClusterOptions {
  db: TemporalDatabaseServer;
  nodes?: number;
  namespace?: string;
  /** Folder for the nodes' logs. */
  logDir: string;
}

/** Temporal's two databases (DBNAME, VISIBILITY_DBNAME), as docker-compose.yml names them too (compose.test.ts). */
export const TEMPORAL_DATABASES = { main: 'temporal', visibility: 'temporal_visibility' } as const;

async function sqlTool(db: TemporalDatabaseServer, database: string, args: string[]): Promise<void> {
  const { sqlTool: bin } = tools.clusterToolPaths();
  const base = [
    '--plugin',
    'postgres12',
    '--endpoint',
    db.host,
    '--port',
    String(db.port),
    '--user',
    db.user,
    '--database',
    database,
  ];
  if (db.password) base.push('--password', db.password);
  try {
    await execFileAsync(bin, [...base, ...args], { timeout: 120_000 });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`temporal-sql-tool ${args.join(' ')} on ${database} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/**
 * The one-shot schema job (what docker-compose.yml's `temporal-schema` service runs): create each database, set up
 * the base schema and apply every versioned update. Idempotent except for the database creation.
 */
export async function setUpTemporalSchema(
  db: TemporalDatabaseServer,
  databases: { main: string; visibility: string } = TEMPORAL_DATABASES,
): Promise<void> {
  const { schemaDir } = tools.clusterToolPaths();
  for (const [database, folder] of [
    [databases.main, 'temporal'],
    [databases.visibility, 'visibility'],
  ]) {
    await sqlTool(db, database, ['create-database']);
    await sqlTool(db, database, ['setup-schema', '-v', '0.0']);
    await sqlTool(db, database, ['update-schema', '-d', path.join(schemaDir, folder, 'versioned')]);
  }
}

/** A TCP balancer on a free port: each connection goes to the next target that accepts it. */
async function startBalancer(targets: () => number[]): Promise<{ port: number; close(): Promise<void> }> {
  let next = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.pause();
    const ports = targets();
    const tryConnect = (attempt: number) => {
      if (attempt >= ports.length) return client.destroy();
      const port = ports[(next + attempt) % ports.length];
      const upstream = net.connect(port, '127.0.0.1');
      // Node clears `connecting` before it emits a refused connection's error: track the state here instead.
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        next = (next + attempt + 1) % ports.length;
        sockets.add(upstream);
        upstream.on('close', () => sockets.delete(upstream));
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
      });
      upstream.once('error', () => {
        // Refused (a node just killed, or restarting and not listening yet): the next target takes the client.
        if (!connected) tryConnect(attempt + 1);
      });
    };
    tryConnect(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Waits until a frontend answers GetSystemInfo (the server logs "SERVING" about then). */
async function waitServing(port: number, timeoutMs: number, exited: () => string | undefined): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    const gone = exited();
    if (gone) throw new Error(gone);
    try {
      const connection = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout: 2000 });
      try {
        await connection.workflowService.getSystemInfo({});
        return;
      } finally {
        await connection.close();
      }
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`Temporal frontend on 127.0.0.1:${port} not serving after ${timeoutMs} ms: ${String(last)}`);
}

async function temporalCli(address: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(tools.toolPaths().temporalCli, [...args, '--address', address], {
    timeout: 60_000,
  });
  return stdout;
}

/** Starts the schema job, the nodes, the balancer, the namespace and the search attributes. */
export async function startTemporalCluster(options: ClusterOptions): Promise<TemporalCluster> {
  const { server, version } = tools.clusterToolPaths();
  const namespace = options.namespace ?? 'default';
  const timings: Record<string, number> = {};
  let t0 = Date.now();
  await setUpTemporalSchema(options.db);
  timings.schema = (Date.now() - t0) / 1000;

  const nodes: (TemporalNode & { ports: Record<string, number> })[] = [];
  const count = options.nodes ?? 2;
  for (let i = 0; i < count; i++) {
    const ports: Record<string, number> = {};
    for (const name of [
      'FRONTEND_GRPC_PORT',
      'FRONTEND_HTTP_PORT',
      'FRONTEND_MEMBERSHIP_PORT',
      'HISTORY_GRPC_PORT',
      'HISTORY_MEMBERSHIP_PORT',
      'MATCHING_GRPC_PORT',
      'MATCHING_MEMBERSHIP_PORT',
      'WORKER_GRPC_PORT',
      'WORKER_MEMBERSHIP_PORT',
    ]) {
      ports[name] = name.endsWith('MEMBERSHIP_PORT') ? await freeLowPort() : await freePort();
    }
    const name = `temporal-${i + 1}`;
    let child: ChildProcess | undefined;
    let exitedWith: string | undefined;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      POSTGRES_SEEDS: options.db.host,
      DB_PORT: String(options.db.port),
      POSTGRES_USER: options.db.user,
      POSTGRES_PWD: options.db.password ?? '',
      DBNAME: TEMPORAL_DATABASES.main,
      VISIBILITY_DBNAME: TEMPORAL_DATABASES.visibility,
      NUM_HISTORY_SHARDS: '4',
      SQL_MAX_CONNS: '10',
      BIND_ON_IP: '127.0.0.1',
      TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
      DYNAMIC_CONFIG_FILE_PATH: path.join(repoRoot, 'deploy', 'temporal', 'dynamicconfig.yaml'),
      LOG_LEVEL: 'warn',
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    };
    const node = {
      name,
      ports,
      frontendPort: ports.FRONTEND_GRPC_PORT,
      get process() {
        return child;
      },
      async kill(signal: NodeJS.Signals = 'SIGKILL') {
        const c = child;
        if (!c || c.exitCode !== null || c.signalCode !== null) return;
        const gone = new Promise<void>((resolve) => c.once('exit', () => resolve()));
        c.kill(signal);
        await gone;
      },
      async start() {
        exitedWith = undefined;
        const log = fs.openSync(path.join(options.logDir, `${name}.log`), 'a');
        child = spawn(
          server,
          [
            '--root',
            path.join(repoRoot, 'deploy'),
            '--config',
            'temporal',
            '--env',
            'production',
            '--allow-no-auth',
            'start',
          ],
          {
            env,
            stdio: ['ignore', log, log],
          },
        );
        fs.closeSync(log);
        const c = child;
        c.once('exit', (code, signal) => {
          const logFile = path.join(options.logDir, `${name}.log`);
          const tail = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-3000) : '';
          exitedWith = `${name} exited (${signal ?? code}); the end of ${logFile}:\n${tail}`;
        });
        await waitServing(node.frontendPort, 180_000, () => (child === c ? exitedWith : undefined));
      },
    };
    nodes.push(node);
  }
  t0 = Date.now();
  // The first node creates the cluster metadata; the others join it.
  await nodes[0].start();
  await Promise.all(nodes.slice(1).map((n) => n.start()));
  timings.nodes = (Date.now() - t0) / 1000;

  const balancer = await startBalancer(() =>
    nodes
      .filter((n) => n.process && n.process.exitCode === null && n.process.signalCode === null)
      .map((n) => n.frontendPort),
  );
  const address = `127.0.0.1:${balancer.port}`;

  t0 = Date.now();
  await temporalCli(address, ['operator', 'namespace', 'create', '--namespace', namespace, '--retention', '72h']);
  const attributeArgs = searchAttributeDefinitions.flatMap((d) => ['--name', d.name, '--type', d.cliType]);
  // Every node must know the namespace and the attributes before a worker polls through it (each caches them).
  for (const node of nodes) {
    const direct = `127.0.0.1:${node.frontendPort}`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        await temporalCli(direct, ['workflow', 'list', '--namespace', namespace, '--limit', '1']);
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`namespace ${namespace} not usable on ${node.name}: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
  await temporalCli(address, ['operator', 'search-attribute', 'create', '--namespace', namespace, ...attributeArgs]);
  for (const node of nodes) {
    const direct = `127.0.0.1:${node.frontendPort}`;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const listed = await temporalCli(direct, [
        'operator',
        'search-attribute',
        'list',
        '--namespace',
        namespace,
      ]).catch(() => '');
      if (searchAttributeDefinitions.every((d) => listed.includes(d.name))) break;
      if (Date.now() > deadline) throw new Error(`search attributes not visible on ${node.name}:\n${listed}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  timings.namespace = (Date.now() - t0) / 1000;

  return {
    address,
    namespace,
    nodes,
    version,
    timings,
    async stop() {
      await balancer.close();
      await Promise.all(nodes.map((n) => n.kill('SIGKILL')));
    },
  };
}
