package account_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/app/account"
	"tongban/app/errs"
	"tongban/app/store"
)

// fastParams keep tests quick; production uses account.DefaultParams.
var fastParams = account.Params{Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

type fixture struct {
	svc   *account.Service
	db    *store.DB
	clock *clock
	logs  *bytes.Buffer
}

func newFixture(t *testing.T, opts ...account.Option) *fixture {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "tongban.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	c := &clock{t: time.Date(2024, 5, 6, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))}
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	opts = append([]account.Option{account.WithParams(fastParams)}, opts...)
	return &fixture{svc: account.New(db, c.now, log, opts...), db: db, clock: c, logs: &buf}
}

func (f *fixture) setup(t *testing.T) {
	t.Helper()
	_, err := f.svc.Setup(context.Background(), "admin", "系统管理员", "Admin2024")
	require.NoError(t, err)
}

func TestRoles(t *testing.T) {
	want := map[account.Role]string{"clerk": "窗口人员", "supervisor": "审核人员", "field_agent": "村级代办员",
		"handler": "办理地业务人员", "admin": "管理员"}
	require.Len(t, account.Roles(), len(want))
	for _, r := range account.Roles() {
		if got := r.Label(); got != want[r] {
			t.Errorf("%s.Label() = %q, want %q", r, got, want[r])
		}
		require.True(t, r.Valid())
	}
	require.False(t, account.Role("root").Valid())
}

func TestSetupOnlyOnce(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	need, err := f.svc.NeedsSetup(ctx)
	require.NoError(t, err)
	require.True(t, need)

	_, err = f.svc.Setup(ctx, "admin", "管理员", "short1")
	require.Equal(t, errs.EINVALID, errs.Code(err))

	u, err := f.svc.Setup(ctx, " Admin ", "系统管理员", "Admin2024")
	require.NoError(t, err)
	if got, want := u.Role, account.RoleAdmin; got != want {
		t.Fatalf("role = %q, want %q", got, want)
	}
	if got, want := u.Username, "admin"; got != want {
		t.Fatalf("username = %q, want %q", got, want)
	}
	need, err = f.svc.NeedsSetup(ctx)
	require.NoError(t, err)
	require.False(t, need)

	_, err = f.svc.Setup(ctx, "admin2", "另一个", "Admin2024")
	require.Equal(t, errs.ECONFLICT, errs.Code(err))
}

func TestAuthenticateLockout(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.setup(t)
	const secret = "Wrong9Secret"

	_, errUnknown := f.svc.Authenticate(ctx, "nobody", secret)
	require.Equal(t, errs.EUNAUTHORIZED, errs.Code(errUnknown))
	for i := 1; i < account.MaxFailures; i++ {
		_, err := f.svc.Authenticate(ctx, "admin", secret)
		require.Equal(t, errs.EUNAUTHORIZED, errs.Code(err), "failure %d", i)
		if got, want := errs.Zh(err), errs.Zh(errUnknown); got != want {
			t.Fatalf("wrong password message %q differs from unknown user %q", got, want)
		}
	}
	_, err := f.svc.Authenticate(ctx, "admin", secret)
	require.Equal(t, errs.ELOCKED, errs.Code(err))
	var le *account.LockedError
	require.True(t, errors.As(err, &le))
	if got, want := le.Until, f.clock.now().Add(15*time.Minute); !got.Equal(want) {
		t.Fatalf("locked until %v, want %v", got, want)
	}
	require.Contains(t, errs.Zh(err), "2024-05-06 09:45")

	// Locked: even the right password is refused.
	_, err = f.svc.Authenticate(ctx, "admin", "Admin2024")
	require.Equal(t, errs.ELOCKED, errs.Code(err))
	u, err := f.svc.Get(ctx, "admin")
	require.NoError(t, err)
	require.True(t, u.Locked)

	f.clock.add(15*time.Minute + time.Second)
	u, err = f.svc.Authenticate(ctx, "ADMIN", "Admin2024")
	require.NoError(t, err)
	require.NotNil(t, u.LastLoginAt)
	require.False(t, u.Locked)

	// The counter restarted after the success: 4 failures do not lock.
	for i := 1; i < account.MaxFailures; i++ {
		_, err := f.svc.Authenticate(ctx, "admin", secret)
		require.Equal(t, errs.EUNAUTHORIZED, errs.Code(err))
	}

	logs := f.logs.String()
	require.NotContains(t, logs, secret, "password leaked into the log")
	require.NotContains(t, logs, "Admin2024", "password leaked into the log")
	require.Contains(t, logs, "account locked")

	var n int
	require.NoError(t, f.db.Reader().QueryRow("SELECT count(*) FROM auth_log WHERE event = 'locked'").Scan(&n))
	if got, want := n, 1; got != want {
		t.Fatalf("locked events = %d, want %d", got, want)
	}
	require.NoError(t, f.db.Reader().QueryRow("SELECT count(*) FROM auth_log WHERE detail LIKE '%Wrong9%'").Scan(&n))
	require.Zero(t, n, "password in auth_log")
}

func TestConcurrentFailuresAllCounted(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.setup(t)
	var wg sync.WaitGroup
	for i := 0; i < account.MaxFailures; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f.svc.Authenticate(ctx, "admin", "nope12345")
		}()
	}
	wg.Wait()
	u, err := f.svc.Get(ctx, "admin")
	require.NoError(t, err)
	require.True(t, u.Locked, "5 concurrent failures must lock the account")
}

