/**
 * Sample records (the China–Lesotho mechanism, fictional people as roles) for the sample-rendering
 * script, the benchmark and the tests. Deterministic: the same arguments give the same records.
 */
import {
  Mechanism,
  Project,
  SessionPlan,
  SessionRecord,
  Submission,
  type ActionItemState,
  type SubmissionState,
} from '../domain';
import type { ActionItemRecord, AgendaInput, MinutesInput, ProjectRecord, ReportInput } from './model';

/** The sample mechanism: two sides, five pillars, contacts in English and Chinese. */
export function sampleMechanism(): Mechanism {
  return Mechanism.parse({
    id: 'cn-ls',
    name: 'China–Lesotho Coordination Mechanism',
    timeZone: 'Africa/Maseru',
    languages: ['en', 'zh'],
    sides: [
      { id: 'ls', name: 'Kingdom of Lesotho', secretariat: ['ls-secretariat'], chair: 'ls-ps' },
      {
        id: 'cn',
        name: "People's Republic of China 中华人民共和国",
        secretariat: ['cn-secretariat'],
        chair: 'cn-ambassador',
      },
    ],
    pillars: [
      { id: 'political', name: 'Political solidarity' },
      { id: 'economic', name: 'Economic transformation' },
      { id: 'institutional', name: 'Institutional fortification' },
      { id: 'multilateral', name: 'Multilateral alignment' },
      { id: 'people', name: 'People-to-people exchanges 人文交流' },
    ],
    contacts: [
      {
        id: 'ls-ps',
        name: 'Principal Secretary',
        email: 'ps@foreign.example.org',
        organisation: 'Ministry of Foreign Affairs and International Relations',
        side: 'ls',
      },
      {
        id: 'cn-ambassador',
        name: 'Ambassador 大使',
        email: 'ambassador@embassy.example.org',
        organisation: 'Embassy of China in Maseru 中国驻莱索托大使馆',
        side: 'cn',
        language: 'zh',
      },
      {
        id: 'ls-secretariat',
        name: 'Secretariat officer (Lesotho)',
        email: 'secretariat@foreign.example.org',
        side: 'ls',
      },
      {
        id: 'cn-secretariat',
        name: '王秘书 (Secretariat, China)',
        email: 'secretariat@embassy.example.org',
        side: 'cn',
        language: 'zh',
      },
      {
        id: 'roads-owner',
        name: 'Director of Roads',
        email: 'roads@works.example.org',
        organisation: 'Roads Directorate',
        side: 'ls',
      },
      {
        id: 'energy-owner',
        name: 'Energy Project Manager',
        email: 'energy@energy.example.org',
        organisation: 'Department of Energy',
        side: 'ls',
      },
      {
        id: 'health-owner',
        name: 'Hospital Project Lead',
        email: 'health@health.example.org',
        organisation: 'Ministry of Health',
        side: 'ls',
      },
      {
        id: 'cn-counsellor',
        name: '李参赞 Counsellor Li',
        email: 'counsellor@embassy.example.org',
        organisation: 'Economic and Commercial Office',
        side: 'cn',
        language: 'zh',
      },
      {
        id: 'trade-owner',
        name: 'Trade Promotion Officer',
        email: 'trade@trade.example.org',
        organisation: 'Ministry of Trade',
        side: 'ls',
      },
    ],
  });
}

const templates: { title: string; pillar: string; owner: string }[] = [
  { title: 'Upgrade of the Mpiti–Sehlabathebe road', pillar: 'economic', owner: 'roads-owner' },
  { title: 'Mafeteng solar power plant 马费滕光伏电站', pillar: 'economic', owner: 'energy-owner' },
  { title: 'District hospital construction', pillar: 'institutional', owner: 'health-owner' },
  { title: 'Vocational skills training programme 职业技能培训', pillar: 'people', owner: 'cn-counsellor' },
  { title: 'Market access for wool and mohair exports', pillar: 'economic', owner: 'trade-owner' },
  { title: 'High-level visits and consultations', pillar: 'political', owner: 'ls-ps' },
  { title: 'Joint positions in multilateral fora', pillar: 'multilateral', owner: 'cn-counsellor' },
  { title: 'Government scholarships 政府奖学金', pillar: 'people', owner: 'cn-counsellor' },
];

const statuses: Submission['status'][] = [
  'on-track',
  'at-risk',
  'on-track',
  'off-track',
  'completed',
  'on-track',
  'not-started',
];

