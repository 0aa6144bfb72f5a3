export * from './errors.js';
export * from './events.js';
export * from './limits.js';
export * from './message.js';
export * from './room.js';
export * from './subjects.js';
export * from './visitor.js';
export * from './routing.js';
