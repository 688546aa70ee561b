package httpserver

import (
	"errors"
	"net/http"
	"strconv"

	"tongban/platform"
	"tongban/sync/protocol"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	if err := s.store.Ping(r.Context()); err != nil {
		s.log.Warn("health: database unreachable", "err", err.Error())
		writeJSON(w, http.StatusServiceUnavailable, protocol.Health{Status: "degraded", DB: "unreachable"})
		return
	}
	writeJSON(w, http.StatusOK, protocol.Health{Status: "ok", DB: "ok"})
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	req, err := protocol.Decode[protocol.EnrollRequest](r.Body, 4096)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	code := platform.NormalizeEnrollCode(req.Code)
	if code == "" || len(code) > 64 || req.DeviceName == "" || len(req.DeviceName) > 128 {
		s.writeError(w, r, protocol.Invalid("code", "code and deviceName are required", "请填写注册码和设备名称"))
		return
	}
	token := platform.NewToken()
	d, err := s.store.Enroll(r.Context(), platform.HashSecret(code), platform.Device{ID: newDeviceID(), Name: req.DeviceName},
		platform.HashSecret(token), s.now())
	if err != nil {
		s.metrics.authFailures.WithLabelValues("enroll").Inc()
		s.writeError(w, r, err)
		return
	}
	place, err := s.store.Place(r.Context(), d.Hall)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pid, err := s.store.PlatformID(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("device enrolled", "device", d.ID, "hall", d.Hall)
	writeJSON(w, http.StatusCreated, protocol.EnrollResponse{DeviceID: d.ID, Token: token, Hall: d.Hall,
		HallName: place.Name, PlatformID: pid})
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) {
	d, _ := deviceOf(r.Context())
	place, err := s.store.Place(r.Context(), d.Hall)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	pid, err := s.store.PlatformID(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.Me{DeviceID: d.ID, DeviceName: d.Name, Hall: d.Hall, HallName: place.Name,
		PlatformID: pid, ServerTime: s.now().UTC()})
}

func (s *Server) places(w http.ResponseWriter, r *http.Request) {
	ps, err := s.store.Places(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.PlacesResponse{Places: ps})
}

func (s *Server) accounts(w http.ResponseWriter, r *http.Request) {
	d, _ := deviceOf(r.Context())
	as, err := s.store.Accounts(r.Context(), d.Hall)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, protocol.AccountsResponse{Accounts: as})
}

// catalog answers the latest version, or 204 when ?after= is already it.
func (s *Server) catalog(w http.ResponseWriter, r *http.Request) {
	after := 0
	if v := r.URL.Query().Get("after"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.writeError(w, r, protocol.Invalid("after", "after must be a version number", "目录版本号无效"))
			return
		}
		after = n
	}
	cv, err := s.store.LatestCatalog(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if cv.Version <= after {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, cv)
}

func (s *Server) push(w http.ResponseWriter, r *http.Request) {
	d, _ := deviceOf(r.Context())
	req, err := protocol.DecodePush(r.Body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	resp, err := s.store.Push(r.Context(), d, req, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.countItems("case", resp.Cases)
	s.countItems("action", resp.Actions)
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) countItems(kind string, rs []protocol.ItemResult) {
	for _, r := range rs {
		s.metrics.pushItems.WithLabelValues(kind, r.Status).Inc()
	}
}

// putAction stores one action idempotently: 201 created, 200 replay (the
// stored result), 409 the same id with a different content.
func (s *Server) putAction(w http.ResponseWriter, r *http.Request) {
	d, _ := deviceOf(r.Context())
	a, err := protocol.Decode[protocol.Action](r.Body, protocol.MaxPayloadBytes+64<<10)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if a.ID != r.PathValue("id") || a.CaseID != r.PathValue("caseId") {
		s.writeError(w, r, protocol.Invalid("id", "ids in the path and the body differ", "路径与内容中的标识不一致"))
		return
	}
	resp, err := s.store.Push(r.Context(), d, protocol.PushRequest{Actions: []protocol.Action{a}}, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.countItems("action", resp.Actions)
	res := resp.Actions[0]
	switch res.Status {
	case protocol.StatusCreated:
		writeJSON(w, http.StatusCreated, res)
	case protocol.StatusDuplicate:
		writeJSON(w, http.StatusOK, res)
	default:
		s.writeError(w, r, res.Error)
	}
}

func (s *Server) getCase(w http.ResponseWriter, r *http.Request) {
	d, _ := deviceOf(r.Context())
	id := r.PathValue("id")
	if !protocol.ValidUUIDv7(id) {
		s.writeError(w, r, protocol.Invalid("id", "case id must be a UUIDv7", "办件标识无效"))
		return
	}
	c, actions, err := s.store.Case(r.Context(), d, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseResponse{Case: c, Actions: actions})
}

// caseResponse is the body of GET /v1/cases/{id}.
type caseResponse struct {
	Case    protocol.StoredCase     `json:"case"`
	Actions []protocol.StoredAction `json:"actions"`
}

// pull answers the next batch after the cursor. With ?wait=N (seconds) an
// empty batch is held until something arrives in the device's scope or
// the wait ends (longpoll.go).
func (s *Server) pull(w http.ResponseWriter, r *http.Request) {
	d, _ := deviceOf(r.Context())
	q := r.URL.Query()
	limit := protocol.DefaultPull
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > protocol.MaxPullLimit {
			s.writeError(w, r, protocol.Invalid("limit", "limit must be 1..1000", "每批数量无效"))
			return
		}
		limit = n
	}
	wait, err := parseWait(q.Get("wait"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	epoch, err := s.store.Epoch(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	after, err := decodeCursor(q.Get("cursor"), epoch, d.Hall)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.store.Pull(r.Context(), d, after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if b.Upto < after { // a cursor from the future: the database went back in time
		s.writeError(w, r, errCursor)
		return
	}
	if wait > 0 && len(b.Cases) == 0 && len(b.Actions) == 0 && !b.More {
		var ok bool
		if b, ok = s.waitPull(w, r, d, after, limit, b, wait); !ok {
			return
		}
	}
	writeJSON(w, http.StatusOK, protocol.PullResponse{Cases: b.Cases, Actions: b.Actions, More: b.More,
		Cursor: encodeCursor(cursor{Epoch: epoch, Hall: d.Hall, Seq: b.Upto})})
}

func (s *Server) reserveNumbers(w http.ResponseWriter, r *http.Request) {
	d, _ := deviceOf(r.Context())
	req, err := protocol.Decode[protocol.NumberBlockRequest](r.Body, 4096)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	b, err := s.store.ReserveNumbers(r.Context(), d, req.Count, s.now())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, b)
}

// getBlob serves a verified scan to a device whose scope references it
// (Range requests work, so a download resumes too). HEAD tells whether
// the platform has it.
func (s *Server) getBlob(w http.ResponseWriter, r *http.Request) {
	d, _ := deviceOf(r.Context())
	sha := r.PathValue("sha256")
	if !protocol.ValidSHA256(sha) {
		s.writeError(w, r, protocol.Invalid("sha256", "not a lowercase sha256", "文件校验值无效"))
		return
	}
	ok, err := s.store.BlobVisible(r.Context(), d, sha)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !ok {
		s.writeError(w, r, platform.ErrNotFound)
		return
	}
	h, err := parseHash(sha)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f, err := s.cfg.Blobs.Open(h)
	if errors.Is(err, errBlobNotFound) {
		s.writeError(w, r, platform.ErrNotFound)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer f.Close()
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("ETag", `"`+sha+`"`)
	http.ServeContent(w, r, "", s.now(), f)
}
