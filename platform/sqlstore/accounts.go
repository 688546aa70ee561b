package sqlstore

import (
	"context"
	"fmt"

	"tongban/platform"
	"tongban/sync/protocol"
)

// PutAccount creates or updates a platform-issued account.
func (s *Store) PutAccount(ctx context.Context, a platform.Account) error {
	if a.Username == "" || !protocol.ValidRole(a.Role) || a.Role == "system" || a.PasswordHash == "" {
		return protocol.Invalid("username", "account needs a username, a role and a password hash", "账户需要用户名、角色和密码")
	}
	if _, err := s.Place(ctx, a.Hall); err != nil {
		return fmt.Errorf("account hall %s: %w", a.Hall, err)
	}
	disabled := 0
	if a.Disabled {
		disabled = 1
	}
	_, err := s.exec(ctx, s.db, `INSERT INTO accounts (username, display_name, role, hall, password_hash, disabled, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name, role = excluded.role,
			hall = excluded.hall, password_hash = excluded.password_hash, disabled = excluded.disabled,
			updated_at = excluded.updated_at`,
		a.Username, a.DisplayName, a.Role, a.Hall, a.PasswordHash, disabled, us(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("put account: %w", err)
	}
	return nil
}

// Accounts implements platform.Store.
func (s *Store) Accounts(ctx context.Context, hall string) ([]platform.Account, error) {
	rows, err := s.query(ctx, s.db, `SELECT username, display_name, role, hall, password_hash, disabled, updated_at
		FROM accounts WHERE hall = ? ORDER BY username`, hall)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	defer rows.Close()
	out := []platform.Account{}
	for rows.Next() {
		var a platform.Account
		var disabled int
		var updated int64
		if err := rows.Scan(&a.Username, &a.DisplayName, &a.Role, &a.Hall, &a.PasswordHash, &disabled, &updated); err != nil {
			return nil, fmt.Errorf("list accounts: %w", err)
		}
		a.Disabled, a.UpdatedAt = disabled != 0, fromUS(updated)
		out = append(out, a)
	}
	return out, rows.Err()
}
