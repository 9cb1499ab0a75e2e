-- Failed sign-ins counted per (email, client network) instead of per account:
-- an attacker locks only their own network out, and an unknown email is
-- throttled exactly like a known one (no oracle). The row with network ''
-- counts an email's failures from every network (the account-wide
-- slow-down). email_key is an HMAC of the normalised email, so the table
-- holds no address in clear. users.users.failed_logins and locked_until are
-- no longer used (kept so the previous release still runs).
CREATE TABLE users.login_throttle (
    email_key       bytea NOT NULL,
    network         text NOT NULL,
    failures        integer NOT NULL DEFAULT 0,
    locked_until    timestamptz,
    last_failure_at timestamptz,
    last_success_at timestamptz,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (email_key, network)
);
CREATE INDEX idx_login_throttle_updated ON users.login_throttle (updated_at);
