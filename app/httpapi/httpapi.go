// Package httpapi serves the workstation's bound services over HTTP, the
// same methods the Wails window calls, so a browser can drive the real UI
// against the real Go services (end-to-end tests, demos without a desktop).
//
// POST /api/<Service>/<Method> with a JSON array of arguments returns the
// method's result as JSON, or {"error": {...}} with a status from the code.
// Everything else is served from the built frontend.
package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"reflect"
	"strings"
)

// maxBody bounds a request body; the UI sends small argument lists.
const maxBody = 8 << 20

var errorType = reflect.TypeFor[error]()

// Handler routes API calls to bound services by reflection.
type Handler struct {
	services map[string]reflect.Value
	static   http.Handler
}

// New returns a Handler calling the given services (keyed by the name the
// UI uses, e.g. "CatalogService") and serving static files from frontend.
func New(services map[string]any, frontend fs.FS) *Handler {
	h := &Handler{services: map[string]reflect.Value{}, static: http.FileServerFS(frontend)}
	for name, s := range services {
		h.services[name] = reflect.ValueOf(s)
	}
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok {
		w.Header().Set("Cache-Control", "no-cache")
		h.static.ServeHTTP(w, r)
		return
	}
	if r.Method != http.MethodPost {
		writeError(w, http.StatusMethodNotAllowed, "EINVALID", "use POST", "请求方法错误")
		return
	}
	svcName, methodName, ok := strings.Cut(rest, "/")
	svc, found := h.services[svcName]
	if !ok || !found {
		writeError(w, http.StatusNotFound, "ENOTFOUND", "no such service "+svcName, "接口不存在")
		return
	}
	m := svc.MethodByName(methodName)
	if !m.IsValid() {
		writeError(w, http.StatusNotFound, "ENOTFOUND", "no such method "+rest, "接口不存在")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil || len(body) > maxBody {
		writeError(w, http.StatusBadRequest, "EINVALID", "request body unreadable or too large", "请求内容过大或无法读取")
		return
	}
	args, err := decodeArgs(m.Type(), body)
	if err != nil {
		writeError(w, http.StatusBadRequest, "EINVALID", err.Error(), "请求参数格式错误")
		return
	}
	out := m.Call(args)
	result, callErr := splitResults(m.Type(), out)
	if callErr != nil {
		writeCallError(w, callErr)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if err := json.NewEncoder(w).Encode(result); err != nil {
		return // client went away; nothing more to tell it
	}
}

// decodeArgs decodes a JSON array into the method's parameter types. Missing
// trailing arguments take their zero value, as in Wails.
func decodeArgs(t reflect.Type, body []byte) ([]reflect.Value, error) {
	var raw []json.RawMessage
	if len(bytes.TrimSpace(body)) > 0 {
		if err := json.Unmarshal(body, &raw); err != nil {
			return nil, fmt.Errorf("arguments must be a JSON array: %w", err)
		}
	}
	if len(raw) > t.NumIn() {
		return nil, fmt.Errorf("got %d arguments, want %d", len(raw), t.NumIn())
	}
	args := make([]reflect.Value, t.NumIn())
	for i := range args {
		p := reflect.New(t.In(i))
		if i < len(raw) {
			if err := json.Unmarshal(raw[i], p.Interface()); err != nil {
				return nil, fmt.Errorf("argument %d: %w", i+1, err)
			}
		}
		args[i] = p.Elem()
	}
	return args, nil
}

func splitResults(t reflect.Type, out []reflect.Value) (any, error) {
	var result any
	for i, v := range out {
		if t.Out(i) == errorType {
			if !v.IsNil() {
				return nil, v.Interface().(error)
			}
			continue
		}
		result = v.Interface()
	}
	return result, nil
}

// apiError is the subset of app.APIError this package needs; it is
// decoded from the error's JSON form so this package does not import app.
type apiError struct {
	Code string `json:"code"`
}

func writeCallError(w http.ResponseWriter, err error) {
	var body json.RawMessage
	var ae apiError
	msg := err.Error()
	if json.Unmarshal([]byte(msg), &ae) == nil && ae.Code != "" {
		body = json.RawMessage(msg)
	} else {
		b, _ := json.Marshal(map[string]string{"code": "EINTERNAL", "message": msg, "zh": "系统内部错误，请联系管理员（详情已写入日志）"})
		body = b
		ae.Code = "EINTERNAL"
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(Status(ae.Code))
	_ = json.NewEncoder(w).Encode(map[string]json.RawMessage{"error": body})
}

func writeError(w http.ResponseWriter, status int, code, message, zh string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]map[string]string{"error": {"code": code, "message": message, "zh": zh}})
}

// Status maps an error code to an HTTP status (docs/api.md).
func Status(code string) int {
	switch code {
	case "EINVALID":
		return http.StatusBadRequest
	case "EUNAUTHORIZED":
		return http.StatusUnauthorized
	case "EFORBIDDEN":
		return http.StatusForbidden
	case "ENOTFOUND":
		return http.StatusNotFound
	case "ECONFLICT":
		return http.StatusConflict
	case "ELOCKED":
		return http.StatusLocked
	case "EOFFLINE", "ECORRUPT":
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
