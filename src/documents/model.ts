/**
 * Content models of the three documents (progress report, agenda, minutes) and the records they are
 * built from. Models are plain data with every text already resolved (names, labels, dates), so the
 * DOCX, PDF and HTML renderers only lay them out and the same records always give the same text.
 */
import type {
  Language,
  ActionItem,
  ActionItemState,
  Mechanism,
  Project,
  Quarter,
  SessionPlan,
  SessionRecord,
  StatusRating,
  Submission,
  SubmissionState,
} from '../domain';

/** The three kinds of document the service produces; also a folder name in the archive. */
export type DocumentKind = 'report' | 'agenda' | 'minutes';
/** The formats every document is rendered to. */
export type DocumentFormat = 'docx' | 'pdf' | 'html';
/** All formats, in the order they are produced. */
export const documentFormats: readonly DocumentFormat[] = ['docx', 'pdf', 'html'];

// ---- inputs: records as the store hands them over ----

/** One project of the portfolio with where its update stands this quarter (no submission when none arrived). */
export interface ProjectRecord {
  project: Project;
  state: SubmissionState;
  submission?: Submission;
  /** ISO instant of the latest accepted revision. */
  submittedAt?: string;
  /** True when the update arrived after collection closed. */
  late?: boolean;
}

/** An action item agreed at an earlier session, with where it stands now. */
export interface ActionItemRecord {
  item: ActionItem;
  state: ActionItemState;
  /** Latest progress note from the owner or the secretariat. */
  note?: string;
}

/** What every document input carries. `generatedAt` is the only field allowed to vary between two renderings of the same records. */
interface CommonInput {
  mechanism: Mechanism;
  quarter: Quarter;
  version: number;
  /** ISO instant printed on the document. */
  generatedAt: string;
}

/** Records the quarterly progress report is built from. */
export interface ReportInput extends CommonInput {
  projects: ProjectRecord[];
  /** Action items of the previous session (matters arising). */
  previousActionItems: ActionItemRecord[];
  /** Each project's rating in the previous quarter, by project id (for "Changes since last quarter"). */
  previousStatuses?: { quarter: Quarter; byProject: Record<string, StatusRating> };
}

/** Records the session agenda is built from. */
export interface AgendaInput extends CommonInput {
  plan: SessionPlan;
  projects: ProjectRecord[];
  previousActionItems: ActionItemRecord[];
  /** The previous session, whose minutes are up for adoption. */
  previousSession?: { quarter: Quarter; date?: string };
}

/** Records the minutes are built from. */
export interface MinutesInput extends AgendaInput {
  record: SessionRecord;
}

// ---- models: resolved content, ready to lay out ----

/** How a project stands this quarter: the owner's rating, or `no-update` when nothing was received. */
export type StatusKey = 'on-track' | 'at-risk' | 'off-track' | 'completed' | 'not-started' | 'no-update';
/** Status keys in the order they are counted and charted. */
export const statusKeys: readonly StatusKey[] = [
  'on-track',
  'at-risk',
  'off-track',
  'completed',
  'not-started',
  'no-update',
];

/** Header lines every document shows. */
export interface DocumentHeader {
  mechanismName: string;
  quarter: Quarter;
  /** e.g. "Quarterly progress report". */
  title: string;
  subtitle: string;
  version: number;
  /** Generation time as printed (mechanism time zone). */
  generatedAt: string;
  /** Generation time as an ISO instant (document metadata). */
  generatedAtIso: string;
}

/** Counts per status for one pillar (or for all). */
export interface StatusCounts {
  label: string;
  counts: Record<StatusKey, number>;
  total: number;
}

/**
 * One project's section of the report in one language: names, labels and dates in that language. The owner's text
 * (reason, achievements, challenges, next steps, support requested, milestone notes) is the same in every language:
 * as written, marked with its language for the readers of the other (`asWrittenOnce`), and printed once.
 */
