-- Telling the winners (issue 16): one row per (event, participant) that the
-- owner asked to notify. The row is the once-only guard: WinnerNotify
-- claims it atomically (QUEUED -> SENDING) before calling NHN and settles it
-- (SENT or FAILED) after, so duplicate deliveries and concurrent requests
-- never send twice. It holds no personal data: no name, no phone (the
-- participant's row has them), NHN's request id, and an error text with
-- digit runs redacted.
CREATE TABLE participation.winner_notifications (
    event_id       uuid NOT NULL,
    participant_id varchar(50) NOT NULL,
    status         varchar(20) NOT NULL,
    channel        varchar(20),
    -- attempts: calls to NHN in all; round_attempts: in this round (a
    -- re-send of a FAILED notice starts a new round with the same limit).
    attempts       integer NOT NULL DEFAULT 0,
    round          integer NOT NULL DEFAULT 1,
    round_attempts integer NOT NULL DEFAULT 0,
    -- The queue message that owns the row: only it may claim the send.
    message_id     varchar(128) NOT NULL,
    lease_until    timestamptz,
    request_id     varchar(100),
    error          text,
    queued_at      timestamptz NOT NULL,
    sent_at        timestamptz,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (event_id, participant_id),
    CONSTRAINT chk_winner_notification_status CHECK (status IN ('QUEUED', 'SENDING', 'SENT', 'FAILED')),
    CONSTRAINT chk_winner_notification_channel CHECK (channel IS NULL OR channel IN ('ALIMTALK', 'SMS'))
);
