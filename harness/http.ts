import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T & { success?: boolean; error?: string; errorType?: string };
  headers: IncomingHttpHeaders;
}

/** A small HTTP client for the gateway: JSON in and out, raw bodies and headers when a test needs them. */
export class Api {
  constructor(
    readonly baseUrl: string,
    private readonly adminToken?: string,
  ) {}

  async request<T = Record<string, unknown>>(
    method: string,
    path: string,
    init: { body?: unknown; rawBody?: string; headers?: Record<string, string>; admin?: boolean } = {},
  ): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...init.headers };
    let body: string | undefined;
    if (init.rawBody !== undefined) body = init.rawBody;
    else if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    // Node's client streams a DELETE body without a length (it chunks only POST and PUT by default).
    if (body !== undefined) headers['content-length'] ??= String(Buffer.byteLength(body));
    if (init.admin && this.adminToken) headers['x-auth-token'] = this.adminToken;
    const res = await send(`${this.baseUrl}${path}`, method, headers, body);
    const text = res.text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed as ApiResponse<T>['body'], headers: res.headers };
  }

  get<T = Record<string, unknown>>(path: string, init?: { headers?: Record<string, string>; admin?: boolean }) {
    return this.request<T>('GET', path, init);
  }

  post<T = Record<string, unknown>>(path: string, body: unknown, init?: { headers?: Record<string, string>; admin?: boolean }) {
    return this.request<T>('POST', path, { ...init, body });
  }

  // The livechat endpoints, by name.
  registerVisitor(visitor: Record<string, unknown>) {
    return this.post<{ visitor: Record<string, unknown> }>('/api/v1/livechat/visitor', { visitor });
  }

  room(query: Record<string, string>, headers?: Record<string, string>) {
    return this.get<{ room: Record<string, any>; newRoom: boolean }>(`/api/v1/livechat/room?${new URLSearchParams(query)}`, { headers });
  }

  closeRoom(rid: string, token: string) {
    return this.post<{ rid: string; comment: string }>('/api/v1/livechat/room.close', { rid, token });
  }

  sendMessage(body: { token: string; rid: string; msg: string; _id?: string } & Record<string, unknown>) {
    return this.post<{ message: Record<string, any> }>('/api/v1/livechat/message', body);
  }

  history(rid: string, query: Record<string, string>) {
    return this.get<{ messages: Record<string, any>[] }>(`/api/v1/livechat/messages.history/${encodeURIComponent(rid)}?${new URLSearchParams(query)}`);
  }

  getMessage(id: string, query: Record<string, string>) {
    return this.get<{ message: Record<string, any> }>(`/api/v1/livechat/message/${encodeURIComponent(id)}?${new URLSearchParams(query)}`);
  }

  editMessage(id: string, body: Record<string, unknown>) {
    return this.request<{ message: Record<string, any> }>('PUT', `/api/v1/livechat/message/${encodeURIComponent(id)}`, { body });
  }

  deleteMessage(id: string, body: Record<string, unknown>) {
    return this.request<{ message: { _id: string; ts: string } }>('DELETE', `/api/v1/livechat/message/${encodeURIComponent(id)}`, { body });
  }

  // The operator endpoints (X-Auth-Token), by name. Each throws unless the call succeeded.
  async createAgent(username: string, fields: { name?: string; maxChats?: number } = {}): Promise<string> {
    const res = await this.post<{ user: { _id: string } }>('/api/v1/livechat/users/agent', { username, ...fields }, { admin: true });
    return ok(res).user._id;
  }

  async agents(): Promise<Record<string, any>[]> {
    return ok(await this.get<{ users: Record<string, any>[] }>('/api/v1/livechat/users/agent', { admin: true })).users;
  }

  async setAvailability(agentId: string, status: 'available' | 'not-available'): Promise<void> {
    ok(await this.post('/api/v1/livechat/agent.status', { agentId, status }, { admin: true }));
  }

  async setPresence(userId: string, status: 'online' | 'away' | 'offline'): Promise<void> {
    ok(await this.post('/api/v1/users.setStatus', { userId, status }, { admin: true }));
  }

  async deleteAgent(agentId: string): Promise<void> {
    ok(await this.request('DELETE', `/api/v1/livechat/users/agent/${agentId}`, { admin: true }));
  }

  async saveDepartment(
    department: Record<string, unknown>,
    agents?: { agentId: string; count?: number; order?: number }[],
    id?: string,
  ): Promise<{ department: Record<string, any>; agents: Record<string, any>[] }> {
    const body = agents ? { department, agents } : { department };
    const res = id
      ? await this.request<{ department: Record<string, any>; agents: Record<string, any>[] }>('PUT', `/api/v1/livechat/department/${id}`, { body, admin: true })
      : await this.post<{ department: Record<string, any>; agents: Record<string, any>[] }>('/api/v1/livechat/department', body, { admin: true });
    return ok(res);
  }

  async setSetting(id: string, value: unknown): Promise<void> {
    ok(await this.post(`/api/v1/settings/${id}`, { value }, { admin: true }));
  }

  async queued(department?: string): Promise<Record<string, any>[]> {
    const query = department ? `?department=${department}` : '';
    return ok(await this.get<{ inquiries: Record<string, any>[] }>(`/api/v1/livechat/inquiries.queued${query}`, { admin: true })).inquiries;
  }

  /** users.createToken: a new token for the agent (docs/api.md#agents-sign-in). */
  async createToken(userId: string): Promise<AgentCredentials> {
    const res = await this.post<{ data: { userId: string; authToken: string } }>('/api/v1/users.createToken', { userId }, { admin: true });
    return ok(res).data;
  }

  /** The agent's side of the API with these credentials (X-User-Id + X-Auth-Token). */
  as(credentials: AgentCredentials): AgentApi {
    return new AgentApi(this, credentials);
  }
}

