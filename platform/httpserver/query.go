package httpserver

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"tongban/platform"
)

// Limits of the public query page. Buckets are rows in the database, so
// every node shares them (see docs/loop-platform.md).
var (
	queryPerIP   = platform.ThrottleLimit{Burst: 10, Every: 30 * time.Second} // 10 at once, then 2 a minute
	queryPerCase = platform.ThrottleLimit{Burst: 5, Every: 10 * time.Minute}  // 5 at once, then 6 an hour
)

const (
	msgMismatch  = "信息不匹配：请核对办件编号和证件号码后4位"
	msgBadCode   = "请输入申请人身份证件号码后4位（数字或字母X）"
	msgThrottled = "查询过于频繁，请 %d 秒后再试"
)

// dummyCaseID is verified against when no case matches, so that an
// unknown number costs what a wrong code costs.
const dummyCaseID = "00000000-0000-7000-8000-000000000000"

// validCaseNumber accepts official and provisional numbers: letters,
// digits and dashes, at most 64 characters.
func validCaseNumber(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// validCode is 4 characters, digits or X.
func validCode(c string) bool {
	if len(c) != 4 {
		return false
	}
	for _, r := range c {
		if !(r >= '0' && r <= '9' || r == 'X') {
			return false
		}
	}
	return true
}

// pageHeaders are set on every answer of the page: never cached, never
// framed, no script, forms post only back here.
func pageHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
}

func (s *Server) renderPage(w http.ResponseWriter, status int, d pageData) {
	var b bytes.Buffer
	if err := queryPage.Execute(&b, d); err != nil {
		s.log.Error("render query page", "err", err.Error())
		status = http.StatusInternalServerError
		b.Reset()
		b.WriteString("平台内部错误，请稍后重试")
	}
	pageHeaders(w)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.WriteHeader(status)
	_, _ = w.Write(b.Bytes())
}

// queryForm serves GET /q/{number}: the form, whatever the number (the page
// never tells whether a case exists).
func (s *Server) queryForm(w http.ResponseWriter, r *http.Request) {
	n := r.PathValue("number")
	if !validCaseNumber(n) {
		s.renderPage(w, http.StatusNotFound, pageData{Number: "—", Message: msgMismatch})
		return
	}
	s.renderPage(w, http.StatusOK, pageData{Number: n})
}

// sameOrigin is the page's CSRF check without cookies: a browser sends
// Origin (or Sec-Fetch-Site) on a cross-site POST, and that is refused.
// Clients that send neither (curl) are not browsers and carry no victim's
// state: the page has no session to abuse.
func sameOrigin(r *http.Request) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		return false
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && o != "null" && strings.EqualFold(u.Host, r.Host)
}

// clientKey is the throttle key of the caller: its IP address, or its /64
// for IPv6 (one subscriber). The platform sits behind no trusted proxy
// here; behind one, the proxy's address would be every client's.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	if ip == nil {
		return "ip:" + host
	}
	if ip.To4() == nil {
		return "ip:" + ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
	}
	return "ip:" + ip.String()
}

