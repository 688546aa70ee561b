package app

import (
	"slices"
	"sync"

	"tongban/app/account"
	"tongban/app/errs"
)

// session is the user signed in at this workstation's window. A locked
// session keeps its user but refuses every call until Unlock.
type session struct {
	mu     sync.Mutex
	user   *account.User
	locked bool
}

func (s *session) set(u *account.User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.user, s.locked = u, false
}

func (s *session) get() (*account.User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.user, s.locked
}

func (s *session) lock() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user != nil {
		s.locked = true
	}
}

// require returns the signed-in, unlocked user when their role is one of
// roles (any role when none are given).
func (s *session) require(roles ...account.Role) (*account.User, error) {
	u, locked := s.get()
	if u == nil {
		return nil, errs.New(errs.EUNAUTHORIZED, "not signed in", "请先登录")
	}
	if locked {
		return nil, errs.New(errs.ELOCKED, "screen is locked", "屏幕已锁定，请输入密码解锁")
	}
	if len(roles) > 0 && !slices.Contains(roles, u.Role) {
		return nil, errs.New(errs.EFORBIDDEN, "role "+string(u.Role)+" may not do this", "您的角色无权执行此操作")
	}
	return u, nil
}

var (
	errNotSignedIn = errs.New(errs.EUNAUTHORIZED, "not signed in", "请先登录")
	errSelfDisable = errs.New(errs.ECONFLICT, "an admin cannot disable their own account", "不能停用当前登录的管理员账号")
)
