// The IDE: wires the editor, the language picker, run + polling, output, history and settings.
import { api, ApiError, fromBase64, toBase64 } from './api.js';
import { createEditor } from './editor.js';
import { isStarter, modeFor, starterFor } from './languages.js';

const $ = (id) => document.getElementById(id);
const els = {
  language: $('language'), run: $('run'), runLabel: document.querySelector('#run .run-label'),
  fontSize: $('font-size'), theme: $('theme'), banner: $('banner'), bannerText: $('banner-text'),
  bannerClose: $('banner-close'), stdin: $('stdin'), args: $('args'), status: $('status'),
  time: $('time'), memory: $('memory'), exitCode: $('exit-code'),
  compileBlock: $('compile-block'), compileOutput: $('compile-output'),
  stdout: $('stdout'), stderrBlock: $('stderr-block'), stderr: $('stderr'),
  messageBlock: $('message-block'), message: $('message'),
  history: $('history'), historyEmpty: $('history-empty'), historyRefresh: $('history-refresh'),
};

const DEFAULT_SETTINGS = { language_id: 71, theme: null, font_size: 14, key_map: 'default' };
const FINISHED = (status) => status && status.id > 2;

const state = {
  languages: [],
  settings: { ...DEFAULT_SETTINGS },
  hasSettings: true,
  hasHistory: true,
  running: false,
};

const editor = createEditor($('editor'), { onRun: () => run() });

// ---- banner ---------------------------------------------------------------------------------

function showBanner(kind, text) {
  els.banner.dataset.kind = kind;
  els.bannerText.textContent = text;
  els.banner.hidden = false;
}

function hideBanner() {
  els.banner.hidden = true;
  els.bannerText.textContent = '';
}

function showError(error) {
  const kind = error instanceof ApiError ? error.kind : 'http';
  showBanner(kind, error.message || String(error));
}

els.bannerClose.addEventListener('click', hideBanner);

// ---- theme and font size --------------------------------------------------------------------

function applyTheme(theme) {
  const resolved = theme === 'light' || theme === 'dark'
    ? theme
    : (matchMedia('(prefers-color-scheme: light)').matches ? 'light' : 'dark');
  document.documentElement.dataset.theme = resolved;
  editor.setTheme(resolved);
  return resolved;
}

function applyFontSize(px) {
  const size = Number(px) || 14;
  editor.setFontSize(size);
  if (![...els.fontSize.options].some((o) => Number(o.value) === size)) {
    els.fontSize.add(new Option(`${size} px`, String(size)));
  }
  els.fontSize.value = String(size);
}

let saveTimer = 0;
let pendingSettings = {};
function saveSettings(change) {
  Object.assign(state.settings, change);
  if (!state.hasSettings) return;
  Object.assign(pendingSettings, change);
  clearTimeout(saveTimer);
  saveTimer = setTimeout(async () => {
    const body = pendingSettings;
    pendingSettings = {};
    try {
      await api.saveSettings(body);
    } catch (e) {
      if (e.kind === 'missing') state.hasSettings = false;
      else showError(e);
    }
  }, 400);
}

els.theme.addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  applyTheme(next);
  saveSettings({ theme: next });
});

els.fontSize.addEventListener('change', () => {
  applyFontSize(els.fontSize.value);
  saveSettings({ font_size: Number(els.fontSize.value) });
});

// ---- languages ------------------------------------------------------------------------------

function languageById(id) {
  return state.languages.find((l) => l.id === Number(id)) ?? null;
}

function selectLanguage(id, { replaceStarter }) {
  const language = languageById(id) ?? languageById(DEFAULT_SETTINGS.language_id) ?? state.languages[0];
  if (!language) return;
  els.language.value = String(language.id);
  const requested = language.id;
  modeFor(language.name).then((mode) => {
    if (Number(els.language.value) === requested) editor.setLanguage(mode);
  });
  if (replaceStarter && isStarter(editor.text)) {
    editor.text = starterFor(language.name);
  }
}

// These take a base64 binary or zip archive, which an editor cannot produce.
const NOT_EDITABLE = /^(Executable|Multi-file program)\b/;

