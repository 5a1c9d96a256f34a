/**
 * The codec server (Temporal's remote-codec protocol) on the web server: Temporal UI and `temporal ... --codec-endpoint`
 * POST `{"payloads": [{"metadata": {"<key>": "<base64>"}, "data": "<base64>"}]}` to `/codec/decode` (or `/encode`)
 * and get the same shape back, decrypted (or encrypted) with the deployment's keys (src/temporal/codec.ts).
 *
 * Who may: decoding needs the `read` permission (every role and token scope has it: a signed-in user, whose session
 * cookie Temporal UI sends when it includes credentials, or an API bearer token), as reading a submission on the
 * pages does. Encoding makes payloads the worker accepts as the project's own (`temporal workflow start` or a signal
 * with an input, past the API's checks and audit trail), so it needs `admin`: an administrator signed in, or a
 * write token of an administrator. Nobody known: 401 (the UI keeps showing the payloads encrypted); known but not
 * allowed: 403. Browsers may call it only from the configured Temporal UI origin (TEMPORAL_UI_URL), with credentials.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import { decryptPayload, encryptPayload, PayloadDecryptionError } from '../temporal/codec';
import type { PayloadKeyRing } from '../temporal/keys';
import { callerFromBearer, callerFromSession, requireScope, type Scope } from './access';
import type { RouteDeps } from './context';
import { ApiError } from './errors';

/** Payloads in Temporal's JSON form (proto3 JSON: bytes as base64). */
const base64 = z
  .string()
  .max(16 * 1024 * 1024)
  .regex(/^[A-Za-z0-9+/_-]*={0,2}$/, 'must be base64');
const JsonPayload = z.object({ metadata: z.record(z.string().max(256), base64).optional(), data: base64.optional() });
const CodecBody = z.object({ payloads: z.array(JsonPayload).max(10_000) });
type JsonPayload = z.infer<typeof JsonPayload>;

/** A history of a few thousand events with large submissions: far above the API's 1 MiB, still bounded. */
const CODEC_BODY_LIMIT = 32 * 1024 * 1024;

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});
const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

/** What each operation needs: Temporal UI only ever decodes. */
const OPERATION_SCOPE: Record<'decode' | 'encode', Scope> = { decode: 'read', encode: 'admin' };

/**
 * Admits the request when its caller (a valid bearer token, else a signed-in user) has the operation's permission:
 * 401 when nobody is known (a bad token included), 403 when the caller may not.
 */
async function admit(deps: RouteDeps, request: FastifyRequest, operation: 'decode' | 'encode'): Promise<void> {
  request.caller =
    (await callerFromBearer(deps.store, request.headers.authorization, deps.now())) ??
    (await callerFromSession(deps.store, request))?.caller;
  requireScope(request, OPERATION_SCOPE[operation]);
}

/** The `/codec/encode` and `/codec/decode` routes; `keys` undefined answers 503 (no key configured). */
export function codecServerRoutes(deps: RouteDeps, keys: PayloadKeyRing | undefined) {
  const uiOrigin = originOf(deps.config.temporalUiUrl);
  const allowedHeaders = 'content-type, x-namespace, authorization, authorization-extras';

  /** CORS for the Temporal UI origin only; other origins get no CORS headers, so browsers refuse them. */
  function cors(request: FastifyRequest, reply: FastifyReply): boolean {
    const origin = request.headers.origin;
    if (origin === undefined) return true;
    reply.header('vary', 'Origin');
    if (origin !== uiOrigin) return false;
    reply.header('access-control-allow-origin', origin);
    reply.header('access-control-allow-credentials', 'true');
    return true;
  }

  return async function codecServer(app: FastifyInstance): Promise<void> {
    app.options('/codec/:operation', { schema: { hide: true } }, async (request, reply) => {
      if (!cors(request, reply)) return reply.code(403).send();
      reply.header('access-control-allow-methods', 'POST');
      reply.header('access-control-allow-headers', allowedHeaders);
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    });

    for (const operation of ['decode', 'encode'] as const) {
      app.post(
        `/codec/${operation}`,
        {
          bodyLimit: CODEC_BODY_LIMIT,
          schema: { hide: true },
          // Before the body is read: an unknown caller cannot make the server parse 32 MiB.
          onRequest: async (request, reply) => {
            cors(request, reply);
            reply.header('cache-control', 'no-store');
            await admit(deps, request, operation);
          },
        },
        async (request, reply) => {
          if (!keys)
            throw new ApiError(503, 'no-payload-keys', 'the web server has no payload key (COORD_PAYLOAD_KEYS)');
          const body = CodecBody.safeParse(request.body);
          if (!body.success) {
            throw new ApiError(
              400,
              'invalid-payloads',
              'expected {"payloads": [{"metadata": {...}, "data": "<base64>"}]}',
            );
          }
          try {
            const payloads = body.data.payloads
              .map(fromJson)
              .map((p) => (operation === 'decode' ? decryptPayload(keys, p) : encryptPayload(keys, p)));
            return reply.send({ payloads: payloads.map(toJson) });
          } catch (err) {
            if (err instanceof PayloadDecryptionError) throw new ApiError(422, 'undecryptable-payload', err.message);
            throw err;
          }
        },
      );
    }
  };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
