-- The ledger: the record of users, contacts, campaigns, queue items, calls and imports.
-- Times are Unix epoch milliseconds (UTC) in both dialects, so one set of queries serves PostgreSQL and SQLite.
-- Keep this file and postgres/0002_ledger.sql describing the same tables.

CREATE TABLE system_settings (
    id                        integer PRIMARY KEY CHECK (id = 1),
    system_concurrency_limit  integer NOT NULL CHECK (system_concurrency_limit BETWEEN 1 AND 100000),
    updated_at                bigint  NOT NULL
);

CREATE TABLE users (
    id                 text    PRIMARY KEY,
    name               text    NOT NULL,
    concurrency_limit  integer NOT NULL CHECK (concurrency_limit BETWEEN 1 AND 1000),
    created_at         bigint  NOT NULL,
    updated_at         bigint  NOT NULL
);

-- API keys are stored as SHA-256 hashes; the key itself is shown once.
CREATE TABLE api_keys (
    key_hash    text   PRIMARY KEY,
    user_id     text   NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  bigint NOT NULL,
    revoked_at  bigint
);
CREATE INDEX ix_api_keys_user ON api_keys (user_id);

CREATE TABLE contacts (
    id                       INTEGER PRIMARY KEY,
    user_id                  text    NOT NULL REFERENCES users (id),
    phone_number             text    NOT NULL,            -- E.164
    name                     text,
    email                    text,
    company                  text,
    custom_fields            text    NOT NULL DEFAULT '{}', -- JSON object of strings
    successful_calls         integer NOT NULL DEFAULT 0,
    not_connected_calls      integer NOT NULL DEFAULT 0,
    last_conversation_at     bigint,
    last_transcript_summary  text,
    created_at               bigint  NOT NULL,
    updated_at               bigint  NOT NULL,
    CONSTRAINT uq_contacts_user_phone UNIQUE (user_id, phone_number)
);

CREATE TABLE campaigns (
    id                   INTEGER PRIMARY KEY,
    user_id              text    NOT NULL REFERENCES users (id),
    name                 text    NOT NULL,
    description          text,
    agent_id             text    NOT NULL,
    from_phone_number    text,
    next_action          text,
    first_call_time      text    NOT NULL,  -- HH:mm
    last_call_time       text    NOT NULL,  -- HH:mm
    time_zone            text    NOT NULL,  -- IANA
    start_date           text    NOT NULL,  -- YYYY-MM-DD
    end_date             text,
    pacing               text    NOT NULL,
    retry_max_attempts   integer NOT NULL DEFAULT 1,
    retry_delay_minutes  integer NOT NULL DEFAULT 0,
    retry_on             text    NOT NULL DEFAULT '',  -- comma-separated outcomes
    status               text    NOT NULL,
    status_reason        text,
    -- Counters, kept by the campaign's own writes: one per item, by its current (last) attempt.
    total_contacts       integer NOT NULL DEFAULT 0,
    queued_count         integer NOT NULL DEFAULT 0,
    in_progress_count    integer NOT NULL DEFAULT 0,   -- dialing + in-progress
    successful_count     integer NOT NULL DEFAULT 0,
    failed_count         integer NOT NULL DEFAULT 0,
    cancelled_count      integer NOT NULL DEFAULT 0,
    last_position        bigint  NOT NULL DEFAULT 0,   -- join order of the last item added
    next_call_at         bigint,
    created_at           bigint  NOT NULL,
    updated_at           bigint  NOT NULL,
    ended_at             bigint
);
CREATE INDEX ix_campaigns_user_status ON campaigns (user_id, status, id DESC);

CREATE TABLE queue_items (
    id                INTEGER PRIMARY KEY,
    campaign_id       bigint  NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    user_id           text    NOT NULL,
    contact_id        bigint  REFERENCES contacts (id) ON DELETE SET NULL,
    phone_number      text    NOT NULL,
    contact_name      text,
    status            text    NOT NULL,
    priority          integer NOT NULL,
    position          bigint  NOT NULL,   -- join order within the campaign
    scheduled_for     bigint,             -- not before
    attempts          integer NOT NULL DEFAULT 0,
    execution_id      text,               -- Bolna's id for the current attempt
    outcome           text,               -- Bolna's status word for the last attempt
    failure_reason    text,
    connected         INTEGER NOT NULL DEFAULT 0,
    started_at        bigint,
    ended_at          bigint,
    duration_seconds  REAL,
    cost_cents        REAL,
    transcript        text,
    summary           text,
    recording_url     text,
    hangup_reason     text,
    updated_at        bigint  NOT NULL,
    CONSTRAINT uq_queue_items_campaign_contact UNIQUE (campaign_id, contact_id)
);
-- The dispatch order: priority descending, then join order.
CREATE INDEX ix_queue_items_dispatch ON queue_items (campaign_id, status, priority DESC, position);

-- Every dial, one row per attempt: the webhook's execution id leads here, even for an earlier attempt.
CREATE TABLE call_attempts (
    execution_id         text    PRIMARY KEY,
    item_id              bigint  NOT NULL REFERENCES queue_items (id) ON DELETE CASCADE,
    campaign_id          bigint  NOT NULL,
    attempt              integer NOT NULL,
    status               text    NOT NULL,   -- Bolna's latest status word
    status_rank          integer NOT NULL,
    provider_updated_at  bigint,
    saw_in_progress      INTEGER NOT NULL DEFAULT 0,
    line_ended_at        bigint,
    duration_seconds     REAL,
    cost_cents           REAL,
    dialed_at            bigint  NOT NULL,
    updated_at           bigint  NOT NULL,
    CONSTRAINT uq_call_attempts_item_attempt UNIQUE (item_id, attempt)
);

-- A slot lease: a call in flight, from the grant (before the dial) to the line's end.
-- The count of rows is the truth about calls in flight; grants are inserted only under the limits.
CREATE TABLE slot_leases (
    id            INTEGER PRIMARY KEY,
    user_id       text   NOT NULL,
    campaign_id   bigint,
    item_id       bigint UNIQUE,
    attempt       integer,
    execution_id  text,
    granted_at    bigint NOT NULL,
    expires_at    bigint NOT NULL
);
CREATE INDEX ix_slot_leases_user ON slot_leases (user_id);

-- The raw webhook log: every delivery as received.
CREATE TABLE call_events (
    id            INTEGER PRIMARY KEY,
    received_at   bigint NOT NULL,
    execution_id  text,
    status        text,
    item_id       bigint,   -- null until matched to a call
    payload       text   NOT NULL
);
CREATE INDEX ix_call_events_execution ON call_events (execution_id);

CREATE TABLE imports (
    id                  INTEGER PRIMARY KEY,
    user_id             text    NOT NULL REFERENCES users (id),
    campaign_id         bigint  REFERENCES campaigns (id) ON DELETE SET NULL,
    file_name           text,
    status              text    NOT NULL,
    total_rows          integer NOT NULL DEFAULT 0,
    imported            integer NOT NULL DEFAULT 0,
    skipped_duplicates  integer NOT NULL DEFAULT 0,
    failed              integer NOT NULL DEFAULT 0,
    created_at          bigint  NOT NULL,
    completed_at        bigint
);
CREATE INDEX ix_imports_user ON imports (user_id, id DESC);

CREATE TABLE import_errors (
    import_id     bigint  NOT NULL REFERENCES imports (id) ON DELETE CASCADE,
    row_number    integer NOT NULL,
    phone_number  text,
    reason        text    NOT NULL,
    PRIMARY KEY (import_id, row_number)
);
