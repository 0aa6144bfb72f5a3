import { request as httpRequest } from 'node:http';

export interface ApiResponse<T = Record<string, unknown>> {
  status: number;
  body: T & { success?: boolean; error?: string; errorType?: string };
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
    if (init.admin && this.adminToken) headers['x-auth-token'] = this.adminToken;
    const res = await send(`${this.baseUrl}${path}`, method, headers, body);
    const text = res.text;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed as ApiResponse<T>['body'] };
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
}

/** node:http rather than fetch, so that tests can set any header (fetch forbids Host). */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}
