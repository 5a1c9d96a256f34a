import type { NotificationKind } from '../kinds';
import type { TemplateContext } from './content';
import { templates } from './emails';
import { layout, type RenderedEmail } from './layout';

export type { TemplateContext } from './content';
export type { RenderedEmail } from './layout';

/** Renders one email in the context's language (English or Chinese): one-line subject, plain text and escaped HTML. */
export function renderEmail(kind: NotificationKind, context: TemplateContext): RenderedEmail {
  return layout(templates[kind](context), context.language);
}
