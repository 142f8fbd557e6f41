// The corsgate playground: send a fetch() to the example API, show what the browser exposed to this script,
// and next to it what corsgate decided on the server (read from the playground server, same origin as this page).

const form = document.getElementById('request');
const sendButton = document.getElementById('send');
const results = document.getElementById('results');
const browserBody = document.getElementById('browser-body');
const serverBody = document.getElementById('server-body');
const historySection = document.getElementById('history-section');
const historyBody = document.getElementById('history');
const codeBlock = document.getElementById('code');

const PRESETS = {
  get: { method: 'GET', path: '/api/data' },
  put: { method: 'PUT', path: '/api/items/1', body: '{"name": "renamed item"}' },
  header: { method: 'GET', path: '/api/data', headerName: 'X-Custom', headerValue: '1' },
  method: { method: 'PATCH', path: '/api/items/1', body: '{"name": "patched"}' },
  signin: { method: 'POST', path: '/api/session', body: '{"name": "Ada"}', credentials: true },
  session: { method: 'GET', path: '/api/session', credentials: true },
  nocors: { method: 'GET', path: '/' },
};
const FIELDS = ['method', 'path', 'headerName', 'headerValue', 'body'];

let config;

/** Creates an element; children are nodes or strings (always as text, never as HTML). */
function h(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value !== undefined && value !== false) element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null && child !== false) element.append(child);
  }
  return element;
}

function readForm() {
  const data = new FormData(form);
  const state = {};
  for (const name of FIELDS) state[name] = String(data.get(name) ?? '').trim();
  state.credentials = data.get('credentials') === 'on';
  return state;
}

function writeForm(state) {
  for (const name of FIELDS) form.elements[name].value = state[name] ?? '';
  form.elements.credentials.checked = state.credentials === true;
  update();
}

function stateToQuery(state) {
  const query = new URLSearchParams();
  for (const name of FIELDS) if (state[name]) query.set(name, state[name]);
  if (state.credentials) query.set('credentials', 'include');
  return query.toString();
}

function stateFromQuery() {
  const query = new URLSearchParams(location.search);
  if (![...query.keys()].length) return undefined;
  const state = { credentials: query.get('credentials') === 'include' };
  for (const name of FIELDS) state[name] = query.get(name) ?? '';
  if (!state.method) state.method = 'GET';
  if (!state.path) state.path = '/api/data';
  return state;
}

/** The fetch() call the page makes, as code. */
function describeCall(state) {
  const init = [];
  if (state.method !== 'GET') init.push(`method: ${JSON.stringify(state.method)}`);
  const headers = [];
  if (state.headerName) headers.push(`${JSON.stringify(state.headerName)}: ${JSON.stringify(state.headerValue)}`);
  const body = state.body && !['GET', 'HEAD'].includes(state.method.toUpperCase());
  if (body) headers.push(`"Content-Type": "application/json"`);
  if (headers.length) init.push(`headers: { ${headers.join(', ')} }`);
  if (body) init.push(`body: ${JSON.stringify(state.body)}`);
  if (state.credentials) init.push(`credentials: "include"`);
  const url = JSON.stringify(`${config?.api ?? ''}${state.path}`);
  return init.length ? `fetch(${url}, { ${init.join(', ')} })` : `fetch(${url})`;
}

function update() {
  const state = readForm();
  codeBlock.textContent = describeCall(state);
  if (!config) return;
  const query = stateToQuery(state);
  document.getElementById('origin-allowed').href = `${config.allowedPage}/?${query}`;
  document.getElementById('origin-refused').href = `${config.refusedPage}/?${query}`;
}

async function send(state) {
  const trace = crypto.randomUUID();
  const url = new URL(state.path || '/', config.api);
  url.searchParams.set('trace', trace);
  const headers = {};
  if (state.headerName) headers[state.headerName] = state.headerValue;
  const init = { method: state.method, headers, credentials: state.credentials ? 'include' : 'same-origin' };
  if (state.body && state.method.toUpperCase() !== 'GET' && state.method.toUpperCase() !== 'HEAD') {
    headers['Content-Type'] = 'application/json';
    init.body = state.body;
  }
  try {
    new Request(url, init); // a malformed header name or method throws here, before anything is sent
  } catch (error) {
    return { outcome: { ok: false, invalid: true, error: `${error.name}: ${error.message}` }, records: [] };
  }

  let outcome;
  try {
    const response = await fetch(url, init);
    const readable = [];
    response.headers.forEach((value, name) => {
      readable.push([name, value]);
    });
    const text = await response.text();
    outcome = { ok: true, status: response.status, statusText: response.statusText, readable, text };
  } catch (error) {
    outcome = { ok: false, error: `${error.name}: ${error.message}` };
  }
  let records = [];
  try {
    records = await (await fetch(`/decisions?trace=${trace}`)).json();
  } catch {
    records = [];
  }
  return { outcome, records };
}

