-- Entries and draws (seed participation-service ERD). event_id refers to the
-- events schema logically only (no cross-domain foreign key).
CREATE SCHEMA IF NOT EXISTS participation;

CREATE TABLE participation.participants (
    id              bigserial PRIMARY KEY,
    -- A short entry number, unique within its event (e.g. 20261122-000042);
    -- the ERD's global uk_participant_id would force event-prefixed numbers.
    participant_id  varchar(50) NOT NULL,
    event_id        uuid NOT NULL,
    -- Personal data is nullable only because PrivacyPurge erases it.
    name            varchar(100),
    phone_number    varchar(20),
    email           varchar(100),
    channel         varchar(50) NOT NULL DEFAULT 'WEB',
    source          varchar(20),
    store_visited   boolean NOT NULL DEFAULT false,
    bonus_entries   integer NOT NULL DEFAULT 1,
    agree_marketing boolean NOT NULL DEFAULT false,
    agree_privacy   boolean NOT NULL,
    is_winner       boolean NOT NULL DEFAULT false,
    winner_rank     integer,
    won_at          timestamptz,
    purged_at       timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uk_participant_id UNIQUE (event_id, participant_id),
    CONSTRAINT uk_event_phone UNIQUE (event_id, phone_number),
    CONSTRAINT chk_bonus_entries CHECK (bonus_entries BETWEEN 1 AND 3),
    CONSTRAINT chk_channel CHECK (channel IN ('WEB', 'MOBILE', 'INSTORE')),
    CONSTRAINT chk_source CHECK (source IS NULL OR source IN ('URIDONGNETV', 'RINGOBIZ', 'GINITV', 'INSTAGRAM', 'NAVER', 'KAKAO', 'STORE_QR', 'DIRECT')),
    CONSTRAINT chk_winner_rank CHECK (winner_rank IS NULL OR winner_rank > 0),
    CONSTRAINT chk_agree_privacy CHECK (agree_privacy),
    CONSTRAINT chk_personal_data CHECK (purged_at IS NOT NULL OR (name IS NOT NULL AND phone_number IS NOT NULL))
);
CREATE INDEX idx_participants_event_created ON participation.participants (event_id, created_at);
CREATE INDEX idx_participants_event_winner ON participation.participants (event_id, is_winner);
CREATE INDEX idx_participants_event_store ON participation.participants (event_id, store_visited);

CREATE TABLE participation.draw_logs (
    id                      bigserial PRIMARY KEY,
    event_id                uuid NOT NULL,
    total_participants      integer NOT NULL,
    winner_count            integer NOT NULL,
    apply_store_visit_bonus boolean NOT NULL,
    algorithm               varchar(50) NOT NULL,
    drawn_at                timestamptz NOT NULL,
    drawn_by                varchar(100) NOT NULL,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uk_draw_event UNIQUE (event_id),
    CONSTRAINT chk_winner_count CHECK (winner_count > 0),
    CONSTRAINT chk_total_participants CHECK (total_participants >= winner_count),
    CONSTRAINT chk_algorithm CHECK (algorithm IN ('RANDOM', 'WEIGHTED'))
);
-- idx_draw_logs_event is uk_draw_event's index.
CREATE INDEX idx_draw_logs_drawn_at ON participation.draw_logs (drawn_at);
