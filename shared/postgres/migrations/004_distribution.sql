-- Channel fan-out state (seed distribution-service ERD).
CREATE SCHEMA IF NOT EXISTS distribution;

CREATE TABLE distribution.distribution_status (
    id             bigserial PRIMARY KEY,
    event_id       uuid NOT NULL,
    overall_status varchar(20) NOT NULL,
    started_at     timestamptz NOT NULL,
    completed_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT uk_distribution_event UNIQUE (event_id),
    CONSTRAINT chk_distribution_overall CHECK (overall_status IN ('IN_PROGRESS', 'COMPLETED', 'FAILED', 'PARTIAL_SUCCESS'))
);

CREATE TABLE distribution.channel_status (
    id                     bigserial PRIMARY KEY,
    distribution_status_id bigint NOT NULL,
    channel                varchar(20) NOT NULL,
    status                 varchar(20) NOT NULL,
    progress               integer,
    distribution_id        varchar(100),
    estimated_views        integer,
    update_timestamp       timestamptz NOT NULL DEFAULT now(),
    event_id               uuid NOT NULL,
    impression_schedule    text,
    post_url               varchar(500),
    post_id                varchar(100),
    message_id             varchar(100),
    completed_at           timestamptz,
    error_message          text,
    retries                integer NOT NULL DEFAULT 0,
    last_retry_at          timestamptz,
    created_at             timestamptz NOT NULL DEFAULT now(),
    updated_at             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fk_channel_distribution FOREIGN KEY (distribution_status_id)
        REFERENCES distribution.distribution_status (id) ON DELETE CASCADE,
    CONSTRAINT uk_channel_per_distribution UNIQUE (distribution_status_id, channel),
    CONSTRAINT chk_channel_name CHECK (channel IN ('URIDONGNETV', 'RINGOBIZ', 'GINITV', 'INSTAGRAM', 'NAVER', 'KAKAO')),
    CONSTRAINT chk_channel_status CHECK (status IN ('PENDING', 'IN_PROGRESS', 'SUCCESS', 'FAILED')),
    CONSTRAINT chk_channel_progress CHECK (progress IS NULL OR progress BETWEEN 0 AND 100),
    CONSTRAINT chk_channel_retries CHECK (retries >= 0)
);
CREATE INDEX idx_channel_status_event ON distribution.channel_status (event_id);
CREATE INDEX idx_channel_status_event_channel ON distribution.channel_status (event_id, channel);
CREATE INDEX idx_channel_status_status ON distribution.channel_status (status);