/** `n` projects; every seventh has no update, every eleventh arrived late. */
export function sampleProjects(n: number): ProjectRecord[] {
  const out: ProjectRecord[] = [];
  for (let i = 0; i < n; i++) {
    const t = templates[i % templates.length];
    const round = Math.floor(i / templates.length);
    const id = round === 0 ? `p-${i + 1}` : `p-${i + 1}-r${round}`;
    const project = Project.parse({
      id,
      title: round === 0 ? t.title : `${t.title} — phase ${round + 1}`,
      pillar: t.pillar,
      owner: t.owner,
      plannedStart: '2025-04-01',
      plannedEnd: '2027-03-31',
      actualStart: i % 3 === 0 ? '2025-05-12' : undefined,
      milestones: [
        { id: 'design', title: 'Detailed design approved', plannedDate: '2025-09-30', actualDate: '2025-10-14' },
        { id: 'works', title: 'Works 50% complete 工程过半', plannedDate: '2026-06-30' },
      ],
      indicators: [{ id: 'km', name: 'Kilometres paved', unit: 'km', baseline: 0, target: 91, current: 12.5 }],
    });
    const status = statuses[i % statuses.length];
    if (i % 7 === 6) {
      out.push({ project, state: i % 2 ? 'missing' : 'overdue' });
      continue;
    }
    const submission = Submission.parse({
      status,
      statusReason:
        status === 'on-track' || status === 'completed'
          ? undefined
          : 'Delivery of materials delayed at the border; 材料在边境延误。',
      progressPercent: (i * 13) % 101,
      achievements: 'Earthworks finished on the first 12 km.\n第一段12公里土方工程已完成。',
      challenges: status === 'on-track' ? '' : 'Heavy rains in February stopped work for three weeks.',
      supportRequested:
        status === 'off-track' ? 'Facilitation of customs clearance for imported equipment (海关清关协助).' : '',
      nextSteps: 'Start the base course on section 2.',
      milestoneUpdates: [{ milestoneId: 'works', note: 'On schedule' }],
      indicatorUpdates: [{ indicatorId: 'km', current: 12.5 + (i % 5) }],
    });
    out.push({
      project,
      state: 'submitted' as SubmissionState,
      submission,
      submittedAt: '2026-03-16T09:30:00+02:00',
      late: i % 11 === 10,
    });
  }
  return out;
}

/** Action items of the previous session in each state. */
export function sampleActionItems(): ActionItemRecord[] {
  const items: [string, string, string, ActionItemState][] = [
    ['ai-customs', 'Agree a fast-track customs procedure for project equipment', 'ls-ps', 'open'],
    ['ai-visas', '简化项目人员签证手续 Simplify visas for project staff', 'cn-ambassador', 'done'],
    ['ai-land', 'Resolve land compensation for the road corridor', 'roads-owner', 'overdue'],
  ];
  return items.map(([id, title, owner, state], i) => ({
    item: {
      id,
      title,
      owner,
      side: owner.startsWith('cn') ? 'cn' : 'ls',
      dueDate: `2026-0${i + 2}-15`,
      projects: ['p-1'],
    },
    state,
    note: state === 'done' ? 'Completed in February.' : undefined,
  }));
}

/** A report input for `n` projects. */
export function sampleReportInput(n = 8): ReportInput {
  return {
    mechanism: sampleMechanism(),
    quarter: '2026-Q1',
    version: 1,
    generatedAt: '2026-03-27T08:00:00Z',
    projects: sampleProjects(n),
    previousActionItems: sampleActionItems(),
  };
}

/** An agenda input for the sample session. */
export function sampleAgendaInput(n = 8): AgendaInput {
  return {
    ...sampleReportInput(n),
    plan: SessionPlan.parse({
      startsAt: '2026-04-14T10:00:00+02:00',
      venue: 'Ministry of Foreign Affairs, Maseru — Conference Room 2',
      chairs: ['ls-ps', 'cn-ambassador'],
      attendees: ['ls-secretariat', 'cn-secretariat', 'roads-owner', 'energy-owner', 'cn-counsellor', 'trade-owner'],
    }),
    previousSession: { quarter: '2025-Q4', date: '2026-01-20' },
  };
}

/** A minutes input: the sample session with two decisions and their action items. */
export function sampleMinutesInput(n = 8): MinutesInput {
  return {
    ...sampleAgendaInput(n),
    record: SessionRecord.parse({
      present: ['ls-ps', 'cn-ambassador', 'ls-secretariat', 'cn-secretariat', 'roads-owner', 'cn-counsellor'],
      decisions: [
        {
          id: 'd-1',
          text: 'The session agreed that customs clearance for project equipment will be handled by a joint desk.\n会议同意由联合窗口办理项目设备清关。',
          projects: ['p-1', 'p-2'],
          actionItems: [
            {
              id: 'a-desk',
              title: 'Set up the joint customs desk',
              owner: 'ls-ps',
              side: 'ls',
              dueDate: '2026-05-31',
              projects: ['p-1'],
            },
            {
              id: 'a-list',
              title: '提供设备清单 Provide the equipment list',
              owner: 'cn-counsellor',
              side: 'cn',
              dueDate: '2026-05-15',
              projects: ['p-2'],
            },
          ],
        },
        { id: 'd-2', text: 'The report for 2026-Q1 was noted with appreciation.' },
      ],
      nextMeeting: '2026-07-14',
      notes: 'The co-chairs thanked the secretariat.',
    }),
  };
}
