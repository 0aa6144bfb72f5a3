/** NATS queue groups: every replica of a service joins its group, so each request is handled once. */
export const QUEUES = {
  rooms: 'rooms',
  routing: 'routing',
} as const;

/** Request/reply commands answered by the rooms service (`<service>.<verb>`). */
export const ROOMS_COMMANDS = {
  registerVisitor: 'rooms.register-visitor',
  getVisitor: 'rooms.get-visitor',
  getOrOpenRoom: 'rooms.get-or-open',
  closeRoom: 'rooms.close',
} as const;

/** Request/reply commands answered by the routing service. */
export const ROUTING_COMMANDS = {
  resolveDepartment: 'routing.resolve-department',
} as const;

/** Public room events, published to JetStream by the rooms service. */
export const ROOM_EVENTS = {
  opened: 'room.opened',
  assigned: 'room.assigned',
  closed: 'room.closed',
} as const;

export type RoomEventType = (typeof ROOM_EVENTS)[keyof typeof ROOM_EVENTS];

/** JetStream streams and the subjects each one captures (exact subjects, never wildcards over commands). */
export const STREAMS = {
  events: {
    name: 'LIVECHAT',
    subjects: [ROOM_EVENTS.opened, ROOM_EVENTS.assigned, ROOM_EVENTS.closed],
  },
} as const;
