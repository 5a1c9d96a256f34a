/**
 * `/api/v1/mechanisms/{mechanismId}/cycles`: open a cycle, read it, and the secretariat's commands on it. Every
 * command is a Temporal update: the answer is what the workflow decided (accepted with its result, or refused
 * with its reason), and a refused command changes nothing.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  checkMechanismSessionDate,
  cyclePhases,
  describeCycleOpening,
  isoDate,
  isoInstant,
  isoQuarter,
  SessionPlan,
  SessionRecord,
  submissionStates,
  Submission,
  slug,
} from '../../domain';
import { command, type UpdateCommand } from '../../temporal/cycles';
import * as messages from '../../workflows/messages';
import { runCommand } from '../commands';
import type { RouteDeps } from '../context';
import { loadCycleView, requireOpenCycle } from '../cycle-view';
import { submitUpdate } from '../submissions';
import { ApiError, ErrorBody, notFound } from '../errors';
import {
  bearer,
  CycleParams,
  CycleProjectParams,
  CyclesBody,
  Decided,
  DecisionsBody,
  MechanismParams,
  SubmissionRecordBody,
} from '../schemas';

const CycleBody = z.object({
  mechanismId: z.string(),
  quarter: z.string(),
  workflowId: z.string(),
  phase: z.enum(cyclePhases),
  source: z.enum(['workflow', 'store']),
  unanswered: z
    .literal(true)
    .optional()
    .describe(
      'The running cycle did not answer in time (Temporal unreachable, or no worker): the records answered and may be behind',
    ),
  waitingFor: z.string().optional(),
  openedAt: z.string().optional(),
  dueDate: z.string().optional(),
  cutoffAt: z.string().optional(),
  proposedSessionAt: z.string().optional(),
  timing: z.enum(['future', 'current', 'past']).optional(),
  opensAt: z.string().optional(),
  reportVersion: z.number().optional(),
  session: z
    .object({ sequence: z.number(), startsAt: z.string(), status: z.enum(['scheduled', 'cancelled', 'held']) })
    .optional(),
  projects: z.array(
    z.object({
      projectId: z.string(),
      state: z.enum(submissionStates),
      ownerId: z.string().optional(),
      revision: z.number().optional(),
      late: z.boolean().optional(),
      lastSendAt: z.string().optional(),
      nextSendAt: z.string().optional(),
      workflowId: z.string(),
    }),
  ),
  pendingSubmissions: z
    .array(
      z.object({
        projectId: z.string(),
        key: z.string(),
        submittedBy: z.string(),
        receivedAt: z.string(),
        attempts: z.number(),
        lastError: z.string().optional(),
      }),
    )
    .optional()
    .describe(
      'Submissions recorded but not yet applied by their workflow (the worker or Temporal was away), oldest first',
    ),
  followUps: z
    .array(
      z.object({
        step: z.string(),
        state: z.enum(['waiting', 'running', 'failed']),
        reason: z.string().optional(),
      }),
    )
    .optional()
    .describe(
      'What accepted commands still do after they answered (recording the session, the agenda, the invitations, ' +
        'storing the decisions), and the ones that failed for good with the reason; absent when nothing is pending',
    ),
  deliveries: z
    .array(z.object({ step: z.string(), total: z.number(), sent: z.number(), undeliverable: z.number() }))
    .optional()
    .describe("The cycle's own emails per step (invitation-s1, minutes, reminders): how many went out of how many"),
});

/**
 * `Idempotency-Key`: a client's retry of a command with the same key runs it once and gets the first answer (the
 * key becomes the Temporal update id; for a submission, the intake key).
 */
const IdempotencyHeaders = z
  .object({
    'idempotency-key': z
      .string()
      .regex(/^[A-Za-z0-9._:-]{8,100}$/, 'must be 8 to 100 letters, digits or . _ : -')
      .optional(),
  })
  .passthrough();
const idempotencyKey = (headers: unknown): string | undefined =>
  (headers as { 'idempotency-key'?: string })['idempotency-key'];
/** The update id of a keyed command: its name and the key, so one key cannot stand for two different commands. */
const commandOptions = (name: string, key: string | undefined) =>
  key ? { updateId: `api:${name}:${key}` } : undefined;

