/**
 * The language of a page (issue 18): the reader's choice from the switch on every page (`?lang=`, kept in a cookie),
 * else their own setting (a signed-in user's, or the contact's language for an owner), else the browser's
 * `Accept-Language`, else English. Text comes from the one message catalogue (src/i18n), as for emails and documents.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Language, type CyclePhase, type ProjectStatus, type SubmissionState } from '../../domain';
import type { DocumentKind } from '../../store';
import { translator, type MessageKey, type MessageValues } from '../../i18n';

/** The cookie that keeps the switch's choice (a preference, not a secret: readable, not signed). */
export const LANGUAGE_COOKIE = 'lang';

/** A page's language and its translator. */
export interface PageLanguage {
  language: Language;
  t: (key: MessageKey, values?: MessageValues) => string;
}

/**
 * The language this request asks for with the switch (`?lang=`). Read from the URL itself: a route's query schema
 * leaves out the parameters it does not name.
 */
export function askedLanguage(request: FastifyRequest): Language | undefined {
  const query = request.url.split('?')[1];
  const asked = Language.safeParse(query === undefined ? undefined : new URLSearchParams(query).get('lang'));
  return asked.success ? asked.data : undefined;
}

/** The language the reader chose with the switch: this request's `?lang=`, else the cookie an earlier one set. */
export function chosenLanguage(request: FastifyRequest): Language | undefined {
  const kept = Language.safeParse(request.cookies?.[LANGUAGE_COOKIE]);
  return askedLanguage(request) ?? (kept.success ? kept.data : undefined);
}

/** The first language of `Accept-Language` (by quality, then order) that the product speaks. */
export function acceptedLanguage(header: string | undefined): Language | undefined {
  const ranked = (header ?? '')
    .split(',')
    .map((part, order) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find(Boolean);
      return { primary: tag.trim().toLowerCase().split('-')[0], q: q === undefined ? 1 : Number(q), order };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order);
  for (const r of ranked) {
    const known = Language.safeParse(r.primary);
    if (known.success) return known.data;
  }
  return undefined;
}

/**
 * The page's language for a reader without an account (the sign-in page, an owner's form): the switch's choice (this
 * request's or the cookie's), the reader's own setting (an owner's: their contact's language), the browser's, English.
 */
export function pageLanguage(request: FastifyRequest, setting?: Language): PageLanguage {
  return inLanguage(chosenLanguage(request) ?? setting ?? browserLanguage(request));
}

/**
 * A signed-in user's page language: the switch on this request, else their setting (which the switch saves; a
 * browser's cookie does not count, so that two officers sharing a browser each keep theirs), else the browser's.
 */
export function userLanguage(request: FastifyRequest, setting: Language | undefined): PageLanguage {
  return inLanguage(askedLanguage(request) ?? setting ?? browserLanguage(request));
}

/** The browser's language when the product speaks it, else English. */
const browserLanguage = (request: FastifyRequest): Language =>
  acceptedLanguage(request.headers['accept-language']) ?? 'en';

/** A language with its translator. */
const inLanguage = (language: Language): PageLanguage => ({ language, t: translator(language) });

/**
 * Keeps a `?lang=` choice in a cookie, so that the next pages (and the pages a form posts to) stay in it. Pages that
 * depend on the language say so to caches.
 */
export function keepChosenLanguage(request: FastifyRequest, reply: FastifyReply): void {
  const asked = askedLanguage(request);
  if (asked)
    void reply.setCookie(LANGUAGE_COOKIE, asked, {
      path: '/',
      sameSite: 'lax',
      httpOnly: true,
      secure: request.protocol === 'https',
      maxAge: 365 * 24 * 3600,
    });
  void reply.header('vary', 'Accept-Language, Cookie');
}

/** The catalogue key of a cycle phase's name (the phase's word stays the API's and the CSS class's). */
export const phaseKey = (phase: CyclePhase) => `page.phase.${phase}` as const;

/** The catalogue key of an update state's name. */
export const stateKey = (state: SubmissionState) => `page.state.${state}` as const;

/** The catalogue key of a project status's name. */
export const projectStatusKey = (status: ProjectStatus) => `page.projectStatus.${status}` as const;

/** The catalogue key of a document kind's name (report, agenda, minutes). */
export const documentKindKey = (kind: DocumentKind) => `page.documentKind.${kind}` as const;

/**
 * The address the language switch links to: the page itself for a GET. A page that answers a posted form has no GET
 * of its own: the switch goes to the page the form belongs to, an owner's form for their link's answers, the sign-in
 * page for a failed sign-in, else the dashboard.
 */
export function switchAddress(request: FastifyRequest): string {
  if (request.method === 'GET' || request.method === 'HEAD') return request.url;
  const path = request.url.split('?')[0];
  return /^\/u\/[^/]+/.exec(path)?.[0] ?? (path === '/login' ? '/login' : '/');
}
