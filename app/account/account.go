package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"tongban/app/errs"
	"tongban/app/store"
)

// Lockout policy (docs/api.md): 5 consecutive wrong passwords lock the
// account for 15 minutes.
const (
	MaxFailures = 5
	LockFor     = 15 * time.Minute
)

// Sources of accounts.
const (
	SourceLocal    = "local"
	SourcePlatform = "platform"
)

// User is an account as the UI sees it (never the hash).
type User struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"displayName"`
	Role        Role       `json:"role"`
	RoleLabel   string     `json:"roleLabel"`
	Source      string     `json:"source"`
	Disabled    bool       `json:"disabled"`
	Locked      bool       `json:"locked"`
	LockedUntil *time.Time `json:"lockedUntil,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	LastLoginAt *time.Time `json:"lastLoginAt,omitempty"`
}

// NewUser is what Add needs.
type NewUser struct {
	Username    string
	DisplayName string
	Role        Role
	Password    string
}

// Authenticator checks credentials. The local Service implements it; a
// platform-backed one can replace or wrap it later without the app changing.
type Authenticator interface {
	Authenticate(ctx context.Context, username, password string) (User, error)
}

// Directory is the read side the app needs besides authentication.
type Directory interface {
	NeedsSetup(ctx context.Context) (bool, error)
	Get(ctx context.Context, username string) (User, error)
	List(ctx context.Context) ([]User, error)
}

var (
	_ Authenticator = (*Service)(nil)
	_ Directory     = (*Service)(nil)
)

// LockedError carries the unlock time of an ELOCKED error; find it with
// errors.As.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return "account locked until " + e.Until.UTC().Format(time.RFC3339)
}

// Service keeps accounts in the workstation store.
type Service struct {
	db     *store.DB
	now    func() time.Time
	log    *slog.Logger
	params Params

	dummyOnce sync.Once
	dummy     string // hash verified for unknown users, to even out timing
}

// Option changes a Service's defaults.
type Option func(*Service)

// WithParams sets the argon2id parameters for new hashes (tests use small ones).
func WithParams(p Params) Option { return func(s *Service) { s.params = p } }

// New returns a Service over db. now is the clock (time.Now in production);
// log receives authentication events (never a password).
func New(db *store.DB, now func() time.Time, log *slog.Logger, opts ...Option) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{db: db, now: now, log: log, params: DefaultParams}
	for _, o := range opts {
		o(s)
	}
	return s
}

type actorKey struct{}

// WithActor records who performs account changes made with ctx (the
// logged-in admin's username, or "tongbanctl").
func WithActor(ctx context.Context, username string) context.Context {
	return context.WithValue(ctx, actorKey{}, username)
}

func actor(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}

func errUnauthorized() error {
	return errs.New(errs.EUNAUTHORIZED, "wrong username or password", "用户名或密码错误")
}

func notFound(username string) error {
	e := errs.New(errs.ENOTFOUND, fmt.Sprintf("user %q not found", username), fmt.Sprintf("用户 %s 不存在", username))
	e.Field = "username"
	return e
}

func (s *Service) lockedErr(until time.Time) error {
	loc := s.now().Location()
	return errs.Wrap(&LockedError{Until: until}, errs.ELOCKED,
		fmt.Sprintf("account locked after %d wrong passwords", MaxFailures),
		fmt.Sprintf("连续输错密码 %d 次，账户已锁定，请于 %s 后再试，或请管理员重置密码",
			MaxFailures, until.In(loc).Format("2006-01-02 15:04")))
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTS(s sql.NullString) *time.Time {
	if !s.Valid || s.String == "" {
		return nil
	}
	t, err := time.Parse(time.RFC3339Nano, s.String)
	if err != nil {
		return nil
	}
	return &t
}

// row is a users row with its secrets, internal to the package.
type row struct {
	User
	hash     string
	failed   int
	lockedTS sql.NullString
}

const userCols = `id, username, display_name, role, source, disabled, created_at, last_login_at,
	password_hash, failed_count, locked_until`

type scanner interface{ Scan(...any) error }

func (s *Service) scan(sc scanner) (row, error) {
	var r row
	var created string
	var last sql.NullString
	err := sc.Scan(&r.ID, &r.Username, &r.DisplayName, &r.Role, &r.Source, &r.Disabled, &created, &last,
		&r.hash, &r.failed, &r.lockedTS)
	if err != nil {
		return r, err
	}
	if t, err := time.Parse(time.RFC3339Nano, created); err == nil {
		r.CreatedAt = t
	}
	r.LastLoginAt = parseTS(last)
	r.RoleLabel = r.Role.Label()
	if until := parseTS(r.lockedTS); until != nil && until.After(s.now()) {
		r.Locked, r.LockedUntil = true, until
	}
	return r, nil
}

func (s *Service) getRow(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, username string) (row, error) {
	r, err := s.scan(q.QueryRowContext(ctx, "SELECT "+userCols+" FROM users WHERE username = ?", username))
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound(username)
	}
	if err != nil {
		return r, fmt.Errorf("get user: %w", err)
	}
	return r, nil
}