/**
 * A submission through the API: the update's fields, and optionally the revision the text was based on. With
 * `baseRevision` older than the stored revision nothing is applied: 409 `stale-revision` with `currentRevision`
 * (read the stored text with GET .../submission, then send again based on it). Without it (older clients) the
 * submission is a new revision whatever was stored meanwhile.
 */
const SubmissionBody = Submission.safeExtend({
  baseRevision: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('The revision this text was based on (0 when there was none yet); optional'),
})
  // Extending drops the Submission's own OpenAPI rule (a reason unless on track or completed): carry it over.
  .meta(Submission.meta() ?? {});

/** Convening without `startsAt` accepts the proposed date; a holiday on either side needs `holidayConfirmed`. */
const ConveneBody = SessionPlan.extend({ startsAt: isoInstant.optional(), holidayConfirmed: z.boolean().optional() });

/** What opening a cycle answers: the workflow, and when it collects (a future quarter waits, a past one catches up). */
const OpenedBody = z.object({
  workflowId: z.string(),
  started: z.boolean(),
  timing: z.enum(['future', 'current', 'past']).optional(),
  opensAt: z.string().optional(),
  dueDate: z.string().optional(),
  cutoffAt: z.string().optional(),
  proposedSessionAt: z.string().optional(),
  notice: z.string().optional(),
});

/** The session date check: the proposed start against both sides' calendars, and dates both sides work. */
const SessionCheckBody = z.object({
  startsAt: z.string(),
  needsConfirmation: z.boolean(),
  warnings: z.array(z.string()),
  alternatives: z.array(z.string()),
  sides: z.array(
    z.object({
      sideId: z.string(),
      calendarId: z.string().optional(),
      timeZone: z.string(),
      localDate: z.string(),
      localHour: z.number(),
      working: z.boolean(),
      holiday: z.string().optional(),
    }),
  ),
});
const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody };

