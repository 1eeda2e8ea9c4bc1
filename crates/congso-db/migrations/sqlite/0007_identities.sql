-- External identities (OpenID Connect): the provider's (issuer, subject) pair linked to a user.
-- A user may have several; a pair belongs to one user.
CREATE TABLE user_identities (
    id         BLOB PRIMARY KEY NOT NULL,
    user_id    BLOB NOT NULL REFERENCES users(id),
    issuer     TEXT NOT NULL,
    subject    TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX user_identities_issuer_subject ON user_identities(issuer, subject);
CREATE INDEX user_identities_user ON user_identities(user_id);