export interface ProjectSection {
  id: string;
  title: string;
  owner: string;
  status: StatusKey;
  statusLabel: string;
  statusReason: string;
  progressPercent?: number;
  submittedAt?: string;
  late: boolean;
  achievements: string[];
  challenges: string[];
  nextSteps: string[];
  supportRequested: string[];
  dates: { plannedStart: string; plannedEnd: string; actualStart: string; actualEnd: string };
  milestones: { title: string; planned: string; actual: string; note: string }[];
  indicators: { name: string; unit: string; baseline: string; target: string; current: string }[];
}

/** An action item as the documents list it. */
export interface ActionItemLine {
  title: string;
  owner: string;
  side: string;
  due: string;
  state: string;
  note: string;
  projects: string;
}

/**
 * The progress report in one language. Every text of one language's report is resolved here; free text fields
 * (reasons, owners' paragraphs, action item titles and notes) hold the same text in every language.
 */
export interface ReportText {
  language: Language;
  header: DocumentHeader;
  /** Reporting period, projects reporting, version and generation time. */
  cover: string[];
  summary: { overall: StatusCounts; byPillar: StatusCounts[] };
  /** Projects whose rating moved since the previous quarter (slipped first). */
  changes?: { title: string; pillar: string; change: string; before: string; now: string }[];
  attention: { title: string; pillar: string; statusLabel: string; reason: string; supportRequested: string }[];
  pillars: { name: string; projects: ProjectSection[] }[];
  actionItems: ActionItemLine[];
  missing: { title: string; pillar: string; owner: string; state: string }[];
  late: { title: string; pillar: string; submittedAt: string }[];
}

/**
 * The quarterly progress report (PRODUCT.md section 7): one file in every language of the document, English first.
 * Sections without free text come in each language one after the other; sections that carry the owners' text print
 * it once, under labels in every language.
 */
export interface ReportModel {
  kind: 'report';
  /** The English header (file metadata, running title). */
  header: DocumentHeader;
  texts: ReportText[];
  /** The sides' names (in every language), on the cover. */
  sides: string[];
  summary: { expected: number; received: number; late: number; missing: number };
  /** How many ratings moved since the previous quarter; absent without the previous quarter's records. */
  changes?: { since: Quarter; improved: number; slipped: number };
}

/** One numbered item of an agenda. */
export interface AgendaItem {
  number: number;
  title: string;
  details: string[];
}

/** Session logistics shared by agenda and minutes. */
export interface SessionInfo {
  when: string;
  venue: string;
  chairs: string[];
}

/** The agenda in one language. */
export interface AgendaText {
  language: Language;
  header: DocumentHeader;
  session: SessionInfo;
  items: AgendaItem[];
}

/** The session agenda: one file, every item in each of the mechanism's languages (English first). */
export interface AgendaModel {
  kind: 'agenda';
  /** The English header (file metadata, running title). */
  header: DocumentHeader;
  texts: AgendaText[];
}

/** A co-chair's signature block: name lines (bold) then title, side and date lines, in every language. */
export interface SignatureBlock {
  names: string[];
  lines: string[];
}

/** The minutes in one language. Free text (decisions, notes, reasons) is as written, marked when in another language. */
export interface MinutesText {
  language: Language;
  header: DocumentHeader;
  session: SessionInfo;
  present: { name: string; organisation: string; side: string }[];
  apologies: { name: string; organisation: string; side: string }[];
  agenda: AgendaItem[];
  previousMinutes: string;
  mattersArising: ActionItemLine[];
  projectReview: { pillar: string; projects: { title: string; statusLabel: string; summary: string }[] }[];
  decisions: { number: number; text: string[]; projects: string }[];
  actions: (ActionItemLine & { number: string })[];
  nextMeeting: string;
  notes: string[];
  /** "Done at …, in two originals, … both texts being equally authentic." */
  closing: string;
}

/** The minutes of the session: one bilingual document, each section in every language one after the other, then the signature blocks. */
export interface MinutesModel {
  kind: 'minutes';
  /** The English header (file metadata, running title). */
  header: DocumentHeader;
  texts: MinutesText[];
  signatures: SignatureBlock[];
}

/** Any document model; renderers take this. */
export type DocumentModel = ReportModel | AgendaModel | MinutesModel;
