-- One-stop dossiers (hồ sơ một cửa): the current state of each case. Its history is the event log
-- (subject_type 'dossier'); `clock` keeps the legal clock (start, limit, pauses, extension) as JSON.
CREATE TABLE dossiers (
    id                  UUID PRIMARY KEY NOT NULL,
    code                TEXT NOT NULL,
    procedure_id        UUID NOT NULL REFERENCES procedures(id),
    procedure_version   BIGINT NOT NULL,
    procedure_code      TEXT NOT NULL,
    procedure_name      TEXT NOT NULL,
    channel             TEXT NOT NULL,
    regime              TEXT NOT NULL,
    receiving_unit_id   UUID NOT NULL REFERENCES units(id),
    processing_unit_id  UUID NOT NULL REFERENCES units(id),
    assignee_id         UUID REFERENCES users(id),
    citizen_id          UUID REFERENCES users(id),
    status              TEXT NOT NULL,
    open                BOOLEAN NOT NULL,
    applicant_name      TEXT NOT NULL,
    applicant_folded    TEXT NOT NULL,
    applicant_id_number TEXT,
    applicant_phone     TEXT,
    applicant_email     TEXT,
    applicant_address   TEXT,
    documents           TEXT NOT NULL,
    clock               TEXT,
    submitted_at        TIMESTAMPTZ,
    received_at         TIMESTAMPTZ,
    appointment_at      TIMESTAMPTZ,
    due_at              TIMESTAMPTZ,
    paused_since        TIMESTAMPTZ,
    resume_status       TEXT,
    supplements         BIGINT NOT NULL,
    fee_vnd             BIGINT NOT NULL,
    amount_due          BIGINT,
    apology_required_at TIMESTAMPTZ,
    apology_at          TIMESTAMPTZ,
    forwarded_at        TIMESTAMPTZ,
    step_index          BIGINT NOT NULL,
    step_started_at     TIMESTAMPTZ,
    step_escalated      BOOLEAN NOT NULL,
    finished_at         TIMESTAMPTZ,
    returned_at         TIMESTAMPTZ,
    result              TEXT,
    outcome             TEXT,
    created_at          TIMESTAMPTZ NOT NULL,
    updated_at          TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX dossiers_code ON dossiers(code);
CREATE INDEX dossiers_processing ON dossiers(processing_unit_id, open, due_at);
CREATE INDEX dossiers_receiving ON dossiers(receiving_unit_id, open, due_at);
CREATE INDEX dossiers_assignee ON dossiers(assignee_id, open, due_at);
CREATE INDEX dossiers_citizen ON dossiers(citizen_id);
CREATE INDEX dossiers_received ON dossiers(receiving_unit_id, received_at);

-- The daily sequence of dossier codes per receiving unit (XXXX in V1V2V3.Z1Z2.Y1Y2.MX1X2-YYMMDD-XXXX).
CREATE TABLE dossier_counters (
    unit_id UUID NOT NULL,
    day     DATE NOT NULL,
    last    BIGINT NOT NULL,
    PRIMARY KEY (unit_id, day)
);
