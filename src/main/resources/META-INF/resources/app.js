// twophase's web page: plain JavaScript over the service's own API (openapi.yaml), no build step.
// Pages are chosen by the URL's hash: #/ (experiments, with ?name=&tag=&state=), #/experiments/{id},
// #/runs/{id}, #/submit. The API token lives in sessionStorage: entered once per browser tab.
'use strict';

const TOKEN_KEY = 'twophase.token';
const ROLE_KEY = 'twophase.role';
const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled', 'external'];
const KEY_EVENTS = ['fitting_end', 'test_loss_hump_peak', 'generalization_complete'];
const COMPRESSION_EVENTS = ['compression_onset', 'compression_end'];
const RUN_POLL_MS = 2000;
const PAGE_POLL_MS = 5000;

/** Bumped on every navigation; a poll loop started for an older page stops by itself. */
let generation = 0;

class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || ('HTTP ' + status));
    this.status = status;
    this.problem = problem;
  }
}

// --- DOM -------------------------------------------------------------------------------------

/** An element with attributes and children; strings become text nodes, never HTML. */
function el(tag, attributes, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === null || value === undefined || value === false) {
      continue;
    }
    if (name.startsWith('on')) {
      node.addEventListener(name.slice(2), value);
    } else {
      node.setAttribute(name, value === true ? '' : value);
    }
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : String(child));
    }
  }
  return node;
}

function table(id, headings) {
  const body = el('tbody');
  const node = el('table', {id}, el('thead', {}, el('tr', {}, headings.map(h => el('th', {}, h)))), body);
  return {node, body};
}

function view() {
  return document.getElementById('view');
}

function show(...children) {
  view().replaceChildren(...children);
}

function errorBox(error) {
  return el('p', {class: 'error', role: 'alert'}, error instanceof Error ? error.message : String(error));
}

// --- formatting ------------------------------------------------------------------------------

function number(x, digits = 3) {
  if (x === null || x === undefined) {
    return '–';
  }
  return Number.isInteger(x) ? x.toLocaleString('en') : Number(x).toPrecision(digits);
}

function time(iso) {
  return iso ? new Date(iso).toLocaleString() : '–';
}

function duration(seconds) {
  if (seconds === null || seconds === undefined) {
    return '–';
  }
  const s = Math.round(seconds);
  if (s < 60) {
    return s + ' s';
  }
  if (s < 3600) {
    return Math.floor(s / 60) + ' min ' + (s % 60) + ' s';
  }
  return Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min';
}

function stateBadge(state, id) {
  return el('span', {class: 'state state-' + state, id}, state);
}

function progressBar(progress, id) {
  const percent = progress === null || progress === undefined ? 0 : Math.round(progress * 1000) / 10;
  return el('div', {class: 'progress', id, 'data-progress': progress ?? ''},
      el('div', {class: 'bar', style: 'width:' + percent + '%'}), el('span', {}, percent + ' %'));
}

function runsByState(runs) {
  const counts = {};
  runs.forEach(r => counts[r.state] = (counts[r.state] || 0) + 1);
  return STATES.filter(s => counts[s]).map(s => el('span', {class: 'state state-' + s}, counts[s] + ' ' + s));
}

function tagLinks(tags) {
  return (tags || []).map(t => el('a', {class: 'tag', href: '#/?' + new URLSearchParams({tag: t})}, t));
}

function terminal(state) {
  return state === 'succeeded' || state === 'failed' || state === 'cancelled';
}

// --- API -------------------------------------------------------------------------------------

function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

function canWrite() {
  return sessionStorage.getItem(ROLE_KEY) === 'submitter';
}

async function api(path, options = {}) {
  const headers = Object.assign({Accept: 'application/json', Authorization: 'Bearer ' + token()}, options.headers);
  const response = await fetch('api/v1' + path, Object.assign({}, options, {headers}));
  if (response.status === 401) {
    forgetToken('The service refused the token (unknown or revoked); enter another.');
    throw new ApiError(401, {detail: 'unknown or revoked token'});
  }
  if (!response.ok) {
    let problem;
    try {
      problem = await response.json();
    } catch (e) {
      problem = {title: response.statusText};
    }
    throw new ApiError(response.status, problem);
  }
  return response;
}

async function getJson(path) {
  return (await api(path)).json();
}

/** Fetches an SVG with the token and shows it in the image; the previous object URL is released. */
async function loadSvg(img, path) {
  const blob = await (await api(path, {headers: {Accept: 'image/svg+xml'}})).blob();
  const previous = img.dataset.url;
  img.dataset.url = URL.createObjectURL(blob);
  img.src = img.dataset.url;
  img.dataset.loadedAt = String(Date.now());
  if (previous) {
    URL.revokeObjectURL(previous);
  }
}

