// The runner's API as the browser sees it: everything under /api on this origin (the client role
// forwards it). Errors become ApiError with a kind the UI turns into a readable message.

export class ApiError extends Error {
  constructor(kind, message, { status = 0, retryAfter = null, body = null } = {}) {
    super(message);
    this.kind = kind; // down | rate | auth | invalid | missing | http
    this.status = status;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

let sessionToken = null;

async function send(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (sessionToken) headers['X-Session-Token'] = sessionToken;
  let response;
  try {
    response = await fetch('/api' + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError('down', 'Server down: CodeRunner cannot be reached. Check your connection and try again.');
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.ok) return data;
  throw toError(response, data);
}

function toError(response, data) {
  const status = response.status;
  const said = describe(data);
  if (status === 429) {
    const retryAfter = Number(data?.retry_after ?? response.headers.get('Retry-After')) || null;
    const wait = retryAfter ? ` Try again in ${retryAfter} s.` : ' Wait a moment and try again.';
    return new ApiError('rate', `Rate limit exceeded: too many runs in a short time.${wait}`, { status, retryAfter, body: data });
  }
  if (status === 502 || status === 504 || (status === 503 && /server down|unavailable/i.test(said ?? ''))) {
    return new ApiError('down', 'Server down: the code runner is not answering right now. Try again in a little while.', { status, body: data });
  }
  if (status === 401) return new ApiError('auth', said ?? 'authentication required', { status, body: data });
  if (status === 404) return new ApiError('missing', said ?? 'not found', { status, body: data });
  if (status === 400 || status === 413 || status === 422) {
    return new ApiError('invalid', `The request was refused: ${said ?? 'invalid input'}.`, { status, body: data });
  }
  if (status === 503) return new ApiError('http', `The service is busy: ${said ?? 'try again later'}.`, { status, body: data });
  return new ApiError('http', `Unexpected answer from the server (HTTP ${status})${said ? ': ' + said : ''}.`, { status, body: data });
}

/** Judge0 error bodies are {"error": "..."} or {"field": ["message", ...]}. */
function describe(data) {
  if (!data || typeof data !== 'object') return null;
  if (typeof data.error === 'string') return data.error;
  const parts = Object.entries(data)
    .filter(([, v]) => Array.isArray(v) || typeof v === 'string')
    .map(([k, v]) => `${k.replaceAll('_', ' ')} ${Array.isArray(v) ? v.join(', ') : v}`);
  return parts.length ? parts.join('; ') : null;
}

/** Starts an anonymous session; a judge-server without the runner in front has none (404). */
async function startSession() {
  try {
    const session = await send('POST', '/sessions', {});
    sessionToken = session?.token ?? null;
    return true;
  } catch (e) {
    if (e.kind === 'missing') return false;
    throw e;
  }
}

/** Calls the API, starting a new session once when the old one expired. */
async function call(method, path, body) {
  try {
    return await send(method, path, body);
  } catch (e) {
    if (e.kind !== 'auth') throw e;
    await startSession();
    return await send(method, path, body);
  }
}

export const api = {
  languages: () => call('GET', '/languages'),
  settings: () => call('GET', '/settings'),
  saveSettings: (settings) => call('PUT', '/settings', settings),
  history: (page = 1, perPage = 20) => call('GET', `/history?page=${page}&per_page=${perPage}`),
  submit: (submission) => call('POST', '/submissions?base64_encoded=true&wait=false', submission),
  submission: (token) => call('GET', `/submissions/${encodeURIComponent(token)}?base64_encoded=true` +
    '&fields=token,stdout,stderr,compile_output,message,exit_code,status,time,memory,language_id'),
};

/** UTF-8 text to base64, so any characters survive the JSON hop. */
export function toBase64(text) {
  const bytes = new TextEncoder().encode(text ?? '');
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** Judge0's base64 (may contain line breaks) back to text; invalid UTF-8 shows as U+FFFD. */
export function fromBase64(value) {
  if (value === null || value === undefined) return null;
  const binary = atob(String(value).replace(/\s+/g, ''));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}
