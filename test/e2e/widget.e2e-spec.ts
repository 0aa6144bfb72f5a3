import { Api } from '../../harness/http.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

type Config = Record<string, any>;

/** docs/api.md#widget-bootstrap end to end: what the reference's widget and client library ask before and around a chat. */
describe('widget bootstrap: GET livechat/config, GET livechat/agent.info/:rid/:token (docs/api.md#widget-bootstrap)', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;
  let n = 0;
  const uniq = (name: string) => `${name}-${(n += 1)}`;

  beforeAll(async () => {
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
  });
  afterAll(() => stack?.stop());

  beforeEach(async () => {
    await chat.retireAllAgents();
    await api.setSetting('Livechat_enabled', true);
    await api.setSetting('Livechat_accept_chats_with_no_agents', false);
  });

  const config = async (query: Record<string, string> = {}): Promise<Config> => {
    const res = await api.get<{ config: Config }>(`/api/v1/livechat/config?${new URLSearchParams(query)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.success).toBe(true);
    return res.body.config;
  };

  describe('GET livechat/config', () => {
    it('answers enabled, online, the settings and the enabled departments', async () => {
      const on = await api.saveDepartment({ name: uniq('Sales'), enabled: true, showOnRegistration: true });
      const off = await api.saveDepartment({ name: uniq('Closed'), enabled: false, showOnRegistration: true });
      await api.createAgent(uniq('online'));
      const answer = await config();
      expect(answer).toMatchObject({
        enabled: true,
        online: true,
        settings: { registrationForm: true, fileUpload: false, transcript: false, limitTextLength: 10_000 },
      });
      expect(answer.departments).toContainEqual({ _id: on.department._id, name: on.department.name, showOnRegistration: true });
      expect(answer.departments.map((d: Config) => d._id)).not.toContain(off.department._id);
      expect(answer).not.toHaveProperty('guest');
      expect(answer).not.toHaveProperty('room');
      expect(answer).not.toHaveProperty('agent');
    });

    it('counts online as the no-agent-online rule does: available and present, the fallback chain included', async () => {
      expect((await config()).online).toBe(false);
      const fallback = await api.saveDepartment({ name: uniq('Fallback'), enabled: true, showOnRegistration: false });
      const empty = await api.saveDepartment({ name: uniq('Empty'), enabled: true, showOnRegistration: false, fallbackForwardDepartment: fallback.department._id });
      const lonely = await api.saveDepartment({ name: uniq('Lonely'), enabled: true, showOnRegistration: false });
      const agent = await api.createAgent(uniq('fallback-agent'));
      await api.saveDepartment({ name: fallback.department.name, enabled: true, showOnRegistration: false }, [{ agentId: agent }], fallback.department._id);
      expect((await config({ department: empty.department._id })).online).toBe(true);
      expect((await config({ department: empty.department.name })).online).toBe(true);
      expect((await config({ department: lonely.department._id })).online).toBe(false);
      expect((await config({ department: 'no-such-department' })).online).toBe(false);
      // Present but away counts (Livechat_enabled_when_agent_idle); offline does not; capacity does not matter.
      await api.setPresence(agent, 'offline');
      expect((await config({ department: empty.department._id })).online).toBe(false);
    });

    it("carries the visitor, their open room and its agent with a visitor's token", async () => {
      const token = await chat.visitor({ name: 'Mary' });
      const alone = await config({ token });
      expect(alone.guest).toMatchObject({ token, name: 'Mary' });
      expect(alone).not.toHaveProperty('room');
      await api.setSetting('Livechat_accept_chats_with_no_agents', true);
      const waiting = (await api.room({ token })).body.room;
      const queued = await config({ token });
      expect(queued.room).toMatchObject({ _id: waiting._id, open: true });
      expect(queued).not.toHaveProperty('agent');
      const username = uniq('widget-agent');
      const agentId = await api.createAgent(username, { name: 'Widget Agent' });
      await chat.servedBy(token, waiting._id);
      const served = await config({ token });
      expect(served.agent).toEqual({ _id: agentId, username, name: 'Widget Agent' });
      expect(served.room.servedBy._id).toBe(agentId);
      // A closed room is not the visitor's open room.
      await api.closeRoom(waiting._id, token);
      const after = await config({ token });
      expect(after).not.toHaveProperty('room');
      expect(after).not.toHaveProperty('agent');
      // An unknown token is no visitor.
      expect(await config({ token: 'nobody-has-this' })).not.toHaveProperty('guest');
    });

    it('answers {enabled: false} alone when livechat is disabled', async () => {
      await api.setSetting('Livechat_enabled', false);
      const token = await chat.visitor();
      expect(await config({ token })).toEqual({ enabled: false });
    });

    it("takes the reference's businessUnit and ignores it (there are no units here)", async () => {
      await api.createAgent(uniq('unit-agent'));
      expect(await config({ businessUnit: 'any-unit' })).toMatchObject({ enabled: true, online: true });
    });

    it('answers 400 for bad parameters', async () => {
      for (const query of ['?foo=1', '?token=', `?token=${'x'.repeat(257)}`, '?token=a&token=b', '?department[]=x']) {
        const res = await api.get(`/api/v1/livechat/config${query}`);
        expect(res.status, query).toBe(400);
        expect(res.body.success).toBe(false);
      }
    });
  });

  describe('GET livechat/agent.info/:rid/:token', () => {
    const info = (rid: string, token: string) => api.get<{ agent: Config }>(`/api/v1/livechat/agent.info/${encodeURIComponent(rid)}/${encodeURIComponent(token)}`);

    it("answers the agent serving the visitor's room, open or closed", async () => {
      const username = uniq('info-agent');
      const agentId = await api.createAgent(username, { name: 'Info Agent' });
      const { token, room } = await chat.openRoom();
      await chat.servedBy(token, room._id);
      const res = await info(room._id, token);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ agent: { _id: agentId, username, name: 'Info Agent', status: 'online' }, success: true });
      await api.closeRoom(room._id, token);
      expect((await info(room._id, token)).body.agent._id).toBe(agentId);
    });

    it('answers invalid-token, invalid-room and invalid-agent as the reference', async () => {
      await api.setSetting('Livechat_accept_chats_with_no_agents', true);
      const mine = await chat.openRoom();
      const theirs = await chat.openRoom();
      const cases: [string, string, string][] = [
        [mine.room._id, 'nobody-has-this', 'invalid-token'],
        ['NoSuchRoom1234567', mine.token, 'invalid-room'],
        [theirs.room._id, mine.token, 'invalid-room'],
        [mine.room._id, mine.token, 'invalid-agent'],
      ];
      for (const [rid, token, error] of cases) {
        const res = await info(rid, token);
        expect(res.status, error).toBe(400);
        expect(res.body).toEqual({ success: false, error });
      }
      expect((await info('x'.repeat(257), mine.token)).status).toBe(400);
    });
  });
});
