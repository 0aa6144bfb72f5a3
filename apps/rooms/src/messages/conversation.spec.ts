import { RoomEntity } from '../rooms/room.entity.js';
import {
  afterDelete,
  afterEdit,
  afterNewMessage,
  agentJoinedMessage,
  agentMessage,
  editedMessage,
  nextInstant,
  roomClosedMessage,
  urlsOf,
  visitorMessage,
  type RoomChanges,
} from './conversation.js';
import type { MessageEntity } from './message.entity.js';
import { toMessage } from './message.mapper.js';

const md = (text: string) => [{ type: 'PARAGRAPH', value: [{ type: 'PLAIN_TEXT', value: text }] }];
const AGENT = { _id: 'agent1', username: 'faria.masood', name: 'Faria' };

/** A conversation driven by a clock the test sets: each step applies the rules as rooms does. */
class Conversation {
  room: RoomEntity;

  constructor(createdAt: string) {
    const at = new Date(createdAt);
    this.room = Object.assign(new RoomEntity(), {
      id: 'kCJDd5peKiZnGJLPq', visitorId: '47Dajwh9DjpnTAugW', visitorUsername: 'guest-165', visitorToken: 'tok',
      visitorStatus: 'online', fname: 'Mary', departmentId: null, open: true, msgs: 0, usersCount: 1, source: { type: 'api' },
      ts: at, updatedAt: at, lm: at, queuedAt: at, servedById: null, servedByUsername: null, servedByTs: null,
      assignmentVersion: 0, closedAt: null, closer: null, closedById: null, closedByUsername: null, metrics: null,
      customFields: null, lastMessage: null, visitorLastMessageTs: null, waitingResponse: true, responseBy: null,
    } satisfies RoomEntity);
  }

  assign(at: string): void {
    this.apply({ updatedAt: new Date(at) });
    Object.assign(this.room, { servedById: AGENT._id, servedByUsername: AGENT.username, servedByTs: new Date(at), usersCount: 2 });
  }

  visitor(text: string, at: string): MessageEntity {
    const m = visitorMessage(this.room, 'Mary', { msg: text, md: md(text) }, nextInstant(this.room, new Date(at)));
    this.apply(afterNewMessage(this.room, m, 'visitor'));
    return m;
  }

  agent(text: string, at: string): MessageEntity {
    const m = agentMessage(this.room.id, AGENT, { msg: text, md: md(text) }, nextInstant(this.room, new Date(at)));
    this.apply(afterNewMessage(this.room, m, 'agent'));
    return m;
  }

  apply(changes: RoomChanges): void {
    Object.assign(this.room, changes);
  }
}

