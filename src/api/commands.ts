/** Runs a workflow command and turns the workflow's answer into HTTP terms. */
import type { CommandTarget, UpdateCommand } from '../temporal/cycles';
import type { RouteDeps } from './context';
import { WorkflowGone, WorkflowRejection, type CommandOptions } from './cycle-gateway';
import { ApiError } from './errors';

/**
 * Sends an operator's command (typed: the update's definition with its arguments) to its workflow, audited under
 * `actor` once accepted, and answers in HTTP terms ({@link decide}). What the API and the pages use for every
 * command but the submission, which goes through the intake (src/api/submissions.ts).
 */
export function runCommand<R, A extends unknown[]>(
  deps: Pick<RouteDeps, 'cycles' | 'store' | 'now'>,
  actor: string,
  target: CommandTarget,
  { update, args }: UpdateCommand<R, A>,
  options: Omit<CommandOptions, 'audit'> = {},
): Promise<R> {
  return decide(() =>
    deps.cycles.send(target, update, args, { ...options, audit: { actor, log: deps.store.audit, now: deps.now } }),
  );
}

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
