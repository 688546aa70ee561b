package httpserver

import (
	"encoding/json"
	"net/http"

	"tongban/sync/protocol"
)

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with the protocol error in err, or a generic internal
// error (the details go to the log, which holds no personal data: store
// errors name ids, never field values).
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := protocol.CodeOf(err)
	var e *protocol.Error
	if pe, ok := asProtocol(err); ok {
		e = pe
	} else {
		s.log.Error("request failed", "route", routeOf(r), "err", err.Error())
		e = protocol.Errorf(protocol.EINTERNAL, "internal error", "平台内部错误，请稍后重试")
	}
	writeJSON(w, protocol.HTTPStatus(code), protocol.ErrorBody{Error: e})
}

func asProtocol(err error) (*protocol.Error, bool) {
	for err != nil {
		if e, ok := err.(*protocol.Error); ok {
			return e, true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return nil, false
		}
		err = u.Unwrap()
	}
	return nil, false
}
