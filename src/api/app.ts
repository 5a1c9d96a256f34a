import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config';
import type { Store } from '../store';
import { requireBearer } from './auth';
import type { RouteDeps } from './context';
import type { CycleGateway } from './cycle-gateway';
import { codecServerRoutes } from './codec-server';
import { installErrorHandler } from './errors';
import { startIntakeForwarder } from './intake';
import { registerApiDocs } from './pages/api-docs';
import { ownerFormRoutes } from './pages/owner-form';
import { secretariatRoutes } from './pages/secretariat';
import { cycleRoutes } from './routes/cycles';
import { mechanismRoutes } from './routes/mechanisms';
import { recordRoutes } from './routes/records';
import { scheduleRoutes } from './routes/schedule';

/** A named readiness check: resolves when the dependency answers, rejects otherwise. */
export type ReadinessCheck = () => Promise<void>;

/** What the HTTP app needs from the world; tests pass their own. */
export interface AppDeps {
  config: Config;
  /** Checked by /readyz, e.g. `{ database, temporal }`. */
  readiness: Record<string, ReadinessCheck>;
  logger?: boolean | object;
  /** The records; with `cycles`, enables the API and the pages (without them only the health routes exist). */
  store?: Store;
  /** The running cycles (Temporal). */
  cycles?: CycleGateway;
  /** Signs session cookies; a random one per process when unset (sessions then end on restart). */
  sessionSecret?: string;
  now?: () => Date;
  /** Login attempts per minute and address (default 10). */
  loginRateLimit?: number;
  /** How often the intake forwarder delivers pending submissions (default INTAKE_FORWARD_INTERVAL_MS). */
  intakeIntervalMs?: number;
}

const READINESS_TIMEOUT_MS = 3000;

/** Builds the web/API server without listening, so tests can `inject()` requests. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // The biggest legitimate body is a submission (about 20 kB of text) or a session record (200 decisions).
    bodyLimit: 1024 * 1024,
    // Owner links carry a secret token in the path: never log request URLs verbatim.
    logController: new LogController({ disableRequestLogging: true }),
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  app.get('/healthz', { schema: { tags: ['health'], summary: 'Alive' } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { tags: ['health'], summary: 'Database and Temporal reachable (503 otherwise)' } }, async (_request, reply) => {
    const results = await Promise.all(
      Object.entries(deps.readiness).map(async ([name, check]) => {
        try {
          await withTimeout(check(), READINESS_TIMEOUT_MS);
          return [name, { ok: true }] as const;
        } catch (err) {
          return [name, { ok: false, error: (err as Error).message }] as const;
        }
      }),
    );
    const checks = Object.fromEntries(results);
    const ready = results.every(([, r]) => r.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', checks });
  });

  if (deps.store && deps.cycles) await registerApplication(app, { ...deps, store: deps.store, cycles: deps.cycles });
  return app;
}

async function registerApplication(app: FastifyInstance, deps: AppDeps & { store: Store; cycles: CycleGateway }): Promise<void> {
  const routeDeps: RouteDeps = {
    config: deps.config,
    store: deps.store,
    cycles: deps.cycles,
    now: deps.now ?? (() => new Date()),
    sessionSecret: deps.sessionSecret ?? randomBytes(32).toString('base64url'),
  };
  // Submissions recorded while the worker or Temporal was away reach their workflow from here, exactly once.
  const forwarder = startIntakeForwarder(
    { store: routeDeps.store, cycles: routeDeps.cycles, now: routeDeps.now, log: (err) => app.log.warn({ err }, 'intake forwarder') },
    deps.intakeIntervalMs,
  );
  app.addHook('onClose', async () => forwarder.stop());
  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Pages carry their small stylesheet inline so they work as single files on phones; no inline scripts.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
  });
  await app.register(formbody, { bodyLimit: 256 * 1024 });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'coordination-mechanism API', version: '1.0.0', description: 'Mechanisms, projects, cycles and their commands, documents, action items, schedules.' },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    // Only the JSON API and health routes are API; pages are not part of the document.
    hideUntagged: true,
  });
  registerApiDocs(app);
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(async (api) => {
    api.addHook('preHandler', requireBearer(deps.store, routeDeps.now));
    await api.register(mechanismRoutes(routeDeps), { prefix: '/mechanisms' });
    await api.register(cycleRoutes(routeDeps), { prefix: '/mechanisms' });
    await api.register(scheduleRoutes(routeDeps), { prefix: '/mechanisms' });
    await api.register(recordRoutes(routeDeps));
  }, { prefix: '/api/v1' });

  await app.register(codecServerRoutes(routeDeps, deps.config.payloadKeys));
  await app.register(ownerFormRoutes(routeDeps));
  await app.register(secretariatRoutes(routeDeps, { loginRateLimit: deps.loginRateLimit ?? 10 }));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}
