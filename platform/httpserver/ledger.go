package httpserver

import (
	"net/http"
	"strconv"
	"time"

	"tongban/platform"
	"tongban/sync/protocol"
)

// LedgerResponse is the body of GET /v1/admin/ledger.
type LedgerResponse struct {
	From   string               `json:"from"` // YYYY-MM-DD, inclusive (CST)
	To     string               `json:"to"`   // YYYY-MM-DD, exclusive (CST)
	Hall   string               `json:"hall,omitempty"`
	Rows   []platform.LedgerRow `json:"rows"`
	Totals platform.LedgerRow   `json:"totals"`
}

// DefaultLedgerRange is the ledger's default view: the current month and
// the eleven before it, to tomorrow (CST).
func DefaultLedgerRange(now time.Time) (from, to time.Time) {
	n := now.In(platform.CST)
	to = time.Date(n.Year(), n.Month(), n.Day()+1, 0, 0, 0, 0, platform.CST)
	from = time.Date(n.Year(), n.Month()-11, 1, 0, 0, 0, 0, platform.CST)
	return from, to
}

// ParseLedgerRange reads from/to (YYYY-MM-DD, CST; to exclusive), either
// may be empty for the default.
func ParseLedgerRange(fromS, toS string, now time.Time) (from, to time.Time, err error) {
	from, to = DefaultLedgerRange(now)
	if fromS != "" {
		if from, err = time.ParseInLocation("2006-01-02", fromS, platform.CST); err != nil {
			return from, to, protocol.Invalid("from", "from must be YYYY-MM-DD", "起始日期格式应为 YYYY-MM-DD")
		}
	}
	if toS != "" {
		if to, err = time.ParseInLocation("2006-01-02", toS, platform.CST); err != nil {
			return from, to, protocol.Invalid("to", "to must be YYYY-MM-DD", "截止日期格式应为 YYYY-MM-DD")
		}
	}
	if !to.After(from) || to.Sub(from) > 10*366*24*time.Hour {
		return from, to, protocol.Invalid("to", "to must be after from, at most 10 years", "截止日期须晚于起始日期，跨度不超过10年")
	}
	return from, to, nil
}

// LedgerTotals sums rows; the average handling time is weighted by the
// completed cases, the average satisfaction by the ratings.
func LedgerTotals(rows []platform.LedgerRow) platform.LedgerRow {
	var t platform.LedgerRow
	var hours, levels float64
	for _, r := range rows {
		t.Rated += r.Rated
		t.BadRatings += r.BadRatings
		t.BadFollowedUp += r.BadFollowedUp
		levels += r.AvgSatisfaction * float64(r.Rated)
		t.Received += r.Received
		t.Accepted += r.Accepted
		t.Refused += r.Refused
		t.Completed += r.Completed
		t.InProgress += r.InProgress
		t.Overdue += r.Overdue
		hours += r.AvgHandlingHours * float64(r.Completed)
	}
	if t.Completed > 0 {
		t.AvgHandlingHours = hours / float64(t.Completed)
	}
	if t.Rated > 0 {
		t.AvgSatisfaction = levels / float64(t.Rated)
	}
	return t
}

// errAdmin is the answer to a missing or wrong admin credential.
var errAdmin = protocol.Errorf(protocol.EUNAUTHORIZED, "platform admin credential required",
	"需要平台管理员账户（用户名和密码）")

// adminOnly admits HTTP Basic credentials of an enabled platform account
// with the admin role. Failures are slowed down per client like the query
// page's.
func (s *Server) adminOnly(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		user, pw, ok := r.BasicAuth()
		if !ok {
			w.Header().Set("WWW-Authenticate", `Basic realm="tongban-platform-admin", charset="UTF-8"`)
			s.writeError(w, r, errAdmin)
			return
		}
		now := s.now()
		key := "admin-" + clientKey(r)
		wait, err := s.store.Admit(r.Context(), []platform.ThrottleLimit{{Key: key, Burst: 20, Every: 3 * time.Second}}, now)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			writeJSON(w, http.StatusTooManyRequests, protocol.ErrorBody{Error: protocol.Errorf(protocol.EFORBIDDEN,
				"too many attempts", "尝试过于频繁，请稍后再试")})
			return
		}
		a, err := s.store.AccountByUsername(r.Context(), user)
		ok = err == nil && !a.Disabled && a.Role == "admin" && platform.VerifyPassword(a.PasswordHash, pw)
		if !ok {
			s.metrics.authFailures.WithLabelValues("admin").Inc()
			_ = s.store.Penalize(r.Context(), []string{key}, now)
			w.Header().Set("WWW-Authenticate", `Basic realm="tongban-platform-admin", charset="UTF-8"`)
			s.writeError(w, r, errAdmin)
			return
		}
		next(w, r)
	}
}

// ledger serves GET /v1/admin/ledger?from=&to=&hall=.
func (s *Server) ledger(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, to, err := ParseLedgerRange(q.Get("from"), q.Get("to"), s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	hall := q.Get("hall")
	if hall != "" && !protocol.ValidPlaceCode(hall) {
		s.writeError(w, r, protocol.Invalid("hall", "hall must be a place code", "服务大厅编码格式不正确"))
		return
	}
	rows, err := s.store.Ledger(r.Context(), platform.LedgerQuery{From: from, To: to, Hall: hall, Now: s.now()})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, LedgerResponse{From: from.Format("2006-01-02"), To: to.Format("2006-01-02"),
		Hall: hall, Rows: rows, Totals: LedgerTotals(rows)})
}

// loopRoutes registers the public query page and the admin ledger.
func (s *Server) loopRoutes() {
	s.handle("GET /q/{number}", public, s.queryForm)
	s.handle("POST /q/{number}", public, s.queryCheck)
	s.handle("GET /v1/admin/ledger", public, s.adminOnly(s.ledger))
}
