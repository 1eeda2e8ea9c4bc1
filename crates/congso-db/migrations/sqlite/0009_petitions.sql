-- Citizens' petitions (đơn): a letter received at the reception desk, by post or online
-- (petitions), split into items each with its kind, state and statutory clock
-- (petition_items), the documents each action produced (petition_documents), the leaders'
-- citizen reception days (reception_schedule) and the reception log (reception_log). The clock
-- rules are data: the `petition_clocks` setting (JSON), defaulting to the shipped table.
CREATE TABLE petitions (
    id                   BLOB PRIMARY KEY NOT NULL,
    unit_id              BLOB NOT NULL REFERENCES units(id),
    channel              TEXT NOT NULL,
    anonymous            INTEGER NOT NULL,
    petitioner_name      TEXT,
    petitioner_address   TEXT,
    petitioner_id_number TEXT,
    petitioner_phone     TEXT,
    petitioner_email     TEXT,
    petitioner_key       TEXT,
    content              TEXT NOT NULL,
    content_folded       TEXT NOT NULL,
    received_at          INTEGER NOT NULL,
    received_on          TEXT NOT NULL,
    duplicate_of         BLOB REFERENCES petitions(id),
    created_by           BLOB REFERENCES users(id),
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL
);
CREATE INDEX petitions_received ON petitions(received_on);
CREATE INDEX petitions_petitioner ON petitions(petitioner_key);
CREATE INDEX petitions_unit ON petitions(unit_id, received_on);

CREATE TABLE petition_items (
    id                BLOB PRIMARY KEY NOT NULL,
    petition_id       BLOB NOT NULL REFERENCES petitions(id),
    seq               INTEGER NOT NULL,
    kind              TEXT NOT NULL,
    level             INTEGER NOT NULL,
    first_item_id     BLOB REFERENCES petition_items(id),
    content           TEXT NOT NULL,
    unit_id           BLOB NOT NULL REFERENCES units(id),
    state             TEXT NOT NULL,
    complex           INTEGER NOT NULL,
    remote            INTEGER NOT NULL,
    received_on       TEXT NOT NULL,
    handling_deadline TEXT,
    accepted_on       TEXT,
    original_deadline TEXT,
    deadline          TEXT,
    extensions        INTEGER NOT NULL,
    extension_days    INTEGER NOT NULL,
    closed_on         TEXT,
    closed_as         TEXT,
    result            TEXT,
    recipient         TEXT,
    decision_number   TEXT,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE UNIQUE INDEX petition_items_seq ON petition_items(petition_id, seq);
CREATE INDEX petition_items_unit ON petition_items(unit_id, state);
CREATE INDEX petition_items_received ON petition_items(received_on);
CREATE INDEX petition_items_closed ON petition_items(closed_on);
CREATE INDEX petition_items_deadline ON petition_items(deadline);

CREATE TABLE petition_documents (
    id          BLOB PRIMARY KEY NOT NULL,
    item_id     BLOB NOT NULL REFERENCES petition_items(id),
    action      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    number      TEXT,
    issued_on   TEXT NOT NULL,
    text        TEXT,
    stage       TEXT,
    stage_deadline TEXT,
    on_time     INTEGER,
    created_by  BLOB REFERENCES users(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX petition_documents_item ON petition_documents(item_id, created_at);

CREATE TABLE reception_schedule (
    id          BLOB PRIMARY KEY NOT NULL,
    unit_id     BLOB NOT NULL REFERENCES units(id),
    leader_id   BLOB REFERENCES users(id),
    leader_name TEXT NOT NULL,
    day         TEXT NOT NULL,
    place       TEXT NOT NULL,
    note        TEXT,
    created_by  BLOB REFERENCES users(id),
    created_at  INTEGER NOT NULL
);
CREATE INDEX reception_schedule_day ON reception_schedule(day);

CREATE TABLE reception_log (
    id                BLOB PRIMARY KEY NOT NULL,
    unit_id           BLOB NOT NULL REFERENCES units(id),
    schedule_id       BLOB REFERENCES reception_schedule(id),
    received_at       INTEGER NOT NULL,
    visitor_name      TEXT NOT NULL,
    visitor_id_number TEXT,
    content           TEXT NOT NULL,
    outcome           TEXT NOT NULL,
    petition_id       BLOB REFERENCES petitions(id),
    created_by        BLOB REFERENCES users(id),
    created_at        INTEGER NOT NULL
);
CREATE INDEX reception_log_received ON reception_log(received_at);
