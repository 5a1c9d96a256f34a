/**
 * Email throughput: N messages to a local SMTP server (127.0.0.1, discards what it receives) through the
 * outbox path (render, store, claim, send with pooled nodemailer, record the reply in SQLite) and through
 * bare pooled nodemailer with the same pool size and the same number of messages in flight.
 * Run: `npx ts-node --transpile-only bench/email.ts [N]`. The whole-suite runner calls runEmailBench().
 */
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { Mechanism } from '../src/domain';
import { createNotifier } from '../src/notifications/notifier';
import { createSmtpTransport } from '../src/notifications/transport';
import { openStore } from '../src/store';
import { createOutboxRepository } from '../src/store/outbox';

/** Result of one run: messages per second on each path, and outbox/bare. */
export interface EmailBenchResult {
  messages: number;
  outboxRate: number;
  bareRate: number;
  ratio: number;
}

async function sink(): Promise<{ url: string; received: () => number; close: () => Promise<void> }> {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    onData(stream, _session, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        received += 1;
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received: () => received,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

async function inFlight<T>(items: T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

function mechanism(n: number): Mechanism {
  return Mechanism.parse({
    id: 'bench',
    name: 'Benchmark Coordination Mechanism',
    timeZone: 'Africa/Maseru',
    sides: [{ id: 'ls', name: 'Lesotho', secretariat: ['sec'] }],
    pillars: [{ id: 'econ', name: 'Economic transformation' }],
    contacts: [
      { id: 'sec', name: 'Secretariat', email: 'secretariat@example.org' },
      ...Array.from({ length: n }, (_, i) => ({
        id: `owner-${i}`,
        name: `Owner ${i}`,
        email: `owner-${i}@example.org`,
        language: i % 2 ? 'zh' : 'en',
      })),
    ],
  });
}

/** Sends `messages` emails on both paths (pool of `connections`, `concurrency` in flight) and returns the rates. */
export async function runEmailBench(
  options: { messages?: number; connections?: number; concurrency?: number } = {},
): Promise<EmailBenchResult> {
  const n = options.messages ?? 2000;
  const connections = options.connections ?? 5;
  const concurrency = options.concurrency ?? 50;
  const server = await sink();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'coord-bench-email-'));
  const store = await openStore({ dataDir });
  try {
    const m = mechanism(n);
    const transport = createSmtpTransport(`${server.url}?maxConnections=${connections}`);
    const notifier = createNotifier({
      outbox: createOutboxRepository(store.db),
      transport,
      directory: {
        mechanism: async () => m,
        project: async (_m, id) => ({ title: `Project ${id}`, owner: 'owner-0' }),
        openActionItems: async () => [{ title: 'Share the revised works schedule', dueDate: '2026-03-20' }],
      },
      publicUrl: 'http://127.0.0.1:3000',
      mailFrom: 'secretariat@example.org',
      issueOwnerLink: (i) => store.ownerLinks.issue({ ...i, expiresAt: '2099-01-01T00:00:00Z' }),
    });
    const warmup = Math.min(200, n);
    const outboxRun = (prefix: string, count: number) =>
      inFlight(
        Array.from({ length: count }, (_, i) => i),
        concurrency,
        (i) =>
          notifier.send({
            workflowId: `update:bench:2026-Q1:${prefix}${i}`,
            step: 'request',
            kind: 'request',
            mechanismId: 'bench',
            quarter: '2026-Q1',
            projectId: `p-${i}`,
            to: [`owner-${i}`],
            params: { dueDate: '2026-03-13' },
          }),
      );
    await outboxRun('warm-', warmup); // JIT and SQLite page cache warm on both paths before timing
    let t0 = process.hrtime.bigint();
    await outboxRun('p-', n);
    const outboxSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    transport.close();

    // Bare: the same kind of message (text + HTML, one recipient, own Message-ID), no rendering, no database.
    const sample = (await createOutboxRepository(store.db).list({ limit: 1 }))[0];
    const bare = nodemailer.createTransport({
      pool: true,
      host: '127.0.0.1',
      port: Number(new URL(server.url).port),
      secure: false,
      maxConnections: connections,
      maxMessages: 100,
    });
    const bareRun = (prefix: string, count: number) =>
      inFlight(
        Array.from({ length: count }, (_, i) => i),
        concurrency,
        (i) =>
          bare.sendMail({
            from: 'secretariat@example.org',
            to: `owner-${i}@example.org`,
            subject: sample.subject,
            text: sample.text,
            html: sample.html,
            messageId: `<bare-${prefix}${i}@example.org>`,
          }),
      );
    await bareRun('warm-', warmup);
    t0 = process.hrtime.bigint();
    await bareRun('', n);
    const bareSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    bare.close();
    if (server.received() !== 2 * (n + warmup))
      throw new Error(`sink received ${server.received()} messages, expected ${2 * (n + warmup)}`);
    const outboxRate = n / outboxSeconds;
    const bareRate = n / bareSeconds;
    return { messages: n, outboxRate, bareRate, ratio: outboxRate / bareRate };
  } finally {
    await store.close();
    await server.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const n = Number(process.argv[2] ?? 2000);
  runEmailBench({ messages: n }).then(
    (r) => {
      console.log(`email throughput, ${r.messages} messages to a local SMTP server (pool of 5, 50 in flight)`);
      console.log('path                    msg/s');
      console.log(`outbox (SQLite)  ${r.outboxRate.toFixed(0).padStart(12)}`);
      console.log(`bare nodemailer  ${r.bareRate.toFixed(0).padStart(12)}`);
      console.log(`ratio outbox/bare ${r.ratio.toFixed(2).padStart(11)}`);
    },
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