func (s *Service) audit(ctx context.Context, tx *sql.Tx, username string, userID int64, event, detail string) error {
	var uid any
	if userID != 0 {
		uid = userID
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO auth_log(at, username, user_id, event, actor, detail) VALUES (?, ?, ?, ?, ?, ?)",
		ts(s.now()), username, uid, event, actor(ctx), detail)
	if err != nil {
		return fmt.Errorf("write auth log: %w", err)
	}
	return nil
}

// NeedsSetup reports whether no account exists yet (first start).
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	var n int
	if err := s.db.Writer().QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
		return false, fmt.Errorf("count users: %w", err)
	}
	return n == 0, nil
}

// Setup creates the first administrator. It is refused (ECONFLICT) once any
// account exists: there is no default password.
func (s *Service) Setup(ctx context.Context, username, displayName, password string) (User, error) {
	u, err := s.create(ctx, NewUser{Username: username, DisplayName: displayName, Role: RoleAdmin, Password: password}, true)
	if err != nil {
		return User{}, err
	}
	s.log.Info("account setup: first admin created", "user", u.Username)
	return u, nil
}

// Add creates an account. The caller checks that the actor is an admin.
func (s *Service) Add(ctx context.Context, nu NewUser) (User, error) {
	u, err := s.create(ctx, nu, false)
	if err != nil {
		return User{}, err
	}
	s.log.Info("account added", "user", u.Username, "role", string(u.Role), "actor", actor(ctx))
	return u, nil
}

