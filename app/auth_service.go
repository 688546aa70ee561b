package app

import (
	"context"

	"tongban/app/account"
)

// AuthStatus is what the UI needs to choose between setup, login, the lock
// screen and the workstation.
type AuthStatus struct {
	NeedsSetup      bool          `json:"needsSetup"`
	User            *account.User `json:"user,omitempty"`
	Locked          bool          `json:"locked"`
	IdleLockMinutes int           `json:"idleLockMinutes"`
}

// AuthService signs users in and out, locks the screen and manages accounts.
type AuthService struct {
	w *Workstation
}

func (s *AuthService) accounts() (*account.Service, error) {
	if _, err := s.w.ready(); err != nil {
		return nil, err
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return s.w.accounts, nil
}

// Status reports whether setup is needed and who is signed in.
func (s *AuthService) Status() (AuthStatus, error) {
	w := s.w
	w.mu.RLock()
	idle := w.settings.IdleLockMinutes
	w.mu.RUnlock()
	st := AuthStatus{IdleLockMinutes: idle}
	acc, err := s.accounts()
	if err != nil {
		return st, toAPI(w.log, "auth.status", err)
	}
	need, err := acc.NeedsSetup(context.Background())
	if err != nil {
		return st, toAPI(w.log, "auth.status", err)
	}
	st.NeedsSetup = need
	st.User, st.Locked = w.session.get()
	return st, nil
}

// Setup creates the first administrator and signs them in. It works only
// while no account exists.
func (s *AuthService) Setup(username, displayName, password string) (*account.User, error) {
	acc, err := s.accounts()
	if err != nil {
		return nil, toAPI(s.w.log, "auth.setup", err)
	}
	u, err := acc.Setup(context.Background(), username, displayName, password)
	if err != nil {
		return nil, toAPI(s.w.log, "auth.setup", err)
	}
	s.w.session.set(&u)
	return &u, nil
}

// Login checks the password and signs the user in.
func (s *AuthService) Login(username, password string) (*account.User, error) {
	acc, err := s.accounts()
	if err != nil {
		return nil, toAPI(s.w.log, "auth.login", err)
	}
	u, err := acc.Authenticate(context.Background(), username, password)
	if err != nil {
		return nil, toAPI(s.w.log, "auth.login", err)
	}
	s.w.session.set(&u)
	return &u, nil
}

// Logout signs the current user out.
func (s *AuthService) Logout() {
	s.w.session.set(nil)
}

// Lock locks the screen (idle timeout or the user's choice).
func (s *AuthService) Lock() {
	s.w.session.lock()
}

// Unlock re-checks the signed-in user's password and unlocks the screen.
// Failures count towards the lockout like failed logins.
func (s *AuthService) Unlock(password string) (*account.User, error) {
	cur, _ := s.w.session.get()
	if cur == nil {
		return nil, toAPI(s.w.log, "auth.unlock", errNotSignedIn)
	}
	return s.Login(cur.Username, password)
}

// ChangePassword changes the signed-in user's password.
func (s *AuthService) ChangePassword(oldPassword, newPassword string) error {
	u, err := s.w.session.require()
	if err != nil {
		return toAPI(s.w.log, "auth.password", err)
	}
	acc, err := s.accounts()
	if err != nil {
		return toAPI(s.w.log, "auth.password", err)
	}
	return toAPI(s.w.log, "auth.password", acc.ChangePassword(context.Background(), u.Username, oldPassword, newPassword))
}

// ListUsers lists every account (admin).
func (s *AuthService) ListUsers() ([]account.User, error) {
	acc, err := s.admin()
	if err != nil {
		return nil, toAPI(s.w.log, "auth.users", err)
	}
	users, err := acc.List(context.Background())
	if err != nil {
		return nil, toAPI(s.w.log, "auth.users", err)
	}
	return users, nil
}

// AddUser creates an account (admin).
func (s *AuthService) AddUser(username, displayName string, role account.Role, password string) (*account.User, error) {
	acc, err := s.admin()
	if err != nil {
		return nil, toAPI(s.w.log, "auth.add", err)
	}
	u, err := acc.Add(context.Background(), account.NewUser{Username: username, DisplayName: displayName, Role: role, Password: password})
	if err != nil {
		return nil, toAPI(s.w.log, "auth.add", err)
	}
	return &u, nil
}

// SetDisabled disables or re-enables an account (admin). An admin cannot
// disable themself.
func (s *AuthService) SetDisabled(username string, disabled bool) (*account.User, error) {
	acc, err := s.admin()
	if err != nil {
		return nil, toAPI(s.w.log, "auth.disable", err)
	}
	if cur, _ := s.w.session.get(); disabled && cur != nil && cur.Username == username {
		return nil, toAPI(s.w.log, "auth.disable", errSelfDisable)
	}
	u, err := acc.SetDisabled(context.Background(), username, disabled)
	if err != nil {
		return nil, toAPI(s.w.log, "auth.disable", err)
	}
	return &u, nil
}

func (s *AuthService) admin() (*account.Service, error) {
	if _, err := s.w.session.require(account.RoleAdmin); err != nil {
		return nil, err
	}
	return s.accounts()
}
