import { randomBytes } from 'node:crypto';
import formbody from '@fastify/formbody';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Config } from '../config';
import type { Store } from '../store';
import { loadLinkSecret } from '../store/secrets';
import { type Caller, identify, requireScope, type Scope } from './access';
import type { RouteDeps } from './context';
import type { CycleGateway } from './cycle-gateway';
import { codecServerRoutes } from './codec-server';
import { documentErrors, installErrorHandler, onClientError, onFrameworkError } from './errors';
import { startIntakeForwarder } from './intake';
import { DEFAULT_OWNER_LINK_LIMITS, type OwnerLinkLimits, ownerFormRoutes } from './pages/owner-form';
import { secretariatRoutes } from './pages/secretariat';
import { cycleRoutes } from './routes/cycles';
import { mechanismRoutes } from './routes/mechanisms';
import { recordRoutes } from './routes/records';
import { exportRoutes } from './routes/exports';
import { scheduleRoutes } from './routes/schedule';
import { registerWebSessions } from './web-sessions';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller of an /api/v1 route must be allowed (default: `read` for GET, `write` otherwise). */
    scope?: Scope;
  }
}

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
  /** Derives owner-link tokens; default LINK_SECRET or its file in DATA_DIR (the worker's must be the same). */
  linkSecret?: string;
  now?: () => Date;
  /** Login attempts per minute and client address (default 10). */
  loginRateLimit?: number;
  /** Failed sign-ins per 15 minutes and account, from any address (default 20). */
  loginAccountLimit?: number;
  /** Limits on the owner links (failed look-ups per address, requests per link); defaults in owner-form.ts. */
  ownerLinkLimits?: Partial<OwnerLinkLimits>;
  /** How often the intake forwarder delivers pending submissions (default INTAKE_FORWARD_INTERVAL_MS). */
  intakeIntervalMs?: number;
}

const READINESS_TIMEOUT_MS = 3000;

/** TRUST_PROXY as Fastify's `trustProxy`: a number of hops, or a comma-separated list of addresses and CIDRs. */
export function trustProxyOf(
  value: string | undefined,
): ((address: string, hop: number) => boolean) | string[] | false {
  if (value === undefined) return false;
  // n hops: trust the n addresses nearest to the server (what a number means to proxy-addr).
  if (/^\d+$/.test(value)) return (_address, hop) => hop < Number(value);
  return value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
}

const Readiness = z.object({
  status: z.enum(['ready', 'not-ready']),
  checks: z.record(z.string(), z.object({ ok: z.boolean(), error: z.string().optional() })).optional(),
});

/** The caller of a health request, if any: a bad token on /readyz gets the plain answer, not an error. */
async function identifyOnce(store: Store, request: FastifyRequest, now: () => Date): Promise<Caller | undefined> {
  try {
    await identify(store, now, { sessions: true })(request);
    return request.caller;
  } catch {
    return undefined;
  }
}