func (s *Service) create(ctx context.Context, nu NewUser, setup bool) (User, error) {
	username := NormalizeUsername(nu.Username)
	displayName := strings.TrimSpace(nu.DisplayName)
	if err := CheckUsername(username); err != nil {
		return User{}, err
	}
	if err := CheckDisplayName(displayName); err != nil {
		return User{}, err
	}
	if !nu.Role.Valid() {
		return User{}, errs.Invalid("role", fmt.Sprintf("unknown role %q", nu.Role), "角色无效")
	}
	if err := CheckPassword(username, nu.Password); err != nil {
		return User{}, err
	}
	hash, err := Hash(nu.Password, s.params)
	if err != nil {
		return User{}, fmt.Errorf("hash password: %w", err)
	}
	now := ts(s.now())
	var id int64
	err = s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE username = ?", username).Scan(&n); err != nil {
			return fmt.Errorf("check username: %w", err)
		}
		if n > 0 {
			e := errs.New(errs.ECONFLICT, fmt.Sprintf("user %q already exists", username), fmt.Sprintf("用户名 %s 已存在", username))
			e.Field = "username"
			return e
		}
		if setup {
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users").Scan(&n); err != nil {
				return fmt.Errorf("count users: %w", err)
			}
			if n > 0 {
				return errs.New(errs.ECONFLICT, "setup already done: accounts exist", "本机已完成初始设置，请使用已有账户登录")
			}
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO users(username, display_name, role, password_hash, source,
			created_at, updated_at, password_changed_at) VALUES (?, ?, ?, ?, 'local', ?, ?, ?)`,
			username, displayName, string(nu.Role), hash, now, now, now)
		if err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		if id, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("insert user: %w", err)
		}
		event := "user_added"
		if setup {
			event = "setup"
		}
		return s.audit(ctx, tx, username, id, event, "role="+string(nu.Role))
	})
	if err != nil {
		return User{}, err
	}
	return s.Get(ctx, username)
}

// Get returns one account (ENOTFOUND if absent).
func (s *Service) Get(ctx context.Context, username string) (User, error) {
	r, err := s.getRow(ctx, s.db.Writer(), NormalizeUsername(username))
	return r.User, err
}

// List returns every account ordered by username.
func (s *Service) List(ctx context.Context) ([]User, error) {
	rows, err := s.db.Writer().QueryContext(ctx, "SELECT "+userCols+" FROM users ORDER BY username")
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	defer rows.Close()
	users := []User{}
	for rows.Next() {
		r, err := s.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("scan user: %w", err)
		}
		users = append(users, r.User)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// SetDisabled disables or re-enables an account. Disabling the last enabled
// administrator is refused (ECONFLICT): nobody could manage the workstation.
func (s *Service) SetDisabled(ctx context.Context, username string, disabled bool) (User, error) {
	username = NormalizeUsername(username)
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		r, err := s.getRow(ctx, tx, username)
		if err != nil {
			return err
		}
		if disabled && r.Role == RoleAdmin && !r.Disabled {
			var admins int
			if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM users WHERE role = 'admin' AND disabled = 0").Scan(&admins); err != nil {
				return fmt.Errorf("count admins: %w", err)
			}
			if admins <= 1 {
				return errs.New(errs.ECONFLICT, "cannot disable the last enabled admin", "不能停用唯一可用的管理员账户")
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?", disabled, ts(s.now()), r.ID); err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		event := "user_enabled"
		if disabled {
			event = "user_disabled"
		}
		return s.audit(ctx, tx, username, r.ID, event, "")
	})
	if err != nil {
		return User{}, err
	}
	s.log.Info("account disabled changed", "user", username, "disabled", disabled, "actor", actor(ctx))
	return s.Get(ctx, username)
}

// Authenticate checks a username and password. Unknown user and wrong
// password give the same EUNAUTHORIZED error; each failure is counted, and
// the MaxFailures-th locks the account for LockFor (ELOCKED, naming the
// unlock time). A disabled account is refused (EFORBIDDEN) only after a
// correct password, so its existence is not revealed.
func (s *Service) Authenticate(ctx context.Context, username, password string) (User, error) {
	username = NormalizeUsername(username)
	r, err := s.getRow(ctx, s.db.Writer(), username)
	if errs.Code(err) == errs.ENOTFOUND {
		s.verifyDummy(password)
		s.log.Warn("login failed: unknown user", "user", username)
		_ = s.db.WriteTx(ctx, func(tx *sql.Tx) error { return s.audit(ctx, tx, username, 0, "login_failed", "unknown user") })
		return User{}, errUnauthorized()
	}
	if err != nil {
		return User{}, err
	}
	if r.Locked {
		s.log.Warn("login refused: account locked", "user", username, "until", r.LockedUntil.UTC().Format(time.RFC3339))
		_ = s.db.WriteTx(ctx, func(tx *sql.Tx) error { return s.audit(ctx, tx, username, r.ID, "refused_locked", "") })
		return User{}, s.lockedErr(*r.LockedUntil)
	}
	ok, rehash, verr := Verify(r.hash, password, s.params)
	if verr != nil {
		// A damaged or empty hash (e.g. a platform account never cached)
		// must not open the door: it counts as a failure.
		s.log.Error("stored password hash unusable", "user", username, "err", verr)
	}
	if !ok {
		return User{}, s.fail(ctx, r)
	}
	if r.Disabled {
		s.log.Warn("login refused: account disabled", "user", username)
		_ = s.db.WriteTx(ctx, func(tx *sql.Tx) error { return s.audit(ctx, tx, username, r.ID, "refused_disabled", "") })
		return User{}, errs.New(errs.EFORBIDDEN, "account disabled", "该账户已停用，请联系管理员")
	}
	var newHash string
	if rehash {
		if h, err := Hash(password, s.params); err == nil {
			newHash = h
		}
	}
	now := s.now()
	err = s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET failed_count = 0, locked_until = NULL, last_login_at = ?,
			password_hash = CASE WHEN ? <> '' THEN ? ELSE password_hash END WHERE id = ?`,
			ts(now), newHash, newHash, r.ID)
		if err != nil {
			return fmt.Errorf("record login: %w", err)
		}
		return s.audit(ctx, tx, username, r.ID, "login_ok", "")
	})
	if err != nil {
		return User{}, err
	}
	s.log.Info("login", "user", username, "role", string(r.Role))
	u := r.User
	u.LastLoginAt = &now
	return u, nil
}

