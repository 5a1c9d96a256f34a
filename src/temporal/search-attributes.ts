import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The custom search attributes an operator filters on in Temporal UI (PRODUCT.md section 5).
 * Values are ids and states only: never names, emails or free text.
 */
export const MechanismKey = defineSearchAttributeKey('Mechanism', SearchAttributeType.KEYWORD);
export const QuarterKey = defineSearchAttributeKey('Quarter', SearchAttributeType.KEYWORD);
export const CyclePhaseKey = defineSearchAttributeKey('CyclePhase', SearchAttributeType.KEYWORD);
export const ProjectKey = defineSearchAttributeKey('Project', SearchAttributeType.KEYWORD);
export const SubmissionStateKey = defineSearchAttributeKey('SubmissionState', SearchAttributeType.KEYWORD);
export const DueTimeKey = defineSearchAttributeKey('DueTime', SearchAttributeType.DATETIME);
export const ActionItemStateKey = defineSearchAttributeKey('ActionItemState', SearchAttributeType.KEYWORD);

/** Every key with its type as the Temporal CLI spells it (`--search-attribute Name=Type`, `operator search-attribute create`). */
export const searchAttributeDefinitions: { name: string; cliType: 'Keyword' | 'Datetime' }[] = [
  { name: MechanismKey.name, cliType: 'Keyword' },
  { name: QuarterKey.name, cliType: 'Keyword' },
  { name: CyclePhaseKey.name, cliType: 'Keyword' },
  { name: ProjectKey.name, cliType: 'Keyword' },
  { name: SubmissionStateKey.name, cliType: 'Keyword' },
  { name: DueTimeKey.name, cliType: 'Datetime' },
  { name: ActionItemStateKey.name, cliType: 'Keyword' },
];
