/** Path and body schemas shared by the routes; business rules come from src/domain. */
import { z } from 'zod';
import { actionItemStates, cyclePhases, isoQuarter, Mechanism, Project, slug, StatusRating } from '../domain';
import { documentFormats, documentKinds } from '../store/documents';
import { outboxStatuses } from '../store/outbox';

/** `{mechanismId}` in a path. */
export const MechanismParams = z.object({ mechanismId: slug });
/** `{mechanismId}/cycles/{quarter}` in a path. */
export const CycleParams = MechanismParams.extend({ quarter: isoQuarter });
/** `.../projects/{projectId}` in a path. */
export const ProjectParams = MechanismParams.extend({ projectId: slug });
/** `.../cycles/{quarter}/projects/{projectId}` in a path. */
export const CycleProjectParams = CycleParams.extend({ projectId: slug });
/** A JSON answer we do not describe field by field (it comes from the workflow). */
export const Decided = z.object({ accepted: z.literal(true), result: z.unknown().optional() });
/**
 * The answer of a download: the file's bytes (a document, a CSV or an XLSX), streamed with its own content type.
 * `z.any()` is unavoidable here: the answer is not JSON, so there is no JSON shape to describe or to check, and the
 * route sends a stream that the JSON serializer never sees.
 */
export const FileDownload = z.any().describe('The file itself, with its own content type (not JSON)');
/** The security requirement every /api/v1 route declares. */
export const bearer = [{ bearerAuth: [] as string[] }];

// ---- What the read routes answer: the records as the store keeps them ----
// Mechanisms and projects are parsed by their domain schema when read, so the same schema describes the answer.
// The other records are written by the service itself: their answers are described field by field, without the
// input rules (a record kept under an older rule still reads).

/** One mechanism with its sides, pillars, contacts, calendars and policy. */
export const MechanismBody = Mechanism;
/** One project of a portfolio. */
export const ProjectBody = Project;
/** The portfolio. */
export const ProjectsBody = z.object({ projects: z.array(Project) });

/** One cycle as the records keep it. */
export const CycleRecordBody = z.object({
  mechanismId: z.string(),
  quarter: z.string(),
  workflowId: z.string(),
  phase: z.enum(cyclePhases),
  openedAt: z.string(),
  closedAt: z.string().optional(),
  dueDate: z.string().optional(),
  cutoffAt: z.string().optional(),
  updatedAt: z.string(),
});
/** The mechanism's cycles, newest first. */
export const CyclesBody = z.object({ cycles: z.array(CycleRecordBody) });

/** One revision of a project's update: the text as submitted, who sent it, when, and whether it was late. */
export const SubmissionRecordBody = z.object({
  mechanismId: z.string(),
  quarter: z.string(),
  projectId: z.string(),
  revision: z.number().int(),
  body: z
    .looseObject({
      status: StatusRating,
      statusReason: z.string().optional(),
      progressPercent: z.number(),
      achievements: z.string().optional(),
      challenges: z.string().optional(),
      supportRequested: z.string().optional(),
      nextSteps: z.string().optional(),
      milestoneUpdates: z
        .array(z.object({ milestoneId: z.string(), actualDate: z.string().optional(), note: z.string().optional() }))
        .optional(),
      indicatorUpdates: z.array(z.object({ indicatorId: z.string(), current: z.number() })).optional(),
      actualStart: z.string().optional(),
      actualEnd: z.string().optional(),
      actionItemUpdates: z
        .array(z.object({ actionItemId: z.string(), done: z.boolean(), note: z.string().optional() }))
        .optional(),
    })
    .describe('The update as submitted: the fields of the submission body'),
  submittedBy: z.string(),
  receivedAt: z.string(),
  late: z.boolean(),
});

/** A decision of a session, with the ids of the action items it gave rise to. */
export const DecisionsBody = z.object({
  decisions: z.array(
    z.object({
      mechanismId: z.string(),
      quarter: z.string(),
      id: z.string(),
      text: z.string(),
      projects: z.array(z.string()),
      actionItems: z.array(z.string()),
      recordedAt: z.string(),
    }),
  ),
});

/** One archived document version, with the path that downloads it. */
export const DocumentsBody = z.object({
  documents: z.array(
    z.object({
      id: z.string(),
      mechanismId: z.string(),
      quarter: z.string(),
      kind: z.enum(documentKinds),
      version: z.number().int(),
      format: z.enum(documentFormats),
      path: z.string().describe('Relative to the archive root'),
      sha256: z.string(),
      bytes: z.number().int(),
      createdAt: z.string(),
      download: z.string().describe('The API path that downloads this version'),
    }),
  ),
});

/** One action item agreed at a session. */
export const ActionItemBody = z.object({
  mechanismId: z.string(),
  id: z.string(),
  quarter: z.string().describe('The cycle whose session agreed it'),
  decisionId: z.string().optional(),
  title: z.string(),
  owner: z.string(),
  side: z.string().optional(),
  dueDate: z.string(),
  projects: z.array(z.string()),
  state: z.enum(actionItemStates),
  completedAt: z.string().optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** A list of action items. */
export const ActionItemsBody = z.object({ actionItems: z.array(ActionItemBody) });

/** Emails of the outbox, newest first. */
export const OutboxBody = z.object({
  messages: z.array(
    z.object({
      id: z.string(),
      workflowId: z.string(),
      step: z.string(),
      kind: z.string(),
      mechanismId: z.string(),
      quarter: z.string().optional(),
      projectId: z.string().optional(),
      to: z.string(),
      subject: z.string(),
      status: z.enum(outboxStatuses),
      createdAt: z.string(),
      sentAt: z.string().optional(),
    }),
  ),
});
