-- Sign-in state for owners: optimistic locking, lockout after failed logins,
-- and server-side sessions with rotating refresh tokens.
ALTER TABLE users.users
    ADD COLUMN version       integer NOT NULL DEFAULT 1,
    ADD COLUMN failed_logins integer NOT NULL DEFAULT 0,
    ADD COLUMN locked_until  timestamptz;

-- One row per sign-in. Access tokens carry its id (sid), so revoking the
-- session refuses them all.
CREATE TABLE users.sessions (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users.users (id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL,
    expires_at    timestamptz NOT NULL,
    last_used_at  timestamptz NOT NULL,
    revoked_at    timestamptz,
    revoke_reason varchar(50)
);
CREATE INDEX idx_sessions_user ON users.sessions (user_id) WHERE revoked_at IS NULL;

-- Refresh tokens are stored hashed. A token is used once: the next one
-- replaces it, and presenting a used one again revokes the whole session.
CREATE TABLE users.refresh_tokens (
    token_hash bytea PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES users.sessions (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    used_at    timestamptz,
    CONSTRAINT chk_refresh_hash CHECK (octet_length(token_hash) = 32)
);
CREATE INDEX idx_refresh_tokens_session ON users.refresh_tokens (session_id);
