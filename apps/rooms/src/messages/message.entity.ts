import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { MarkdownNode, Message, SystemMessageType } from '@livechat/contracts';

/** A message of a room's conversation (docs/api.md#messages); see the messages migration for the table's design. */
@Entity({ schema: 'rooms', name: 'messages' })
export class MessageEntity {
  @PrimaryColumn('text')
  id: string;

  @Column('text')
  rid: string;

  /** The system message type (`uj`, `livechat-close`); null for a visitor's or an agent's message. */
  @Column('text', { nullable: true })
  t: SystemMessageType | null;

  @Column('text')
  msg: string;

  @Column('timestamptz')
  ts: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt: Date;

  @Column('text', { name: 'u_id' })
  uId: string;

  @Column('text', { name: 'u_username' })
  uUsername: string;

  @Column('text', { name: 'u_name', nullable: true })
  uName: string | null;

  /** The visitor's token: set on a visitor's messages only. */
  @Column('text', { nullable: true })
  token: string | null;

  @Column('text', { nullable: true })
  alias: string | null;

  /** The markdown tree; null where the reference stores none (system messages it writes directly, such as `uj`). */
  @Column('jsonb', { nullable: true })
  md: MarkdownNode[] | null;

  @Column('jsonb', { nullable: true })
  urls: NonNullable<Message['urls']> | null;

  @Column('timestamptz', { name: 'edited_at', nullable: true })
  editedAt: Date | null;

  @Column('text', { name: 'edited_by_id', nullable: true })
  editedById: string | null;

  @Column('text', { name: 'edited_by_username', nullable: true })
  editedByUsername: string | null;

  /** A deleted message stays as a tombstone, out of the history, for a sync to report it. */
  @Column('timestamptz', { name: 'deleted_at', nullable: true })
  deletedAt: Date | null;
}
