// Screenshots of Cockpit for docs/images/cockpit-*.png, against a running app in sandbox mode
// with some interactions (README "Two-minute sandbox demo"), one of them accepted by an agent and
// still running, a few finished (the "Interaction history" plugin lists those; Cockpit CE itself
// shows running instances only). docs/render-models.sh --cockpit URL runs it:
//   node cockpit.mjs <base URL, e.g. http://localhost:8080> <output dir>
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [base, outDir] = process.argv.slice(2);
const out = resolve(outDir);
mkdirSync(out, { recursive: true });
const user = process.env.OPERATOR_USER || 'demo';
const password = process.env.OPERATOR_PASSWORD || 'demo';
const auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');

async function rest(path) {
  const reply = await fetch(base + '/engine-rest' + path, { headers: { Authorization: auth } });
  if (!reply.ok) throw new Error(`${path}: ${reply.status}`);
  return reply.json();
}

const definition = (await rest('/process-definition?key=interaction-lifecycle&latestVersion=true'))[0];
// the running instance that got furthest (an agent accepted: taskSid and workerSid are set)
const running = await rest('/process-instance?processDefinitionKey=interaction-lifecycle');
let instance = running[0];
for (const candidate of running) {
  const vars = await rest(`/process-instance/${candidate.id}/variables`);
  if (vars.workerSid) { instance = candidate; break; }
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
const cockpit = base + '/camunda/app/cockpit/default/';
await page.goto(cockpit + '#/login');
await page.locator('input[type=text]').first().fill(user);
await page.locator('input[type=password]').first().fill(password);
await page.locator('button[type=submit]').first().click();
await page.waitForSelector('text=Processes', { timeout: 30000 });

async function shot(hash, file, waitFor, maximizeTabs = false) {
  await page.goto(cockpit + hash);
  if (waitFor) await page.waitForSelector(waitFor, { timeout: 30000 });
  await page.waitForTimeout(2500); // diagrams and counters load after the page
  if (maximizeTabs) {
    // the variables table over the whole page (the diagram is in the other screenshots)
    await page.locator('a.hide-collapsable.vertical-collapse').first().click();
    await page.waitForTimeout(1000);
  }
  await page.screenshot({ path: join(out, file) });
  console.log(`${hash} -> ${join(out, file)}`);
}

const vars = await rest(`/process-instance/${instance.id}/variables`);
await shot(`#/process-definition/${definition.id}/runtime`, 'cockpit-process-definition.png', '.djs-container');
// the key variables are searchable: the instance list filtered by the task SID
if (vars.taskSid) {
  const query = JSON.stringify([{ type: 'variables', operator: 'eq', value: vars.taskSid.value, name: 'taskSid' }]);
  await shot(`#/process-definition/${definition.id}/runtime?searchQuery=${encodeURIComponent(query)}`,
    'cockpit-search-by-task-sid.png', '.djs-container');
}
await page.setViewportSize({ width: 1600, height: 1350 });
await shot(`#/process-instance/${instance.id}/runtime?tab=variables-tab`, 'cockpit-process-instance.png',
  '.djs-container', true);
// the plugin: finished interactions, newest first, and one of them found by its business key
await page.setViewportSize({ width: 1600, height: 720 });
await shot('#/interaction-history', 'cockpit-interaction-history.png', 'td code');
// (the latest that reached an agent)
let finished;
for (const candidate of await rest('/history/process-instance?processDefinitionKey=interaction-lifecycle'
  + '&finished=true&sortBy=endTime&sortOrder=desc&maxResults=20')) {
  const worker = await rest(`/history/variable-instance?variableName=workerSid&processInstanceId=${candidate.id}`);
  if (worker.length) { finished = candidate; break; }
}
if (finished) {
  await page.setViewportSize({ width: 1600, height: 380 });
  await page.fill('.interaction-history input', finished.businessKey.slice(0, 12));
  await page.click('.interaction-history button[type=submit]');
  await page.waitForTimeout(2000);
  await page.screenshot({ path: join(out, 'cockpit-interaction-history-filtered.png') });
}
await browser.close();
