-- The citizen portal: profiles, password resets, attachments, drafts, ratings, notifications.

-- The citizen's identity number (CCCD, 12 digits) and address, prefilled into online submissions.
ALTER TABLE users ADD COLUMN id_number TEXT;
ALTER TABLE users ADD COLUMN address TEXT;
CREATE UNIQUE INDEX users_id_number ON users(id_number);

-- One-time password reset links (only the SHA-256 of the token is stored).
CREATE TABLE password_resets (
    id          UUID PRIMARY KEY NOT NULL,
    user_id     UUID NOT NULL REFERENCES users(id),
    token_hash  TEXT NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    used_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX password_resets_token ON password_resets(token_hash);
CREATE INDEX password_resets_user ON password_resets(user_id, created_at);

-- Files of a dossier: the documents submitted online, supplements, the electronic result. The
-- bytes live in the file store under `storage_key` (content-addressed).
CREATE TABLE attachments (
    id            UUID PRIMARY KEY NOT NULL,
    dossier_id    UUID NOT NULL REFERENCES dossiers(id),
    purpose       TEXT NOT NULL,
    document_name TEXT NOT NULL,
    file_name     TEXT NOT NULL,
    content_type  TEXT NOT NULL,
    size_bytes    BIGINT NOT NULL,
    sha256        TEXT NOT NULL,
    storage_key   TEXT NOT NULL,
    uploaded_by   UUID REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX attachments_dossier ON attachments(dossier_id, created_at);

-- Online submissions in progress ("drafts that survive logout"): one per citizen and procedure.
CREATE TABLE drafts (
    id             UUID PRIMARY KEY NOT NULL,
    user_id        UUID NOT NULL REFERENCES users(id),
    procedure_code TEXT NOT NULL,
    data           TEXT NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL,
    updated_at     TIMESTAMPTZ NOT NULL
);
CREATE UNIQUE INDEX drafts_user_procedure ON drafts(user_id, procedure_code);

-- The citizen's rating of the service after the result (hài lòng / chấp nhận / không hài lòng).
CREATE TABLE ratings (
    dossier_id  UUID PRIMARY KEY NOT NULL REFERENCES dossiers(id),
    user_id     UUID NOT NULL REFERENCES users(id),
    rating      TEXT NOT NULL,
    comment     TEXT,
    created_at  TIMESTAMPTZ NOT NULL
);

-- The in-portal notification list.
CREATE TABLE notifications (
    id          UUID PRIMARY KEY NOT NULL,
    user_id     UUID NOT NULL REFERENCES users(id),
    dossier_code TEXT,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    read_at     TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, created_at);