// fail counts a wrong password for r and locks the account at MaxFailures.
func (s *Service) fail(ctx context.Context, r row) error {
	now := s.now()
	var count int
	var until time.Time
	err := s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "UPDATE users SET failed_count = failed_count + 1 WHERE id = ? RETURNING failed_count", r.ID).Scan(&count)
		if err != nil {
			return fmt.Errorf("count failure: %w", err)
		}
		if count < MaxFailures {
			return s.audit(ctx, tx, r.Username, r.ID, "login_failed", fmt.Sprintf("failures=%d", count))
		}
		until = now.Add(LockFor)
		if _, err := tx.ExecContext(ctx, "UPDATE users SET failed_count = 0, locked_until = ? WHERE id = ?", ts(until), r.ID); err != nil {
			return fmt.Errorf("lock account: %w", err)
		}
		return s.audit(ctx, tx, r.Username, r.ID, "locked", fmt.Sprintf("failures=%d until=%s", count, ts(until)))
	})
	if err != nil {
		return err
	}
	if count >= MaxFailures {
		s.log.Warn("login failed: account locked", "user", r.Username, "failures", count, "until", until.UTC().Format(time.RFC3339))
		return s.lockedErr(until)
	}
	s.log.Warn("login failed: wrong password", "user", r.Username, "failures", count)
	return errUnauthorized()
}

func (s *Service) verifyDummy(password string) {
	s.dummyOnce.Do(func() {
		s.dummy, _ = Hash("tongban-dummy-password-1", s.params)
	})
	_, _, _ = Verify(s.dummy, password, s.params)
}

// ChangePassword changes a user's own password after checking the old one
// (a wrong old password counts towards the lockout like a failed login).
func (s *Service) ChangePassword(ctx context.Context, username, oldPassword, newPassword string) error {
	username = NormalizeUsername(username)
	if err := CheckPassword(username, newPassword); err != nil {
		return err
	}
	if _, err := s.Authenticate(ctx, username, oldPassword); err != nil {
		if errs.Code(err) == errs.EUNAUTHORIZED {
			e := errs.New(errs.EUNAUTHORIZED, "old password is wrong", "原密码错误")
			e.Field = "oldPassword"
			return e
		}
		return err
	}
	if oldPassword == newPassword {
		return errs.Invalid("newPassword", "new password equals the old one", "新密码不能与原密码相同")
	}
	return s.setPassword(ctx, username, newPassword, "password_changed")
}

// SetPassword sets a new password without the old one (an admin resetting
// a forgotten password); it also clears a lockout.
func (s *Service) SetPassword(ctx context.Context, username, newPassword string) error {
	username = NormalizeUsername(username)
	if err := CheckPassword(username, newPassword); err != nil {
		return err
	}
	return s.setPassword(ctx, username, newPassword, "password_reset")
}

func (s *Service) setPassword(ctx context.Context, username, password, event string) error {
	hash, err := Hash(password, s.params)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	err = s.db.WriteTx(ctx, func(tx *sql.Tx) error {
		r, err := s.getRow(ctx, tx, username)
		if err != nil {
			return err
		}
		now := ts(s.now())
		_, err = tx.ExecContext(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?,
			failed_count = 0, locked_until = NULL WHERE id = ?`, hash, now, now, r.ID)
		if err != nil {
			return fmt.Errorf("update password: %w", err)
		}
		return s.audit(ctx, tx, username, r.ID, event, "")
	})
	if err != nil {
		return err
	}
	s.log.Info("password changed", "user", username, "event", event, "actor", actor(ctx))
	return nil
}
