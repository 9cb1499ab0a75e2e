package user

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/postgres"
)

const userColumns = `u.id, s.id, u.name, u.email, u.phone_number, u.password_hash, u.role, u.status,
	u.version, u.failed_logins, u.locked_until, s.name, s.industry, s.address, s.business_hours, s.verified_phone`

func scanUser(row pgx.Row) (userRow, error) {
	var u userRow
	err := row.Scan(&u.ID, &u.StoreID, &u.Name, &u.Email, &u.Phone, &u.PasswordHash, &u.Role, &u.Status,
		&u.Version, &u.FailedLogins, &u.LockedUntil, &u.StoreName, &u.Industry, &u.Address, &u.BusinessHours, &u.VerifiedPhone)
	return u, err
}

// getUser loads a user with their store; lock takes row locks for an update
// (q must then be a transaction).
func getUser(ctx context.Context, q postgres.Querier, where string, arg any, lock bool) (userRow, error) {
	sql := `SELECT ` + userColumns + ` FROM users.users u JOIN users.stores s ON s.user_id = u.id WHERE ` + where
	if lock {
		sql += ` FOR UPDATE OF u, s`
	}
	u, err := scanUser(q.QueryRow(ctx, sql, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return userRow{}, apperr.New(apperr.NotFound, CodeNotFound, "no such user")
	}
	if err != nil {
		return userRow{}, fmt.Errorf("user: load: %w", err)
	}
	return u, nil
}

// uniqueConflict turns a unique violation on email or phone into its code.
func uniqueConflict(err error) error {
	switch postgres.ConstraintName(err) {
	case "uk_users_email":
		return apperr.Wrap(err, apperr.Conflict, CodeDuplicateEmail, "this email is already registered")
	case "uk_users_phone_number":
		return apperr.Wrap(err, apperr.Conflict, CodeDuplicatePhone, "this phone number is already registered")
	}
	return err
}

func insertUser(ctx context.Context, tx pgx.Tx, in RegisterInput, hash string, now time.Time) (userRow, error) {
	u := userRow{ID: uuid.New(), StoreID: uuid.New(), Name: in.Name, Email: in.Email, Phone: in.PhoneNumber, Role: RoleOwner,
		Status: StatusActive, Version: 1, StoreName: in.StoreName, Industry: in.Industry, Address: in.Address, BusinessHours: in.BusinessHours}
	_, err := tx.Exec(ctx, `INSERT INTO users.users (id, name, phone_number, email, password_hash, role, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, u.ID, u.Name, u.Phone, u.Email, hash, u.Role, u.Status, now)
	if err != nil {
		return userRow{}, uniqueConflict(fmt.Errorf("user: insert: %w", err))
	}
	_, err = tx.Exec(ctx, `INSERT INTO users.stores (id, user_id, name, industry, address, business_hours, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7)`, u.StoreID, u.ID, u.StoreName, u.Industry, u.Address, u.BusinessHours, now)
	if err != nil {
		return userRow{}, fmt.Errorf("user: insert store: %w", err)
	}
	return u, nil
}

// createSession starts a session with its first refresh token.
func createSession(ctx context.Context, tx pgx.Tx, userID uuid.UUID, now time.Time, ttl time.Duration) (uuid.UUID, string, error) {
	sid := uuid.New()
	if _, err := tx.Exec(ctx, `INSERT INTO users.sessions (id, user_id, created_at, expires_at, last_used_at) VALUES ($1, $2, $3, $4, $3)`,
		sid, userID, now, now.Add(ttl)); err != nil {
		return uuid.Nil, "", fmt.Errorf("user: create session: %w", err)
	}
	token, err := addRefreshToken(ctx, tx, sid, now)
	return sid, token, err
}

func addRefreshToken(ctx context.Context, tx pgx.Tx, sid uuid.UUID, now time.Time) (string, error) {
	token, hash := newRefreshToken()
	if _, err := tx.Exec(ctx, `INSERT INTO users.refresh_tokens (token_hash, session_id, created_at) VALUES ($1, $2, $3)`, hash, sid, now); err != nil {
		return "", fmt.Errorf("user: store refresh token: %w", err)
	}
	return token, nil
}

// revokeSessions marks sessions revoked and returns their ids.
func revokeSessions(ctx context.Context, tx pgx.Tx, where string, args []any, reason string, now time.Time) ([]uuid.UUID, error) {
	rows, err := tx.Query(ctx, `UPDATE users.sessions SET revoked_at = $1, revoke_reason = $2
		WHERE revoked_at IS NULL AND `+where+` RETURNING id`, append([]any{now, reason}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("user: revoke sessions: %w", err)
	}
	return pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
}
