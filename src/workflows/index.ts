/** What the worker bundles: every workflow of the quarterly cycle. Message definitions live in ./messages. */
export { quarterlyCycle } from './quarterly-cycle';
export { projectUpdate } from './project-update';
export { actionItem } from './action-item';
export { openCycle } from './open-cycle';
