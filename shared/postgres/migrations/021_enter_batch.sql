-- One group commit of entries (issue 18; shared/participation/batch.go says
-- what each step guarantees). A function rather than statements sent by the
-- app because the app reaches Postgres through PgBouncer in transaction
-- mode without protocol-level prepared statements: every statement it
-- sends is parsed and planned again, which for the batch's CTE cost about
-- as much server CPU as writing the rows. A PL/pgSQL function's statements
-- are planned once per server connection and cached there, whichever
-- client the pooler lends it to; the app's call is a trivial statement.
--
-- Arguments: one array per column of the entries, in arrival order
-- (p_fact: each entry's RegisteredEntry JSON), the batch's advisory-lock
-- keys in ascending order, and the queue, subject and time of the outbox
-- messages. Result: one row, the ids of the messages written (one per
-- event that gained entries), and per entry in arrival order who holds its
-- phone now ('' for nobody) and whether its event is drawn.
CREATE FUNCTION participation.enter_batch(
    p_pid varchar[], p_event uuid[], p_name varchar[], p_phone varchar[], p_email varchar[],
    p_channel varchar[], p_source varchar[], p_visited boolean[], p_bonus integer[],
    p_marketing boolean[], p_privacy boolean[], p_at timestamptz[], p_network varchar[], p_fact text[],
    p_locks bigint[], p_queue varchar, p_subject varchar, p_available timestamptz,
    OUT messages varchar[], OUT holders varchar[], OUT closed boolean[])
LANGUAGE plpgsql VOLATILE
-- Cached plans are made from the statistics of the moment and kept for
-- the connection's life. Made while a table was still empty (a new
-- database, before autovacuum's first ANALYZE), a sequential scan of
-- draw_logs would be kept as it grows; step 2's only table reads are
-- keyed (uk_draw_event, the ON CONFLICT arbiters), so scans are off here.
-- Step 3 has a real choice of index (every participants index starts with
-- event_id; on an empty table they cost the same, and a kept plan through
-- idx_participants_event_store read every entry of the event per lookup,
-- 18,000 rows, found by the bench): it is planned on each call (EXECUTE).
SET enable_seqscan = off
AS $$
DECLARE
    k        bigint;
    inserted bigint[];
BEGIN
    -- 1. The shared lock of every event, in one order for every batch.
    FOREACH k IN ARRAY p_locks LOOP
        PERFORM pg_advisory_xact_lock_shared(k);
    END LOOP;

    -- 2. The rows of events not drawn, in (event, phone) order, and per
    --    event one message listing the rows that went in.
    WITH input AS (
        SELECT * FROM unnest(p_pid, p_event, p_name, p_phone, p_email, p_channel, p_source, p_visited, p_bonus,
            p_marketing, p_privacy, p_at, p_network, p_fact) WITH ORDINALITY
            AS i(pid, event_id, name, phone, email, channel, source, visited, bonus, marketing, privacy, at, network, fact, ord)
    ), entry AS (
        INSERT INTO participation.participants (participant_id, event_id, name, phone_number, email, channel, source,
            store_visited, bonus_entries, agree_marketing, agree_privacy, created_at, updated_at, client_network)
        SELECT pid, event_id, name, phone, email, channel, source, visited, bonus, marketing, privacy, at, at, network
        FROM input WHERE NOT EXISTS (SELECT 1 FROM participation.draw_logs d WHERE d.event_id = input.event_id)
        ORDER BY event_id, phone, ord
        ON CONFLICT DO NOTHING
        RETURNING event_id, participant_id
    ), went_in AS (
        SELECT i.* FROM input i JOIN entry e ON e.event_id = i.event_id AND e.participant_id = i.pid
    ), msg AS (
        INSERT INTO outbox.messages (message_id, queue, subject, correlation_id, body, available_at)
        SELECT 'participants-' || w.event_id || '-' || (array_agg(w.pid ORDER BY w.ord))[1], p_queue, p_subject, w.event_id::text,
            jsonb_build_object('type', p_subject, 'eventId', w.event_id,
                'occurredAt', (array_agg(w.fact::jsonb -> 'occurredAt' ORDER BY w.ord))[1],
                'entries', jsonb_agg(w.fact::jsonb ORDER BY w.ord)),
            p_available
        FROM went_in w
        GROUP BY w.event_id
        RETURNING message_id
    )
    SELECT coalesce((SELECT array_agg(message_id) FROM msg), '{}'), coalesce((SELECT array_agg(ord) FROM went_in), '{}')
    INTO messages, inserted;

    -- 3. A new snapshot (a new statement): who holds each phone that did not
    --    go in (committed concurrently, or earlier in this batch) and
    --    whether its event is drawn.
    EXECUTE $q$
        SELECT array_agg(CASE WHEN i.ord = ANY ($4) THEN i.pid
                    ELSE coalesce((SELECT p.participant_id FROM participation.participants p
                        WHERE p.event_id = i.event_id AND p.phone_number = i.phone), '') END ORDER BY i.ord),
               array_agg(NOT i.ord = ANY ($4) AND EXISTS (SELECT 1 FROM participation.draw_logs d WHERE d.event_id = i.event_id)
                    ORDER BY i.ord)
        FROM unnest($1, $2, $3) WITH ORDINALITY AS i(event_id, phone, pid, ord)$q$
    INTO holders, closed
    USING p_event, p_phone, p_pid, inserted;
END
$$;
