import { expectEventually } from '../../harness/eventually.js';
import type { Api } from '../../harness/http.js';

let seq = 0;

/** Scenario helpers over the HTTP API, shared by the end-to-end tests. */
export class Livechat {
  constructor(readonly api: Api) {}

  /** Registers a fresh visitor; answers their token. */
  async visitor(fields: Record<string, unknown> = {}): Promise<string> {
    const token = `visitor-${process.pid}-${Date.now().toString(36)}-${(seq += 1)}`;
    const res = await this.api.registerVisitor({ token, ...fields });
    if (res.status !== 200) throw new Error(`register visitor: ${res.status} ${JSON.stringify(res.body)}`);
    return token;
  }

  /** Opens a room for a fresh visitor; answers the room as GET livechat/room answered it. */
  async openRoom(visitorFields: Record<string, unknown> = {}, query: Record<string, string> = {}): Promise<{ token: string; room: Record<string, any> }> {
    const token = await this.visitor(visitorFields);
    const res = await this.api.room({ token, ...query });
    if (res.status !== 200 || !res.body.newRoom) throw new Error(`open room: ${res.status} ${JSON.stringify(res.body)}`);
    return { token, room: res.body.room };
  }

  /** The room as GET livechat/room answers it now. */
  async room(token: string, rid: string): Promise<Record<string, any>> {
    const res = await this.api.room({ token, rid });
    if (res.status !== 200) throw new Error(`get room: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.room;
  }

  /** Waits until the room is served and answers the agent's username. */
  async servedBy(token: string, rid: string, timeoutMs = 10_000): Promise<string> {
    return expectEventually(async () => {
      const room = await this.room(token, rid);
      if (!room.servedBy) throw new Error(`room ${rid} not served yet`);
      return room.servedBy.username as string;
    }, { timeoutMs });
  }

  /** Makes every existing agent not-available, so a test starts from agents of its own. */
  async retireAllAgents(): Promise<void> {
    for (const agent of await this.api.agents()) {
      if (agent.statusLivechat === 'available') await this.api.setAvailability(agent._id, 'not-available');
    }
  }
}
