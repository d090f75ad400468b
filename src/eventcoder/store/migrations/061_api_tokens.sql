-- API tokens for scripts (``Authorization: Bearer evx_<id>_<secret>``). Only a SHA-256 of the secret is
-- stored: the secret is 32 random bytes, so a plain hash is as strong as a slow one and costs microseconds
-- per request (argon2 is for passwords people choose). Revoked tokens stay, with when, for the record.
CREATE TABLE api_tokens (
    token_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    label           TEXT NOT NULL DEFAULT '',
    secret_hash     TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    last_used_at    TEXT,
    revoked_at      TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);
