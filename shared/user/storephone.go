package user

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
)

// SetVerifiedStorePhone records phone (digits) as the store's own line,
// proved by an SMS code (shared/phoneverify): the one number the event
// channels that act on a phone line (RINGOBIZ) accept. A later proof of
// another number replaces it.
func (s *Service) SetVerifiedStorePhone(ctx context.Context, storeID uuid.UUID, phone string) (Store, error) {
	tag, err := s.db.Exec(ctx, `UPDATE users.stores SET verified_phone = $2, phone_verified_at = $3, updated_at = $3 WHERE id = $1`,
		storeID, phone, s.now())
	if err != nil {
		return Store{}, fmt.Errorf("user: store phone: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return Store{}, apperr.New(apperr.NotFound, CodeNotFound, "no such store")
	}
	return s.StoreByID(ctx, storeID)
}