describe('the conversation rules (docs/api.md#what-messages-do-to-the-room, the reference hooks)', () => {
  it("replays the reference's example room: a query, the agent's first reply, and a new query waiting", () => {
    const chat = new Conversation('2021-07-09T20:12:19.795Z');
    const first = chat.visitor('hello', '2021-07-09T20:12:20.555Z');
    expect(chat.room).toMatchObject({ msgs: 1, waitingResponse: true, lm: first.ts, visitorLastMessageTs: first.ts });
    expect(chat.room.metrics).toEqual({ v: { lq: '2021-07-09T20:12:20.555Z' } });

    chat.assign('2021-07-09T20:19:29.422Z');
    chat.agent('hi Mary', '2021-07-09T20:19:53.243Z');
    expect(chat.room.waitingResponse).toBe(false);
    expect(chat.room.responseBy).toEqual({
      _id: 'agent1', username: 'faria.masood', firstResponseTs: '2021-07-09T20:19:53.243Z', lastMessageTs: '2021-07-09T20:19:53.243Z',
    });
    expect(chat.room.metrics).toEqual({
      v: { lq: '2021-07-09T20:12:20.555Z' },
      servedBy: { lr: '2021-07-09T20:19:53.243Z' },
      // The example's first reply: 452.688 s after the query, 23.821 s after the assignment.
      response: { fd: '2021-07-09T20:19:53.243Z', ft: 452.688, avg: 452.688, total: 1, tt: 452.688 },
      reaction: { fd: '2021-07-09T20:19:53.243Z', ft: 23.821, tt: 23.821 },
    });

    const last = chat.visitor('d', '2021-07-09T20:20:58.755Z');
    expect(chat.room).toMatchObject({ msgs: 3, waitingResponse: true, responseBy: null, visitorLastMessageTs: last.ts });
    expect(chat.room.metrics?.v).toEqual({ lq: '2021-07-09T20:20:58.755Z' });
    expect(chat.room.lastMessage).toEqual(toMessage(last));
    expect(chat.room.lastMessage).toMatchObject({ msg: 'd', token: 'tok', alias: 'Mary', u: { _id: '47Dajwh9DjpnTAugW', username: 'guest-165', name: 'Mary' } });
  });

  it('counts a reply to a new query, not the agent messages that follow it, nor visitor messages that continue a query', () => {
    const chat = new Conversation('2026-01-01T10:00:00.000Z');
    chat.visitor('q1', '2026-01-01T10:00:10.000Z');
    chat.visitor('q1, more', '2026-01-01T10:00:20.000Z');
    expect(chat.room.metrics?.v).toEqual({ lq: '2026-01-01T10:00:10.000Z' });
    chat.assign('2026-01-01T10:00:30.000Z');
    chat.agent('a1', '2026-01-01T10:00:40.000Z');
    chat.agent('a1, more', '2026-01-01T10:00:50.000Z');
    expect(chat.room.responseBy?.lastMessageTs).toBe('2026-01-01T10:00:50.000Z');
    expect(chat.room.responseBy?.firstResponseTs).toBe('2026-01-01T10:00:40.000Z');
    expect(chat.room.metrics).toMatchObject({
      servedBy: { lr: '2026-01-01T10:00:40.000Z' },
      response: { total: 1, tt: 30, avg: 30, ft: 30 },
      reaction: { tt: 10, ft: 10 },
    });
    chat.visitor('q2', '2026-01-01T10:01:00.000Z');
    chat.agent('a2', '2026-01-01T10:01:05.000Z');
    expect(chat.room.metrics).toMatchObject({
      v: { lq: '2026-01-01T10:01:00.000Z' },
      servedBy: { lr: '2026-01-01T10:01:05.000Z' },
      response: { fd: '2026-01-01T10:00:40.000Z', ft: 30, total: 2, tt: 35, avg: 17.5 },
      reaction: { fd: '2026-01-01T10:00:40.000Z', ft: 10, tt: 15 },
    });
    expect(chat.room.msgs).toBe(6);
    expect(chat.room.waitingResponse).toBe(false);
  });

  it("keeps the reference's rule for an agent who speaks first: measured from the room's creation, lr not set", () => {
    const chat = new Conversation('2026-01-01T10:00:00.000Z');
    chat.assign('2026-01-01T10:00:01.000Z');
    chat.agent('hello, can I help?', '2026-01-01T10:00:03.000Z');
    // No query is newer than the (absent) last reply, so servedBy.lr stays unset, as in the reference.
    expect(chat.room.metrics).toEqual({
      response: { fd: '2026-01-01T10:00:03.000Z', ft: 3, avg: 3, total: 1, tt: 3 },
      reaction: { fd: '2026-01-01T10:00:03.000Z', ft: 2, tt: 2 },
    });
    expect(chat.room.waitingResponse).toBe(false);
    chat.visitor('yes', '2026-01-01T10:00:10.000Z');
    expect(chat.room.metrics?.v).toEqual({ lq: '2026-01-01T10:00:10.000Z' });
    // Without lr the next reply is the reference's "first response" again (fd/ft taken anew), and sets lr.
    chat.agent('sure', '2026-01-01T10:00:12.000Z');
    expect(chat.room.metrics).toEqual({
      v: { lq: '2026-01-01T10:00:10.000Z' },
      servedBy: { lr: '2026-01-01T10:00:12.000Z' },
      response: { fd: '2026-01-01T10:00:12.000Z', ft: 2, avg: 2.5, total: 2, tt: 5 },
      reaction: { fd: '2026-01-01T10:00:12.000Z', ft: 11, tt: 13 },
    });
  });

  it('gives every change of a room a time after its last one, whatever the clock says', () => {
    const chat = new Conversation('2026-01-01T10:00:00.000Z');
    const a = chat.visitor('one', '2026-01-01T10:00:05.000Z');
    const b = chat.visitor('two', '2026-01-01T10:00:04.000Z'); // a replica whose clock is behind
    const c = chat.visitor('three', '2026-01-01T10:00:05.000Z');
    expect(b.ts.getTime()).toBe(a.ts.getTime() + 1);
    expect(c.ts.getTime()).toBe(b.ts.getTime() + 1);
    expect(chat.room.updatedAt).toEqual(c.ts);
  });

  it('moves lastMessage with an edit of the last message only, and replaces it when it is deleted', () => {
    const chat = new Conversation('2026-01-01T10:00:00.000Z');
    const first = chat.visitor('first', '2026-01-01T10:00:01.000Z');
    const second = chat.visitor('second', '2026-01-01T10:00:02.000Z');
    const at = nextInstant(chat.room, new Date('2026-01-01T10:00:03.000Z'));
    const editor = { _id: chat.room.visitorId, username: chat.room.visitorUsername };
    chat.apply(afterEdit(chat.room, editedMessage(first, editor, { msg: 'first!', md: md('first!') }, at)));
    expect(chat.room.lastMessage?._id).toBe(second.id);
    const edited = editedMessage(second, editor, { msg: 'second!', md: md('second!') }, nextInstant(chat.room, at));
    chat.apply(afterEdit(chat.room, edited));
    expect(chat.room.lastMessage).toMatchObject({ _id: second.id, msg: 'second!', editedBy: editor, editedAt: edited.editedAt?.toISOString() });
    expect(chat.room.msgs).toBe(2);
    const lm = chat.room.lm;
    chat.apply(afterDelete(chat.room, second.id, first, nextInstant(chat.room, at)));
    expect(chat.room).toMatchObject({ msgs: 1, lm });
    expect(chat.room.lastMessage?._id).toBe(first.id);
    chat.apply(afterDelete(chat.room, first.id, null, nextInstant(chat.room, at)));
    expect(chat.room).toMatchObject({ msgs: 0, lastMessage: null });
  });
});

