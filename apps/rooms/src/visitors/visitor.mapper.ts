import type { Visitor } from '@livechat/contracts';
import type { VisitorEntity } from './visitor.entity.js';

/** The wire visitor of docs/api.md#visitors: absent fields are omitted, never null. */
export function toVisitor(e: VisitorEntity): Visitor {
  const visitor: Visitor = {
    _id: e.id,
    token: e.token,
    username: e.username,
    status: e.status,
    ts: e.ts.toISOString(),
    _updatedAt: e.updatedAt.toISOString(),
  };
  if (e.name) visitor.name = e.name;
  if (e.email) visitor.visitorEmails = [{ address: e.email }];
  if (e.phone) visitor.phone = [{ phoneNumber: e.phone }];
  if (e.departmentId) visitor.department = e.departmentId;
  return visitor;
}
