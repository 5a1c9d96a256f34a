/**
 * Submitting an update, the one way every page and route does it: the workflow acknowledges the submission (its
 * receipt numbers the revision), then the revision is stored at once, so that whoever reads right after (the owner's
 * form, `GET .../submission`) sees it. The workflow stores the same revision moments later (which survives a crash
 * of this process between the two); whichever write comes second changes nothing.
 */
import { Submission } from '../domain';
import { updateWorkflowId } from '../temporal/ids';
import type { SubmissionReceipt, SubmitUpdateInput } from '../workflows/messages';
import { decide } from './commands';
import type { RouteDeps } from './context';

/** The receipt of an accepted submission; a refusal throws the ApiError `decide` makes of it. */
export async function submitUpdate(
  deps: Pick<RouteDeps, 'cycles' | 'store'>,
  ids: { mechanismId: string; quarter: string; projectId: string },
  input: SubmitUpdateInput,
): Promise<SubmissionReceipt> {
  const { mechanismId, quarter, projectId } = ids;
  const receipt = (await decide(() => deps.cycles.projectCommand(mechanismId, quarter, projectId, { name: 'submitUpdate', input }))) as SubmissionReceipt;
  await deps.store.submissions.recordSubmission({
    mechanismId,
    quarter,
    projectId,
    body: Submission.parse(input.submission),
    submittedBy: input.submittedBy,
    workflowId: updateWorkflowId(mechanismId, quarter, projectId),
    step: `acknowledged-r${receipt.revision}`,
    receivedAt: receipt.receivedAt,
    late: receipt.late,
    revision: receipt.revision,
  });
  return receipt;
}
