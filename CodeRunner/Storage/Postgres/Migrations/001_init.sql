-- Judge0 CE 1.13.1's submissions and languages tables, the same columns as SQLite's 001_init.sql.
-- Program text and output are bytea: raw bytes, any size, never truncated (the API base64-encodes
-- or UTF-8-checks them per request). Times and limits are numeric so that 0.001 comes back
-- exactly; timestamps are timestamptz (UTC instants).
CREATE TABLE submissions (
    id bigserial PRIMARY KEY,
    token text NOT NULL,
    source_code bytea,
    language_id integer NOT NULL,
    stdin bytea,
    expected_output bytea,
    stdout bytea,
    stderr bytea,
    compile_output bytea,
    message text,
    status_id integer NOT NULL,
    created_at timestamptz NOT NULL,
    queued_at timestamptz,
    started_at timestamptz,
    finished_at timestamptz,
    updated_at timestamptz,
    time numeric,
    wall_time numeric,
    memory integer,
    exit_code integer,
    exit_signal integer,
    number_of_runs integer NOT NULL,
    cpu_time_limit numeric NOT NULL,
    cpu_extra_time numeric NOT NULL,
    wall_time_limit numeric NOT NULL,
    memory_limit integer NOT NULL,
    stack_limit integer NOT NULL,
    max_processes_and_or_threads integer NOT NULL,
    enable_per_process_and_thread_time_limit boolean NOT NULL,
    enable_per_process_and_thread_memory_limit boolean NOT NULL,
    max_file_size integer NOT NULL,
    compiler_options text,
    command_line_arguments text,
    redirect_stderr_to_stdout boolean NOT NULL,
    callback_url text,
    additional_files bytea,
    enable_network boolean NOT NULL,
    queue_host text,
    execution_host text
);

-- Every GET, the worker's updates and DELETE find a submission by token.
CREATE UNIQUE INDEX ux_submissions_token ON submissions (token);
-- GET /submissions pages newest first (ORDER BY created_at DESC, id DESC, read backwards);
-- /statistics counts the days since a bound on created_at.
CREATE INDEX ix_submissions_created_at_id ON submissions (created_at, id);
-- Status counts for /statistics and the queue-size check.
CREATE INDEX ix_submissions_status_id ON submissions (status_id);
-- Unfinished submissions to re-queue at start: few rows, so a small partial index that answers
-- the query by itself.
CREATE INDEX ix_submissions_unfinished ON submissions (id) INCLUDE (token) WHERE status_id IN (1, 2);

CREATE TABLE languages (
    id integer PRIMARY KEY,
    name text NOT NULL,
    is_archived boolean NOT NULL,
    source_file text NOT NULL,
    compile_cmd text,
    run_cmd text NOT NULL
);