function verdict(kind, text) {
  return h('div', { class: `verdict ${kind}`, 'data-testid': 'verdict' }, text);
}

function renderBrowser(state, outcome) {
  if (outcome.ok) {
    const readable = outcome.readable.map(([name]) => h('code', { class: 'chip' }, name));
    const body = outcome.text.length > 600 ? `${outcome.text.slice(0, 600)}…` : outcome.text;
    return [
      verdict('allowed', 'Allowed: the response is readable'),
      h(
        'dl',
        {},
        h('dt', {}, 'Status'),
        h('dd', { 'data-testid': 'status' }, `${outcome.status} ${outcome.statusText}`),
        h('dt', {}, 'Headers script can read'),
        h('dd', { class: 'chips', 'data-testid': 'readable' }, readable.length ? readable : 'none'),
        h('dt', {}, 'Body'),
        h('dd', {}, h('pre', { class: 'body' }, body || '(empty)')),
      ),
    ];
  }
  if (outcome.invalid) {
    return [
      verdict('neutral', 'Not sent: fetch() refused the request itself'),
      h('p', {}, h('code', {}, outcome.error)),
    ];
  }
  return [
    verdict('blocked', 'Blocked by CORS'),
    h(
      'dl',
      {},
      h('dt', {}, 'fetch() rejected'),
      h('dd', { 'data-testid': 'error' }, h('code', {}, outcome.error)),
      h('dt', {}, 'Why?'),
      h(
        'dd',
        {},
        'The browser hides the reason from scripts (the status, headers and body stay unreadable). ',
        'Chromium prints it in the DevTools console; corsgate’s reason is on the right.',
        state.credentials ? ' With credentials, the answer also needs Access-Control-Allow-Credentials: true.' : '',
      ),
    ),
  ];
}

function describeRecord(record) {
  const kind = record.preflight ? 'Preflight' : 'Request';
  const what = [h('span', { class: `kind ${record.preflight ? 'preflight' : 'actual'}` }, kind)];
  what.push(h('code', {}, `${record.method} ${record.path}`));
  const details = [];
  if (record.preflight) {
    details.push(`asks for ${record.requestMethod}`);
    if (record.requestHeaders) details.push(`with headers ${record.requestHeaders}`);
  }
  details.push(`Origin ${record.origin ?? '(none)'}`);
  details.push(record.cookie ? 'cookie sent' : 'no cookie');

  let decision;
  const allowOrigin = record.corsHeaders?.['access-control-allow-origin'];
  if (record.refusal) {
    decision = [
      h('span', { class: 'badge refused' }, 'refused'),
      h('span', { class: 'reason', 'data-testid': 'reason' }, record.refusal.message),
    ];
  } else if (allowOrigin !== undefined) {
    decision = [
      h('span', { class: 'badge allowed' }, 'allowed'),
      h('span', { class: 'reason', 'data-testid': 'reason' }, `Origin ${record.origin} is allowed for this route.`),
    ];
  } else {
    decision = [
      h('span', { class: 'badge neutral' }, 'no CORS'),
      h(
        'span',
        { class: 'reason', 'data-testid': 'reason' },
        'No CORS policy on this path: no Access-Control-* headers.',
      ),
    ];
  }
  if (record.reportOnly) {
    // The stricter report-only policy would refuse it; the response above is the enforced policy's.
    decision.push(
      h(
        'div',
        { class: 'report-only', 'data-testid': 'report-only' },
        h('span', { class: 'badge neutral' }, 'report-only'),
        ` would refuse: ${record.reportOnly.message}`,
      ),
    );
  }
  const headers = Object.entries(record.corsHeaders ?? {});
  const sent = headers.map(([name, value]) => h('div', {}, `${name}: ${value}`));
  if (!headers.some(([name]) => name.startsWith('access-control-'))) {
    sent.unshift(h('div', { class: 'muted' }, 'no Access-Control-* headers'));
  }
  return h(
    'li',
    { class: 'record' },
    h('div', { class: 'what' }, what),
    h('div', { class: 'details' }, details.join(' · ')),
    h('div', { class: 'decision' }, decision),
    h(
      'div',
      { class: 'sent' },
      h('span', { class: 'status' }, `answered ${record.status ?? '…'}`),
      h('div', { class: 'headers' }, sent),
    ),
  );
}

