-- The procedure catalogue. `procedures` is the current state of each procedure (what search and
-- listings read); `procedure_versions` keeps every version's full content (JSON) forever, so a
-- dossier can keep the version it was received under.
CREATE TABLE fields (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
);

CREATE TABLE procedures (
    id                 BLOB PRIMARY KEY NOT NULL,
    code               TEXT NOT NULL,
    unit_id            BLOB NOT NULL REFERENCES units(id),
    status             TEXT NOT NULL,
    version            INTEGER NOT NULL,
    draft_version      INTEGER,
    name               TEXT NOT NULL,
    field_code         TEXT NOT NULL,
    level              TEXT NOT NULL,
    online             TEXT NOT NULL,
    limit_value        INTEGER NOT NULL,
    limit_unit         TEXT NOT NULL,
    complete           INTEGER NOT NULL,
    publication_number TEXT,
    publication_date   TEXT,
    effective_from     TEXT,
    name_folded        TEXT NOT NULL,
    name_exact         TEXT NOT NULL,
    text_folded        TEXT NOT NULL,
    text_exact         TEXT NOT NULL,
    published_at       INTEGER,
    repealed_at        INTEGER,
    created_at         INTEGER NOT NULL,
    updated_at         INTEGER NOT NULL
);
CREATE UNIQUE INDEX procedures_code ON procedures(code);
CREATE INDEX procedures_field ON procedures(field_code, name);
CREATE INDEX procedures_unit ON procedures(unit_id);
CREATE INDEX procedures_status ON procedures(status, field_code);

CREATE TABLE procedure_versions (
    id           BLOB PRIMARY KEY NOT NULL,
    procedure_id BLOB NOT NULL REFERENCES procedures(id),
    unit_id      BLOB NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL,
    spec         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    created_by   BLOB,
    published_at INTEGER
);
CREATE UNIQUE INDEX procedure_versions_procedure_version ON procedure_versions(procedure_id, version);

-- Full-text index over the folded text (SQLite only; PostgreSQL uses a generated tsvector).
-- rowid = procedures.rowid; kept in step by the application (no triggers).
CREATE VIRTUAL TABLE procedure_fts USING fts5(name_folded, text_folded, tokenize = 'unicode61 remove_diacritics 0');