// queryCheck serves POST /q/{number}. A wrong code and an unknown number
// take the same path (a verifier is computed and compared either way, the
// failure is recorded on both keys) and get the same page.
func (s *Server) queryCheck(w http.ResponseWriter, r *http.Request) {
	n := r.PathValue("number")
	if !sameOrigin(r) {
		s.renderPage(w, http.StatusForbidden, pageData{Number: "—", Message: "请从办件查询页面提交"})
		return
	}
	if !validCaseNumber(n) {
		s.renderPage(w, http.StatusNotFound, pageData{Number: "—", Message: msgMismatch})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1024)
	if err := r.ParseForm(); err != nil {
		s.renderPage(w, http.StatusBadRequest, pageData{Number: n, Message: msgBadCode})
		return
	}
	code := platform.NormalizeLast4(r.PostForm.Get("code"))
	if !validCode(code) {
		s.renderPage(w, http.StatusOK, pageData{Number: n, Message: msgBadCode})
		return
	}
	ctx := r.Context()
	now := s.now()
	ipLim, caseLim := queryPerIP, queryPerCase
	ipLim.Key, caseLim.Key = clientKey(r), "case:"+strings.ToUpper(n)
	wait, err := s.store.Admit(ctx, []platform.ThrottleLimit{ipLim, caseLim}, now)
	if err != nil {
		s.failPage(w, n, err)
		return
	}
	if wait > 0 {
		s.metrics.authFailures.WithLabelValues("query_throttled").Inc()
		secs := int((wait + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		s.renderPage(w, http.StatusTooManyRequests, pageData{Number: n, Message: fmt.Sprintf(msgThrottled, secs)})
		return
	}
	p, ok, err := s.verifyCase(ctx, n, code)
	if err != nil {
		s.failPage(w, n, err)
		return
	}
	if !ok {
		s.metrics.authFailures.WithLabelValues("query_mismatch").Inc()
		if err := s.store.Penalize(ctx, []string{ipLim.Key, caseLim.Key}, now); err != nil {
			s.failPage(w, n, err)
			return
		}
		s.renderPage(w, http.StatusOK, pageData{Number: n, Message: msgMismatch})
		return
	}
	s.renderPage(w, http.StatusOK, pageData{Number: n, Progress: s.progressView(ctx, p, now)})
}

func (s *Server) failPage(w http.ResponseWriter, n string, err error) {
	s.log.Error("query page", "err", err.Error())
	s.renderPage(w, http.StatusServiceUnavailable, pageData{Number: n, Message: "系统繁忙，请稍后再试"})
}

// verifyCase finds the case whose number is n and whose applicant's ID
// number ends in code.
func (s *Server) verifyCase(ctx context.Context, n, code string) (platform.Progress, bool, error) {
	ps, err := s.store.LookupProgress(ctx, n)
	if err != nil {
		return platform.Progress{}, false, err
	}
	key, err := s.store.LookupKey(ctx)
	if err != nil {
		return platform.Progress{}, false, err
	}
	if len(ps) == 0 {
		platform.CheckVerifier(key, dummyCaseID, code, platform.Verifier(key, dummyCaseID, "----"))
		return platform.Progress{}, false, nil
	}
	for _, p := range ps {
		if platform.CheckVerifier(key, p.CaseID, code, p.Verifier) {
			return p, true, nil
		}
	}
	return platform.Progress{}, false, nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(platform.CST).Format("2006-01-02")
}

// progressView turns a case's progress into steps and dates, the masked
// name and place names: nothing else personal.
func (s *Server) progressView(ctx context.Context, p platform.Progress, now time.Time) *progressView {
	v := &progressView{Name: p.MaskedName, Matter: p.MatterName, Mode: p.Mode, Scope: p.Scope,
		Hall: s.placeName(ctx, p.Hall), Place: s.placeName(ctx, p.HandlingPlace)}
	if v.Name == "" {
		v.Name = "（未登记）"
	}
	if v.Matter == "" {
		v.Matter = p.MatterCode
	}
	if p.Scope == platform.ScopeLocal {
		v.Scope = ""
	}
	if p.Tasks > 1 {
		v.Place = fmt.Sprintf("%s 等 %d 个办理地（已办结 %d 个）", v.Place, p.Tasks, p.TasksDone)
	}
	step := func(label, status string, t time.Time) {
		v.Steps = append(v.Steps, stepView{Label: label, Date: day(t), status: status})
	}
	step("收件", "已收件，待受理", p.ReceivedAt)
	switch {
	case !p.RefusedAt.IsZero():
		step("不予受理", "不予受理（书面告知书已交申请人）", p.RefusedAt)
	default:
		step("受理", "已受理", p.AcceptedAt)
		if p.HandlingPlace != p.Hall || !p.DispatchedAt.IsZero() {
			step("寄递 / 流转", "已寄递 / 流转至办理地", p.DispatchedAt)
			step("办理地签收", "办理地已签收，办理中", p.HandlerReceivedAt)
		}
		if !p.SentBackAt.IsZero() {
			step("退回收件地（办理地不予办理）", "已退回收件地：办理地不予办理，请联系收件窗口", p.SentBackAt)
			if p.Decision != platform.DecisionRefuse {
				v.Steps[len(v.Steps)-1].status = "已重新寄递 / 流转至办理地"
			}
		}
		switch {
		case p.Decision == platform.DecisionRefuse && !p.HandledAt.IsZero():
			step("办结（不予办理）", "已办结：办理地决定不予办理", p.HandledAt)
		case p.Tasks > 1:
			step("办结（各办理地均已办结）", "已办结", p.HandledAt)
		default:
			step("办结", "已办结", p.HandledAt)
		}
		if !p.ResultReceivedAt.IsZero() {
			step("收件地签收寄回的办理结果", "办理结果已寄回收件地，待领取", p.ResultReceivedAt)
		}
		step("结果送达", "已结果送达", p.DeliveredAt)
		if !p.ClosedAt.IsZero() {
			step("归档", "已归档", p.ClosedAt)
		}
	}
	if !p.WithdrawnAt.IsZero() {
		step("申请人撤回", "已撤回", p.WithdrawnAt)
	}
	// The status is that of the latest step done.
	v.Status = "已收件，待受理"
	for i := len(v.Steps) - 1; i >= 0; i-- {
		if v.Steps[i].Date != "" {
			v.Status = v.Steps[i].status
			break
		}
	}
	if p.HandledAt.IsZero() && p.RefusedAt.IsZero() && p.WithdrawnAt.IsZero() && p.SentBackAt.IsZero() {
		v.Due = day(p.DueAt)
		if !p.DueAt.IsZero() && p.DueAt.Before(now) {
			v.Status += "（已超过承诺时限）"
		}
	}
	return v
}

func (s *Server) placeName(ctx context.Context, code string) string {
	pl, err := s.store.Place(ctx, code)
	if err != nil {
		return ""
	}
	return pl.Name
}
