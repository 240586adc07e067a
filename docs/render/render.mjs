// Renders processes/*.bpmn (bpmn-js) and processes/*.dmn (dmn-js decision table) to PNG with
// headless Chromium. Usage: node render.mjs <node_modules dir> <processes dir> <output dir>
// (docs/render-models.sh installs the packages and runs it).
import { chromium } from 'playwright-core';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { join, resolve, basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [modules, processes, out] = process.argv.slice(2).map((p) => resolve(p));
const here = dirname(fileURLToPath(import.meta.url));
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 }, deviceScaleFactor: 1 });

async function open(scripts, styles) {
  await page.goto(pathToFileURL(join(here, 'render.html')).href);
  for (const s of styles) await page.addStyleTag({ path: join(modules, s) });
  for (const s of scripts) await page.addScriptTag({ path: join(modules, s) });
}

for (const file of readdirSync(processes).filter((f) => f.endsWith('.bpmn')).sort()) {
  await open(['bpmn-js/dist/bpmn-navigated-viewer.production.min.js'],
    ['bpmn-js/dist/assets/diagram-js.css', 'bpmn-js/dist/assets/bpmn-js.css',
      'bpmn-js/dist/assets/bpmn-font/css/bpmn.css']);
  const xml = readFileSync(join(processes, file), 'utf8');
  const box = await page.evaluate(async (xml) => {
    const viewer = new window.BpmnJS({ container: '#canvas' });
    const { warnings } = await viewer.importXML(xml);
    const inner = viewer.get('canvas').viewbox().inner;
    window.viewer = viewer;
    return { x: inner.x, y: inner.y, width: inner.width, height: inner.height, warnings: warnings.length };
  }, xml);
  // room at the bottom for the bpmn.io watermark (kept visible, as its license asks)
  const margin = 20;
  const watermark = 50;
  const width = Math.ceil(box.width + 2 * margin);
  const height = Math.ceil(box.height + 2 * margin + watermark);
  await page.setViewportSize({ width, height });
  await page.evaluate(({ x, y, width, height }) => {
    window.viewer.get('canvas').viewbox({ x, y, width, height });
  }, { x: box.x - margin, y: box.y - margin, width, height });
  const png = join(out, basename(file, '.bpmn') + '.png');
  await page.screenshot({ path: png });
  console.log(`${file} -> ${png} (${width}x${height}, ${box.warnings} import warnings)`);
}

for (const file of readdirSync(processes).filter((f) => f.endsWith('.dmn')).sort()) {
  await page.setViewportSize({ width: 2400, height: 1000 });
  await open(['dmn-js/dist/dmn-viewer.production.min.js'],
    ['dmn-js/dist/assets/dmn-js-shared.css', 'dmn-js/dist/assets/dmn-js-decision-table.css',
      'dmn-js/dist/assets/dmn-font/css/dmn.css']);
  const xml = readFileSync(join(processes, file), 'utf8');
  await page.evaluate(async (xml) => {
    document.getElementById('canvas').remove();
    const viewer = new window.DmnJS({ container: '#table' });
    await viewer.importXML(xml);
    const table = viewer.getViews().find((v) => v.type === 'decisionTable');
    if (table) await viewer.open(table);
  }, xml);
  const png = join(out, basename(file, '.dmn') + '.png');
  await page.locator('#table').screenshot({ path: png });
  console.log(`${file} -> ${png}`);
}

await browser.close();
