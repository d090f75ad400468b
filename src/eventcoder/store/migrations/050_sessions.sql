-- Review app: login sessions. Only a hash of the session token is stored, so a copy of the database
-- cannot be used to log in; each session carries its own CSRF token for the forms and fetch calls.
CREATE TABLE sessions (
    token_hash      TEXT PRIMARY KEY,
    user_id         INTEGER NOT NULL REFERENCES users(user_id) ON DELETE CASCADE,
    csrf_token      TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);
