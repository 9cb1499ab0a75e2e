-- The store's own line, verified once by an SMS code (issue 17): only this
-- number may carry the event's ringback message (RINGOBIZ), so an owner
-- cannot put an advertisement on someone else's phone line.
ALTER TABLE users.stores
    ADD COLUMN verified_phone    varchar(20),
    ADD COLUMN phone_verified_at timestamptz,
    ADD CONSTRAINT chk_stores_verified_phone
        CHECK (verified_phone IS NULL OR (verified_phone ~ '^[0-9]{9,11}$' AND phone_verified_at IS NOT NULL));
