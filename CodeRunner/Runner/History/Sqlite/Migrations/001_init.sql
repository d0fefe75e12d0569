-- The runner's memory, in its own file (Runner:Sqlite, runner.db): API keys and sessions by the
-- SHA-256 of the secret, every submission a caller made with its latest result, client settings.
-- Timestamps are UTC ISO-8601 text, which sorts in time order.
CREATE TABLE api_keys (
    name TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE INDEX ix_sessions_expires_at ON sessions (expires_at);

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    owner TEXT NOT NULL,
    token TEXT NOT NULL,
    language_id INTEGER NOT NULL,
    source_code TEXT,
    stdin TEXT,
    created_at TEXT NOT NULL,
    status_id INTEGER,
    status_description TEXT,
    time TEXT,
    memory INTEGER,
    finished_at TEXT,
    UNIQUE (owner, token)
);

-- History pages: one owner's rows, newest first.
CREATE INDEX ix_submissions_owner_created ON submissions (owner, created_at DESC, id DESC);

CREATE TABLE settings (
    owner TEXT PRIMARY KEY,
    language_id INTEGER,
    theme TEXT NOT NULL,
    font_size INTEGER NOT NULL,
    key_map TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
