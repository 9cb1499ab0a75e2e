-- Users and their stores (seed user-service ERD). A user owns exactly one store.
CREATE SCHEMA IF NOT EXISTS users;

CREATE TABLE users.users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name          varchar(100) NOT NULL,
    phone_number  varchar(20)  NOT NULL,
    email         varchar(255) NOT NULL,
    password_hash varchar(255) NOT NULL,
    role          varchar(20)  NOT NULL DEFAULT 'OWNER',
    status        varchar(20)  NOT NULL DEFAULT 'ACTIVE',
    last_login_at timestamptz,
    created_at    timestamptz  NOT NULL DEFAULT now(),
    updated_at    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT uk_users_phone_number UNIQUE (phone_number),
    CONSTRAINT uk_users_email UNIQUE (email),
    CONSTRAINT chk_users_role CHECK (role IN ('OWNER', 'ADMIN')),
    CONSTRAINT chk_users_status CHECK (status IN ('ACTIVE', 'INACTIVE', 'LOCKED', 'WITHDRAWN')),
    -- Stored normalised: digits only, lower-case email (the service normalises first).
    CONSTRAINT chk_users_phone_digits CHECK (phone_number ~ '^[0-9]{9,11}$'),
    CONSTRAINT chk_users_email_lower CHECK (email = lower(email))
);
-- idx_users_email and idx_users_phone_number of the ERD are the unique
-- constraints' own indexes; a second copy would only slow writes.
CREATE INDEX idx_users_status ON users.users (status);

CREATE TABLE users.stores (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id        uuid NOT NULL,
    name           varchar(200) NOT NULL,
    industry       varchar(100) NOT NULL,
    address        varchar(500) NOT NULL,
    business_hours text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uk_stores_user_id UNIQUE (user_id),
    CONSTRAINT fk_stores_user FOREIGN KEY (user_id) REFERENCES users.users (id)
        ON DELETE CASCADE ON UPDATE CASCADE
);
-- idx_stores_user_id is uk_stores_user_id's index.