async function download(path, accept, fileName) {
  const blob = await (await api(path, {headers: {Accept: accept}})).blob();
  const url = URL.createObjectURL(blob);
  const link = el('a', {href: url, download: fileName});
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

/** Runs fn now and again every ms while this page is shown, until fn returns false. */
function poll(ms, fn) {
  const mine = generation;
  const tick = async () => {
    if (mine !== generation) {
      return;
    }
    let again = true;
    try {
      again = (await fn()) !== false;
    } catch (e) {
      if (e.status === 401) {
        return;
      }
      document.getElementById('poll-error')?.replaceChildren(errorBox(e));
    }
    if (again && mine === generation) {
      setTimeout(tick, ms);
    }
  };
  tick();
}

// --- session ---------------------------------------------------------------------------------

function forgetToken(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(ROLE_KEY);
  applyRole();
  showTokenForm(message);
}

function applyRole() {
  const role = token() ? sessionStorage.getItem(ROLE_KEY) : null;
  document.getElementById('session-role').textContent = role ? 'token: ' + role : '';
  document.getElementById('token-forget').hidden = !role;
  document.querySelectorAll('.writer-only').forEach(node => node.hidden = !canWrite());
}

function showTokenForm(message) {
  generation++;
  show(document.getElementById('token-form').content.cloneNode(true));
  const error = document.getElementById('token-error');
  if (message) {
    error.textContent = message;
    error.hidden = false;
  }
  document.getElementById('token-login').addEventListener('submit', async event => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById('token-input').value.trim());
    try {
      const caller = await getJson('/whoami');
      sessionStorage.setItem(ROLE_KEY, caller.role);
      applyRole();
      route();
    } catch (e) {
      if (e.status !== 401) {
        sessionStorage.removeItem(TOKEN_KEY);
        error.textContent = e.message;
        error.hidden = false;
      }
    }
  });
  document.getElementById('token-input').focus();
}

// --- pages -----------------------------------------------------------------------------------

function listPage(params) {
  const name = el('input', {id: 'search-name', name: 'name', value: params.get('name') || '', placeholder: 'part of the name'});
  const tag = el('input', {id: 'search-tag', name: 'tag', value: params.get('tag') || '', placeholder: 'exact tag'});
  const state = el('select', {id: 'search-state', name: 'state'}, el('option', {value: ''}, 'any state'),
      STATES.map(s => el('option', {value: s, selected: params.get('state') === s}, s)));
  const form = el('form', {id: 'search', class: 'search', onsubmit: event => {
    event.preventDefault();
    const query = new URLSearchParams();
    [name, tag, state].filter(input => input.value.trim()).forEach(input => query.set(input.name, input.value.trim()));
    location.hash = '#/?' + query;
  }}, el('label', {}, 'Name ', name), el('label', {}, 'Tag ', tag), el('label', {}, 'State ', state),
      el('button', {type: 'submit', id: 'search-go'}, 'Search'));
  const experiments = table('experiments', ['Name', 'Tags', 'Runs', 'Created']);
  const total = el('p', {class: 'muted', id: 'experiments-total'});
  show(el('h1', {}, 'Experiments'), form, el('div', {id: 'poll-error'}), experiments.node, total);
  const query = new URLSearchParams(params);
  query.set('limit', '100');
  poll(PAGE_POLL_MS, async () => {
    const page = await getJson('/experiments?' + query);
    experiments.body.replaceChildren(...page.experiments.map(e => el('tr', {'data-id': e.id},
        el('td', {}, el('a', {href: '#/experiments/' + e.id}, e.name)),
        el('td', {}, tagLinks(e.tags)),
        el('td', {}, runsByState(e.runs)),
        el('td', {}, time(e.createdAt)))));
    total.textContent = page.total === 0 ? 'No experiment matches.'
        : page.total + ' experiment(s)' + (page.total > page.experiments.length ? ', the newest ' + page.experiments.length + ' shown' : '');
  });
}