function renderServer(state, outcome, records) {
  if (!records.length) {
    const lowerCase = state.method !== state.method.toUpperCase();
    return [
      h('p', { class: 'muted' }, 'The API saw no request for this send.'),
      lowerCase
        ? h(
            'p',
            { class: 'note' },
            `fetch() keeps "${state.method}" in lower case (only DELETE, GET, HEAD, OPTIONS, POST and PUT are normalized), and Node's HTTP parser rejects lower-case methods before any middleware runs.`,
          )
        : null,
    ];
  }
  const out = [h('ul', { class: 'records' }, records.map(describeRecord))];
  const onlyPreflight = records.every((r) => r.preflight);
  if (onlyPreflight && !outcome.ok) {
    out.push(
      h(
        'p',
        { class: 'note' },
        'The browser did not send the actual request: the preflight was not answered with permission.',
      ),
    );
  }
  return out;
}

function serverSummary(records) {
  if (!records.length) return 'no request';
  const refused = records.find((r) => r.refusal);
  if (refused) return `refused: ${refused.refusal.kind}`;
  return records.some((r) => r.corsHeaders?.['access-control-allow-origin'] !== undefined) ? 'allowed' : 'no CORS';
}

function addHistory(state, outcome, records) {
  const row = h(
    'tr',
    {},
    h('td', {}, h('code', {}, location.origin)),
    h(
      'td',
      {},
      h('code', {}, `${state.method} ${state.path}`),
      state.headerName ? ` + ${state.headerName}` : '',
      state.credentials ? ' + cookies' : '',
    ),
    h(
      'td',
      {},
      h(
        'span',
        { class: `badge ${outcome.ok ? 'allowed' : 'refused'}` },
        outcome.ok ? `allowed ${outcome.status}` : 'blocked',
      ),
    ),
    h('td', {}, serverSummary(records)),
  );
  historyBody.prepend(row);
  while (historyBody.children.length > 8) historyBody.lastElementChild.remove();
  historySection.hidden = false;
}

/** The report-only policy's latest refusals and the origin census, read from the playground server. */
async function refreshWatch() {
  let reports = [];
  let census;
  try {
    [reports, census] = await Promise.all([
      fetch('/cors-reports').then((r) => r.json()),
      fetch('/census').then((r) => r.json()),
    ]);
  } catch {
    return;
  }
  const reportList = document.getElementById('reports');
  reportList.replaceChildren(
    ...(reports.length
      ? reports.map((r) =>
          h(
            'li',
            { 'data-testid': 'report' },
            h('code', {}, `${r.preflight ? 'preflight' : r.method} ${r.path}`),
            ` from ${r.origin}: `,
            h('span', { class: 'reason' }, r.message),
          ),
        )
      : [h('li', { class: 'muted' }, 'Nothing yet: every request so far passes the stricter policy too.')]),
  );
  const rows = (census?.origins ?? []).map((o) =>
    h(
      'tr',
      { 'data-testid': 'census-origin' },
      h('td', {}, h('code', {}, o.origin)),
      h('td', {}, String(o.requests)),
      h('td', {}, String(o.preflights)),
      h('td', {}, String(o.credentialed)),
      h('td', {}, Object.keys(o.methods).join(', ')),
      h('td', {}, Object.keys(o.headers).join(', ') || '—'),
    ),
  );
  document.getElementById('census-origins').replaceChildren(...rows);
  document.getElementById('census-total').textContent = String(census?.requests ?? 0);
  document.getElementById('watch').hidden = false;
}

form.addEventListener('input', update);
form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const state = readForm();
  sendButton.disabled = true;
  sendButton.textContent = 'Sending…';
  try {
    const { outcome, records } = await send(state);
    browserBody.replaceChildren(...renderBrowser(state, outcome));
    serverBody.replaceChildren(...renderServer(state, outcome, records));
    results.hidden = false;
    addHistory(state, outcome, records);
    await refreshWatch();
    document.body.dataset.done = String(Number(document.body.dataset.done ?? 0) + 1);
  } finally {
    sendButton.disabled = false;
    sendButton.textContent = 'Send';
  }
});
for (const button of document.querySelectorAll('[data-preset]')) {
  button.addEventListener('click', () => writeForm(PRESETS[button.dataset.preset]));
}

async function init() {
  config = await (await fetch('/config.json')).json();
  document.getElementById('api-base').textContent = config.api;
  for (const [id, page] of [
    ['origin-allowed', config.allowedPage],
    ['origin-refused', config.refusedPage],
  ]) {
    const link = document.getElementById(id);
    link.querySelector('code').textContent = page;
    link.querySelector('.tag').textContent = config.corsOrigins.includes(page) ? 'allowed' : 'refused';
    link.classList.toggle('current', page === location.origin);
    link.classList.toggle('is-allowed', config.corsOrigins.includes(page));
  }
  writeForm(stateFromQuery() ?? PRESETS.get);
  await refreshWatch();
  sendButton.disabled = false;
}

init();
