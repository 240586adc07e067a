// Cockpit plugin "Interaction history": finished interaction-lifecycle instances from the
// engine's history (Cockpit Community Edition lists running instances only). A navigation entry
// and a route (#/interaction-history); the queries go through Cockpit's own engine API with the
// operator's session. README "Operations", InteractionHistoryPluginIT.

const PATH = '/interaction-history';
const PAGE_SIZE = 50;
// InteractionHistoryPluginIT reads these queries from this file and runs them
const FINISHED = 'history/process-instance?processDefinitionKey=interaction-lifecycle'
  + '&finished=true&sortBy=endTime&sortOrder=desc';
const VARIABLES = 'history/variable-instance?deserializeValues=false'
  + '&variableNameIn=outcome,workerSid,interactionSid&processInstanceIdIn=';
const END_EVENT = 'history/activity-instance?completeScope=true&processInstanceId=';

function element(tag, attributes, ...children) {
  const node = document.createElement(tag);
  Object.entries(attributes || {}).forEach(([name, value]) => node.setAttribute(name, value));
  children.forEach((child) => node.append(child == null ? '' : child));
  return node;
}

function duration(start, end) {
  const seconds = Math.round((new Date(end) - new Date(start)) / 1000);
  if (!(seconds >= 0)) return '';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return (h ? h + 'h ' : '') + (h || m ? m + 'm ' : '') + s + 's';
}

// local time as YYYY-MM-DD HH:MM:SS (Cockpit's footer names the time zone)
function time(value) {
  if (!value) return '';
  const d = new Date(value);
  const two = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' '
    + two(d.getHours()) + ':' + two(d.getMinutes()) + ':' + two(d.getSeconds());
}

function engine(api) {
  return async (path) => {
    const reply = await fetch(api.engineApi + '/' + path, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-XSRF-TOKEN': api.CSRFToken || '' },
    });
    if (!reply.ok) throw new Error(path.split('?')[0] + ': HTTP ' + reply.status);
    return reply.json();
  };
}

// the end event that ended the instance: the activity that completed the process's own scope
async function endEvent(get, instance) {
  const ended = await get(END_EVENT + instance.id);
  return ended.find((a) => a.parentActivityInstanceId === instance.id) || null;
}

async function load(get, state) {
  const key = state.businessKey.trim();
  const filter = key ? '&processInstanceBusinessKeyLike=' + encodeURIComponent('%' + key + '%') : '';
  const instances = await get(FINISHED + filter + '&firstResult=' + state.first
    + '&maxResults=' + (PAGE_SIZE + 1));
  const page = instances.slice(0, PAGE_SIZE);
  const variables = {};
  if (page.length) {
    const ids = page.map((i) => i.id).join(',');
    for (const v of await get(VARIABLES + ids)) {
      (variables[v.processInstanceId] ||= {})[v.name] = v.value;
    }
  }
  const ends = await Promise.all(page.map((i) => endEvent(get, i)));
  return { page, variables, ends, more: instances.length > PAGE_SIZE };
}

function row(instance, vars, end) {
  const nowrap = { style: 'white-space: nowrap' };
  return element('tr', {},
    element('td', {}, element('code', {}, instance.businessKey)),
    element('td', nowrap, time(instance.startTime)),
    element('td', nowrap, time(instance.endTime)),
    element('td', nowrap, duration(instance.startTime, instance.endTime)),
    element('td', { title: end ? end.activityId : '' },
      end ? end.activityName || end.activityId : instance.state),
    element('td', nowrap, element('strong', {}, vars.outcome || '')),
    element('td', {}, element('code', {}, vars.workerSid || '')),
    element('td', {}, element('code', {}, vars.interactionSid || '')),
    element('td', {}, element('small', {}, instance.processDefinitionKey + ':'
      + instance.processDefinitionVersion)));
}

function renderPage(node, api) {
  const get = engine(api);
  const state = { businessKey: '', first: 0 };
  const input = element('input', { type: 'search', class: 'form-control', style: 'width: 28em',
    placeholder: 'Business key (conversation SID CH…), part of it is enough' });
  const form = element('form', { class: 'form-inline', style: 'margin: 10px 0' }, input, ' ',
    element('button', { type: 'submit', class: 'btn btn-default' }, 'Filter'));
  const status = element('p', { class: 'text-muted' });
  const header = ['Business key (conversation)', 'Started', 'Ended', 'Duration', 'End event',
    'Outcome', 'Worker', 'Interaction', 'Model'].map((h) => element('th', {}, h));
  const body = element('tbody');
  const previous = element('button', { type: 'button', class: 'btn btn-default btn-sm' }, '‹ Newer');
  const next = element('button', { type: 'button', class: 'btn btn-default btn-sm' }, 'Older ›');

  async function refresh() {
    status.textContent = 'Loading…';
    try {
      const { page, variables, ends, more } = await load(get, state);
      body.replaceChildren(...page.map((i, n) => row(i, variables[i.id] || {}, ends[n])));
      status.textContent = page.length
        ? 'Finished interactions ' + (state.first + 1) + '–' + (state.first + page.length)
          + ', most recently ended first.'
        : 'No finished interaction' + (state.businessKey ? ' with this business key.' : ' yet.');
      previous.disabled = state.first === 0;
      next.disabled = !more;
    } catch (e) {
      status.textContent = 'Could not load the history: ' + e.message;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    state.businessKey = input.value;
    state.first = 0;
    refresh();
  });
  previous.addEventListener('click', () => { state.first = Math.max(0, state.first - PAGE_SIZE); refresh(); });
  next.addEventListener('click', () => { state.first += PAGE_SIZE; refresh(); });

  node.replaceChildren(element('div', { class: 'interaction-history', style: 'padding: 15px 30px' },
    element('h2', {}, 'Interaction history'),
    element('p', {}, 'Finished interaction lifecycles (running ones: Processes → Interaction lifecycle).'
      + ' Outcome, worker and interaction SID are the lifecycle\'s variables; full details:'
      + ' GET /api/interactions/{conversation SID}.'),
    form, status,
    element('table', { class: 'cam-table' }, element('thead', {}, element('tr', {}, ...header)), body),
    element('p', { style: 'margin-top: 10px' }, previous, ' ', next)));
  refresh();
}

export default [
  {
    id: 'flexInteractionHistoryNavigation',
    pluginPoint: 'cockpit.navigation',
    priority: 5,
    properties: { path: PATH },
    render: (node) => {
      node.replaceChildren(element('a', { href: '#' + PATH }, 'Interaction history'));
    },
  },
  {
    id: 'flexInteractionHistoryRoute',
    pluginPoint: 'cockpit.route',
    properties: { path: PATH },
    render: (node, { api }) => renderPage(node, api),
  },
];
