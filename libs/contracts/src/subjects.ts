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
  sendMessage: 'rooms.send-message',
  messageHistory: 'rooms.message-history',
  getMessage: 'rooms.get-message',
  editMessage: 'rooms.edit-message',
  deleteMessage: 'rooms.delete-message',
  sendAgentMessage: 'rooms.send-agent-message',
  syncMessages: 'rooms.sync-messages',
  closeRoomByAgent: 'rooms.close-by-agent',
  listRooms: 'rooms.list-rooms',
  visitorSession: 'rooms.visitor-session',
  servingAgent: 'rooms.serving-agent',
  fenceReservations: 'rooms.fence-reservations',
} as const;

/** Request/reply commands answered by the routing service. */
export const ROUTING_COMMANDS = {
  resolveDepartment: 'routing.resolve-department',
  admitRoom: 'routing.admit-room',
  releaseReservation: 'routing.release-reservation',
  createAgent: 'routing.create-agent',
  listAgents: 'routing.list-agents',
  getAgent: 'routing.get-agent',
  deleteAgent: 'routing.delete-agent',
  setAgentStatus: 'routing.set-agent-status',
  setAgentPresence: 'routing.set-agent-presence',
  saveDepartment: 'routing.save-department',
  listDepartments: 'routing.list-departments',
  setSetting: 'routing.set-setting',
  listInquiries: 'routing.list-inquiries',
  takeInquiry: 'routing.take-inquiry',
  createAgentToken: 'routing.create-agent-token',
  authenticateAgent: 'routing.authenticate-agent',
  revokeAgentToken: 'routing.revoke-agent-token',
  widgetConfig: 'routing.widget-config',
} as const;

/**
 * Internal event: routing's decisions (who serves a room now), consumed by rooms. The subject keeps
 * the name it was first deployed with: the stored messages and every deployed durable consumer filter
 * on it, NATS 2.9 cannot change a consumer's filter, and on a later server a new filter would skip
 * what an older replica still publishes during a rolling upgrade (docs/decisions.md).
 */
export const ROUTING_EVENTS = {
  decision: 'routing.agent-selected',
} as const;

/** Durable JetStream consumers, one per consuming service, shared by all its replicas. */
export const CONSUMERS = {
  routingRoomEvents: 'routing-room-events',
  roomsDecisions: 'rooms-routing-decisions',
} as const;

/**
 * Public room events, published to JetStream by the rooms service. `room.renamed`: the visitor's
 * new name copied into their open room's `fname` (docs/api.md#visitors, docs/events.md: every change of a room's public
 * fields publishes an event).
 */
export const ROOM_EVENTS = {
  opened: 'room.opened',
  assigned: 'room.assigned',
  closed: 'room.closed',
  renamed: 'room.renamed',
} as const;

export type RoomEventType = (typeof ROOM_EVENTS)[keyof typeof ROOM_EVENTS];

/** Public message events (docs/events.md): a new, edited or system message; a deleted one. */
export const MESSAGE_EVENTS = {
  sent: 'message.sent',
  deleted: 'message.deleted',
} as const;

export type MessageEventType = (typeof MESSAGE_EVENTS)[keyof typeof MESSAGE_EVENTS];

/** JetStream streams and the subjects each one captures (exact subjects, never wildcards over commands). */
export const STREAMS = {
  events: {
    name: 'LIVECHAT',
    subjects: [...Object.values(ROOM_EVENTS), ...Object.values(MESSAGE_EVENTS)],
  },
  decisions: {
    name: 'LIVECHAT_ROUTING',
    subjects: [ROUTING_EVENTS.decision],
  },
} as const;
