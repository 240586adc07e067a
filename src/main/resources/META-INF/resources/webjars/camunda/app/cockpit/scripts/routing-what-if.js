// Cockpit plugin "Routing what-if": an analyst chooses a changed routing table (a .dmn file saved
// from Camunda Modeler) and sees what it would have decided for the interactions of the last days,
// compared with the deployed table: how many change, grouped by rule and output, with sample
// conversations. Nothing is deployed or sent to Twilio. The request goes to the plugin's own
// resource in Cockpit's REST API with the operator's session (the same answer as
// POST /api/routing/what-if). README "Routing what-if", RoutingWhatIfIT.

const PATH = '/routing-what-if';
const RESOURCE = '/plugin/flex-routing-what-if/';

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  children.forEach((child) => node.append(child == null ? '' : child));
  return node;
}

function value(v) {
  if (v === undefined || v === null) return element('em', {}, 'none');
  if (v === '') return element('em', {}, 'empty');
  return element('code', {}, String(v));
}

function table(className, headers, rows) {
  return element('table', { class: 'cam-table ' + className },
    element('thead', {}, element('tr', {}, ...headers.map((h) => element('th', {}, h)))),
    element('tbody', {}, ...rows));
}

function samples(sids) {
  return element('td', {}, ...sids.flatMap((sid, n) => [n ? ' ' : '', element('code', {}, sid)]));
}

function changeRow(change) {
  const outputs = Object.entries(change.outputs).map(([name, t]) => element('div', {},
    element('strong', {}, name), ': ', value(t.deployed), ' → ', value(t.proposed)));
  const nowrap = { style: 'white-space: nowrap' };
  return element('tr', {},
    element('td', {}, element('strong', {}, String(change.count))),
    element('td', nowrap, value(change.deployedRule)),
    element('td', nowrap, value(change.proposedRule)),
    element('td', {}, ...outputs),
    samples(change.samples));
}

function summary(r) {
  const window = r.since.replace('T', ' ').replace(/\..*$/, '').replace('Z', '') + ' UTC';
  return element('p', { class: 'what-if-summary' },
    element('strong', {}, String(r.changed)), ' of ', element('strong', {}, String(r.interactions)),
    ' interactions started since ' + window + ' would be routed differently ('
    + r.unchanged + ' the same, ' + r.failed + ' failed). Compared with the deployed table '
    + r.decision + ' version ' + r.deployed.version + '. Nothing was deployed.');
}

function warnings(r) {
  const notes = [];
  if (r.truncated) notes.push('Only the newest ' + r.lifecycles + ' lifecycles were read.');
  if (r.lifecycles > r.interactions) {
    notes.push((r.lifecycles - r.interactions) + ' lifecycles of the window have no routing record'
      + ' (ended before routing, outbound, or older than the record).');
  }
  Object.entries(r.missingInputs || {}).forEach(([name, count]) => notes.push('Input "' + name
    + '" was not recorded for ' + count + ' interactions: evaluated as empty.'));
  if (r.recordedDiffers.count) {
    notes.push(r.recordedDiffers.count + ' interactions were decided differently when they ran'
      + ' (an earlier table version): ' + r.recordedDiffers.samples.join(' '));
  }
  (r.failures || []).forEach((f) => notes.push(f.count + ' failed — ' + f.error + ': '
    + f.samples.join(' ')));
  return notes.map((n) => element('div', { class: 'alert alert-warning' }, n));
}

// the analysts' test cases (processes/routing-decision.cases.csv) against the new table
function cases(c) {
  if (!c || !c.file) return [];
  if (c.error) return [element('div', { class: 'alert alert-danger cases' }, 'Test cases: ' + c.error)];
  if (!c.failed.length) {
    return [element('p', { class: 'cases' }, 'All ' + c.total + ' test cases of ' + c.file + ' pass.')];
  }
  return [element('div', { class: 'alert alert-warning cases' },
    c.failed.length + ' of ' + c.total + ' test cases of ' + c.file
      + ' fail with the new table (update them if the change is intended):',
    element('ul', {}, ...c.failed.map((f) => element('li', {}, 'line ' + f.line + ', "' + f.case + '": '
      + f.problems.join('; ')))))];
}

function result(r) {
  const parts = [summary(r), ...warnings(r), ...cases(r.cases)];
  if (r.changes.length) {
    parts.push(element('h3', {}, 'What changes'), table('changes',
      ['Interactions', 'Rule now', 'Rule with the new table', 'Outputs (now → new)', 'Sample conversations'],
      r.changes.map(changeRow)));
  }
  parts.push(element('h3', {}, 'Decisions per rule'), table('rules', ['Rule', 'Now', 'With the new table'],
    r.byRule.map((rule) => element('tr', {}, element('td', {}, value(rule.rule)),
      element('td', {}, String(rule.deployed)), element('td', {}, String(rule.proposed))))));
  return parts;
}

async function compare(api, file, days) {
  const reply = await fetch(api.cockpitApi + RESOURCE + api.engine + '/what-if', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'Content-Type': 'application/json',
      'X-XSRF-TOKEN': api.CSRFToken || '' },
    body: JSON.stringify({ dmnXml: await file.text(), days: Number(days) }),
  });
  const body = await reply.json().catch(() => ({}));
  if (!reply.ok) throw new Error(body.error || 'HTTP ' + reply.status);
  return body;
}

function renderPage(node, api) {
  const file = element('input', { type: 'file', name: 'dmn', accept: '.dmn,.xml', required: 'required' });
  const days = element('input', { type: 'number', name: 'days', min: '1', max: '30', value: '7',
    class: 'form-control', style: 'width: 6em' });
  const form = element('form', { class: 'form-inline', style: 'margin: 10px 0' },
    element('label', {}, 'Changed routing table (.dmn) ', file), ' ',
    element('label', {}, 'Interactions of the last ', days, ' days'), ' ',
    element('button', { type: 'submit', class: 'btn btn-primary' }, 'Compare with the deployed table'));
  const status = element('p', { class: 'text-muted status' });
  const output = element('div', { class: 'what-if-result' });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!file.files.length) {
      status.textContent = 'Choose the .dmn file first.';
      return;
    }
    status.textContent = 'Comparing…';
    output.replaceChildren();
    try {
      output.replaceChildren(...result(await compare(api, file.files[0], days.value)));
      status.textContent = 'Compared ' + file.files[0].name + '.';
    } catch (e) {
      status.textContent = 'Could not compare: ' + e.message;
    }
  });

  node.replaceChildren(element('div', { class: 'routing-what-if', style: 'padding: 15px 30px' },
    element('h2', {}, 'Routing what-if'),
    element('p', {}, 'Before a changed routing table goes live: what it would have decided for the'
      + ' interactions of the last days, against the deployed table, on the routing inputs recorded'
      + ' with each interaction. Nothing is deployed and nothing is sent to Twilio.'),
    form, status, output));
}

export default [
  {
    id: 'flexRoutingWhatIfNavigation',
    pluginPoint: 'cockpit.navigation',
    priority: 4,
    properties: { path: PATH },
    render: (node) => {
      node.replaceChildren(element('a', { href: '#' + PATH }, 'Routing what-if'));
    },
  },
  {
    id: 'flexRoutingWhatIfRoute',
    pluginPoint: 'cockpit.route',
    properties: { path: PATH },
    render: (node, { api }) => renderPage(node, api),
  },
];
