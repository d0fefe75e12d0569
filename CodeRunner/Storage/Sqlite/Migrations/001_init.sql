-- Judge0 CE 1.13.1's submissions and languages tables. Program text and output are BLOBs of raw
-- bytes (the API base64-encodes or UTF-8-checks them per request); decimals are TEXT so that
-- "0.001" comes back exactly as written; timestamps are UTC text that sorts in time order.
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    token TEXT NOT NULL UNIQUE,
    source_code BLOB,
    language_id INTEGER NOT NULL,
    stdin BLOB,
    expected_output BLOB,
    stdout BLOB,
    stderr BLOB,
    compile_output BLOB,
    message TEXT,
    status_id INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    queued_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    updated_at TEXT,
    time TEXT,
    wall_time TEXT,
    memory INTEGER,
    exit_code INTEGER,
    exit_signal INTEGER,
    number_of_runs INTEGER NOT NULL,
    cpu_time_limit TEXT NOT NULL,
    cpu_extra_time TEXT NOT NULL,
    wall_time_limit TEXT NOT NULL,
    memory_limit INTEGER NOT NULL,
    stack_limit INTEGER NOT NULL,
    max_processes_and_or_threads INTEGER NOT NULL,
    enable_per_process_and_thread_time_limit INTEGER NOT NULL,
    enable_per_process_and_thread_memory_limit INTEGER NOT NULL,
    max_file_size INTEGER NOT NULL,
    compiler_options TEXT,
    command_line_arguments TEXT,
    redirect_stderr_to_stdout INTEGER NOT NULL,
    callback_url TEXT,
    additional_files BLOB,
    enable_network INTEGER NOT NULL,
    queue_host TEXT,
    execution_host TEXT
);

CREATE INDEX ix_submissions_created_at ON submissions (created_at);
CREATE INDEX ix_submissions_status_id ON submissions (status_id);

CREATE TABLE languages (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    is_archived INTEGER NOT NULL,
    source_file TEXT NOT NULL,
    compile_cmd TEXT,
    run_cmd TEXT NOT NULL
);
