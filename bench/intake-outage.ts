/**
 * What an owner waits for when a part is down (issue 15, closing note): response times of N owner submissions
 * (the form at /u/<token>, POST) with everything up, with SMTP silent (a relay that accepts connections and never
 * answers), with no worker on the task queue, and with the Temporal dev server stopped. Each answer's status and
 * kind (saved, received-and-recorded, 503 page with the text back) is counted, so the table says what the owner saw.
 *
 * Real parts: the Temporal dev server (bench/dev-server.ts), the worker with the real activities, the web app with
 * its intake forwarder, SQLite. The requests go through `app.inject` from a distinct address each: the owner link
 * route is rate limited to 30 a minute per address, and the socket adds nothing to a wait of about a second.
 *
 * Run: `npx ts-node --transpile-only bench/intake-outage.ts [N]` (default 50).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { SMTPServer } from 'smtp-server';
import { createActivities } from '../src/activities';
import { buildApp } from '../src/api/app';
import { temporalCycleGateway } from '../src/api/temporal-cycle-gateway';
import { loadConfig } from '../src/config';
import { quarterOf } from '../src/domain';
import { loadDemoIfEmpty, openStore } from '../src/store';
import { projectDataConverter } from '../src/temporal/codec';
import { startCycle } from '../src/temporal/cycles';
import { formatPayloadKey, generatePayloadKey, parsePayloadKeys } from '../src/temporal/keys';
import { createWorker } from '../src/workers/worker';
import { startDevServer } from './dev-server';
import { percentile } from './stats';

const N = Number(process.argv[2] ?? 50);
const TEXT = {
  status: 'at-risk',
  statusReason: 'Rains delayed the earthworks.',
  progressPercent: '35',
  achievements: 'Bridge piers cast.',
  challenges: 'Heavy rains.',
  supportRequested: '',
  nextSteps: 'Resume paving.',
};

/** An SMTP relay that takes every message and discards it. */
async function smtpSink(): Promise<{ url: string; close(): Promise<void> }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData: (s, _session, cb) => s.on('end', () => cb()).resume(),
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.server.address() as net.AddressInfo;
  return { url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A relay that accepts connections and never says a word (the worst kind of "down"). */
async function silentSmtp(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

interface Row {
  scenario: string;
  n: number;
  p50: number;
  p99: number;
  max: number;
  answers: string;
}

async function main() {
  const started = new Date();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-bench-outage-'));
  const store = await openStore({ dataDir });
  await loadDemoIfEmpty(store);
  const payloadKeys = parsePayloadKeys(formatPayloadKey(generatePayloadKey()));
  const temporal = await startDevServer();
  const config = loadConfig({ DATA_DIR: dataDir, TEMPORAL_TASK_QUEUE: 'bench-outage' });
  const taskQueue = config.TEMPORAL_TASK_QUEUE;
  const nativeConnection = await NativeConnection.connect({ address: temporal.address });
  const connection = await Connection.connect({ address: temporal.address });
  const client = new Client({ connection, namespace: 'default', dataConverter: projectDataConverter(payloadKeys) });
  const sink = await smtpSink();
  const silent = await silentSmtp();

  const startWorker = async (smtpUrl: string) => {
    const worker = await createWorker({
      payloadKeys,
      connection: nativeConnection,
      namespace: 'default',
      taskQueue,
      activities: createActivities({
        store,
        dataDir,
        publicUrl: 'http://127.0.0.1:3000',
        mailFrom: 'secretariat@example.org',
        smtpUrl,
      }),
    });
    const running = worker.run();
    return async () => {
      worker.shutdown();
      await running;
    };
  };

  const quarter = quarterOf(new Date(), 'Africa/Maseru');
  let stopWorker = await startWorker(sink.url);
  await startCycle(client, 'cn-ls', quarter, { taskQueue });
  const projects = (await store.projects.list('cn-ls', { status: 'active' })).map((p) => p);
  const deadline = Date.now() + 120_000;
  while ((await store.cycles.listProjectStates('cn-ls', quarter)).length < projects.length) {
    if (Date.now() > deadline) throw new Error('the cycle did not start its updates within 2 minutes');
    await new Promise((r) => setTimeout(r, 250));
  }
  const links = await Promise.all(
    projects.map(
      async (p) =>
        `/u/${await store.ownerLinks.issue({ mechanismId: 'cn-ls', quarter, projectId: p.id, contactId: p.owner, expiresAt: '2099-01-01T00:00:00Z' })}`,
    ),
  );
  const gateway = temporalCycleGateway({
    client,
    taskQueue,
    namespace: 'default',
    temporalUiUrl: 'http://127.0.0.1:8233',
  });
  // Errors the app logs (a 500 is a defect: the owner must get a receipt or the 503 page with the text back).
  const failures: string[] = [];
  const app = await buildApp({
    config,
    readiness: {},
    store,
    cycles: gateway,
    logger: { level: 'error', stream: { write: (line: string) => void failures.push(line) } },
  });

  let address = 0;
  const rows: Row[] = [];
  const measure = async (scenario: string) => {
    const times: number[] = [];
    const answers = new Map<string, number>();
    for (let i = 0; i < N; i++) {
      const url = links[i % links.length];
      const t0 = performance.now();
      const res = await app.inject({
        method: 'POST',
        url,
        remoteAddress: `10.${(++address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ ...TEXT, achievements: `${scenario} ${i}` }).toString(),
      });
      times.push(performance.now() - t0);
      const kind = /revision \d+ of your update is saved/.test(res.body)
        ? 'saved'
        : /received and recorded/.test(res.body)
          ? 'recorded'
          : res.statusCode === 503 && res.body.includes(`${scenario} ${i}`)
            ? '503 with text back'
            : `other ${res.statusCode}`;
      answers.set(`${res.statusCode} ${kind}`, (answers.get(`${res.statusCode} ${kind}`) ?? 0) + 1);
    }
    const row = {
      scenario,
      n: N,
      p50: percentile(times, 50),
      p99: percentile(times, 99),
      max: Math.max(...times),
      answers: [...answers].map(([k, v]) => `${v} x ${k}`).join(', '),
    };
    rows.push(row);
    console.error(`${scenario}: p50 ${row.p50.toFixed(0)} ms, p99 ${row.p99.toFixed(0)} ms (${row.answers})`);
  };

  try {
    await measure('everything up');
    await stopWorker();
    stopWorker = await startWorker(silent.url);
    await measure('SMTP silent');
    await stopWorker();
    stopWorker = async () => undefined;
    await measure('worker down');
    await temporal.stop();
    await measure('Temporal down');
  } finally {
    await app.close();
    await stopWorker();
    await connection.close().catch(() => undefined);
    await nativeConnection.close().catch(() => undefined);
    await temporal.stop();
    await store.close();
    await sink.close();
    await silent.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  console.log(
    `intake under outages, ${started.toISOString()} to ${new Date().toISOString()}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}`,
  );
  console.log('| what is down | submissions | p50 ms | p99 ms | max ms | what the owner got |');
  console.log('|---|---|---|---|---|---|');
  for (const r of rows)
    console.log(
      `| ${r.scenario} | ${r.n} | ${r.p50.toFixed(0)} | ${r.p99.toFixed(0)} | ${r.max.toFixed(0)} | ${r.answers} |`,
    );
  if (failures.length) console.log(`\n${failures.length} request(s) failed; the first: ${failures[0].slice(0, 2000)}`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
