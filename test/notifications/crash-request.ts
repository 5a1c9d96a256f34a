import type { NotificationRequest } from '../../src/notifications/request';

/** The step the crash test's child and parent both send. */
export const crashRequest: NotificationRequest = {
  workflowId: 'update:cn-ls:2026-Q1:mpiti-road',
  step: 'reminder-1',
  kind: 'reminder',
  mechanismId: 'cn-ls',
  quarter: '2026-Q1',
  projectId: 'mpiti-road',
  to: ['road-owner'],
  params: { dueDate: '2026-03-13' },
};
