-- One-stop dossiers (hồ sơ một cửa): the current state of each case. Its history is the event log
-- (subject_type 'dossier'); `clock` keeps the legal clock (start, limit, pauses, extension) as JSON.
CREATE TABLE dossiers (
    id                  BLOB PRIMARY KEY NOT NULL,
    code                TEXT NOT NULL,
    procedure_id        BLOB NOT NULL REFERENCES procedures(id),
    procedure_version   INTEGER NOT NULL,
    procedure_code      TEXT NOT NULL,
    procedure_name      TEXT NOT NULL,
    channel             TEXT NOT NULL,
    regime              TEXT NOT NULL,
    receiving_unit_id   BLOB NOT NULL REFERENCES units(id),
    processing_unit_id  BLOB NOT NULL REFERENCES units(id),
    assignee_id         BLOB REFERENCES users(id),
    citizen_id          BLOB REFERENCES users(id),
    status              TEXT NOT NULL,
    open                INTEGER NOT NULL,
    applicant_name      TEXT NOT NULL,
    applicant_folded    TEXT NOT NULL,
    applicant_id_number TEXT,
    applicant_phone     TEXT,
    applicant_email     TEXT,
    applicant_address   TEXT,
    documents           TEXT NOT NULL,
    clock               TEXT,
    submitted_at        INTEGER,
    received_at         INTEGER,
    appointment_at      INTEGER,
    due_at              INTEGER,
    paused_since        INTEGER,
    resume_status       TEXT,
    supplements         INTEGER NOT NULL,
    fee_vnd             INTEGER NOT NULL,
    amount_due          INTEGER,
    apology_required_at INTEGER,
    apology_at          INTEGER,
    forwarded_at        INTEGER,
    step_index          INTEGER NOT NULL,
    step_started_at     INTEGER,
    step_escalated      INTEGER NOT NULL,
    finished_at         INTEGER,
    returned_at         INTEGER,
    result              TEXT,
    outcome             TEXT,
    created_at          INTEGER NOT NULL,
    updated_at          INTEGER NOT NULL
);
CREATE UNIQUE INDEX dossiers_code ON dossiers(code);
CREATE INDEX dossiers_processing ON dossiers(processing_unit_id, open, due_at);
CREATE INDEX dossiers_receiving ON dossiers(receiving_unit_id, open, due_at);
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, open, due_at);
CREATE INDEX dossiers_citizen ON dossiers(citizen_id);
CREATE INDEX dossiers_received ON dossiers(receiving_unit_id, received_at);

-- The daily sequence of dossier codes per receiving unit (XXXX in V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX).
CREATE TABLE dossier_counters (
    unit_id BLOB NOT NULL,
    day     TEXT NOT NULL,
    last    INTEGER NOT NULL,
    PRIMARY KEY (unit_id, day)
);
