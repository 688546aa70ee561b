package client

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"tongban/sync/protocol"
)

// API calls the platform's HTTP endpoints for one device. JSON request
// bodies are gzip-compressed, responses are asked for gzip; every request
// but enrollment carries the device token.
type API struct {
	base  *url.URL
	token string
	hc    *http.Client

	requests atomic.Int64 // requests sent, for the figures and tests
}

// NewAPI returns a client of the platform at baseURL. hc nil means
// http.DefaultClient (tests and the app pass one with timeouts).
func NewAPI(baseURL, token string, hc *http.Client) (*API, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, &protocol.Error{Code: protocol.EINVALID, Field: "platformUrl",
			Message: "platform url must be http(s)://host[:port]", Zh: "平台地址格式不正确，应为 http(s)://主机[:端口]"}
	}
	if hc == nil {
		hc = http.DefaultClient
	}
	return &API{base: u, token: token, hc: hc}, nil
}

// Requests is the number of requests sent so far.
func (a *API) Requests() int64 { return a.requests.Load() }

func (a *API) url(path string) string { return a.base.String() + path }

// ErrOffline wraps transport failures: the platform could not be reached or
// the answer was cut. The loop retries them with backoff.
var ErrOffline = &protocol.Error{Code: "EOFFLINE", Message: "platform unreachable", Zh: "无法连接省级平台，稍后自动重试"}

func offline(err error) error { return fmt.Errorf("%w: %v", ErrOffline, err) }

// doJSON sends body (gzip) and decodes a JSON answer of status want into out.
func (a *API) doJSON(ctx context.Context, method, path string, body any, want int, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		_, _ = zw.Write(b)
		if err := zw.Close(); err != nil {
			return fmt.Errorf("gzip request: %w", err)
		}
		rd = &buf
	}
	req, err := http.NewRequestWithContext(ctx, method, a.url(path), rd)
	if err != nil {
		return fmt.Errorf("build request: %w", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Content-Encoding", "gzip")
	}
	// Asking explicitly turns off Go's transparent decompression, so the
	// inflated size is bounded by our own reader below.
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := a.send(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	rb, err := responseBody(resp)
	if err != nil {
		return offline(err)
	}
	if resp.StatusCode != want {
		return decodeError(resp.StatusCode, rb)
	}
	if out == nil {
		return nil
	}
	if err := decodeInto(rb, out); err != nil {
		return offline(err) // a cut or garbled answer: retry
	}
	return nil
}

func (a *API) send(req *http.Request) (*http.Response, error) {
	if a.token != "" {
		req.Header.Set(protocol.HeaderAuthorization, "Bearer "+a.token)
	}
	a.requests.Add(1)
	resp, err := a.hc.Do(req)
	if err != nil {
		if ctxErr := req.Context().Err(); ctxErr != nil {
			return nil, ctxErr
		}
		return nil, offline(err)
	}
	return resp, nil
}

// responseBody reads a whole (possibly gzip) answer, bounded after inflation.
func responseBody(resp *http.Response) ([]byte, error) {
	var r io.Reader = resp.Body
	if strings.EqualFold(resp.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, fmt.Errorf("gzip answer: %w", err)
		}
		defer zr.Close()
		r = zr
	}
	b, err := io.ReadAll(io.LimitReader(r, protocol.MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read answer: %w", err)
	}
	if len(b) > protocol.MaxBodyBytes {
		return nil, errors.New("answer larger than the protocol allows")
	}
	return b, nil
}

// Enroll exchanges a one-time code for a device credential.
func (a *API) Enroll(ctx context.Context, code, deviceName string) (protocol.EnrollResponse, error) {
	var out protocol.EnrollResponse
	err := a.doJSON(ctx, http.MethodPost, "/v1/enroll", protocol.EnrollRequest{Code: code, DeviceName: deviceName},
		http.StatusCreated, &out)
	if err != nil {
		return out, err
	}
	return out, validateEnroll(out)
}

// Me describes the authenticated device (and the server's clock).
func (a *API) Me(ctx context.Context) (protocol.Me, error) {
	var out protocol.Me
	err := a.doJSON(ctx, http.MethodGet, "/v1/me", nil, http.StatusOK, &out)
	return out, err
}

// Push sends cases and actions and returns one result per item.
func (a *API) Push(ctx context.Context, req protocol.PushRequest) (protocol.PushResponse, error) {
	var out protocol.PushResponse
	if err := a.doJSON(ctx, http.MethodPost, "/v1/push", req, http.StatusOK, &out); err != nil {
		return out, err
	}
	if err := validatePush(req, out); err != nil {
		return out, offline(err)
	}
	return out, nil
}

// Pull fetches the batch after cursor.
func (a *API) Pull(ctx context.Context, cursor string, limit int) (protocol.PullResponse, error) {
	return a.PullWait(ctx, cursor, limit, 0)
}

// PullWait is a long-poll pull: when nothing is new after cursor the
// platform holds the request up to wait (whole seconds, capped by the
// platform at protocol.MaxPullWait) and answers as soon as something in the
// device's scope arrives, or an empty batch when the wait ends. wait 0 is
// Pull. The platform answers 503 (EBUSY) when it holds too many waits.
func (a *API) PullWait(ctx context.Context, cursor string, limit int, wait time.Duration) (protocol.PullResponse, error) {
	q := url.Values{}
	if secs := int(wait / time.Second); secs > 0 {
		q.Set("wait", strconv.Itoa(secs))
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", fmt.Sprint(limit))
	}
	path := "/v1/pull"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var out protocol.PullResponse
	if err := a.doJSON(ctx, http.MethodGet, path, nil, http.StatusOK, &out); err != nil {
		return out, err
	}
	if err := validatePull(out); err != nil {
		return out, offline(err)
	}
	return out, nil
}

// CaseRecord is GET /v1/cases/{id}: the platform's record of a case in the
// device's scope and its whole journal, in case order.
type CaseRecord struct {
	Case    protocol.StoredCase     `json:"case"`
	Actions []protocol.StoredAction `json:"actions"`
}

// Case reads one case of the device's scope from the platform.
func (a *API) Case(ctx context.Context, id string) (CaseRecord, error) {
	var out CaseRecord
	if !protocol.ValidUUIDv7(id) {
		return out, protocol.Invalid("caseId", "case id must be a UUIDv7", "办件标识无效")
	}
	err := a.doJSON(ctx, http.MethodGet, "/v1/cases/"+id, nil, http.StatusOK, &out)
	return out, err
}

// CheckoutHolder folds a case's platform journal the way the platform
// does: the actor of the last check-out the platform granted (not flagged)
// and not released by that actor since, or "".
func CheckoutHolder(actions []protocol.StoredAction) string {
	holder := ""
	for _, a := range actions {
		key := protocol.HolderKey(a.Actor, a.Hall)
		switch {
		case a.Kind == protocol.KindCheckedOut && !a.Flagged:
			holder = key
		case a.Kind == protocol.KindReleased && key == holder:
			holder = ""
		}
	}
	return holder
}
