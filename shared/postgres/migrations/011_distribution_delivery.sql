-- Delivery state of the channel fan-out: which queue message currently
-- owns a channel (older or duplicated messages are acknowledged without a
-- call), a short lease so two deliveries of one message never post twice,
-- what an interrupted attempt left (e.g. an Instagram container), when
-- the next attempt is due, when metrics were last pulled, and attempt
-- counts for the Table storage log.
ALTER TABLE distribution.channel_status
    ADD COLUMN attempts      integer NOT NULL DEFAULT 0,
    ADD COLUMN lease_until   timestamptz,
    ADD COLUMN resume_state  text,
    ADD COLUMN next_attempt_at timestamptz,
    ADD COLUMN metrics_at    timestamptz,
    -- The channel's job as published, so DistributionRetry can queue it again.
    ADD COLUMN job           jsonb,
    ADD CONSTRAINT chk_channel_attempts CHECK (attempts >= 0);

-- How many times the distribution settled (a retry reopens it): each
-- settlement sends one DistributionCompleted with its own message id.
ALTER TABLE distribution.distribution_status
    ADD COLUMN settlements integer NOT NULL DEFAULT 0;

-- ChannelStatsCollect reads live posts of recent events.
CREATE INDEX idx_channel_status_success ON distribution.channel_status (completed_at) WHERE status = 'SUCCESS';