/** Builds the web/API server without listening, so tests can `inject()` requests. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    // Behind reverse proxies (TRUST_PROXY), the client address is taken from X-Forwarded-For: rate limits then count
    // per client, not per proxy (otherwise one client's wrong passwords would lock out everyone behind the proxy).
    trustProxy: trustProxyOf(deps.config.TRUST_PROXY),
    // The biggest legitimate body is a submission (about 20 kB of text) or a session record (200 decisions).
    bodyLimit: 1024 * 1024,
    // Owner links carry a secret token in the path: never log request URLs verbatim.
    logController: new LogController({ disableRequestLogging: true }),
    // Errors raised before a route runs (an over-long path parameter, a URL that does not decode, a request Node
    // cannot parse) answer with the project's error JSON like every other error.
    frameworkErrors: onFrameworkError,
    clientErrorHandler: onClientError,
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);

  app.get('/healthz', { schema: { tags: ['health'], summary: 'Alive' } }, async () => ({ status: 'ok' }));

  if (deps.store && deps.cycles) await registerApplication(app, { ...deps, store: deps.store, cycles: deps.cycles });
  // Without credentials /readyz says only ready or not: which dependency fails, and why, is for signed-in admins
  // (session or an admin's token) and the log.
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Database and Temporal reachable (503 otherwise); the failing check only for admins',
        response: { 200: Readiness, 503: Readiness },
      },
    },
    async (request, reply) => {
      const results = await Promise.all(
        Object.entries(deps.readiness).map(async ([name, check]) => {
          try {
            await withTimeout(check(), READINESS_TIMEOUT_MS);
            return [name, { ok: true }] as const;
          } catch (err) {
            request.log.warn({ check: name, err }, 'readiness check failed');
            return [name, { ok: false, error: (err as Error).message }] as const;
          }
        }),
      );
      const ready = results.every(([, r]) => r.ok);
      const caller = deps.store ? await identifyOnce(deps.store, request, deps.now ?? (() => new Date())) : undefined;
      const details = caller?.scopes.includes('admin') ? { checks: Object.fromEntries(results) } : {};
      return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not-ready', ...details });
    },
  );

  return app;
}

async function registerApplication(
  app: FastifyInstance,
  deps: AppDeps & { store: Store; cycles: CycleGateway },
): Promise<void> {
  const routeDeps: RouteDeps = {
    config: deps.config,
    store: deps.store,
    cycles: deps.cycles,
    now: deps.now ?? (() => new Date()),
    sessionSecret: deps.sessionSecret ?? randomBytes(32).toString('base64url'),
    linkSecret: deps.linkSecret ?? loadLinkSecret(deps.config.dataDir, deps.config.LINK_SECRET),
  };
  // Submissions recorded while the worker or Temporal was away reach their workflow from here, exactly once.
  const forwarder = startIntakeForwarder(
    {
      store: routeDeps.store,
      cycles: routeDeps.cycles,
      now: routeDeps.now,
      log: (err) => app.log.warn({ err }, 'intake forwarder'),
    },
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
  await registerWebSessions(app, {
    store: deps.store,
    secret: routeDeps.sessionSecret,
    secure: deps.config.PUBLIC_URL.startsWith('https:'),
    now: routeDeps.now,
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'coordination-mechanism API',
        version: '1.0.0',
        description:
          'Mechanisms, projects, cycles and their commands, documents, action items, schedules. Every request needs ' +
          '`Authorization: Bearer <token>`, checked before anything else (a request without one gets 401 whatever ' +
          'else is wrong with it). Every error, including 404 for an unknown path, 414 for a path parameter over 100 ' +
          'characters and 400 for malformed JSON, answers `{"error": {"code", "message", "fields"?}}`. Fields of a ' +
          'request body that the schema does not name are ignored: they are dropped before anything is stored.',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
    // Only the JSON API and health routes are API; pages are not part of the document.
    hideUntagged: true,
  });
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // Its own Content-Security-Policy for the docs page (Swagger UI's bundle), instead of the pages' stricter one.
    staticCSP: true,
    uiConfig: { deepLinking: false },
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await app.register(
    async (api) => {
      // Authentication and permission come first (onRequest: before the body is read or validated), so a caller
      // without a token learns only that it needs one. Each route's scope is in its config.
      // Every operation documents every error status it can answer, with the one error shape.
      api.addHook('onRoute', (route) => {
        if (!route.schema?.hide) documentErrors((route.schema ??= {}) as Parameters<typeof documentErrors>[0]);
      });
      api.addHook('onRequest', identify(deps.store, routeDeps.now, { sessions: false }));
      api.addHook('onRequest', async (request) => {
        requireScope(request, request.routeOptions.config.scope ?? (request.method === 'GET' ? 'read' : 'write'));
      });
      await api.register(mechanismRoutes(routeDeps), { prefix: '/mechanisms' });
      await api.register(cycleRoutes(routeDeps), { prefix: '/mechanisms' });
      await api.register(scheduleRoutes(routeDeps), { prefix: '/mechanisms' });
      await api.register(exportRoutes(routeDeps), { prefix: '/mechanisms' });
      await api.register(recordRoutes(routeDeps));
    },
    { prefix: '/api/v1' },
  );

  await app.register(codecServerRoutes(routeDeps, deps.config.payloadKeys));
  await app.register(ownerFormRoutes(routeDeps, { ...DEFAULT_OWNER_LINK_LIMITS, ...deps.ownerLinkLimits }));
  await app.register(
    secretariatRoutes(routeDeps, {
      loginRateLimit: deps.loginRateLimit ?? 10,
      loginAccountLimit: deps.loginAccountLimit ?? 20,
    }),
  );
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
