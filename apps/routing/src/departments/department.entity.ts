import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ schema: 'routing', name: 'departments' })
export class DepartmentEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  name: string;

  @Column('boolean')
  enabled: boolean;

  @Column('boolean', { name: 'show_on_registration' })
  showOnRegistration: boolean;

  /** Per agent: that agent's open rooms in this department. 0 = unlimited. */
  @Column('integer', { name: 'max_simultaneous_chats' })
  maxSimultaneousChats: number;

  @Column('text', { name: 'fallback_department_id', nullable: true })
  fallbackDepartmentId: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;
}

@Entity({ schema: 'routing', name: 'department_agents' })
export class DepartmentAgentEntity {
  @Column('text', { unique: true })
  id: string;

  @PrimaryColumn('text', { name: 'department_id' })
  departmentId: string;

  @PrimaryColumn('text', { name: 'agent_id' })
  agentId: string;

  /** Rooms of this department ever assigned to the agent (Auto_Selection). */
  @Column('integer')
  count: number;

  @Column('integer')
  order: number;
}
