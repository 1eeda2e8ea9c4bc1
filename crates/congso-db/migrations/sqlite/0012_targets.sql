-- The QĐ 766 index and the term's targets (chỉ tiêu).
--
-- Indexes that let the index of every unit over a year read few rows: online procedures in use
-- (probe per procedure), electronic results and digitised counter dossiers (driven by the files),
-- dissatisfied ratings.
CREATE INDEX dossiers_procedure_channel ON dossiers(procedure_id, channel, received_at);
CREATE INDEX attachments_purpose ON attachments(purpose, created_at);
CREATE INDEX ratings_rating ON ratings(rating);

-- A target of a term (e.g. "98.5% of dossiers on time", 2020–2025). `metric` names a computed
-- measure (one_stop_on_time_rate, petition_resolution_rate, directive_completion_rate,
-- index_766_total) or `manual`: then `manual_value` is entered by hand, with who and when.
CREATE TABLE targets (
    id            BLOB PRIMARY KEY NOT NULL,
    term          TEXT NOT NULL,
    code          TEXT NOT NULL,
    name          TEXT NOT NULL,
    unit_id       BLOB REFERENCES units(id),
    metric        TEXT NOT NULL,
    comparison    TEXT NOT NULL,
    goal          REAL NOT NULL,
    measure_unit  TEXT NOT NULL,
    period_from   TEXT NOT NULL,
    period_to     TEXT NOT NULL,
    manual_value  REAL,
    manual_note   TEXT,
    measured_by   BLOB REFERENCES users(id),
    measured_at   INTEGER,
    created_by    BLOB REFERENCES users(id),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX targets_term_code ON targets(term, code);
