-- Foundation: organisation units, users and roles, sessions and tokens, the event log, jobs, settings.
-- Conventions (SQLite): ids are BLOB UUIDv7; instants are INTEGER microseconds since the Unix epoch (UTC);
-- dates are TEXT 'YYYY-MM-DD'; booleans are INTEGER 0/1; JSON is TEXT.

CREATE TABLE units (
    id          BLOB PRIMARY KEY NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_en     TEXT,
    kind        TEXT NOT NULL,
    parent_id   BLOB REFERENCES units(id),
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    address     TEXT,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX units_code_valid_from ON units(code, valid_from);
CREATE INDEX units_parent ON units(parent_id);

CREATE TABLE unit_relations (
    predecessor_id BLOB NOT NULL REFERENCES units(id),
    successor_id   BLOB NOT NULL REFERENCES units(id),
    kind           TEXT NOT NULL,
    effective_on   TEXT NOT NULL,
    note           TEXT,
    PRIMARY KEY (predecessor_id, successor_id)
);
CREATE INDEX unit_relations_successor ON unit_relations(successor_id);

CREATE TABLE users (
    id            BLOB PRIMARY KEY NOT NULL,
    username      TEXT NOT NULL,
    full_name     TEXT NOT NULL,
    email         TEXT,
    phone         TEXT,
    password_hash TEXT,
    locale        TEXT NOT NULL,
    active        INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX users_username ON users(username);

CREATE TABLE role_grants (
    id          BLOB PRIMARY KEY NOT NULL,
    user_id     BLOB NOT NULL REFERENCES users(id),
    role        TEXT NOT NULL,
    unit_id     BLOB REFERENCES units(id),
    granted_at  INTEGER NOT NULL,
    revoked_at  INTEGER
);
CREATE INDEX role_grants_user ON role_grants(user_id);
CREATE INDEX role_grants_unit ON role_grants(unit_id);

CREATE TABLE sessions (
    id_hash      TEXT PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users(id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ip           TEXT,
    user_agent   TEXT
);
CREATE INDEX sessions_user ON sessions(user_id);
CREATE INDEX sessions_expires ON sessions(expires_at);

CREATE TABLE api_tokens (
    id           BLOB PRIMARY KEY NOT NULL,
    user_id      BLOB NOT NULL REFERENCES users(id),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    expires_at   INTEGER,
    revoked_at   INTEGER
);
CREATE UNIQUE INDEX api_tokens_hash ON api_tokens(token_hash);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    locked_until    INTEGER
);

CREATE TABLE events (
    id           BLOB PRIMARY KEY NOT NULL,
    subject_type TEXT NOT NULL,
    subject_id   BLOB NOT NULL,
    seq          INTEGER NOT NULL,
    unit_id      BLOB,
    actor_id     BLOB,
    action       TEXT NOT NULL,
    payload      TEXT NOT NULL,
    occurred_at  INTEGER NOT NULL,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
);
CREATE UNIQUE INDEX events_subject_seq ON events(subject_id, seq);
CREATE INDEX events_unit_time ON events(unit_id, occurred_at);

CREATE TABLE event_chains (
    subject_id   BLOB PRIMARY KEY NOT NULL,
    subject_type TEXT NOT NULL,
    last_seq     INTEGER NOT NULL,
    last_hash    TEXT NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE jobs (
    id           BLOB PRIMARY KEY NOT NULL,
    queue        TEXT NOT NULL,
    job_type     TEXT NOT NULL,
    payload      TEXT NOT NULL,
    priority     INTEGER NOT NULL,
    run_at       INTEGER NOT NULL,
    attempts     INTEGER NOT NULL,
    max_attempts INTEGER NOT NULL,
    locked_at    INTEGER,
    locked_by    TEXT,
    last_error   TEXT,
    dedup_key    TEXT,
    unit_id      BLOB,
    created_at   INTEGER NOT NULL,
    done_at      INTEGER,
    failed_at    INTEGER
);
CREATE UNIQUE INDEX jobs_dedup_key ON jobs(dedup_key);
CREATE INDEX jobs_ready ON jobs(queue, run_at) WHERE done_at IS NULL AND failed_at IS NULL;

CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
);