function experimentPage(id) {
  const title = el('h1', {}, 'Experiment');
  const meta = el('p', {class: 'muted'});
  const runs = table('runs', ['#', 'Run', 'Sweep values', 'State', 'Progress', 'Key events (step)']);
  const statement = el('p', {id: 'alignment-statement'});
  const relations = table('relations', ['Relation', 'n', 'Median ratio', 'Mean log10 difference', 'Spearman', 'Statement']);
  const plane = el('img', {id: 'information-plane', class: 'plot', alt: 'Information plane: I(T;Y) against I(T;X) per layer'});
  const spec = el('pre', {id: 'experiment-spec'});
  show(title, meta, el('div', {id: 'poll-error'}), el('h2', {}, 'Runs'), runs.node,
      el('h2', {}, 'Alignment of the phases across runs'), statement, relations.node,
      el('h2', {}, 'Information plane'), el('figure', {}, plane),
      el('details', {}, el('summary', {}, 'Spec'), spec));
  let first = true;
  poll(PAGE_POLL_MS, async () => {
    const [experiment, alignment] = await Promise.all([getJson('/experiments/' + id),
      getJson('/experiments/' + id + '/alignment').catch(() => null)]);
    title.textContent = experiment.name;
    meta.replaceChildren('created ' + time(experiment.createdAt) + ' ', ...tagLinks(experiment.tags));
    spec.textContent = JSON.stringify(experiment.spec, null, 2);
    const perRun = new Map((alignment?.perRun || []).map(r => [r.runId, r]));
    runs.body.replaceChildren(...experiment.runs.map(run => {
      const aligned = perRun.get(run.id) || {};
      const sweep = Object.entries(aligned.sweepValues || {}).map(([path, value]) => path + ' = ' + JSON.stringify(value));
      const events = KEY_EVENTS.filter(kind => aligned.events && aligned.events[kind] !== undefined)
          .map(kind => kind + ' ' + number(aligned.events[kind]));
      Object.entries(aligned.compression || {}).filter(([series]) => /^mi_tx@/.test(series))
          .forEach(([series, steps]) => COMPRESSION_EVENTS.filter(kind => steps[kind] !== undefined)
              .forEach(kind => events.push(kind + ' (' + series + ') ' + number(steps[kind]))));
      return el('tr', {'data-id': run.id},
          el('td', {}, run.ordinal),
          el('td', {}, el('a', {href: '#/runs/' + run.id}, run.id.slice(0, 8))),
          el('td', {}, sweep.join(', ') || '–'),
          el('td', {}, stateBadge(run.state)),
          el('td', {}, progressBar(run.progress)),
          el('td', {}, events.join(', ') || '–'));
    }));
    if (alignment) {
      statement.textContent = alignment.statement;
      relations.body.replaceChildren(...alignment.relations.map(r => el('tr', {},
          el('td', {}, r.name), el('td', {}, r.n), el('td', {}, number(r.medianRatio)),
          el('td', {}, number(r.meanLogDifference)), el('td', {}, number(r.spearman)), el('td', {}, r.statement))));
    }
    const active = experiment.runs.some(r => !terminal(r.state) && r.state !== 'external');
    if (first || active) {
      await loadSvg(plane, '/experiments/' + id + '/information-plane.svg').catch(e => plane.alt = e.message);
    }
    first = false;
    return active;
  });
}

