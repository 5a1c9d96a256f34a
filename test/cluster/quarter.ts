/**
 * One quarter of a synthetic mechanism driven through the HTTP API of the web instances, the way an automation
 * client would: open the cycle, submit every project's update on the owner's behalf, wait for the report, convene,
 * record decisions, see the cycle closed. Every request goes to one instance and, when it fails (connection
 * refused or reset, 5xx), is retried through the other with the same Idempotency-Key. Then the checks every fault
 * case ends with: submissions exactly once in the records and in the workflow, every email exactly once at the SMTP
 * server (Message-IDs counted there), the quarter closed.
 */
import { randomUUID } from 'node:crypto';
import { quarterOf } from '../../src/domain';
import { DEFAULT_LEASE_MS } from '../../src/store/outbox';
import { projectDataConverter } from '../../src/temporal/codec';
import { testPayloadKeys } from '../helpers/payload-keys';
import { until } from '../helpers/until';
import { importSyntheticMechanism, outboxCount, sendingWindowAt, startedCount } from '../../bench/synthetic';
import type { ProductionStack } from './stack';

/** A Message-ID without its angle brackets. */
const bare = (id: string) => id.replace(/^<|>$/g, '');

/** What a quarter's run saw, for the test's output. */
export interface QuarterCounts {
  mechanismId: string;
  quarter: string;
  projects: number;
  submissionsInRecords: number;
  projectsWithOneRevision: number;
  submittedInWorkflow: number;
  outboxRows: number;
  messagesAtSmtp: number;
  distinctMessageIds: number;
  duplicateMessageIds: number;
  /** The Message-IDs (without angle brackets) that arrived more than once, with how often. */
  repeated: Record<string, number>;
  requests: number;
  receipts: number;
  invitations: number;
  minutes: number;
  retriedRequests: number;
  /** Commands sent again after a failure that may have reached an instance (see ApiClient.replayed). */
  replayedCommands: number;
  phase: string;
  seconds: number;
  stageSeconds: Record<string, number>;
  phaseSeenAtSeconds: Record<string, number>;
}

/** A JSON body of the API, read loosely: the checks here read a few fields and the server's schemas own the rest. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

/** A response of the API. */
interface ApiAnswer {
  status: number;
  body: Json;
}

/** The API client of a run: round-robin over the web instances, retry through another one on failure. */
export class ApiClient {
  retried = 0;
  /**
   * Commands (not GETs) sent again after a failure that may have reached the server (connection reset, no answer,
   * 5xx), not after a refused connection: the Idempotency-Key is what keeps those from acting twice.
   */
  replayed = 0;
  /** When each phase of the cycle was first seen by waitForCycle (ms since the epoch). */
  readonly phasesSeen = new Map<string, number>();
  private next = 0;
  constructor(private readonly stack: ProductionStack) {}

