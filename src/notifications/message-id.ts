import { createHash } from 'node:crypto';

/** The outbox row id of one logical email to one recipient: 32 hex characters of SHA-256(workflowId|step|recipientId). */
export function outboxId(workflowId: string, step: string, recipientId: string): string {
  return createHash('sha256').update(`${workflowId}|${step}|${recipientId}`).digest('hex').slice(0, 32);
}

/** The sender address of `MAIL_FROM` (`Name <a@b>` or `a@b`) and its display name, if any. */
export function parseMailFrom(mailFrom: string): { name?: string; address: string; domain: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>\s]+@[^<>\s]+)>\s*$/.exec(mailFrom);
  const address = (m ? m[2] : mailFrom).trim();
  const at = address.lastIndexOf('@');
  if (at < 1 || /[\s<>]/.test(address))
    throw new Error('MAIL_FROM must be an email address, optionally with a display name');
  return { name: m && m[1] ? m[1].trim() : undefined, address, domain: address.slice(at + 1) };
}

/** The Message-ID of an outbox row: derived only from its key, so a resend after an unknown outcome carries the same id and receivers can deduplicate. */
export function messageIdFor(id: string, domain: string): string {
  return `<${id}@${domain}>`;
}
