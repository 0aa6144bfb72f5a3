import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { expectEventually } from '../../harness/eventually.js';
import { Api } from '../../harness/http.js';
import { Livechat } from '../support/livechat.js';
import { ADMIN_TOKEN, TestStack } from '../../harness/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LOG_DIR = process.env.TEST_LOG_DIR ?? join(ROOT, 'test', 'logs');
const RECENT = '/api/v1/console/rooms.recent';

describe('the operator console', () => {
  let stack: TestStack;
  let api: Api;
  let chat: Livechat;
  let profile: string;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does)`);
    stack = await TestStack.start();
    api = new Api(stack.baseUrl, ADMIN_TOKEN);
    chat = new Livechat(api);
    await api.setSetting('Livechat_accept_chats_with_no_agents', true);
    // A fresh profile for each run: playwright takes it as launchPersistentContext's directory
    // (the --user-data-dir flag itself is refused in args).
    profile = mkdtempSync(join(tmpdir(), 'livechat-console-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await stack?.stop();
  });

  /** Polls the page until `check` holds, failing with its last error after the deadline. */
  function eventuallyInPage(check: () => Promise<void>, timeoutMs = 15_000): Promise<void> {
    return expectEventually(check, { timeoutMs, intervalMs: 100 });
  }

  describe('GET /api/v1/console/rooms.recent', () => {
    it('answers 401 without the operator token, and with a wrong one', async () => {
      for (const headers of [{}, { 'x-auth-token': 'wrong-token' }] as Record<string, string>[]) {
        const res = await api.get(RECENT, { headers });
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ success: false, error: 'unauthorized' });
      }
    });

    it('refuses a count out of bounds and unknown parameters', async () => {
      for (const query of ['count=0', 'count=101', 'count=many', 'limit=5']) {
        const res = await api.get(`${RECENT}?${query}`, { admin: true });
        expect(res.status, query).toBe(400);
        expect(res.body.success).toBe(false);
      }
    });

    it("answers the buffer's rooms in the success envelope", async () => {
      const res = await api.get<{ rooms: unknown[]; feed: Record<string, unknown> }>(RECENT, { admin: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ success: true, rooms: expect.any(Array), feed: { capacity: 100 } });
    });
  });

  it('serves the page as static HTML with no data and a strict content security policy', async () => {
    const res = await fetch(`${stack.baseUrl}/console`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*script-src 'sha256-/);
    const html = await res.text();
    expect(html).toContain('livechat <span>console</span>');
    expect(html).not.toContain(ADMIN_TOKEN);
  });

  it('refuses a wrong token, then shows the queue, the agents and the recent rooms live', async () => {
    const scriptErrors: string[] = [];
    page.on('pageerror', (err) => scriptErrors.push(err.message));
    page.on('console', (msg) => {
      // The browser logs each refused request of the wrong-token attempt; anything else is a fault.
      if (msg.type() === 'error' && !/status of 401/.test(msg.text())) scriptErrors.push(msg.text());
    });
    await page.goto(`${stack.baseUrl}/console`);

    // A wrong token: an error, nothing listed, nothing kept.
    await page.fill('#token', 'wrong-token');
    await page.click('#login button[type=submit]');
    await eventuallyInPage(async () => {
      expect(await page.isVisible('#login-error')).toBe(true);
      expect(await page.textContent('#login-error')).toMatch(/refused/);
    });
    expect(await page.isVisible('#dashboard')).toBe(false);
    expect(await page.locator('#agents tbody tr, #queue li, #rooms tbody tr').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    // The right token.
    await page.fill('#token', ADMIN_TOKEN);
    await page.click('#login button[type=submit]');
    await eventuallyInPage(async () => expect(await page.isVisible('#dashboard')).toBe(true));
    expect(await page.isVisible('#login-error')).toBe(false);

    // No agent available: the room waits in the queue. Its visitor's name is markup, shown as text.
    await chat.retireAllAgents();
    const name = 'Mary <img src=x onerror="window.__injected=1"> & co';
    const { room } = await chat.openRoom({ name });
    const rid = room._id as string;
    const queued = page.locator(`#queue [data-rid="${rid}"]`);
    await eventuallyInPage(async () => expect(await queued.count()).toBe(1));
    expect(await queued.locator('.name').textContent()).toBe(name);
    expect(await page.locator('#queue img').count()).toBe(0);
    expect(await page.locator('#queue-section h3').first().textContent()).toMatch(/No department/);
    const recent = page.locator(`#rooms tbody tr[data-rid="${rid}"]`);
    await eventuallyInPage(async () => expect(await recent.locator('.state').textContent()).toBe('waiting'));
    expect(await recent.locator('.last-message').textContent()).toBe('no message yet');
    mkdirSync(LOG_DIR, { recursive: true });
    await page.screenshot({ path: join(LOG_DIR, 'console-queued.png'), fullPage: true });

    // An agent appears: the room leaves the queue, is served, and the agent's load is 1 of 3.
    const username = 'console-alice';
    await api.createAgent(username, { name: 'Alice Console', maxChats: 3 });
    await eventuallyInPage(async () => {
      expect(await queued.count()).toBe(0);
      expect(await recent.locator('.state').textContent()).toBe(`served by ${username}`);
      const agent = page.locator(`#agents tbody tr[data-username="${username}"]`);
      expect(await agent.locator('.load-text').textContent()).toBe('1 / 3');
      expect(await agent.locator('.presence').textContent()).toBe('online');
      expect(await agent.locator('.availability').textContent()).toBe('available');
    });
    expect(await page.isVisible('#queue-empty')).toBe(true);

    // The visitor writes: the room shows its last message (as text, markup and all) and that it awaits a reply.
    const said = 'Is <b>anyone</b> there? <img src=x onerror="window.__injected=2">';
    const sent = await api.sendMessage({ token: room.v.token, rid, msg: said });
    expect(sent.status).toBe(200);
    await eventuallyInPage(async () => {
      expect(await recent.locator('.last-message .text').textContent()).toBe(said);
      expect(await recent.locator('.last-message .sub').textContent()).toContain(`visitor ${room.v.username}`);
      expect(await recent.locator('.response').textContent()).toBe('awaiting reply');
    });
    expect(await page.locator('#rooms img, #rooms b').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();
    expect(await page.evaluate(() => sessionStorage.getItem('livechat.operatorToken'))).toBe(ADMIN_TOKEN);

    await page.screenshot({ path: join(LOG_DIR, 'console.png'), fullPage: true });
    expect(scriptErrors).toEqual([]);

    // Signing out forgets the token and empties the page.
    await page.click('#logout');
    expect(await page.isVisible('#login')).toBe(true);
    expect(await page.locator('#agents tbody tr, #queue li, #rooms tbody tr').count()).toBe(0);
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    // The API answers the same room, without the visitor's token.
    const res = await api.get<{ rooms: Record<string, any>[] }>(RECENT, { admin: true });
    const listed = res.body.rooms.find((r) => r._id === rid);
    expect(listed).toMatchObject({
      open: true, servedBy: { username }, msgs: 1, waitingResponse: true, lastEvent: { type: 'message.sent' },
      lastMessage: { msg: said, from: 'visitor', username: room.v.username, ts: sent.body.message.ts },
    });
    expect(JSON.stringify(listed)).not.toContain(room.v.token);
  });

  it("gives an agent a view of their own: sign in with their credentials, see their rooms, read and answer a chat, close it", async () => {
    const scriptErrors: string[] = [];
    const agentPage = await browser.newPage();
    agentPage.on('pageerror', (err) => scriptErrors.push(err.message));
    agentPage.on('console', (msg) => {
      if (msg.type() === 'error' && !/status of 401/.test(msg.text())) scriptErrors.push(msg.text());
    });
    await chat.retireAllAgents();
    const username = 'console-bob';
    const agentId = await api.createAgent(username, { name: 'Bob Console' });
    const credentials = await api.createToken(agentId);
    const { token, room } = await chat.openRoom({ name: 'Vic <b>Visitor</b>' });
    const rid = room._id as string;
    await chat.servedBy(token, rid);
    const said = 'My parcel <img src=x onerror="window.__injected=3"> is late';
    expect((await api.sendMessage({ token, rid, msg: said })).status).toBe(200);

    await agentPage.goto(`${stack.baseUrl}/console`);
    // Wrong credentials: refused, nothing kept.
    await agentPage.check('#login input[value=agent]');
    await agentPage.fill('#user-id', agentId);
    await agentPage.fill('#token', 'not-the-token');
    await agentPage.click('#login button[type=submit]');
    await eventuallyInPage(async () => expect(await agentPage.textContent('#login-error')).toMatch(/agent credentials were refused/));
    expect(await agentPage.evaluate(() => sessionStorage.length)).toBe(0);

    // The agent's own credentials.
    await agentPage.check('#login input[value=agent]');
    await agentPage.fill('#user-id', credentials.userId);
    await agentPage.fill('#token', credentials.authToken);
    await agentPage.click('#login button[type=submit]');
    await eventuallyInPage(async () => {
      expect(await agentPage.isVisible('#agent-view')).toBe(true);
      expect(await agentPage.textContent('#me-name')).toBe(`Bob Console (${username})`);
    });
    expect(await agentPage.isVisible('#dashboard')).toBe(false);
    const row = agentPage.locator(`#my-rooms tbody tr[data-rid="${rid}"]`);
    await eventuallyInPage(async () => {
      expect(await row.locator('.last-message .text').textContent()).toBe(said);
      expect(await row.locator('.response').textContent()).toBe('awaiting reply');
    });

    // Read the chat: the visitor's words as text, the agent's joining as a system line.
    await row.click();
    await eventuallyInPage(async () => {
      expect(await agentPage.locator('#messages li.visitor .text').allTextContents()).toEqual([said]);
      expect(await agentPage.locator('#messages li.system .text').allTextContents()).toEqual([`${username} joined the chat`]);
    });
    expect(await agentPage.textContent('#conversation-title')).toBe('Vic <b>Visitor</b>');
    expect(await agentPage.locator('#messages img, #conversation-title b').count()).toBe(0);

    // Answer it: the visitor reads the answer, the room is answered.
    const answer = 'Sorry about that: it arrives *tomorrow*.';
    await agentPage.fill('#reply', answer);
    await agentPage.click('#send-reply');
    await eventuallyInPage(async () => expect(await agentPage.locator('#messages li.agent .text').allTextContents()).toEqual([answer]));
    expect(await agentPage.inputValue('#reply')).toBe('');
    const history = await api.history(rid, { token });
    expect(history.body.messages[0]).toMatchObject({ msg: answer, u: { _id: agentId, username } });
    await eventuallyInPage(async () => expect(await row.locator('.response').textContent()).toBe('answered'));
    // The visitor writes again: it shows up in the open chat without a reload.
    expect((await api.sendMessage({ token, rid, msg: 'Thanks!' })).status).toBe(200);
    await eventuallyInPage(async () => expect(await agentPage.locator('#messages li.visitor .text').allTextContents()).toEqual([said, 'Thanks!']));

    // Availability: their own.
    await agentPage.click('#toggle-availability');
    await eventuallyInPage(async () => expect((await api.agents()).find((a) => a._id === agentId)?.statusLivechat).toBe('not-available'));
    await eventuallyInPage(async () => expect(await agentPage.textContent('#me-availability')).toContain('not-available'));
    await agentPage.click('#toggle-availability');
    await eventuallyInPage(async () => expect((await api.agents()).find((a) => a._id === agentId)?.statusLivechat).toBe('available'));

    // Close it with a comment.
    await agentPage.fill('#close-comment', 'Resolved');
    await agentPage.click('#close-room');
    await eventuallyInPage(async () => {
      expect(await agentPage.locator('#messages li.system .text').last().textContent()).toBe(`Chat closed by ${username}: Resolved`);
      expect(await row.locator('.state').textContent()).toBe('closed');
      expect(await agentPage.isDisabled('#reply')).toBe(true);
    });
    const [closed] = await stack.db.query<Record<string, unknown>>('SELECT open, closer, closed_by_id FROM rooms.rooms WHERE id = $1', [rid]);
    expect(closed).toEqual({ open: false, closer: 'user', closed_by_id: agentId });
    await agentPage.screenshot({ path: join(LOG_DIR, 'console-agent.png'), fullPage: true });
    expect(await agentPage.evaluate(() => (window as unknown as { __injected?: number }).__injected)).toBeUndefined();

    // Signing out revokes the token: it is refused afterwards, everywhere.
    await agentPage.click('#logout');
    await eventuallyInPage(async () => expect(await agentPage.isVisible('#login')).toBe(true));
    expect(await agentPage.evaluate(() => sessionStorage.length)).toBe(0);
    expect(await agentPage.locator('#my-rooms tbody tr, #messages li').count()).toBe(0);
    await eventuallyInPage(async () => expect((await api.as(credentials).me()).status).toBe(401));
    expect(scriptErrors).toEqual([]);
    await agentPage.close();
  });

  it('refills the recent rooms from the stream after a gateway restart', async () => {
    const { room } = await chat.openRoom({ name: 'After restart' });
    type Reply = { rooms: Record<string, any>[]; feed: { live: boolean; buffered: number } };
    const before = await expectEventually(async () => {
      const res = await api.get<Reply>(RECENT, { admin: true });
      const listed = res.body.rooms.find((r) => r._id === room._id);
      expect(listed).toBeDefined();
      return res.body;
    });
    // The browser stays open: its idle and preconnected sockets must not hold up the shutdown.
    const gateway = stack.service('gateway');
    const stopping = Date.now();
    expect(await gateway.stop('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(Date.now() - stopping).toBeLessThan(10_000);
    await browser.close();
    await gateway.start();
    const after = await expectEventually(async () => {
      const res = await api.get<Reply>(RECENT, { admin: true });
      expect(res.body.feed.live).toBe(true);
      expect(res.body.rooms.length).toBeGreaterThanOrEqual(before.rooms.length);
      return res.body;
    });
    expect(after.feed.buffered).toBeGreaterThanOrEqual(before.feed.buffered);
    // The room may have moved on meanwhile (an agent took it): the same room, at the same or a later event.
    const [was, is] = [before, after].map((reply) => reply.rooms.find((r) => r._id === room._id)!);
    expect(is).toMatchObject({ _id: was._id, fname: was.fname });
    expect(Date.parse(is.lastEvent.occurredAt)).toBeGreaterThanOrEqual(Date.parse(was.lastEvent.occurredAt));
  });
});
