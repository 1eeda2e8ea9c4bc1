-- On-site reports (phản ánh hiện trường) and their Open311 GeoReport v2 face.
-- Categories are the Open311 services; routing rules send a category's reports from one commune or
-- ward to the responsible unit (else the category's default unit). A report's outcome (on_time,
-- late, late_extended) is fixed when it is handled.
CREATE TABLE site_report_categories (
    id               UUID PRIMARY KEY NOT NULL,
    service_code     TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    name_en          TEXT,
    group_name       TEXT NOT NULL,
    keywords         TEXT NOT NULL,
    description      TEXT NOT NULL,
    service_type     TEXT NOT NULL,
    default_unit_id  UUID NOT NULL REFERENCES units(id),
    handling_days    BIGINT NOT NULL,
    emergency_hours  BIGINT NOT NULL,
    attributes       TEXT NOT NULL,
    active           BOOLEAN NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);

CREATE TABLE site_report_routes (
    id           UUID PRIMARY KEY NOT NULL,
    category_id  UUID NOT NULL REFERENCES site_report_categories(id),
    area_unit_id UUID NOT NULL REFERENCES units(id),
    unit_id      UUID NOT NULL REFERENCES units(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX site_report_routes_key ON site_report_routes(category_id, area_unit_id);

CREATE TABLE open311_keys (
    id         UUID PRIMARY KEY NOT NULL,
    name       TEXT NOT NULL,
    digest     TEXT NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    revoked_at TIMESTAMPTZ
);

CREATE TABLE site_reports (
    id                UUID PRIMARY KEY NOT NULL,
    category_id       UUID NOT NULL REFERENCES site_report_categories(id),
    description       TEXT NOT NULL,
    lat               DOUBLE PRECISION,
    lon               DOUBLE PRECISION,
    address           TEXT,
    address_id        TEXT,
    area_unit_id      UUID REFERENCES units(id),
    urgency           TEXT NOT NULL,
    channel           TEXT NOT NULL,
    reporter_id       UUID REFERENCES users(id),
    reporter_name     TEXT,
    reporter_email    TEXT,
    reporter_phone    TEXT,
    attributes        TEXT NOT NULL,
    media_url         TEXT,
    api_key_id        UUID REFERENCES open311_keys(id),
    state             TEXT NOT NULL,
    unit_id           UUID NOT NULL REFERENCES units(id),
    assignee_id       UUID REFERENCES users(id),
    original_deadline TIMESTAMPTZ NOT NULL,
    deadline          TIMESTAMPTZ NOT NULL,
    handled_at        TIMESTAMPTZ,
    outcome           TEXT,
    result_text       TEXT,
    rating            TEXT,
    rating_comment    TEXT,
    rated_at          TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL
);
CREATE INDEX site_reports_created ON site_reports(created_at);
CREATE INDEX site_reports_unit ON site_reports(unit_id, state);
CREATE INDEX site_reports_category ON site_reports(category_id, created_at);
CREATE INDEX site_reports_area ON site_reports(area_unit_id, created_at);

-- Requests for more time and the decision on each.
CREATE TABLE site_report_extensions (
    id             UUID PRIMARY KEY NOT NULL,
    report_id      UUID NOT NULL REFERENCES site_reports(id),
    requested_by   UUID REFERENCES users(id),
    reason         TEXT NOT NULL,
    new_deadline   TIMESTAMPTZ NOT NULL,
    decision       TEXT,
    decided_by     UUID REFERENCES users(id),
    decided_at     TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL
);
CREATE INDEX site_report_extensions_report ON site_report_extensions(report_id, created_at);

-- Photos of a report (purpose 'report') and of its public result (purpose 'result').
CREATE TABLE site_report_media (
    id           UUID PRIMARY KEY NOT NULL,
    report_id    UUID NOT NULL REFERENCES site_reports(id),
    purpose      TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    uploaded_by  UUID REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX site_report_media_report ON site_report_media(report_id, created_at);

-- Open311 tokens (services of type batch): a token answers with its request's id.
CREATE TABLE open311_tokens (
    token      TEXT PRIMARY KEY NOT NULL,
    report_id  UUID NOT NULL REFERENCES site_reports(id),
    created_at TIMESTAMPTZ NOT NULL
);
