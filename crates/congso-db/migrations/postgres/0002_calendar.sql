-- The legal calendar as data: yearly decisions (days off, substitute and swapped days, make-up
-- working days). A year listed in calendar_years uses exactly its calendar_days; other years
-- fall back to the rules (Labor Code 2019 Art. 111-112), whose parameters are in settings.
CREATE TABLE calendar_years (
    year       INTEGER PRIMARY KEY NOT NULL,
    source     TEXT,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID
);

CREATE TABLE calendar_days (
    day     DATE PRIMARY KEY NOT NULL,
    year    INTEGER NOT NULL,
    kind    TEXT NOT NULL,
    name_vi TEXT NOT NULL,
    name_en TEXT NOT NULL
);
CREATE INDEX calendar_days_year ON calendar_days(year);
