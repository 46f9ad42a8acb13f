// Browser tests: drive the Corral web UI in real Chromium against a running server.
//
//   CORRAL_URL=http://127.0.0.1:8750 CORRAL_ADMIN_EMAIL=... CORRAL_ADMIN_PASSWORD=... \
//   SCREENSHOTS=/tmp/shots node tests/e2e.mjs
//
// Prints `ok - step` / `not ok - step: reason` per step and `N passed, M failed` at the end.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';

const BASE = (process.env.CORRAL_URL || 'http://127.0.0.1:8750').replace(/\/$/, '');
const EMAIL = process.env.CORRAL_ADMIN_EMAIL || '';
const PASSWORD = process.env.CORRAL_ADMIN_PASSWORD || '';
const SHOTS = process.env.SCREENSHOTS || '';
// Only for developing against `npm run dev` before the server had sign-in.
const ALLOW_NO_AUTH = process.env.E2E_ALLOW_NO_AUTH === '1';
const RUN = Date.now().toString(36);

let passed = 0;
let failed = 0;
let shot = 0;
let page;

async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${String(e?.message ?? e).split('\n')[0]}`);
  }
  if (SHOTS && page) {
    const file = join(SHOTS, `${String(++shot).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
    await page.screenshot({ path: file }).catch(() => {});
  }
}

function check(cond, msg) {
  if (!cond) throw new Error(msg);
}