function fillLanguages(languages) {
  state.languages = languages.filter((l) => !NOT_EDITABLE.test(l.name)).sort((a, b) => a.name.localeCompare(b.name, 'en'));
  els.language.replaceChildren(...state.languages.map((l) => new Option(l.name, String(l.id))));
  els.language.disabled = state.languages.length === 0;
}

els.language.addEventListener('change', () => {
  selectLanguage(els.language.value, { replaceStarter: true });
  saveSettings({ language_id: Number(els.language.value) });
});

// ---- running --------------------------------------------------------------------------------

const STATUS_CLASS = {
  1: 'queued', 2: 'running', 3: 'ok', 4: 'wrong', 5: 'limit', 6: 'compile',
  7: 'runtime', 8: 'runtime', 9: 'runtime', 10: 'runtime', 11: 'runtime', 12: 'runtime',
  13: 'internal', 14: 'internal',
};

function setStatus(kind, text) {
  els.status.className = `status status-${kind}`;
  els.status.dataset.status = kind;
  els.status.textContent = text;
}

function setBlock(block, pre, text) {
  pre.textContent = text ?? '';
  block.hidden = !text;
}

function clearResult() {
  setBlock(els.compileBlock, els.compileOutput, null);
  setBlock(els.stderrBlock, els.stderr, null);
  setBlock(els.messageBlock, els.message, null);
  els.stdout.textContent = '';
  els.stdout.classList.remove('empty');
  els.time.textContent = '';
  els.memory.textContent = '';
  els.exitCode.textContent = '';
}

function showResult(result) {
  const status = result.status ?? { id: 0, description: 'Unknown' };
  setStatus(STATUS_CLASS[status.id] ?? 'internal', status.description);
  const stdout = fromBase64(result.stdout);
  setBlock(els.compileBlock, els.compileOutput, fromBase64(result.compile_output));
  setBlock(els.stderrBlock, els.stderr, fromBase64(result.stderr));
  setBlock(els.messageBlock, els.message, fromBase64(result.message));
  els.stdout.textContent = stdout ?? (status.id === 6 ? 'Not run: the program did not compile.' : '(no output)');
  els.stdout.classList.toggle('empty', !stdout);
  els.time.textContent = result.time != null ? `${Number(result.time).toFixed(3)} s` : '';
  els.memory.textContent = result.memory != null ? formatMemory(result.memory) : '';
  els.exitCode.textContent = result.exit_code != null ? `exit ${result.exit_code}` : '';
}