function runPage(id) {
  const title = el('h1', {}, 'Run');
  const experimentLink = el('p', {class: 'muted'});
  const state = stateBadge('…', 'run-state');
  const step = el('span', {id: 'run-step'});
  const progress = el('div', {id: 'run-progress-holder'});
  const speed = el('span', {id: 'run-speed'});
  const eta = el('span', {id: 'run-eta'});
  const details = el('span', {id: 'run-details', class: 'muted'});
  const error = el('pre', {id: 'run-error', class: 'error', hidden: true});
  const cancel = el('button', {id: 'cancel-run', class: 'writer-only danger', type: 'button', hidden: true}, 'Cancel run');
  const plot = el('img', {id: 'plot', class: 'plot', alt: 'Accuracies, test loss and I(T;X) per layer against the step, with the detected events'});
  const events = table('events', ['Event', 'Series', 'Step', 'Interval', 'Value', 'Status']);
  const series = table('series', ['Series', 'Layer', 'Points', 'Steps', '']);
  show(title, experimentLink, el('div', {id: 'poll-error'}),
      el('section', {class: 'card status'},
          el('div', {}, state, ' step ', step), progress,
          el('div', {}, 'speed ', speed, ' · ETA ', eta), details, cancel, error),
      el('figure', {}, plot),
      el('h2', {}, 'Detected events'), events.node, el('p', {class: 'muted'},
          'live: confirmed while the run trains; final: found again over the finished run; live_only: confirmed live but not found at the end.'),
      el('h2', {}, 'Series'), series.node);
  cancel.addEventListener('click', async () => {
    if (!confirm('Cancel this run? It stops within a few seconds and keeps its metrics.')) {
      return;
    }
    try {
      await api('/runs/' + id + '/cancel', {method: 'POST'});
      cancel.disabled = true;
    } catch (e) {
      document.getElementById('poll-error').replaceChildren(errorBox(e));
    }
  });

  let finished = false;
  poll(RUN_POLL_MS, async () => {
    const run = await getJson('/runs/' + id);
    title.textContent = 'Run ' + run.ordinal + ' · ' + run.id.slice(0, 8);
    if (!experimentLink.firstChild) {
      experimentLink.append('of ', el('a', {href: '#/experiments/' + run.experimentId, id: 'run-experiment'}, 'its experiment'));
    }
    state.textContent = run.state;
    state.className = 'state state-' + run.state;
    step.textContent = number(run.step) + (run.totalSteps ? ' / ' + number(run.totalSteps) : '');
    step.dataset.step = run.step;
    progress.replaceChildren(progressBar(run.progress, 'run-progress'));
    speed.textContent = run.stepsPerSecond ? number(run.stepsPerSecond) + ' steps/s' : '–';
    eta.textContent = run.etaSeconds === null || run.etaSeconds === undefined ? '–'
        : duration(run.etaSeconds) + ' (' + new Date(run.eta).toLocaleTimeString() + ')';
    details.textContent = 'attempt ' + run.attempt + ' of ' + run.maxAttempts + (run.worker ? ' · worker ' + run.worker : '')
        + ' · device ' + run.device + (run.cancelRequested ? ' · cancel requested' : '');
    error.hidden = !run.error;
    error.textContent = run.error || '';
    cancel.hidden = !canWrite() || !(run.state === 'queued' || run.state === 'running');
    await refreshResults(id, plot, events.body, series.body);
    if (terminal(run.state)) {
      // one last look once the final phase recompute has run, then stop
      if (finished) {
        return false;
      }
      finished = true;
    }
    return true;
  });
}

async function refreshResults(id, plot, eventsBody, seriesBody) {
  const [phases, catalog] = await Promise.all([getJson('/runs/' + id + '/phases'), getJson('/runs/' + id + '/series')]);
  await loadSvg(plot, '/runs/' + id + '/plot.svg');
  eventsBody.replaceChildren(...phases.events.map(e => el('tr', {'data-kind': e.kind, 'data-status': e.status, title: e.rule},
      el('td', {}, e.kind), el('td', {}, e.metric + (e.layer ? ' @ ' + e.layer : '')), el('td', {}, number(e.step)),
      el('td', {}, number(e.stepLow) + ' … ' + number(e.stepHigh)), el('td', {}, number(e.value)),
      el('td', {}, el('span', {class: 'status status-' + e.status}, e.status)))));
  seriesBody.replaceChildren(...catalog.series.map(s => el('tr', {'data-series': s.name + '@' + s.layer},
      el('td', {}, s.name), el('td', {}, s.layer), el('td', {}, number(s.points)),
      el('td', {}, number(s.firstStep) + ' … ' + number(s.lastStep)),
      el('td', {}, el('button', {type: 'button', class: 'link', onclick: () => download(
          '/runs/' + id + '/metrics?' + new URLSearchParams({name: s.name, layer: s.layer, maxPoints: 10000}),
          'text/csv', s.name.replaceAll(':', '_') + '-layer' + s.layer + '.csv')}, 'CSV')))));
}

async function submitPage() {
  const examples = await getJson('/examples').catch(() => []);
  const picker = el('select', {id: 'example'}, el('option', {value: ''}, 'start from an example…'),
      examples.map(e => el('option', {value: e.name}, e.name)));
  const editor = el('textarea', {id: 'spec-editor', spellcheck: 'false', rows: 28});
  const problem = el('div', {id: 'spec-problem'});
  const submit = el('button', {id: 'submit-spec', type: 'submit'}, 'Submit');
  picker.addEventListener('change', () => {
    const example = examples.find(e => e.name === picker.value);
    if (example) {
      editor.value = JSON.stringify(example.spec, null, 2);
      problem.replaceChildren();
    }
  });
  const form = el('form', {id: 'submit-form', onsubmit: async event => {
    event.preventDefault();
    submit.disabled = true;
    try {
      const response = await api('/experiments', {method: 'POST', body: editor.value,
        headers: {'Content-Type': 'application/json'}});
      const created = await response.json();
      location.hash = created.runs.length === 1 ? '#/runs/' + created.runs[0].id : '#/experiments/' + created.id;
    } catch (e) {
      problem.replaceChildren(...problemView(e, editor));
    } finally {
      submit.disabled = false;
    }
  }}, el('label', {}, 'Example ', picker), editor, submit, problem);
  show(el('h1', {}, 'Submit an experiment'),
      canWrite() ? form : el('p', {class: 'error'}, 'This token is a reader: it may look, not submit.'),
      el('p', {class: 'muted'}, 'Only name and task are required; the service fills in every default and shows the normalized spec on the experiment page.'));
  const preferred = examples.find(e => e.name === 'two-phases-add-mod-31') || examples[0];
  if (preferred) {
    picker.value = preferred.name;
    picker.dispatchEvent(new Event('change'));
  }
}

