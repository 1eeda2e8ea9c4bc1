-- The procedure catalogue. `procedures` is the current state of each procedure (what search and
-- listings read); `procedure_versions` keeps every version's full content (JSON) forever, so a
-- dossier can keep the version it was received under.
CREATE TABLE fields (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE procedures (
    id                 UUID PRIMARY KEY NOT NULL,
    code               TEXT NOT NULL,
    unit_id            UUID NOT NULL REFERENCES units(id),
    status             TEXT NOT NULL,
    version            BIGINT NOT NULL,
    draft_version      BIGINT,
    name               TEXT NOT NULL,
    field_code         TEXT NOT NULL,
    level              TEXT NOT NULL,
    online             TEXT NOT NULL,
    limit_value        BIGINT NOT NULL,
    limit_unit         TEXT NOT NULL,
    complete           BOOLEAN NOT NULL,
    publication_number TEXT,
    publication_date   DATE,
    effective_from     DATE,
    name_folded        TEXT NOT NULL,
    name_exact         TEXT NOT NULL,
    text_folded        TEXT NOT NULL,
    text_exact         TEXT NOT NULL,
    published_at       TIMESTAMPTZ,
    repealed_at        TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    -- PostgreSQL only (see the parity test's allow-list): the full-text vector, names weighted A.
    search_tsv         tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name_folded), 'A') || setweight(to_tsvector('simple', text_folded), 'B')
    ) STORED
);
CREATE UNIQUE INDEX procedures_code ON procedures(code);
CREATE INDEX procedures_browse ON procedures(status, name_folded);
CREATE INDEX procedures_field ON procedures(status, field_code, name_folded);
CREATE INDEX procedures_unit ON procedures(unit_id);
CREATE INDEX procedures_search ON procedures USING GIN (search_tsv);

CREATE TABLE procedure_versions (
    id           UUID PRIMARY KEY NOT NULL,
    procedure_id UUID NOT NULL REFERENCES procedures(id),
    unit_id      UUID NOT NULL,
    version      BIGINT NOT NULL,
    status       TEXT NOT NULL,
    spec         TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    created_by   UUID,
    published_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX procedure_versions_procedure_version ON procedure_versions(procedure_id, version);
