import fs from 'node:fs';
import { type Document, isMap, isNode, LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { liftNames, Mechanism, Project } from '../../domain';
import type { Store } from '../index';
import { bundledCalendar } from './bundled-calendars';
import {
  addCounts,
  type ImportCounts,
  importAudit,
  upsertContacts,
  upsertMechanismRow,
  upsertProjects,
} from './upsert';

export type { ImportCounts } from './upsert';

/** One mechanism file: the Mechanism domain object plus its portfolio under `projects:`. */
export const MechanismFile = Mechanism.extend({ projects: z.array(Project).default([]) });
export type MechanismFile = z.infer<typeof MechanismFile>;

/** A problem in a mechanism file, with a path such as `projects[3].owner` and, when known, its line (1-based). */
export interface MechanismFileProblem {
  path: string;
  message: string;
  line?: number;
}

/** Raised when a mechanism file is invalid; nothing has been written. */
export class MechanismFileError extends Error {
  constructor(readonly problems: MechanismFileProblem[]) {
    super(
      `invalid mechanism file:\n${problems.map((p) => `  ${p.path || '(file)'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`).join('\n')}`,
    );
    this.name = 'MechanismFileError';
  }
}

/** Formats a zod path as `projects[3].owner`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (s, k) => (typeof k === 'number' ? `${s}[${k}]` : s ? `${s}.${String(k)}` : String(k)),
    '',
  );
}

/** Reference checks the schema cannot express: every id a project or side names exists in the file. */
export function checkReferences(m: MechanismFile): MechanismFileProblem[] {
  const problems: MechanismFileProblem[] = [];
  const contacts = new Set(m.contacts.map((c) => c.id));
  const sides = new Set(m.sides.map((s) => s.id));
  const pillars = new Set(m.pillars.map((p) => p.id));
  const dup = (items: { id: string }[], where: string) => {
    const seen = new Set<string>();
    items.forEach((it, i) => {
      if (seen.has(it.id)) problems.push({ path: `${where}[${i}].id`, message: `duplicate id "${it.id}"` });
      seen.add(it.id);
    });
  };
  dup(m.contacts, 'contacts');
  dup(m.sides, 'sides');
  dup(m.pillars, 'pillars');
  dup(m.projects, 'projects');
  const contact = (id: string | undefined, path: string) => {
    if (id !== undefined && !contacts.has(id)) problems.push({ path, message: `no contact with id "${id}"` });
  };
  m.sides.forEach((s, i) => {
    s.secretariat.forEach((c, j) => contact(c, `sides[${i}].secretariat[${j}]`));
    contact(s.chair, `sides[${i}].chair`);
  });
  m.contacts.forEach((c, i) => {
    if (c.side !== undefined && !sides.has(c.side))
      problems.push({ path: `contacts[${i}].side`, message: `no side with id "${c.side}"` });
  });
  const calendars = new Set(m.calendars.map((c) => c.id));
  const calendar = (id: string | undefined, where: string) => {
    if (id !== undefined && !calendars.has(id))
      problems.push({ path: where, message: `no calendar "${id}" (neither in calendars nor bundled in calendars/)` });
  };
  m.sides.forEach((s, i) => calendar(s.calendar, `sides[${i}].calendar`));
  m.contacts.forEach((c, i) => calendar(c.calendar, `contacts[${i}].calendar`));
  m.projects.forEach((p, i) => {
    if (!pillars.has(p.pillar))
      problems.push({ path: `projects[${i}].pillar`, message: `no pillar with id "${p.pillar}"` });
    contact(p.owner, `projects[${i}].owner`);
    contact(p.supervisor, `projects[${i}].supervisor`);
    for (const [side, c] of Object.entries(p.focalPoints)) {
      if (!sides.has(side))
        problems.push({ path: `projects[${i}].focalPoints.${side}`, message: `no side with id "${side}"` });
      contact(c, `projects[${i}].focalPoints.${side}`);
    }
  });
  return problems;
}

/** The file with every calendar a side or contact names and the file does not define taken from calendars/. */
function withBundledCalendars(m: MechanismFile): MechanismFile {
  const defined = new Set(m.calendars.map((c) => c.id));
  const named = [...m.sides.map((s) => s.calendar), ...m.contacts.map((c) => c.calendar)].filter(
    (id): id is string => id !== undefined,
  );
  const added = [...new Set(named)].filter((id) => !defined.has(id)).flatMap((id) => bundledCalendar(id) ?? []);
  return added.length > 0 ? { ...m, calendars: [...m.calendars, ...added] } : m;
}

/** The line (1-based) where the value at `path` starts in the YAML (or JSON) text, when the path is in the document. */
function lineOf(doc: Document, lines: LineCounter, path: readonly PropertyKey[]): number | undefined {
  const node: unknown = doc.getIn(path as unknown[], true);
  return isNode(node) && node.range ? lines.linePos(node.range[0]).line : undefined;
}

/**
 * A problem's path as the file writes it: a translation the file gave as `name: { en, zh }` is reported at `name.zh`
 * (liftNames moved it to `translations.zh.name` before the schema saw it), and the missing English of such a name
 * at `name.en`.
 */
function asWritten(doc: Document, path: readonly PropertyKey[]): readonly PropertyKey[] {
  const t = path.lastIndexOf('translations');
  if (t >= 0 && path.length === t + 3) {
    const written = [...path.slice(0, t), path[t + 2], path[t + 1]];
    if (doc.hasIn(written)) return written;
  }
  if (isMap(doc.getIn(path as unknown[], true))) return [...path, 'en'];
  return path;
}

/** Parses and validates a mechanism file's YAML text; throws MechanismFileError listing every problem. */
export function parseMechanismFile(text: string): MechanismFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter: lines });
  if (doc.errors.length > 0) {
    throw new MechanismFileError(doc.errors.map((e) => ({ path: '', message: `YAML: ${e.message.split('\n')[0]}` })));
  }
  const parsed = MechanismFile.safeParse(liftNames(doc.toJS()));
  if (!parsed.success) {
    throw new MechanismFileError(
      parsed.error.issues.map((i) => {
        const path = asWritten(doc, i.path);
        const line = lineOf(doc, lines, path);
        return { path: formatPath(path), message: i.message, ...(line && { line }) };
      }),
    );
  }
  const file = withBundledCalendars(parsed.data);
  const problems = checkReferences(file);
  if (problems.length > 0) throw new MechanismFileError(problems);
  return file;
}

/**
 * Imports (or re-imports) a mechanism file given as a path or as YAML text (`{ text }`).
 * Validates everything first; then upserts mechanism, contacts and projects by id in one
 * transaction. Nothing is ever deleted. Importing the same file again writes nothing at all
 * (not even an audit entry) and reports everything unchanged.
 */
export async function importMechanismFile(
  store: Store,
  source: string | { text: string },
  options: { actor?: string; at?: string } = {},
): Promise<ImportCounts & { mechanismId: string }> {
  const text = typeof source === 'string' ? fs.readFileSync(source, 'utf8') : source.text;
  const file = parseMechanismFile(text);
  const at = options.at ?? new Date().toISOString();
  const audit = importAudit(options.actor ?? 'import', at);
  const { projects, ...mechanism } = file;
  const counts = await store.db.transaction().execute(async (trx) => {
    let c = await upsertMechanismRow(trx, mechanism, at, audit);
    c = addCounts(c, await upsertContacts(trx, mechanism.id, mechanism.contacts, at, audit));
    return addCounts(c, await upsertProjects(trx, mechanism.id, projects, at, audit));
  });
  return { mechanismId: mechanism.id, ...counts };
}