/** A rejected submission: its detail, then every error at its $.path, which selects that field in the editor. */
function problemView(error, editor) {
  const errors = error.problem?.errors || [];
  const positions = jsonPositions(editor.value);
  return [errorBox(error), el('ul', {id: 'spec-errors'}, errors.map(e => {
    const at = locate(positions, e.path);
    const line = at ? editor.value.slice(0, at.start).split('\n').length : null;
    return el('li', {class: 'error', 'data-path': e.path},
        el('button', {type: 'button', class: 'link path', title: 'select it in the spec', onclick: () => {
          if (at) {
            editor.focus();
            editor.setSelectionRange(at.start, at.end);
          }
        }}, e.path), line ? ' (line ' + line + ') ' : ' ', el('span', {class: 'message'}, e.message));
  }))];
}

/**
 * Where each value of a JSON text is, by the service's path notation ($.task.modulus, $.tags[0],
 * $.sweep['optimizer.weightDecay'][1]); a member's range starts at its key. Stops quietly at a syntax error.
 */
function jsonPositions(text) {
  const positions = new Map();
  let i = 0;
  const space = () => {
    while (i < text.length && /\s/.test(text[i])) {
      i++;
    }
  };
  const string = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') {
      i += text[i] === '\\' ? 2 : 1;
    }
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const child = (path, key) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? path + '.' + key
      : path + "['" + key.replaceAll('\\', '\\\\').replaceAll("'", "\\'") + "']";
  const value = (path, from) => {
    space();
    const start = from ?? i;
    if (text[i] === '{' || text[i] === '[') {
      const object = text[i++] === '{';
      for (let index = 0; ; index++) {
        space();
        if (text[i] === '}' || text[i] === ']') {
          break;
        }
        if (object) {
          const keyStart = i;
          const key = string();
          space();
          i++; // the colon
          value(child(path, key), keyStart);
        } else {
          value(path + '[' + index + ']', null);
        }
        space();
        if (text[i] !== ',') {
          break;
        }
        i++;
      }
      i++;
    } else if (text[i] === '"') {
      string();
    } else {
      while (i < text.length && !/[\s,\]}]/.test(text[i])) {
        i++;
      }
    }
    positions.set(path, {start, end: i});
  };
  try {
    value('$', null);
  } catch (e) {
    // keep what was found before the syntax error
  }
  return positions;
}

/** The position of a path, or of its nearest enclosing value that the text has (a missing field's object). */
function locate(positions, path) {
  let current = path;
  while (current) {
    if (positions.has(current)) {
      return positions.get(current);
    }
    const parent = current.replace(/(\.[A-Za-z_][A-Za-z0-9_]*|\[\d+\]|\['(?:[^'\\]|\\.)*'\])$/, '');
    if (parent === current) {
      return null;
    }
    current = parent;
  }
  return null;
}

// --- routing ---------------------------------------------------------------------------------

function route() {
  generation++;
  if (!token()) {
    showTokenForm();
    return;
  }
  const [path, query] = (location.hash.slice(1) || '/').split('?');
  const params = new URLSearchParams(query || '');
  let match;
  if (path === '/' || path === '') {
    listPage(params);
  } else if ((match = path.match(/^\/experiments\/([0-9a-f-]{36})$/))) {
    experimentPage(match[1]);
  } else if ((match = path.match(/^\/runs\/([0-9a-f-]{36})$/))) {
    runPage(match[1]);
  } else if (path === '/submit') {
    submitPage().catch(e => show(errorBox(e)));
  } else {
    show(el('p', {}, 'No such page. '), el('a', {href: '#/'}, 'Experiments'));
  }
}

document.getElementById('token-forget').addEventListener('click', () => forgetToken());
window.addEventListener('hashchange', route);
applyRole();
route();
