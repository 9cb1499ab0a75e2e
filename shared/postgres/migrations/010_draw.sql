-- Verifiable draws: alternates, disqualification with substitution, the
-- revealed seed and the hashes a verifier recomputes.
ALTER TABLE participation.participants
    ADD COLUMN alternate_rank    integer,
    ADD COLUMN disqualified_at   timestamptz,
    ADD COLUMN disqualify_reason text,
    ADD CONSTRAINT chk_alternate_rank CHECK (alternate_rank IS NULL OR alternate_rank > 0);
CREATE INDEX idx_participants_event_alternate ON participation.participants (event_id, alternate_rank) WHERE alternate_rank IS NOT NULL;
-- Canonical order of the frozen entry list (byte order, as the proof sorts),
-- covering what the draw reads so it can stream from the index alone.
CREATE INDEX idx_participants_event_pid ON participation.participants (event_id, participant_id COLLATE "C")
    INCLUDE (bonus_entries, disqualified_at);

ALTER TABLE participation.draw_logs
    ADD COLUMN alternate_count   integer NOT NULL DEFAULT 0,
    ADD COLUMN total_entries     bigint NOT NULL DEFAULT 0,
    ADD COLUMN entries_hash      char(64),
    ADD COLUMN seed              bytea,
    ADD COLUMN seed_commitment   char(64),
    ADD COLUMN algorithm_version varchar(50),
    ADD COLUMN proof_blob        varchar(300);

-- Each disqualification and the alternate who took the rank; nothing is
-- ever drawn again.
CREATE TABLE participation.draw_substitutions (
    id               bigserial PRIMARY KEY,
    event_id         uuid NOT NULL,
    winner_rank      integer NOT NULL,
    disqualified_id  varchar(50) NOT NULL,
    replacement_id   varchar(50),
    reason           text NOT NULL,
    substituted_at   timestamptz NOT NULL,
    substituted_by   varchar(100) NOT NULL
);
CREATE INDEX idx_draw_substitutions_event ON participation.draw_substitutions (event_id, id);

-- Entry numbers come from a per-event Redis counter; when Redis is down this
-- sequence stands in (its numbers carry a P so the two never collide).
CREATE SEQUENCE participation.entry_fallback_seq;