  /** Sends the request to the next instance; on a network error or 5xx, again to the others (same Idempotency-Key). */
  async call(
    method: string,
    path: string,
    body?: unknown,
    options: { via?: number; deadlineMs?: number } = {},
  ): Promise<ApiAnswer> {
    const key = randomUUID();
    const deadline = Date.now() + (options.deadlineMs ?? 180_000);
    let i = options.via ?? this.next++;
    let last = '';
    let reached = false;
    for (let attempt = 0; ; attempt++) {
      const web = this.stack.webs[i % this.stack.webs.length];
      try {
        const res = await fetch(`${web.url}/api/v1${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.stack.token}`,
            'idempotency-key': key,
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(60_000),
        });
        const text = await res.text();
        const answer = { status: res.status, body: text ? JSON.parse(text) : undefined };
        if (res.status < 500) return answer;
        last = `${web.name}: ${res.status} ${text.slice(0, 300)}`;
        reached = true;
      } catch (err) {
        const cause = (err as { cause?: { code?: string } }).cause;
        last = `${web.name}: ${(err as Error).message} ${String(cause ?? '')}`;
        reached = cause?.code !== 'ECONNREFUSED';
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no instance answered in time; last: ${last}`);
      this.retried++;
      if (reached && method !== 'GET') this.replayed++;
      i++;
      await new Promise((r) => setTimeout(r, Math.min(2000, 100 * 2 ** Math.min(attempt, 5))));
    }
  }

  async ok(
    method: string,
    path: string,
    body?: unknown,
    options?: { via?: number; deadlineMs?: number },
  ): Promise<Json> {
    const a = await this.call(method, path, body, options);
    if (a.status >= 300) throw new Error(`${method} ${path}: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body;
  }
}

/** Polls the cycle through the API until `check` holds; bounded. */
export async function waitForCycle(
  api: ApiClient,
  path: string,
  what: string,
  check: (cycle: Json) => boolean,
  timeoutMs = 300_000,
): Promise<Json> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const a = await api.call('GET', path).catch((err: Error) => ({ status: 0, body: err.message }));
    if (a.status === 200 && typeof a.body?.phase === 'string' && !api.phasesSeen.has(a.body.phase))
      api.phasesSeen.set(a.body.phase, Date.now());
    if (a.status === 200 && check(a.body)) return a.body;
    last = a.status === 200 ? { phase: a.body.phase, source: a.body.source, projects: a.body.projects?.length } : a;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * The quarter a test cycle runs: the current one in the mechanism's zone, so the cycle opens now (a future quarter's
 * waits for its opening day); its due date and cut-off are counted from now, weeks ahead.
 */
export function testQuarter(timeZone: string): string {
  return quarterOf(new Date(), timeZone);
}

/** Imports an N-project mechanism whose owners are in a zone where requests go out now (when such a zone exists). */
export async function seedMechanism(
  stack: ProductionStack,
  mechanismId: string,
  projects: number,
): Promise<{ sendsNow: boolean; timeZone: string }> {
  const window = sendingWindowAt();
  await importSyntheticMechanism(stack.store, mechanismId, projects, window);
  return { sendsNow: window.sendsNow, timeZone: window.timeZone };
}

/** A valid update of project i. */
export function updateOf(i: number) {
  return {
    status: i % 5 === 0 ? 'at-risk' : 'on-track',
    ...(i % 5 === 0 && { statusReason: 'Procurement took longer than planned.' }),
    progressPercent: (i * 7) % 100,
    achievements: `Milestone ${i} reached.`,
    challenges: '',
    supportRequested: '',
    nextSteps: 'Continue as planned.',
  };
}

/** Hooks a fault case uses to act at a point of the quarter. */
export interface QuarterHooks {
  /** Right after the cycle is opened (the fan-out is under way). */
  afterOpen?(): Promise<void>;
  /** While the submissions are sent (called once, after the first `atSubmission` of them went out). */
  duringSubmissions?(): Promise<void>;
  atSubmission?: number;
  /** After every submission is acknowledged. */
  afterSubmissions?(): Promise<void>;
}

/** What a run of runQuarter leaves for the checks: its API client (retry count) and how long each stage took. */
export interface QuarterRun {
  api: ApiClient;
  /** Seconds per stage: fan-out, submissions, report, session (or close), in order. */
  stageSeconds: Record<string, number>;
  /** Seconds from the opening of the cycle to the first sight of each phase. */
  phaseSeenAtSeconds: Record<string, number>;
}