func TestDisabledUser(t *testing.T) {
	f := newFixture(t)
	ctx := account.WithActor(context.Background(), "admin")
	f.setup(t)
	_, err := f.svc.Add(ctx, account.NewUser{Username: "zhangsan", DisplayName: "张三", Role: account.RoleClerk, Password: "Clerk2024"})
	require.NoError(t, err)
	u, err := f.svc.SetDisabled(ctx, "zhangsan", true)
	require.NoError(t, err)
	require.True(t, u.Disabled)

	_, err = f.svc.Authenticate(ctx, "zhangsan", "Clerk2024")
	require.Equal(t, errs.EFORBIDDEN, errs.Code(err))
	_, err = f.svc.Authenticate(ctx, "zhangsan", "Wrong2024")
	require.Equal(t, errs.EUNAUTHORIZED, errs.Code(err), "a wrong password must not reveal the account is disabled")

	_, err = f.svc.SetDisabled(ctx, "zhangsan", false)
	require.NoError(t, err)
	_, err = f.svc.Authenticate(ctx, "zhangsan", "Clerk2024")
	require.NoError(t, err)

	_, err = f.svc.SetDisabled(ctx, "admin", true)
	require.Equal(t, errs.ECONFLICT, errs.Code(err), "last admin must stay enabled")
	_, err = f.svc.SetDisabled(ctx, "ghost", true)
	require.Equal(t, errs.ENOTFOUND, errs.Code(err))

	var actor string
	require.NoError(t, f.db.Reader().QueryRow("SELECT actor FROM auth_log WHERE event = 'user_disabled'").Scan(&actor))
	require.Equal(t, "admin", actor)
}

func TestAddValidation(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.setup(t)
	tests := []struct {
		name  string
		nu    account.NewUser
		code  string
		field string
	}{
		{"ok", account.NewUser{"li.si", "李四", account.RoleSupervisor, "Super2024"}, "", ""},
		{"duplicate", account.NewUser{"LI.SI", "李四", account.RoleClerk, "Super2024"}, errs.ECONFLICT, "username"},
		{"bad username", account.NewUser{"李四", "李四", account.RoleClerk, "Super2024"}, errs.EINVALID, "username"},
		{"no display name", account.NewUser{"wangwu", "  ", account.RoleClerk, "Super2024"}, errs.EINVALID, "displayName"},
		{"bad role", account.NewUser{"wangwu", "王五", "root", "Super2024"}, errs.EINVALID, "role"},
		{"no digit", account.NewUser{"wangwu", "王五", account.RoleHandler, "abcdefghij"}, errs.EINVALID, "password"},
		{"no letter", account.NewUser{"wangwu", "王五", account.RoleHandler, "1234567890"}, errs.EINVALID, "password"},
		{"too short", account.NewUser{"wangwu", "王五", account.RoleHandler, "ab12"}, errs.EINVALID, "password"},
		{"field agent", account.NewUser{"zhaoliu", "赵六", account.RoleFieldAgent, "Field2024"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Add(ctx, tt.nu)
			if got := errs.Code(err); got != tt.code {
				t.Fatalf("code = %q (%v), want %q", got, err, tt.code)
			}
			var e *errs.Error
			if tt.field != "" && (!errors.As(err, &e) || e.Field != tt.field) {
				t.Fatalf("field of %v, want %q", err, tt.field)
			}
		})
	}
	users, err := f.svc.List(ctx)
	require.NoError(t, err)
	names := []string{}
	for _, u := range users {
		names = append(names, u.Username+":"+u.RoleLabel)
	}
	require.Equal(t, []string{"admin:管理员", "li.si:审核人员", "zhaoliu:村级代办员"}, names)
}

func TestChangeAndResetPassword(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.setup(t)
	err := f.svc.ChangePassword(ctx, "admin", "WrongOld1", "NewPass2025")
	require.Equal(t, errs.EUNAUTHORIZED, errs.Code(err))
	err = f.svc.ChangePassword(ctx, "admin", "Admin2024", "weak")
	require.Equal(t, errs.EINVALID, errs.Code(err))
	require.NoError(t, f.svc.ChangePassword(ctx, "admin", "Admin2024", "NewPass2025"))
	_, err = f.svc.Authenticate(ctx, "admin", "Admin2024")
	require.Equal(t, errs.EUNAUTHORIZED, errs.Code(err))
	_, err = f.svc.Authenticate(ctx, "admin", "NewPass2025")
	require.NoError(t, err)

	for i := 0; i < account.MaxFailures; i++ {
		f.svc.Authenticate(ctx, "admin", "bad1bad1bad")
	}
	u, _ := f.svc.Get(ctx, "admin")
	require.True(t, u.Locked)
	require.NoError(t, f.svc.SetPassword(ctx, "admin", "Reset2025x"))
	_, err = f.svc.Authenticate(ctx, "admin", "Reset2025x")
	require.NoError(t, err, "a reset clears the lockout")
}

func TestRehashOnLogin(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.setup(t)
	stronger := fastParams
	stronger.Time = 2
	svc2 := account.New(f.db, f.clock.now, nil, account.WithParams(stronger))
	_, err := svc2.Authenticate(ctx, "admin", "Admin2024")
	require.NoError(t, err)
	var hash string
	require.NoError(t, f.db.Reader().QueryRow("SELECT password_hash FROM users WHERE username = 'admin'").Scan(&hash))
	require.True(t, strings.Contains(hash, ",t=2,"), "hash not upgraded: %s", hash)
	_, err = f.svc.Authenticate(ctx, "admin", "Admin2024")
	require.NoError(t, err)
}

func TestDamagedHashRefuses(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.setup(t)
	_, err := f.db.Writer().Exec("UPDATE users SET password_hash = '' WHERE username = 'admin'")
	require.NoError(t, err)
	_, err = f.svc.Authenticate(ctx, "admin", "")
	require.Equal(t, errs.EUNAUTHORIZED, errs.Code(err))
}
