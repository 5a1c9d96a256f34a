/** Pure rules and schemas of the product. No I/O: workflows may import this. */
export * from './text';
export * from './remembered';
export * from './names';
export * from './quarter';
export * from './time-zone';
export * from './policy';
export * from './mechanism';
export * from './project';
export * from './submission';
export * from './session';
export * from './states';
export * from './calendar';
export * from './reminder-plan';
export * from './work-calendar';
export * from './recipients';
export * from './mechanism-calendars';
export * from './timeline';