/** Polls `f` until it returns a truthy value, or fails with the last value seen. */
async function until(what, f, ms = 10000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await f();
      if (last) return last;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${what} (last seen: ${JSON.stringify(last)})`);
}

/** The ids of the rows on screen, top to bottom. */
async function rowIds(p = page) {
  return p.evaluate(() => Array.from(document.querySelectorAll('.grid-row[data-id]'))
    .map((r) => ({ id: r.dataset.id, y: parseFloat(r.style.transform.replace(/[^\d.]/g, '')) }))
    .sort((a, b) => a.y - b.y).map((r) => r.id));
}

async function countText(p = page) {
  return (await p.locator('[data-testid=count]').textContent())?.trim() ?? '';
}

const plural = (n) => `${n.toLocaleString('en-US')} record${n === 1 ? '' : 's'}`;

// The data synced with the key made in the UI: accounts, and orders that point at them.
const COUNTRIES = ['Germany', 'France', 'Germany', 'Spain', 'Italy'];
const accounts = COUNTRIES.map((country, i) => ({
  id: `ACC${i + 1}-${RUN}`, company_name: `Company ${i + 1} ${RUN}`, country,
}));
const orders = Array.from({ length: 300 }, (_, i) => ({
  id: `ord-${String(i).padStart(3, '0')}`,
  customer_id: accounts[i % accounts.length].id,
  amount: ((i * 37) % 1000) + 0.5,
  order_date: new Date(Date.UTC(2026, 0, 1) + i * 86400000).toISOString(),
  email: `buyer${i}@example.com`,
  paid: i % 3 !== 0,
  ...(i % 50 === 7 ? { note: `urgent${RUN} delivery` } : {}),
}));

async function main() {
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const context = await browser.newContext({ viewport: { width: 1360, height: 860 }, locale: 'en-US' });
  page = await context.newPage();
  page.setDefaultTimeout(10000);
  let modelId = '';
  let key = '';
  let viewUrl = '';
  let sharedUrl = '';
  let sharedRows = [];

  await step('sign in', async () => {
    await page.goto(`${BASE}/app/views`);
    const where = await until('the sign-in page or the views', async () => {
      const u = new URL(page.url());
      if (u.pathname === '/app/login' && await page.locator('input[name=email]').count()) return 'login';
      if (u.pathname === '/app/views' && await page.locator('.sidebar').count()) return 'views';
      return '';
    });
    if (where === 'views') {
      check(ALLOW_NO_AUTH, 'the app opened without asking to sign in');
      return;
    }
    check(new URL(page.url()).searchParams.get('next') === '/app/views', `next= is missing: ${page.url()}`);
    await page.fill('input[name=email]', EMAIL);
    await page.fill('input[name=password]', 'wrong-' + PASSWORD);
    await page.click('button[type=submit]');
    await until('an error for a wrong password', () => page.locator('[role=alert]').count());
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await until('the views page after sign-in', () => new URL(page.url()).pathname === '/app/views');
    await until('the signed-in e-mail in the sidebar', () => page.locator('.sidebar-foot', { hasText: EMAIL }).count());
  });

  await step('add model Orders related to account via customer_id', async () => {
    await page.goto(`${BASE}/app/settings/models`);
    const form = page.locator('form[aria-label="Add New Model"]');
    await form.locator('input[name=name]').fill(`Orders ${RUN}`);
    await form.locator('input[name=related]').check();
    await form.locator('input[name=relation_trait]').fill('customer_id');
    await form.locator('button[type=submit]').click();
    modelId = (await page.locator('[data-testid=new-model] [data-testid=model-id]').textContent({ timeout: 10000 })).trim();
    check(modelId.length > 0, 'no Model ID shown');
    await until('the new model in the list', () => page.locator('table.plain td code', { hasText: modelId }).count());

    // Declare trait types on the model page; money then reads with its currency.
    await page.click(`a[href="/app/settings/models/${encodeURIComponent(modelId)}"]`);
    await until('the empty-model curl command', () => page.locator('pre', { hasText: `/models/${modelId}/records` }).count());
    const editor = page.locator('form[aria-label="Model settings"]');
    check(await editor.locator('input[aria-label=Trait]').inputValue() === 'customer_id', 'relation not shown');
    await editor.getByRole('button', { name: '+ Trait' }).click();
    await editor.locator('input[aria-label="Trait name"]').nth(0).fill('amount');
    await editor.locator('select[aria-label="Trait type"]').nth(0).selectOption('currency');
    await editor.locator('input[aria-label=Currency]').fill('EUR');
    await editor.getByRole('button', { name: '+ Trait' }).click();
    await editor.locator('input[aria-label="Trait name"]').nth(1).fill('order_date');
    await editor.locator('select[aria-label="Trait type"]').nth(1).selectOption('datetime');
    await editor.getByRole('button', { name: 'Save model' }).click();
    await until('"Saved"', () => editor.locator('.ok', { hasText: 'Saved' }).count());
  });

  await step('create an API key in Developer settings', async () => {
    await page.goto(`${BASE}/app/settings/developer`);
    await page.fill('input[name=key_name]', `e2e-${RUN}`);
    await page.getByRole('button', { name: 'Create key' }).click();
    key = (await page.locator('[data-testid=api-key]').textContent()).trim();
    check(/^corral_\S+$/.test(key), `unexpected key text: ${key}`);
    await until('the key in the list', () => page.locator('td', { hasText: `e2e-${RUN}` }).count());
  });

  await step('sync accounts and 300 orders with that key', async () => {
    const headers = { Authorization: `Token ${key}`, 'Content-Type': 'application/json', Accept: 'application/json' };
    for (const a of accounts) {
      const r = await fetch(`${BASE}/models/account/records`, { method: 'POST', headers, body: JSON.stringify(a) });
      check(r.status === 201 || r.status === 200, `account ${a.id}: ${r.status} ${await r.text()}`);
    }
    for (let i = 0; i < orders.length; i += 100) {
      const r = await fetch(`${BASE}/models/${encodeURIComponent(modelId)}/records/batch`,
        { method: 'POST', headers, body: JSON.stringify(orders.slice(i, i + 100)) });
      const body = await r.json();
      check(r.ok && body.failed === 0, `batch ${i}: ${r.status} ${JSON.stringify(body).slice(0, 200)}`);
    }
    // The model page notices the records.
    await page.goto(`${BASE}/app/settings/models/${encodeURIComponent(modelId)}`);
    await until('"300 records" on the model page', () => page.locator('text=300 records').count());
  });

  await step('add a view', async () => {
    await page.goto(`${BASE}/app/views`);
    const form = page.locator('form[aria-label="Add View"]');
    await form.locator('input[name=view_name]').fill(`Orders view ${RUN}`);
    await form.locator('select[name=view_model]').selectOption(modelId);
    await form.locator('button[type=submit]').click();
    await until('the view page', () => /^\/app\/views\/[^/]+$/.test(new URL(page.url()).pathname));
    viewUrl = page.url();
    await until('300 records', async () => (await countText()) === plural(300));
    await until('rows in the grid', async () => (await rowIds()).length > 10);
    // The sidebar refreshes its list after the view page opens; give it a moment under load.
    await until('the view in the sidebar', async () => (await page.locator('.sidebar a', { hasText: `Orders view ${RUN}` }).count()) === 1);
    const euro = await page.locator('.grid-row[data-id] .grid-cell.right', { hasText: '€' }).count();
    check(euro > 0, 'no amount shown as euros');
  });

  await step('scroll through every row', async () => {
    // 300 rows are two pages of 200: the second is fetched with the cursor as the grid nears it.
    await page.locator('.grid-scroll').focus();
    await page.keyboard.press('End');
    await until('the last row', () => page.locator('.grid-row.selected[data-id="ord-299"]').count());
    check(await page.locator('.grid-row[aria-busy]').count() === 0, 'rows still loading at the end');
    await page.keyboard.press('Home');
    await until('the first row', () => page.locator('.grid-row.selected[data-id="ord-000"]').count());
  });

  await step('search', async () => {
    await page.keyboard.press('Escape');
    await page.locator('.grid-scroll').focus();
    await page.keyboard.press('/');
    check(await page.evaluate(() => document.activeElement?.getAttribute('aria-label')) === 'Search records', '/ did not focus search');
    await page.keyboard.type(`urgent${RUN}`);
    const want = orders.filter((o) => o.note).map((o) => o.id).sort();
    await until(`${want.length} records`, async () => (await countText()) === plural(want.length));
    await until('the matching rows', async () => JSON.stringify((await rowIds()).sort()) === JSON.stringify(want));
    check(new URL(page.url()).searchParams.get('q') === `urgent${RUN}`, 'q not in the URL');
    await page.fill('input[aria-label="Search records"]', '');
    await until('300 records again', async () => (await countText()) === plural(300));
  });

  const germans = new Set(accounts.filter((a) => a.country === 'Germany').map((a) => a.id));
  const filtered = orders.filter((o) => o.amount > 500 && germans.has(o.customer_id));

  await step('filter with the builder', async () => {
    await page.getByRole('button', { name: '+ Filter' }).click();
    const b = page.locator('form[aria-label="Filter builder"]');
    const rows = b.locator('[data-testid=filter-row]');
    await rows.nth(0).locator('input[aria-label=Trait]').fill('amount');
    await rows.nth(0).locator('select[aria-label=Operator]').selectOption('>');
    await rows.nth(0).locator('input[aria-label=Value]').fill('500');
    await b.getByRole('button', { name: '+ Condition' }).click();
    await rows.nth(1).locator('input[aria-label=Trait]').fill('account.country');
    await rows.nth(1).locator('select[aria-label=Operator]').selectOption('=');
    await rows.nth(1).locator('input[aria-label=Value]').fill('Germany');
    await b.getByRole('button', { name: 'Apply' }).click();
    await until(`${filtered.length} records`, async () => (await countText()) === plural(filtered.length));
    const f = new URL(page.url()).searchParams.get('filter');
    check(f === 'amount > 500 && account.country = "Germany"', `filter in URL: ${f}`);
    check(await page.locator('.chip').count() === 2, 'expected two filter chips');
  });

  await step('show a related column', async () => {
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.locator('.chooser label', { hasText: 'Account › Country' }).locator('input').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await until('account.country header', () => page.locator('.th-label[data-path="account.country"]').count());
    await until('Germany in the rows', () => page.locator('.grid-row[data-id] .grid-cell', { hasText: 'Germany' }).count());
  });

  await step('sort by clicking a header', async () => {
    const byAmount = [...filtered].sort((a, b) => b.amount - a.amount || a.id.localeCompare(b.id));
    await page.locator('.th-label[data-path=amount]').click();
    await until('ascending sort in the URL', () => new URL(page.url()).searchParams.get('sort') === 'amount');
    await until('smallest amount first', async () => (await rowIds())[0] === byAmount[byAmount.length - 1].id);
    await page.locator('.th-label[data-path=amount]').click();
    await until('descending sort in the URL', () => new URL(page.url()).searchParams.get('sort') === '-amount');
    const want = byAmount.slice(0, 10).map((o) => o.id);
    await until('largest amounts first', async () => JSON.stringify((await rowIds()).slice(0, 10)) === JSON.stringify(want));
    sharedUrl = page.url();
    sharedRows = (await rowIds()).slice(0, 20);
  });

  await step('reopen the shared URL in a new page', async () => {
    const other = await context.newPage();
    await other.goto(sharedUrl);
    await until('the same count', async () => (await countText(other)) === plural(filtered.length));
    await until('the same rows', async () => JSON.stringify((await rowIds(other)).slice(0, 20)) === JSON.stringify(sharedRows));
    check(await other.locator('.th-label[data-path="account.country"]').count() === 1, 'related column missing');
    await other.close();
  });

  await step('save the view', async () => {
    const save = page.getByRole('button', { name: 'Save', exact: true });
    check(await save.isEnabled(), 'Save is disabled although the view changed');
    await save.click();
    await until('"Saved"', async () => (await page.locator('.status').textContent().catch(() => '')) === 'Saved');
    check(new URL(page.url()).search === '', `URL still holds state after saving: ${page.url()}`);
    const other = await context.newPage();
    await other.goto(viewUrl.split('?')[0]);
    await until('the saved count', async () => (await countText(other)) === plural(filtered.length));
    await until('the saved rows', async () => JSON.stringify((await rowIds(other)).slice(0, 20)) === JSON.stringify(sharedRows));
    await other.close();
    await until('Save disabled once saved', async () => !(await save.isEnabled()));
    // Searching and clearing the search again is no change.
    await page.fill('input[aria-label="Search records"]', 'x');
    await until('Save enabled by a search', () => save.isEnabled());
    await page.fill('input[aria-label="Search records"]', '');
    await until('Save disabled after clearing the search', async () => !(await save.isEnabled()));
  });

  let first = '';
  await step('open a record with Enter', async () => {
    await page.locator('.grid-scroll').focus();
    await page.keyboard.press('ArrowDown');
    first = (await rowIds())[0];
    await until('the first row selected', () => page.locator(`.grid-row.selected[data-id="${first}"]`).count());
    await page.keyboard.press('Enter');
    const panel = page.locator('aside.panel');
    await until('the record panel', async () => (await panel.locator('h2 .record-id').textContent()) === first);
    const o = orders.find((x) => x.id === first);
    await until('the e-mail as a link', () => panel.locator(`a[href="mailto:${o.email}"]`).count());
    const acct = accounts.find((a) => a.id === o.customer_id);
    await until('the account card', () => panel.locator('[data-testid=related-account]', { hasText: acct.company_name }).count());
    await page.keyboard.press('Escape');
    await until('the panel closed', async () => (await panel.count()) === 0);
    await page.keyboard.press('Enter');
    await until('the panel again', () => panel.count());
  });

  await step('a single click opens a record', async () => {
    const panel = page.locator('aside.panel');
    await page.keyboard.press('Escape');
    await until('the panel closed', async () => (await panel.count()) === 0);
    const second = (await rowIds())[1];
    await page.locator(`.grid-row[data-id="${second}"] .grid-cell`).nth(1).click();
    await until('the clicked record in the panel', async () => (await panel.locator('h2 .record-id').textContent()) === second);
    check(await page.locator(`.grid-row.selected[data-id="${second}"]`).count() === 1, 'the clicked row is not selected');
    // Its full page leads back to the view as it was.
    const here = page.url();
    await panel.getByRole('link', { name: 'Open full page' }).click();
    await until('the record page', () => new URL(page.url()).pathname.startsWith('/app/records/'));
    const back = page.locator('[data-testid=back-link]');
    await until('a way back to the view', async () => ((await back.textContent()) ?? '').includes(`Orders view ${RUN}`));
    await back.click();
    await until('the view again', () => page.url() === here);
    await until('rows in the grid', async () => (await rowIds()).length > 0);
    await page.locator(`.grid-row[data-id="${first}"] .grid-cell`).nth(1).click();
    await until('the first record in the panel', async () => (await panel.locator('h2 .record-id').textContent()) === first);
  });

  await step("open the record's account", async () => {
    const o = orders.find((x) => x.id === first);
    const acct = accounts.find((a) => a.id === o.customer_id);
    await page.locator('aside.panel [data-testid=related-account] h3 a', { hasText: acct.company_name }).click();
    await until('the account page', () => new URL(page.url()).pathname === `/app/records/account/${encodeURIComponent(acct.id)}`);
    await until('the company name', () => page.locator('dd', { hasText: acct.company_name }).count());
    const mine = orders.filter((x) => x.customer_id === acct.id).length;
    const section = page.locator(`[data-testid="pointing-${modelId}"]`);
    await until(`its ${mine} orders`, async () => ((await section.locator('h3').textContent()) ?? '').includes(`(${mine})`));
    await until('order rows', () => section.locator('td a').count());
    await section.getByRole('link', { name: 'Open all in a list' }).click();
    await until('the orders list', () => new URL(page.url()).pathname === `/app/models/${encodeURIComponent(modelId)}`);
    await until(`${mine} records`, async () => (await countText()) === plural(mine));
  });

  await step('save as a new view', async () => {
    await page.goto(viewUrl.split('?')[0] + '?sort=-order_date');
    await until('rows in the grid', async () => (await rowIds()).length > 0);
    await page.getByRole('button', { name: 'Save as new view…' }).click();
    const dialog = page.locator('form[aria-label="Save as new view"]');
    await dialog.locator('input[name=new_view_name]').fill(`Latest orders ${RUN}`);
    await dialog.getByRole('button', { name: 'Save view' }).click();
    await until('the new view', () => /^\/app\/views\/[^/]+$/.test(new URL(page.url()).pathname) && page.url().split('?')[0] !== viewUrl.split('?')[0]);
    await until('its name as the title', async () => (await page.locator('.topbar h1').textContent()) === `Latest orders ${RUN}`);
    await until('two views in the sidebar', async () =>
      (await page.locator('.sidebar a', { hasText: `Orders view ${RUN}` }).count()) === 1
      && (await page.locator('.sidebar a', { hasText: `Latest orders ${RUN}` }).count()) === 1);
    check(new URL(page.url()).search === '', 'the new view should hold the state itself');
    await until('its own sort', async () => (await page.locator('.th-label[data-path=order_date] .sort-mark').textContent()) === '↓');
  });

  const whsec = 'whsec_' + randomBytes(18).toString('hex');
  await step('set a Stripe webhook secret in Settings › Integrations', async () => {
    await page.goto(`${BASE}/app/settings/integrations`);
    await until('the webhook URL', async () => ((await page.locator('[data-testid=webhook-url]').textContent()) ?? '')
      .endsWith('/integrations/stripe/webhook'));
    const form = page.locator('form[aria-label="Webhook signing secret"]');
    await form.locator('input[name=webhook_secret]').fill(whsec);
    await form.getByRole('button', { name: 'Save', exact: true }).click();
    await until('the secret by its end', async () =>
      ((await page.locator('[data-testid=webhook_secret-current]').textContent()) ?? '').includes('…' + whsec.slice(-4)));
  });

  const charge = `ch_e2e_${RUN}`;
  const stripeOrder = `ord-stripe-${RUN}`;
  await step('relate orders to Stripe charges and receive a signed charge.failed', async () => {
    const headers = { Authorization: `Token ${key}`, 'Content-Type': 'application/json', Accept: 'application/json' };
    let r = await fetch(`${BASE}/models/${encodeURIComponent(modelId)}`, {
      method: 'PATCH', headers, body: JSON.stringify({ relations: [
        { trait: 'customer_id', model: 'account', name: 'account' },
        { trait: 'stripe_charge_id', model: 'stripe_charge', name: 'stripe_charge' },
      ] }),
    });
    check(r.ok, `PATCH model: ${r.status} ${await r.text()}`);
    r = await fetch(`${BASE}/models/${encodeURIComponent(modelId)}/records`, {
      method: 'POST', headers, body: JSON.stringify({
        id: stripeOrder, customer_id: accounts[0].id, amount: 123.45, email: `stripe${RUN}@example.com`,
        order_date: new Date().toISOString(), stripe_charge_id: charge,
      }),
    });
    check(r.ok, `sync order: ${r.status} ${await r.text()}`);
    const t = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({
      id: `evt_e2e_${RUN}`, object: 'event', type: 'charge.failed', created: t,
      data: { object: {
        id: charge, object: 'charge', amount: 12345, currency: 'usd', status: 'failed', paid: false,
        failure_code: 'card_declined', failure_message: 'Your card was declined.', refunded: false, disputed: false, created: t,
      } },
    });
    const sig = createHmac('sha256', whsec).update(`${t}.${body}`).digest('hex');
    r = await fetch(`${BASE}/integrations/stripe/webhook`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'Stripe-Signature': `t=${t},v1=${sig}` }, body,
    });
    check(r.ok, `webhook: ${r.status} ${await r.text()}`);
  });

  await step("the order's page shows the failed Stripe charge", async () => {
    await page.goto(`${BASE}/app/records/${encodeURIComponent(modelId)}/${encodeURIComponent(stripeOrder)}`);
    const card = page.locator('[data-testid=stripe-charge]');
    await until('the charge card', () => card.count());
    await until('"failed"', async () => (await card.locator('[data-testid=charge-status]').textContent()) === 'failed');
    await until('"$123.45"', async () => ((await card.textContent()) ?? '').includes('$123.45'));
    await until('the failure message', async () => ((await card.textContent()) ?? '').includes('Your card was declined.'));
  });

  await step('a Stripe charge column and filter in a view', async () => {
    await page.goto(viewUrl.split('?')[0] + '?filter=');
    await until('rows in the grid', async () => (await rowIds()).length > 0);
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.locator('.chooser label', { hasText: 'Stripe charge › Status' }).locator('input').check();
    await page.getByRole('button', { name: 'Done' }).click();
    await until('the Stripe charge › Status header', async () =>
      (await page.locator('.th-label[data-path="stripe_charge.status"]').textContent()) === 'Stripe charge › Status');
    await page.getByRole('button', { name: '+ Filter' }).click();
    const b = page.locator('form[aria-label="Filter builder"]');
    const row = b.locator('[data-testid=filter-row]').last();
    await row.locator('input[aria-label=Trait]').fill('stripe charge › st');
    await row.locator('[role=option][data-path="stripe_charge.status"]').click();
    await row.locator('select[aria-label=Operator]').selectOption('=');
    await row.locator('input[aria-label=Value]').fill('failed');
    await b.getByRole('button', { name: 'Apply' }).click();
    await until('the filter in the URL', () => new URL(page.url()).searchParams.get('filter') === 'stripe_charge.status = "failed"');
    await until('1 record', async () => (await countText()) === plural(1));
    await until('the order', async () => JSON.stringify(await rowIds()) === JSON.stringify([stripeOrder]));
    await until('"failed" in its row', () => page.locator(`.grid-row[data-id="${stripeOrder}"] .grid-cell`, { hasText: 'failed' }).count());
    check(await page.locator('.chip', { hasText: 'Stripe charge › Status is failed' }).count() === 1, 'no friendly filter chip');
  });

  await step('add and remove a teammate', async () => {
    const mate = `mate-${RUN}@example.com`;
    await page.goto(`${BASE}/app/settings/team`);
    const form = page.locator('form[aria-label="Add a teammate"]');
    await form.locator('input[name=email]').fill(mate);
    await form.locator('input[name=password]').fill(`pw-${RUN}-long-enough`);
    await form.locator('select[name=role]').selectOption('member');
    await form.locator('button[type=submit]').click();
    const row = page.locator('tr', { hasText: mate });
    await until('the teammate in the list', () => row.count());
    check((await row.textContent()).includes('Member'), 'role not shown');
    page.once('dialog', (d) => d.accept());
    await row.getByRole('button', { name: 'Remove' }).click();
    await until('the teammate gone', async () => (await row.count()) === 0);
  });

  await browser.close();
}

main().catch((e) => {
  failed++;
  console.log(`not ok - run: ${e?.message ?? e}`);
}).finally(() => {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
});