describe('the messages, as the reference writes them', () => {
  const room = { id: 'r', visitorId: 'v', visitorUsername: 'guest-1', visitorToken: 'tok' };
  const at = new Date('2026-01-01T10:00:00.000Z');

  it("a visitor's message carries token, alias (name, else username), urls from its links, mentions and channels", () => {
    const tree = [{ type: 'PARAGRAPH', value: [{ type: 'LINK', value: { src: { type: 'PLAIN_TEXT', value: '//rocket.chat' }, label: [] } }] }];
    expect(toMessage(visitorMessage(room, null, { id: 'client-id', msg: 'rocket.chat', md: tree }, at))).toEqual({
      _id: 'client-id', rid: 'r', msg: 'rocket.chat', token: 'tok', alias: 'guest-1', ts: at.toISOString(),
      u: { _id: 'v', username: 'guest-1' }, _updatedAt: at.toISOString(),
      urls: [{ url: 'https://rocket.chat', meta: {} }], mentions: [], channels: [], md: tree,
    });
  });

  it('uj has an empty msg, the agent as u, groupable false and no md; livechat-close has the comment and its md', () => {
    expect(toMessage(agentJoinedMessage('r', { _id: 'a', username: 'alice' }, at))).toEqual({
      _id: expect.any(String), rid: 'r', msg: '', t: 'uj', groupable: false, ts: at.toISOString(),
      u: { _id: 'a', username: 'alice' }, _updatedAt: at.toISOString(),
    });
    expect(toMessage(roomClosedMessage('r', { _id: 'v', username: 'guest-1' }, 'Closed by visitor', md('Closed by visitor'), at))).toMatchObject({
      t: 'livechat-close', msg: 'Closed by visitor', groupable: false, transcriptRequested: false, urls: [], mentions: [], channels: [],
      md: md('Closed by visitor'),
    });
  });

  it('lists each link once', () => {
    const link = { type: 'LINK', value: { src: { type: 'PLAIN_TEXT', value: 'https://a.example' }, label: [] } };
    expect(urlsOf([{ type: 'PARAGRAPH', value: [link, { type: 'BOLD', value: [link] }] }])).toEqual([{ url: 'https://a.example', meta: {} }]);
  });
});