/** Cycles and their commands. */
export function cycleRoutes(deps: RouteDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const mechanismOr404 = async (mechanismId: string) => {
      const m = await deps.store.mechanisms.get(mechanismId);
      if (!m) throw notFound(`mechanism ${mechanismId}`);
      return m;
    };
    const projectOr404 = async (mechanismId: string, projectId: string) => {
      const p = await deps.store.projects.get(mechanismId, projectId);
      if (!p) throw notFound(`project ${mechanismId}/${projectId}`);
      return p;
    };
    const audit = (actor: string, action: string, entityId: string, details?: unknown) =>
      deps.store.audit.append({ actor, action, entityType: 'cycle', entityId, details, at: deps.now() });

    app.get(
      '/:mechanismId/cycles',
      {
        schema: {
          tags: ['cycles'],
          summary: "The mechanism's cycles, newest first",
          security: bearer,
          params: MechanismParams,
          response: { 200: CyclesBody, 404: ErrorBody },
        },
      },
      async (request) => {
        await mechanismOr404(request.params.mechanismId);
        return { cycles: await deps.store.cycles.list(request.params.mechanismId) };
      },
    );

    app.post(
      '/:mechanismId/cycles',
      {
        schema: {
          tags: ['cycles'],
          summary: 'Open the cycle of a quarter (201 started, 200 it already exists)',
          security: bearer,
          params: MechanismParams,
          body: z.object({ quarter: isoQuarter }),
          response: { 200: OpenedBody, 201: OpenedBody, ...errors },
        },
      },
      async (request, reply) => {
        const { mechanismId } = request.params;
        const mechanism = await mechanismOr404(mechanismId);
        const result = await deps.cycles.start(mechanismId, request.body.quarter);
        if (!result.started) return reply.code(200).send(result);
        // A future quarter's cycle waits for its opening day; a past quarter's is a catch-up: say so, with the dates.
        const opening = describeCycleOpening(mechanism, request.body.quarter, deps.now().toISOString());
        await audit(request.caller!.actor, 'cycle.open', result.workflowId, {
          timing: opening.timing,
          opensAt: opening.opensAt,
        });
        return reply.code(201).send({
          ...result,
          timing: opening.timing,
          opensAt: opening.opensAt,
          ...opening.dates,
          notice: opening.notice,
        });
      },
    );

    app.get(
      '/:mechanismId/session-check',
      {
        schema: {
          tags: ['cycles'],
          summary: "A proposed session start checked against both sides' calendars, with dates both sides work",
          security: bearer,
          params: MechanismParams,
          querystring: z.object({ startsAt: isoInstant }),
          response: { 200: SessionCheckBody, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) =>
        checkMechanismSessionDate(await mechanismOr404(request.params.mechanismId), request.query.startsAt),
    );

    app.get(
      '/:mechanismId/cycles/:quarter',
      {
        schema: {
          tags: ['cycles'],
          summary: 'Where the cycle stands: phase and each project state',
          security: bearer,
          params: CycleParams,
          response: { 200: CycleBody, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (request) => loadCycleView(deps, request.params.mechanismId, request.params.quarter),
    );

    // ---- commands on one project's update ----
    const projectSchema = <S extends z.ZodType>(summary: string, body: S) => ({
      tags: ['cycles'],
      summary,
      security: bearer,
      params: CycleProjectParams,
      headers: IdempotencyHeaders,
      body,
      response: { 200: Decided, ...errors },
    });
    const projectCommand = <S extends z.ZodType>(
      path: string,
      summary: string,
      body: S,
      build: (
        body: z.infer<S>,
        actor: string,
        ids: { mechanismId: string; projectId: string },
      ) => Promise<UpdateCommand<unknown, unknown[]>>,
    ) =>
      app.post(
        `/:mechanismId/cycles/:quarter/projects/:projectId/${path}`,
        { schema: projectSchema(summary, body) },
        async (request) => {
          const { mechanismId, quarter, projectId } = request.params;
          await projectOr404(mechanismId, projectId);
          await requireOpenCycle(deps, mechanismId, quarter);
          // Validated with `body` by Fastify; the type provider cannot name a generic schema's type, so it is said here.
          const command = await build(request.body as z.infer<S>, request.caller!.actor, { mechanismId, projectId });
          const result = await runCommand(
            deps,
            request.caller!.actor,
            { mechanismId, quarter, projectId },
            command,
            commandOptions(command.update.name, idempotencyKey(request.headers)),
          );
          return { accepted: true as const, result };
        },
      );

    projectCommand(
      'extension',
      'Extend the due date of one project (also answers a pending request)',
      z.object({ dueDate: isoDate }),
      async (b, actor) => command(messages.grantExtension, { dueDate: b.dueDate, grantedBy: actor }),
    );
    projectCommand('extension-refusal', 'Refuse a pending extension request', z.object({}), async (_b, actor) =>
      command(messages.refuseExtension, { refusedBy: actor }),
    );
    projectCommand('waiver', "Waive this quarter's update of one project", z.object({}), async (_b, actor) =>
      command(messages.waive, { waivedBy: actor }),
    );
    projectCommand(
      'owner',
      'Reassign the update to another contact',
      z.object({ ownerId: slug }),
      async (b, actor, ids) => {
        const [mechanism, project] = await Promise.all([
          deps.store.mechanisms.get(ids.mechanismId),
          deps.store.projects.get(ids.mechanismId, ids.projectId),
        ]);
        const contact = mechanism!.contacts.find((c) => c.id === b.ownerId);
        if (!contact)
          throw new ApiError(422, 'invalid-input', `ownerId: no contact ${b.ownerId} in mechanism ${ids.mechanismId}`, [
            { field: 'ownerId', message: 'must be a contact of the mechanism' },
          ]);
        return command(messages.reassignOwner, {
          ownerId: contact.id,
          ownerTimeZone: contact.timeZone ?? mechanism!.timeZone,
          ...(project!.supervisor && { supervisorId: project!.supervisor }),
          reassignedBy: actor,
        });
      },
    );
    // A submission is recorded first (the intake), whatever the state of the worker: 200 with the revision, or 202
    // "pending"; the intake forwards it to the workflow, so it is audited here, as received.
    app.post(
      '/:mechanismId/cycles/:quarter/projects/:projectId/submission',
      {
        schema: {
          ...projectSchema(
            "Submit (or amend) the update on the owner's behalf (409 `stale-revision` when `baseRevision` is older than the stored revision)",
            SubmissionBody,
          ),
          response: { 200: Decided, 202: Decided, ...errors },
        },
      },
      async (request, reply) => {
        const { mechanismId, quarter, projectId } = request.params;
        await projectOr404(mechanismId, projectId);
        await mechanismOr404(mechanismId);
        const key = idempotencyKey(request.headers);
        const { baseRevision, ...submission } = request.body;
        const receipt = await submitUpdate(
          deps,
          { mechanismId, quarter, projectId },
          { submission, submittedBy: request.caller!.actor },
          { key: key && `api:${key}`, basedOnRevision: baseRevision },
        );
        await audit(request.caller!.actor, 'update.submitUpdate', `${mechanismId}/${quarter}/${projectId}`, {
          key: receipt.key,
          status: receipt.status,
        });
        return reply.code(receipt.status === 'applied' ? 200 : 202).send({ accepted: true as const, result: receipt });
      },
    );

    app.get(
      '/:mechanismId/cycles/:quarter/projects/:projectId/submission',
      {
        schema: {
          tags: ['cycles'],
          summary: "The latest revision of a project's update",
          security: bearer,
          params: CycleProjectParams,
          response: { 200: SubmissionRecordBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const { mechanismId, quarter, projectId } = request.params;
        await projectOr404(mechanismId, projectId);
        const latest = await deps.store.submissions.latest(mechanismId, quarter, projectId);
        if (!latest) throw notFound(`submission of ${projectId} in ${mechanismId} ${quarter}`);
        return latest;
      },
    );

    // ---- commands on the cycle ----
    const cycleCommand = <S extends z.ZodType>(
      method: 'post' | 'put' | 'delete',
      path: string,
      summary: string,
      body: S | undefined,
      build: (body: z.infer<S>, actor: string) => UpdateCommand<unknown, unknown[]>,
    ) =>
      app.route({
        method: method.toUpperCase() as 'POST',
        url: `/:mechanismId/cycles/:quarter/${path}`,
        schema: {
          tags: ['cycles'],
          summary,
          security: bearer,
          params: CycleParams,
          headers: IdempotencyHeaders,
          ...(body && { body }),
          response: { 200: Decided, ...errors },
        },
        handler: async (request) => {
          const { mechanismId, quarter } = request.params;
          await requireOpenCycle(deps, mechanismId, quarter);
          // Validated with `body` by Fastify; the type provider cannot name a generic schema's type, so it is said here.
          const command = build(request.body as z.infer<S>, request.caller!.actor);
          const result = await runCommand(
            deps,
            request.caller!.actor,
            { mechanismId, quarter },
            command,
            commandOptions(command.update.name, idempotencyKey(request.headers)),
          );
          return { accepted: true as const, result };
        },
      });

    cycleCommand(
      'put',
      'session',
      'Convene the session, or reschedule it (the invitation is updated)',
      ConveneBody,
      (b) => command(messages.convene, b),
    );
    cycleCommand('delete', 'session', 'Cancel the convened session', undefined, () => command(messages.cancelSession));
    cycleCommand('post', 'decisions', 'Record the decisions and action items of the session', SessionRecord, (b) =>
      command(messages.recordDecisions, b),
    );
    cycleCommand('post', 'close', 'Close the cycle now', z.object({}), (_b, actor) =>
      command(messages.close, { closedBy: actor }),
    );
    cycleCommand('post', 'report', 'Compile a new version of the report', z.object({}), () =>
      command(messages.regenerateReport),
    );

    app.get(
      '/:mechanismId/cycles/:quarter/decisions',
      {
        schema: {
          tags: ['cycles'],
          summary: 'The decisions recorded for the cycle',
          security: bearer,
          params: CycleParams,
          response: { 200: DecisionsBody, 404: ErrorBody },
        },
      },
      async (request) => {
        const { mechanismId, quarter } = request.params;
        await loadCycleView(deps, mechanismId, quarter);
        return { decisions: await deps.store.decisions.listForCycle(mechanismId, quarter) };
      },
    );
  };
}