/** Opens, runs and closes one quarter through the API. */
export async function runQuarter(
  stack: ProductionStack,
  mechanismId: string,
  quarter: string,
  projects: number,
  hooks: QuarterHooks = {},
  options: { session: boolean; requestsGoOut: boolean } = { session: true, requestsGoOut: true },
): Promise<QuarterRun> {
  const api = new ApiClient(stack);
  const stageSeconds: Record<string, number> = {};
  const openedAt = Date.now();
  let stageStart = openedAt;
  const done = (): QuarterRun => ({
    api,
    stageSeconds,
    phaseSeenAtSeconds: Object.fromEntries(
      [...api.phasesSeen].map(([phase, at]) => [phase, Math.round((at - openedAt) / 100) / 10]),
    ),
  });
  const stage = (name: string) => {
    stageSeconds[name] = Math.round((Date.now() - stageStart) / 100) / 10;
    stageStart = Date.now();
  };
  const cyclePath = `/mechanisms/${mechanismId}/cycles/${quarter}`;
  const opened = await api.call('POST', `/mechanisms/${mechanismId}/cycles`, { quarter }, { via: 0 });
  if (opened.status !== 201)
    throw new Error(`opening the cycle answered ${opened.status} ${JSON.stringify(opened.body)}`);
  // Opening again through the other instance finds the same cycle.
  const again = await api.call('POST', `/mechanisms/${mechanismId}/cycles`, { quarter }, { via: 1 });
  if (again.status !== 200 || again.body.workflowId !== opened.body.workflowId)
    throw new Error(`opening again answered ${again.status} ${JSON.stringify(again.body)}`);
  await hooks.afterOpen?.();
  // Every project's update workflow has started and recorded its state (owners get their link only then).
  const deadline = Date.now() + 600_000;
  await until(
    `${mechanismId}: every update workflow started`,
    async () => (await startedCount(stack.store, mechanismId)) >= projects,
    deadline - Date.now(),
  );
  // Owners answer the request they received: every request is sent before anyone submits. Otherwise, on a loaded
  // machine, a submission can overtake its request: a project settled before its request went out is rightly sent
  // none, and a request whose first attempt died with a worker and waits for its retry is withdrawn when the cycle
  // closes. Either way what the checks count would depend on the race.
  if (options.requestsGoOut)
    await until(
      `${mechanismId}: every request email sent`,
      async () => (await outboxCount(stack.store, mechanismId, 'request', 'sent')) >= projects,
      Math.max(0, deadline - Date.now()),
    );
  stage('fanOut');

  // Submissions, 8 at a time, alternating instances.
  let sent = 0;
  let hookDone: Promise<void> | undefined;
  const queue = Array.from({ length: projects }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        // 200 applied (revision 1), or 202 recorded and pending (the intake delivers it to the workflow later).
        const receipt = await api.ok('POST', `${cyclePath}/projects/project-${i}/submission`, updateOf(i));
        const result = receipt?.result;
        if (!(result?.status === 'pending' || (result?.status === 'applied' && result.revision === 1)))
          throw new Error(`project-${i}: receipt ${JSON.stringify(receipt)}`);
        sent++;
        if (hooks.duringSubmissions && !hookDone && sent >= (hooks.atSubmission ?? Math.floor(projects / 4)))
          hookDone = hooks.duringSubmissions();
      }
    }),
  );
  await hookDone;
  await hooks.afterSubmissions?.();
  stage('submissions');

  await waitForCycle(
    api,
    cyclePath,
    'the report compiled (phase convening)',
    (c) => c.phase === 'convening' && c.source === 'workflow',
  );
  stage('report');
  if (!options.session) {
    // The secretariat closes the quarter without a session (the fault cases: the session is the main case's part).
    await api.ok('POST', `${cyclePath}/close`, {});
    await waitForCycle(api, cyclePath, 'the cycle closed', (c) => c.phase === 'closed');
    stage('close');
    return done();
  }
  const startsAt = new Date(Date.now() + 20_000).toISOString();
  await api.ok('PUT', `${cyclePath}/session`, {
    startsAt,
    durationMinutes: 15,
    venue: 'Maseru',
    chairs: ['secretariat'],
    attendees: ['supervisor'],
  });
  await waitForCycle(api, cyclePath, 'the session started (phase in-session)', (c) => c.phase === 'in-session');
  await api.ok('POST', `${cyclePath}/decisions`, {
    present: ['secretariat', 'supervisor'],
    decisions: [
      {
        id: 'd-1',
        text: 'The portfolio review is adopted.',
        projects: ['project-0'],
        actionItems: [
          {
            id: `${mechanismId}-a1`,
            title: 'Circulate the adopted review',
            owner: 'secretariat',
            dueDate: '2099-01-15',
            projects: ['project-0'],
          },
        ],
      },
    ],
  });
  await waitForCycle(api, cyclePath, 'the cycle closed', (c) => c.phase === 'closed');
  stage('session');
  return done();
}

