import type { Room } from './room.js';

/** A visitor as the HTTP API answers it (docs/api.md#visitors). Absent fields are omitted, never null. */
export interface Visitor {
  _id: string;
  token: string;
  username: string;
  status: string;
  name?: string;
  visitorEmails?: { address: string }[];
  phone?: { phoneNumber: string }[];
  department?: string;
  ts: string;
  _updatedAt: string;
}

export interface CustomFieldInput {
  key: string;
  value: string;
  overwrite?: boolean;
}

/** `rooms.register-visitor`: create the visitor for `token`, or update the one that has it. */
export interface RegisterVisitorCommand {
  token: string;
  name?: string;
  email?: string;
  phone?: string;
  department?: string;
  username?: string;
  customFields?: CustomFieldInput[];
}

export interface GetVisitorCommand {
  token: string;
}

export interface VisitorReply {
  visitor: Visitor;
}

/** `rooms.visitor-session` (docs/api.md#widget-bootstrap `livechat/config`): the visitor with this token and their open room, each when there is one. */
export interface VisitorSessionCommand {
  token: string;
}

export interface VisitorSessionReply {
  visitor?: Visitor;
  room?: Room;
}
