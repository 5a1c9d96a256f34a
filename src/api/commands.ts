/** Runs a workflow command and turns the workflow's answer into HTTP terms. */
import { WorkflowGone, WorkflowRejection } from './cycle-gateway';
import { ApiError } from './errors';

/**
 * The workflow's result when it accepted the command. A refusal becomes 422 when the input broke a rule
 * (`Invalid...`, with the fields) and 409 when the state forbids it (wrong phase, already settled); a workflow
 * that is no longer running becomes 409 `not-running`.
 */
export async function decide<T>(command: () => Promise<T>): Promise<T> {
  try {
    return await command();
  } catch (err) {
    if (err instanceof WorkflowRejection) {
      const invalid = err.type.startsWith('Invalid');
      throw new ApiError(
        invalid ? 422 : 409,
        invalid ? 'rejected-invalid' : `rejected-${kebab(err.type)}`,
        err.message,
        err.fields,
      );
    }
    if (err instanceof WorkflowGone)
      throw new ApiError(409, 'not-running', `${err.workflowId} is not running: the cycle or update has ended`);
    throw err;
  }
}

const kebab = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