function formatMemory(kb) {
  return kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb} KB`;
}

function setRunning(running) {
  state.running = running;
  els.run.disabled = running || state.languages.length === 0;
  els.run.classList.toggle('busy', running);
  els.runLabel.textContent = running ? 'Running…' : 'Run';
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run() {
  if (state.running || state.languages.length === 0) return;
  hideBanner();
  setRunning(true);
  clearResult();
  setStatus('queued', 'Submitting…');
  const started = performance.now();
  try {
    const submission = {
      language_id: Number(els.language.value),
      source_code: toBase64(editor.text),
      stdin: toBase64(els.stdin.value),
    };
    if (els.args.value.trim()) submission.command_line_arguments = els.args.value;
    const { token } = await api.submit(submission);
    let result = null;
    for (let attempt = 0; !FINISHED(result?.status); attempt++) {
      await sleep(Math.min(150 + attempt * 75, 1000));
      try {
        result = await api.submission(token);
      } catch (e) {
        // The run is already queued: a limit on polling only delays its result.
        if (e.kind !== 'rate') throw e;
        setStatus('queued', `Waiting for the rate limit… ${e.retryAfter ?? 1} s`);
        await sleep(Math.min(e.retryAfter ?? 1, 30) * 1000);
        continue;
      }
      if (!FINISHED(result.status)) {
        const seconds = ((performance.now() - started) / 1000).toFixed(1);
        setStatus(STATUS_CLASS[result.status?.id] ?? 'queued', `${result.status?.description ?? 'Waiting'}… ${seconds} s`);
      }
    }
    showResult(result);
    refreshHistory();
  } catch (e) {
    setStatus('error', e.kind === 'rate' ? 'Rate limited' : e.kind === 'down' ? 'Server down' : 'Not run');
    els.stdout.textContent = '';
    showError(e);
  } finally {
    setRunning(false);
  }
}

els.run.addEventListener('click', () => run());
// Ctrl+Enter from the stdin and arguments boxes too (the editor has its own key binding).
document.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.defaultPrevented
      && !event.target.closest?.('.cm-editor')) {
    event.preventDefault();
    run();
  }
});

// ---- history --------------------------------------------------------------------------------

let historyItems = [];

function timeAgo(iso) {
  const seconds = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return 'just now';
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleDateString();
}

function renderHistory() {
  els.history.replaceChildren(...historyItems.map((item, index) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'history-item';
    button.dataset.index = String(index);
    button.dataset.token = item.token ?? '';
    const firstLine = (item.source_code ?? '').split('\n').find((l) => l.trim()) ?? '(empty)';
    const code = document.createElement('code');
    code.className = 'history-code';
    code.textContent = firstLine.trim();
    const meta = document.createElement('span');
    meta.className = 'history-meta';
    const status = item.status ?? {};
    const badge = document.createElement('span');
    badge.className = `dot status-${STATUS_CLASS[status.id] ?? 'queued'}`;
    badge.title = status.description ?? '';
    const language = item.language_name ?? languageById(item.language_id)?.name ?? `language ${item.language_id}`;
    meta.append(badge, `${language.replace(/\s*\(.*\)$/, '')} · ${status.description ?? ''} · ${timeAgo(item.created_at)}`);
    button.append(code, meta);
    li.append(button);
    return li;
  }));
  els.historyEmpty.hidden = historyItems.length > 0;
  if (!state.hasHistory) els.historyEmpty.textContent = 'History is not available on this server.';
}

async function refreshHistory() {
  if (!state.hasHistory) return;
  try {
    const page = await api.history(1, 20);
    historyItems = page?.items ?? [];
  } catch (e) {
    if (e.kind === 'missing') state.hasHistory = false;
    else if (e.kind !== 'rate') showError(e);
  }
  renderHistory();
}

els.history.addEventListener('click', (event) => {
  const button = event.target.closest('.history-item');
  if (!button) return;
  const item = historyItems[Number(button.dataset.index)];
  if (!item) return;
  if (languageById(item.language_id)) selectLanguage(item.language_id, { replaceStarter: false });
  editor.text = item.source_code ?? '';
  els.stdin.value = item.stdin ?? '';
  for (const b of els.history.querySelectorAll('.history-item')) b.classList.toggle('active', b === button);
  editor.focus();
});

els.historyRefresh.addEventListener('click', () => refreshHistory());

// ---- start ----------------------------------------------------------------------------------

async function start() {
  applyTheme(null);
  try {
    // The session cookie from an earlier visit is reused; a new session starts only on a 401.
    let settings = null;
    try {
      settings = await api.settings();
    } catch (e) {
      if (e.kind !== 'missing') throw e;
      state.hasHistory = false; // a bare judge-server: no runner, so no settings or history
    }
    const languages = await api.languages();
    if (settings) Object.assign(state.settings, settings);
    else state.hasSettings = false;
    fillLanguages(languages ?? []);
    applyTheme(state.settings.theme);
    applyFontSize(state.settings.font_size);
    selectLanguage(state.settings.language_id, { replaceStarter: true });
    setRunning(false);
    refreshHistory();
  } catch (e) {
    setStatus('error', e.kind === 'down' ? 'Server down' : 'Not ready');
    showError(e);
    if (state.languages.length === 0) els.language.replaceChildren(new Option('No languages', ''));
    renderHistory();
    // Keep trying: the page comes alive by itself once the service is back.
    if (e.kind === 'down' || e.kind === 'rate') setTimeout(start, 5000);
    return;
  }
  hideBanner();
  editor.focus();
}

start();
