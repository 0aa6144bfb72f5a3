import type { UserRef } from './room.js';

export const ROUTING_METHODS = ['Auto_Selection', 'Load_Balancing', 'Load_Rotation', 'Manual_Selection'] as const;
export type RoutingMethod = (typeof ROUTING_METHODS)[number];

export const AGENT_PRESENCES = ['online', 'away', 'offline'] as const;
export type AgentPresence = (typeof AGENT_PRESENCES)[number];

export const AGENT_LIVECHAT_STATUSES = ['available', 'not-available'] as const;
export type AgentLivechatStatus = (typeof AGENT_LIVECHAT_STATUSES)[number];

/** The routing settings (docs/api.md#agents), by the reference's ids, with their types and defaults. */
export interface RoutingSettings {
  Livechat_Routing_Method: RoutingMethod;
  Livechat_accept_chats_with_no_agents: boolean;
  Livechat_maximum_chats_per_agent: number;
  Livechat_enabled_when_agent_idle: boolean;
  Livechat_enabled: boolean;
}

export const DEFAULT_SETTINGS: RoutingSettings = {
  Livechat_Routing_Method: 'Auto_Selection',
  Livechat_accept_chats_with_no_agents: false,
  Livechat_maximum_chats_per_agent: 0,
  Livechat_enabled_when_agent_idle: true,
  Livechat_enabled: true,
};

export type SettingId = keyof RoutingSettings;

// ── Commands rooms sends to routing ────────────────────────────────────────────────────────────

/** `routing.resolve-department`: a department by id or by name, as rooms stores it on a visitor. */
export interface ResolveDepartmentCommand {
  department: string;
}

export interface ResolveDepartmentReply {
  departmentId: string | null;
}

/**
 * `routing.admit-room`: asked only before a new room is opened, with the id rooms made for it.
 * Answers whether a room may be opened (Livechat_enabled, the no-agent-online rule), the department
 * it is placed in and, when an agent can serve it at once (docs/routing.md#a-new-room-served-at-once), a reservation: routing has
 * taken that agent's capacity for this room id until `deadline`, and rooms may insert the room
 * already served by that agent only before then (docs/routing.md#a-new-room-served-at-once).
 */
export interface AdmitRoomCommand {
  roomId: string;
  departmentId?: string;
  agentId?: string;
  /** What routing keeps of the room to queue it should the reservation be released: as on room.opened. */
  name: string;
  visitor: { _id: string; username: string; token: string };
  queuedAt: string;
}

/** Capacity routing took for one room id: serve the room with `agent`, at assignment `version`, before `deadline`. */
export interface Reservation {
  agent: UserRef;
  version: number;
  /** ISO date on the database's clock; a served insert after it is refused. */
  deadline: string;
}

export type AdmitRoomReply =
  | { verdict: 'open'; departmentId?: string; reservation?: Reservation }
  | { verdict: 'disabled' }
  | { verdict: 'no-agent-online' };

/**
 * `routing.release-reservation`: rooms will never insert this room id served (the visitor's
 * concurrent request opened their room first, or the insert failed): its capacity goes back.
 */
export interface ReleaseReservationCommand {
  roomId: string;
}

// ── Operator commands (gateway → routing) ──────────────────────────────────────────────────────

/**
 * An agent as the operator endpoints answer it (docs/api.md#settings): every field always present. `name` is the
 * username when the agent was created without one; `maxChats` is 0 when the agent has no limit of their
 * own (the setting Livechat_maximum_chats_per_agent applies).
 */
export interface Agent {
  _id: string;
  username: string;
  name: string;
  status: AgentPresence;
  statusLivechat: AgentLivechatStatus;
  maxChats: number;
  activeChats: number;
  departments: string[];
}

export interface CreateAgentCommand {
  username: string;
  name?: string;
  maxChats?: number;
}

export interface AgentIdCommand {
  agentId: string;
}

export interface SetAgentStatusCommand {
  agentId: string;
  status: AgentLivechatStatus;
}

export interface SetAgentPresenceCommand {
  agentId: string;
  status: AgentPresence;
}

export interface Department {
  _id: string;
  name: string;
  enabled: boolean;
  showOnRegistration: boolean;
  maxNumberSimultaneousChat?: number;
  fallbackForwardDepartment?: string;
  numAgents: number;
  _updatedAt: string;
}

export interface DepartmentAgent {
  _id: string;
  agentId: string;
  departmentId: string;
  username: string;
  count: number;
  order: number;
}

export interface DepartmentInput {
  name: string;
  enabled: boolean;
  showOnRegistration: boolean;
  maxNumberSimultaneousChat?: number;
  fallbackForwardDepartment?: string;
}

export interface DepartmentAgentInput {
  agentId: string;
  count?: number;
  order?: number;
}

/** Create (no `departmentId`) or update a department; `agents`, when given, replaces the members. */
export interface SaveDepartmentCommand {
  departmentId?: string;
  department: DepartmentInput;
  agents?: DepartmentAgentInput[];
}

export interface SaveDepartmentReply {
  department: Department;
  agents: DepartmentAgent[];
}

export interface SetSettingCommand {
  id: string;
  value: unknown;
}

export interface Inquiry {
  _id: string;
  rid: string;
  name: string;
  ts: string;
  department?: string;
  status: 'queued';
  v: { _id: string; username: string; token: string };
}

export interface ListInquiriesCommand {
  department?: string;
}

export interface TakeInquiryCommand {
  inquiryId: string;
  agentId: string;
}

// ── Decisions routing sends to rooms, durably (its outbox → JetStream) ──────────────────────────

/**
 * `routing.agent-selected`: the room's assignment as routing now records it. `agent: null` means the
 * room went back to the queue (its agent was deleted). `version` grows with every change of one
 * room's assignment, so rooms applies each decision once and never an older one over a newer.
 */
export interface RoutingDecision {
  eventId: string;
  roomId: string;
  agent: UserRef | null;
  departmentId?: string;
  version: number;
  occurredAt: string;
}

// ── Agent credentials (docs/api.md#agents-sign-in; gateway → routing) ──────────────────────────────────────────────

/** Who an agent is: what their credentials authenticate, and the author of their messages. */
export interface AgentIdentity {
  _id: string;
  username: string;
  name: string;
}

/** `X-User-Id` and `X-Auth-Token` of an agent's request, as the gateway received them. */
export interface AgentCredentials {
  agentId: string;
  authToken: string;
}

/** `routing.create-agent-token`: a new token for the agent, shown once (only its hash is kept). */
export interface CreateAgentTokenCommand {
  agentId: string;
}

export interface AgentTokenReply {
  userId: string;
  authToken: string;
}

/** `routing.authenticate-agent` (AgentCredentials): the agent, or `unauthorized`. */
export interface AuthenticateAgentReply {
  agent: AgentIdentity;
}

// ── Widget bootstrap (docs/api.md#widget-bootstrap; gateway → routing) ───────────────────────────────────────────────

/** `routing.widget-config`: routing's part of `livechat/config`. `department` is an id or a name. */
export interface WidgetConfigCommand {
  department?: string;
  /** The visitor's serving agent, whose public identity the answer carries. */
  agentId?: string;
}

export interface WidgetDepartment {
  _id: string;
  name: string;
  showOnRegistration: boolean;
}

export interface WidgetConfigReply {
  enabled: boolean;
  online: boolean;
  departments: WidgetDepartment[];
  agent?: AgentIdentity;
}