/**
 * The checks every case ends with, returned as counts (the test prints them): each project's update is in the
 * records exactly once (one revision) and in the workflow exactly once (submitted, revision 1); every email the
 * outbox holds arrived at the SMTP server exactly once by Message-ID, and nothing arrived twice.
 */
export async function checkQuarter(
  stack: ProductionStack,
  run: QuarterRun,
  mechanismId: string,
  quarter: string,
  projects: number,
  startedAt: number,
): Promise<QuarterCounts> {
  const db = stack.store.db;
  const rows = await db
    .selectFrom('submissions')
    .select(['project_id', 'revision'])
    .where('mechanism_id', '=', mechanismId)
    .where('quarter', '=', quarter)
    .execute();
  const perProject = new Map<string, number[]>();
  for (const r of rows) perProject.set(r.project_id, [...(perProject.get(r.project_id) ?? []), Number(r.revision)]);
  const projectsWithOneRevision = [...perProject.values()].filter((revs) => revs.length === 1 && revs[0] === 1).length;

  // The workflow's side: the closed cycle's result is gone from queries, so each update workflow's history says how
  // many revisions it accepted.
  const { Connection, Client, WorkflowFailedError } = await import('@temporalio/client');
  const { CancelledFailure } = await import('@temporalio/common');
  const connection = await Connection.connect({ address: stack.temporal.address });
  let submittedInWorkflow = 0;
  try {
    // With the payload codec like every client the project creates (the histories' inputs are encrypted).
    const client = new Client({
      connection,
      namespace: stack.temporal.namespace,
      dataConverter: projectDataConverter(testPayloadKeys),
    });
    // Closing the cycle cancels each update, which then finishes what its accepted submission still had to do (the
    // receipt email, whose activity may be waiting out a retry after a transient failure) before it completes:
    // count once every update has completed, within a bound that tells a late email from a lost one.
    const closedBy = Date.now() + 5 * 60_000;
    for (let i = 0; i < projects; i += 20) {
      await client.withDeadline(closedBy, () =>
        Promise.all(
          Array.from({ length: Math.min(20, projects - i) }, (_, k) =>
            client.workflow
              .getHandle(`update:${mechanismId}:${quarter}:project-${i + k}`)
              .result()
              .catch((err: unknown) => {
                // Ended by the cycle's close: Temporal records it as cancelled once its queues are done.
                if (err instanceof WorkflowFailedError && err.cause instanceof CancelledFailure) return;
                throw err;
              }),
          ),
        ),
      );
    }
    for (let i = 0; i < projects; i += 20) {
      const counts = await Promise.all(
        Array.from({ length: Math.min(20, projects - i) }, async (_, k) => {
          const history = await client.workflow
            .getHandle(`update:${mechanismId}:${quarter}:project-${i + k}`)
            .fetchHistory();
          return (history.events ?? []).filter(
            (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'submitUpdate',
          ).length;
        }),
      );
      submittedInWorkflow += counts.filter((n) => n === 1).length;
    }
  } finally {
    await connection.close();
  }

  const outbox = await db
    .selectFrom('outbox')
    .select(['message_id', 'step', 'status'])
    .where('mechanism_id', '=', mechanismId)
    .where('quarter', '=', quarter)
    .execute();
  const ids = new Set(outbox.map((o) => bare(o.message_id)));
  const atSmtp = stack.smtp.messages.filter((m) => ids.has(bare(m.messageId)));
  const distinct = new Set(atSmtp.map((m) => m.messageId));
  const counts: QuarterCounts = {
    mechanismId,
    quarter,
    projects,
    submissionsInRecords: rows.length,
    projectsWithOneRevision,
    submittedInWorkflow,
    outboxRows: outbox.length,
    messagesAtSmtp: atSmtp.length,
    distinctMessageIds: distinct.size,
    duplicateMessageIds: atSmtp.length - distinct.size,
    repeated: Object.fromEntries(
      [...distinct]
        .map((id) => [bare(id), atSmtp.filter((m) => m.messageId === id).length] as const)
        .filter(([, n]) => n > 1),
    ),
    requests: outbox.filter((o) => o.step === 'request').length,
    receipts: outbox.filter((o) => o.step.startsWith('receipt-r')).length,
    invitations: outbox.filter((o) => o.step.startsWith('invitation-s')).length,
    minutes: outbox.filter((o) => o.step === 'minutes').length,
    retriedRequests: run.api.retried,
    replayedCommands: run.api.replayed,
    phase: (await stack.store.cycles.get(mechanismId, quarter))?.phase ?? 'unknown',
    seconds: Math.round((Date.now() - startedAt) / 1000),
    stageSeconds: run.stageSeconds,
    phaseSeenAtSeconds: run.phaseSeenAtSeconds,
  };
  return counts;
}

/**
 * The Message-IDs of the emails a killed worker left being sent in a mechanism (call right after the kill): rows
 * `sending` at the kill whose lease has not moved a renewal period later. A live sender renews its lease every third
 * of it, or records the email sent, within that time; a dead one does neither (and its lease runs for 30 s, so no
 * retry has taken the row yet). These are the only emails that may reach the relay twice: accepted by the relay in
 * the moment between its 250 and the record of it.
 */
export async function emailsLeftByAKilledWorker(stack: ProductionStack, mechanismId: string): Promise<Set<string>> {
  const sending = () =>
    stack.store.db
      .selectFrom('outbox')
      .select(['id', 'message_id', 'lease_until'])
      .where('mechanism_id', '=', mechanismId)
      .where('status', '=', 'sending')
      .execute();
  const atKill = await sending();
  await new Promise((r) => setTimeout(r, DEFAULT_LEASE_MS / 3 + 2000));
  const later = new Map((await sending()).map((r) => [r.id, r.lease_until]));
  return new Set(atKill.filter((r) => later.get(r.id) === r.lease_until).map((r) => bare(r.message_id)));
}

/** Waits until every outbox row of the quarter has reached the SMTP server (emails follow the steps that write them). */
export async function waitForEmails(
  stack: ProductionStack,
  mechanismId: string,
  quarter: string,
  timeoutMs = 300_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outbox = await stack.store.db
      .selectFrom('outbox')
      .select(['id', 'message_id', 'status', 'attempts', 'last_error', 'lease_until', 'updated_at'])
      .where('mechanism_id', '=', mechanismId)
      .where('quarter', '=', quarter)
      .execute();
    const seen = new Set(stack.smtp.messages.map((m) => bare(m.messageId)));
    const missing = outbox.filter((o) => !seen.has(bare(o.message_id)));
    if (outbox.length > 0 && missing.length === 0) return;
    // A withdrawn or undeliverable row is final: it will never arrive, so waiting longer would only hide the cause.
    const final = missing.some((o) => o.status === 'withdrawn' || o.status === 'undeliverable');
    if (final || Date.now() > deadline)
      // The rows themselves, so that CI's output says where each missing email stands.
      throw new Error(
        `${missing.length} of ${outbox.length} emails never reached the SMTP server (at ${new Date().toISOString()}): ` +
          JSON.stringify(missing.slice(0, 5)),
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}
