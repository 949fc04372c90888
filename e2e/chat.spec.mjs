// The live-chat widget in Debian's Chromium, driven by playwright-core (no browser download).
// Started by crates/dragoman-server/tests/api/chat_browser.rs, which runs Dragoman and a shop
// page embedding the widget, and passes:
//   DRAGOMAN_URL, SHOP_URL, DRAGOMAN_TOKEN (an agent-role API token),
//   AGENT_EMAIL, AGENT_PASSWORD (a login, for the presence heartbeat), SCREENSHOTS (a folder),
//   CHROMIUM (default /usr/bin/chromium).
// Steps: nobody online → the visitor leaves an email; an agent comes online; a visitor in a
// Brazilian browser writes Portuguese (the first acknowledgement is lost with the connection,
// and the message is still stored once); the agent answers in English through the API (preview
// → translation → reply); the visitor sees the Portuguese translation; a reload replays the
// conversation once. Exits non-zero with the reason on the first failure.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

function required(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
const DRAGOMAN = required('DRAGOMAN_URL');
const SHOP = required('SHOP_URL');
const TOKEN = required('DRAGOMAN_TOKEN');
const SCREENSHOTS = required('SCREENSHOTS');
const QUESTION = 'Olá! Comprei um abajur na semana passada e ainda não chegou. Onde está o meu pedido?';
const ANSWER = 'Hello! Your order was sent today and will arrive tomorrow.';
// Generous bounds on waiting for the server's background work; no test asserts a duration.
const WAIT_MS = 120_000;

mkdirSync(SCREENSHOTS, { recursive: true });
const step = (what) => console.log(`chat e2e: ${what}`);

async function api(method, path, body, headers = { authorization: `Bearer ${TOKEN}` }) {
  const response = await fetch(DRAGOMAN + path, {
    method,
    headers: { ...headers, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}

async function until(what, probe) {
  for (let tries = 0; tries < WAIT_MS / 100; tries++) {
    const value = await probe();
    if (value) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Playwright gives each launch a fresh profile directory of its own.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const brazil = { locale: 'pt-BR', timezoneId: 'America/Sao_Paulo', viewport: { width: 900, height: 700 } };

try {
  // 1. Nobody is online: the widget asks for an email instead.
  const away = await browser.newContext(brazil);
  let page = await away.newPage();
  await page.goto(SHOP);
  let widget = page.locator('#dragoman-chat');
  await widget.locator('button.launch').click();
  await widget.locator('form.offline').waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.equal(await widget.locator('form.chat').isVisible(), false, 'no chat while nobody is online');
  assert.equal(await widget.locator('section.panel').getAttribute('lang'), 'pt', 'the widget speaks the browser language');
  assert.match(await widget.locator('form.offline p').textContent(), /Ninguém está online/);
  await widget.locator('#dgm-email').fill('ana@example.com.br');
  await widget.locator('#dgm-left').fill('Podem ligar-me amanhã sobre o abajur?');
  await widget.locator('form.offline button[type=submit]').click();
  await until('the message left is acknowledged', async () =>
    (await widget.locator('.status').textContent()).includes('ana@example.com.br'));
  await page.screenshot({ path: join(SCREENSHOTS, 'chat-nobody-online.png') });
  const left = await api('GET', '/api/v1/conversations?channel=email');
  assert.equal(left.body.items.length, 1, 'the message left is an email conversation');
  const leftDetail = await api('GET', `/api/v1/conversations/${left.body.items[0].id}`);
  assert.equal(leftDetail.body.messages[0].sender, 'ana@example.com.br');
  await away.close();
  step('nobody online: email form, message stored as email from ana@example.com.br');

  // 2. An agent signs in and is at their desk.
  const login = await api('POST', '/api/v1/auth/login',
    { email: required('AGENT_EMAIL'), password: required('AGENT_PASSWORD') }, {});
  assert.equal(login.status, 200, JSON.stringify(login.body));
  const cookie = login.headers.get('set-cookie').split(';')[0];
  const presence = await api('POST', '/api/v1/chat/presence', null, { cookie, 'x-csrf-token': login.body.csrf_token });
  assert.equal(presence.status, 200, JSON.stringify(presence.body));
  assert.equal(presence.body.online, true);

  // 3. A visitor writes in Portuguese. The connection drops before the first acknowledgement
  //    arrives: the widget reconnects and resends, and the message is stored once.
  const visit = await browser.newContext(brazil);
  page = await visit.newPage();
  let connections = 0;
  let dropAck = true;
  await page.routeWebSocket(/\/chat\/ws$/, (ws) => {
    connections++;
    const server = ws.connectToServer();
    ws.onMessage((message) => server.send(message));
    server.onMessage((message) => {
      if (dropAck && JSON.parse(message).type === 'ack') {
        dropAck = false;
        server.close();
        ws.close({ code: 1006 });
        return;
      }
      ws.send(message);
    });
  });
  await page.goto(SHOP);
  widget = page.locator('#dragoman-chat');
  await widget.locator('button.launch').click();
  await widget.locator('form.chat').waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.equal(await widget.locator('form.offline').isVisible(), false);
  await widget.locator('#dgm-text').fill(QUESTION);
  await widget.locator('#dgm-text').press('Enter');
  const mine = widget.locator('li.visitor');
  await until('the question is acknowledged after the reconnect', async () =>
    connections >= 2 && (await mine.count()) === 1 && (await mine.locator('.state').textContent()) === '');
  assert.equal(await mine.count(), 1, 'one bubble for the question');
  step(`visitor wrote Portuguese; acknowledged after ${connections} connections`);

  // 4. The agent answers in English through the API: preview (the translation), then send it.
  const conversation = await until('the chat is understood as Portuguese', async () => {
    const list = await api('GET', '/api/v1/conversations?channel=chat');
    const found = list.body.items[0];
    return found && found.buyer_language === 'pt' && found;
  });
  const detail = await api('GET', `/api/v1/conversations/${conversation.id}`);
  assert.equal(detail.body.messages.filter((m) => m.direction === 'inbound').length, 1, 'the question is stored once');
  const session = await api('GET', `/api/v1/conversations/${conversation.id}/chat`);
  assert.equal(session.body.time_zone, 'America/Sao_Paulo');
  assert.equal(session.body.languages[0], 'pt-BR');
  const preview = await api('POST', `/api/v1/conversations/${conversation.id}/replies/preview`,
    { text: ANSWER, language: 'en' });
  assert.equal(preview.status, 201, JSON.stringify(preview.body));
  const translation = preview.body.translation;
  assert.notEqual(translation, ANSWER);
  const analysis = await api('POST', '/api/v1/analyze', { text: translation });
  assert.equal(analysis.body.lang, 'pt', `the reply is Portuguese: ${translation}`);
  const sent = await api('POST', `/api/v1/conversations/${conversation.id}/replies`,
    { preview_id: preview.body.preview_id });
  assert.equal(sent.status, 201, JSON.stringify(sent.body));
  step(`agent answered in English; the buyer gets: ${translation}`);

  // 5. The visitor sees the Portuguese reply, announced by the log's live region.
  const log = widget.locator('ol.log');
  assert.equal(await log.getAttribute('role'), 'log');
  assert.equal(await log.getAttribute('aria-live'), 'polite');
  const reply = log.locator('li.agent');
  await reply.waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.equal(await reply.textContent(), `Suporte: ${translation}`);
  await page.screenshot({ path: join(SCREENSHOTS, 'chat-portuguese-reply.png') });

  // 6. A reload replays the conversation once.
  await page.reload();
  await widget.locator('button.launch').click();
  await log.locator('li.agent').waitFor({ state: 'visible', timeout: WAIT_MS });
  assert.equal(await log.locator('li.visitor').count(), 1);
  assert.equal(await log.locator('li.agent').count(), 1);
  assert.equal(await log.locator('li.visitor').textContent(), `Você: ${QUESTION}`);
  await page.screenshot({ path: join(SCREENSHOTS, 'chat-after-reload.png') });
  step('the visitor saw Portuguese; a reload shows the conversation once');
} finally {
  await browser.close();
}
