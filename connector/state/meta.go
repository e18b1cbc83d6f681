package state

import (
	"context"
	"database/sql"
	"fmt"
)

// StateID is the random id drawn when this state file was created (12 hex
// digits). Idempotency keys carry it: a state file deleted and created again (a
// CSM starting an onboarding over) never reuses a key the shop has seen.
func (s *Store) StateID(ctx context.Context) (string, error) {
	var id string
	err := s.read(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'state_id'`).Scan(&id)
	})
	if err != nil {
		return "", fmt.Errorf("read the state id of %s: %w", s.path, err)
	}
	return id, nil
}
