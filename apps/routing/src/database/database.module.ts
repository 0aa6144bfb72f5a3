import { ServiceDatabaseModule } from '@livechat/common';
import { AgentEntity } from '../agents/agent.entity.js';
import { AgentTokenEntity } from '../credentials/agent-token.entity.js';
import { DepartmentAgentEntity, DepartmentEntity } from '../departments/department.entity.js';
import { InquiryEntity } from '../queue/inquiry.entity.js';
import { SettingEntity } from '../settings/setting.entity.js';
import { ROUTING_MIGRATIONS } from './migrations/index.js';
import { ROUTING_LOCKS } from './routing-locks.js';

/** The entities of the routing schema. */
export const ROUTING_ENTITIES = [AgentEntity, AgentTokenEntity, DepartmentEntity, DepartmentAgentEntity, InquiryEntity, SettingEntity];

/** The routing schema: agents and their tokens, departments, settings, inquiries (the queue) and the outbox. */
export function routingDatabase(options: { url: string; poolSize: number }) {
  return ServiceDatabaseModule.forRoot({
    ...options,
    schema: 'routing',
    entities: ROUTING_ENTITIES,
    migrations: ROUTING_MIGRATIONS,
    migrationLockKey: ROUTING_LOCKS.migrations,
    applicationName: 'livechat-routing',
  });
}