export interface AgentCredentials {
  userId: string;
  authToken: string;
}

/** An agent's requests (docs/api.md#agents-sign-in), each answered as it came (status and body). */
export class AgentApi {
  constructor(
    readonly api: Api,
    readonly credentials: AgentCredentials,
  ) {}

  get headers(): Record<string, string> {
    return { 'x-user-id': this.credentials.userId, 'x-auth-token': this.credentials.authToken };
  }

  request<T = Record<string, any>>(method: string, path: string, body?: unknown) {
    return this.api.request<T>(method, path, { body, headers: this.headers });
  }

  me() {
    return this.request('GET', '/api/v1/me');
  }

  logout() {
    return this.request('POST', '/api/v1/logout');
  }

  setStatus(status: 'available' | 'not-available', agentId?: string) {
    return this.request('POST', '/api/v1/livechat/agent.status', agentId === undefined ? { status } : { status, agentId });
  }

  take(inquiryId: string, userId?: string) {
    return this.request<{ inquiry: Record<string, any> }>('POST', '/api/v1/livechat/inquiries.take', userId === undefined ? { inquiryId } : { inquiryId, userId });
  }

  rooms(query = '') {
    return this.request<{ rooms: Record<string, any>[]; count: number; offset: number; total: number }>('GET', `/api/v1/livechat/rooms${query}`);
  }

  send(message: Record<string, unknown>) {
    return this.request<{ message: Record<string, any> }>('POST', '/api/v1/chat.sendMessage', { message });
  }

  sync(roomId: string, lastUpdate: string) {
    return this.request<{ result: { updated: Record<string, any>[]; deleted: { _id: string; _deletedAt: string }[] } }>(
      'GET',
      `/api/v1/chat.syncMessages?${new URLSearchParams({ roomId, lastUpdate })}`,
    );
  }

  close(rid: string, comment?: string) {
    return this.request('POST', '/api/v1/livechat/room.closeByUser', comment === undefined ? { rid } : { rid, comment });
  }
}

function ok<T>(res: ApiResponse<T>): ApiResponse<T>['body'] {
  if (res.status !== 200) throw new Error(`expected 200, got ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}


/** node:http rather than fetch, so that tests can set any header (fetch forbids Host). */
function send(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString(), headers: res.headers }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
