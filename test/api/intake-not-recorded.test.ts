/**
 * The one case where an owner's submission is not received (issue 15): Temporal is unreachable and the database does
 * not record the submission either. Faults injected through the interfaces production uses (the gateway to Temporal,
 * the store's intake repository); the app, its pages and the rest of the store are real.
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/api/app';
import type { CycleGateway } from '../../src/api/cycle-gateway';
import { loadConfig } from '../../src/config';
import { loadDemoIfEmpty } from '../../src/store';
import { createTestStore, type TestStore } from '../helpers/store';

const unreachable = () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:7233'));
/** Temporal cannot be reached: every call fails as the client does when the frontend is down. */
const temporalDown = new Proxy({} as CycleGateway, {
  get: (_t, name) => (name === 'workflowUiUrl' ? () => 'http://127.0.0.1:8233' : unreachable),
});

describe('an owner submitting while Temporal and the database are both unavailable', () => {
  let store: TestStore;
  let app: FastifyInstance;
  afterEach(async () => {
    await app?.close();
    await store?.close();
  });

  it("answers 503 with a page that shows the owner's text back, ready to send again, and keeps nothing half-saved", async () => {
    store = await createTestStore();
    await loadDemoIfEmpty(store);
    await store.cycles.open({
      mechanismId: 'cn-ls',
      quarter: '2026-Q4',
      workflowId: 'cycle:cn-ls:2026-Q4',
      cutoffAt: '2099-01-01T00:00:00Z',
    });
    const owner = (await store.projects.get('cn-ls', 'mpiti-road'))!.owner;
    const token = await store.ownerLinks.issue({
      mechanismId: 'cn-ls',
      quarter: '2026-Q4',
      projectId: 'mpiti-road',
      contactId: owner,
      expiresAt: '2099-01-01T00:00:00Z',
    });
    const failing = {
      ...store,
      intake: { ...store.intake, receive: () => Promise.reject(new Error('SQLITE_BUSY: database is locked')) },
    };
    app = await buildApp({
      config: loadConfig({ DATA_DIR: store.dataDir }),
      readiness: {},
      store: failing,
      cycles: temporalDown,
    });

    const res = await app.inject({
      method: 'POST',
      url: `/u/${token}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        status: 'at-risk',
        statusReason: 'Rains.',
        progressPercent: '35',
        achievements: 'Typed during the outage.',
        challenges: '',
        supportRequested: '',
        nextSteps: '',
        intakeKey: 'outage-key-0001',
      }).toString(),
    });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('Your update could not be saved just now');
    expect(res.body).toContain('Typed during the outage.');
    expect(res.body).toContain('name="intakeKey" value="outage-key-0001"');
    expect(await store.intake.listForCycle('cn-ls', '2026-Q4')).toEqual([]);
    expect(await store.submissions.latest('cn-ls', '2026-Q4', 'mpiti-road')).toBeUndefined();
  }, 60_000);
});
