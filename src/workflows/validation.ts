/** Helpers for update validators: a rejected update leaves no event in history and tells the caller why. */
import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';

/** One field-level problem, as the API returns it in `error.fields`. */
export interface FieldError {
  field: string;
  message: string;
}

/** The field-level messages of a zod error (`statusReason: give a reason ...`). */
export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(input)', message: i.message }));
}

/** Rejects an update with a reason the caller can show (the `type` says which rule). */
export function reject(type: string, message: string, fields?: FieldError[]): never {
  throw ApplicationFailure.nonRetryable(message, type, ...(fields ? [{ fields }] : []));
}

/** Why an update is refused: `type` names the rule (the `ApplicationFailure` type the caller sees), `fields` the fields. */
export interface Refusal {
  type: string;
  message: string;
  fields?: FieldError[];
}

/** Rejects the update when a rule refused it (validators call the state modules' `refuse...` functions through it). */
export function refuse(r: Refusal | undefined): void {
  if (r) reject(r.type, r.message, r.fields);
}
