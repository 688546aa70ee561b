package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
	"unicode/utf8"
)

// Decode reads one JSON value of type T from r (at most limit bytes) and
// refuses trailing data. Unknown fields are ignored so that newer clients
// can talk to older servers.
func Decode[T any](r io.Reader, limit int64) (T, error) {
	var v T
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return v, Errorf(EINVALID, "read body: "+err.Error(), "请求内容读取失败")
	}
	if int64(len(b)) > limit {
		return v, Errorf(ETOOLARGE, fmt.Sprintf("body larger than %d bytes", limit), "请求内容过大")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&v); err != nil {
		return v, Errorf(EINVALID, "decode json: "+err.Error(), "请求内容格式错误")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return v, Errorf(EINVALID, "trailing data after json value", "请求内容格式错误")
	}
	return v, nil
}

// DecodePush decodes and validates a push request.
func DecodePush(r io.Reader) (PushRequest, error) {
	req, err := Decode[PushRequest](r, MaxBodyBytes)
	if err != nil {
		return req, err
	}
	return req, req.Validate()
}

// Validate checks the shape of the whole request (not per item: an invalid
// item is rejected alone, see ValidateCase and ValidateAction).
func (p PushRequest) Validate() error {
	if n := len(p.Cases) + len(p.Actions); n > MaxPushItems {
		return Errorf(ETOOLARGE, fmt.Sprintf("%d items in one push, at most %d", n, MaxPushItems), "单次上传条目过多")
	}
	return nil
}

// ValidateCase checks one case record.
func ValidateCase(c Case) *Error {
	switch {
	case !ValidUUIDv7(c.ID):
		return Invalid("id", "case id must be a UUIDv7", "办件标识无效")
	case !ValidPlaceCode(c.Hall):
		return Invalid("hall", "hall must be a place code", "收件地代码无效")
	case !ValidPlaceCode(c.HandlingPlace):
		return Invalid("handlingPlace", "handling place must be a place code", "办理地代码无效")
	case len(c.Places) > MaxCasePlaces:
		return Invalid("places", fmt.Sprintf("at most %d further handling places", MaxCasePlaces), "联办地点过多")
	case !validPlaces(c.HandlingPlace, c.Places):
		return Invalid("places", "places must be distinct place codes other than handlingPlace", "联办地点代码无效或重复")
	case !ValidUUIDv7(c.DeviceID):
		return Invalid("deviceId", "device id must be a UUIDv7", "设备标识无效")
	case !shortText(c.MatterCode, 64) || c.MatterCode == "":
		return Invalid("matterCode", "matter code missing or too long", "事项编码无效")
	case !shortText(c.Mode, 32):
		return Invalid("mode", "mode too long", "通办模式无效")
	case !shortText(c.ProvisionalNumber, 64):
		return Invalid("provisionalNumber", "provisional number too long", "临时编号无效")
	case c.CreatedAt.IsZero():
		return Invalid("createdAt", "createdAt missing", "收件时间缺失")
	}
	return rawJSON("data", c.Data)
}

// ValidateAction checks one action.
func ValidateAction(a Action) *Error {
	switch {
	case !ValidUUIDv7(a.ID):
		return Invalid("id", "action id must be a UUIDv7", "操作标识无效")
	case !ValidUUIDv7(a.CaseID):
		return Invalid("caseId", "case id must be a UUIDv7", "办件标识无效")
	case a.Kind == "" || !shortText(a.Kind, 64):
		return Invalid("kind", "kind missing or too long", "操作类型无效")
	case a.Kind == KindOfficialNumber:
		return Invalid("kind", "official numbers are assigned by the platform", "受理编号只能由平台赋予")
	case a.Actor == "" || !shortText(a.Actor, 64):
		return Invalid("actor", "actor missing or too long", "操作人无效")
	case !ValidRole(a.Role) || a.Role == "system":
		return Invalid("role", "unknown role", "角色无效")
	case !ValidUUIDv7(a.DeviceID):
		return Invalid("deviceId", "device id must be a UUIDv7", "设备标识无效")
	case !ValidPlaceCode(a.Hall):
		return Invalid("hall", "hall must be a place code", "所在地代码无效")
	case a.DeviceTime.IsZero():
		return Invalid("deviceTime", "deviceTime missing", "操作时间缺失")
	case a.BasedOnVersion < 0:
		return Invalid("basedOnVersion", "negative version", "办件版本无效")
	case len(a.Attachments) > MaxAttachments:
		return Invalid("attachments", "too many attachments", "附件过多")
	}
	for _, at := range a.Attachments {
		if !ValidSHA256(at.SHA256) || at.Size < 0 {
			return Invalid("attachments", "attachment needs a lowercase sha256 and a size", "附件校验值无效")
		}
	}
	return rawJSON("payload", a.Payload)
}

// MaxCasePlaces is how many further handling places a case may name.
const MaxCasePlaces = 10

// validPlaces reports whether every place is a place code, none repeated and
// none equal to the case's handling place.
func validPlaces(first string, places []string) bool {
	for i, p := range places {
		if !ValidPlaceCode(p) || p == first {
			return false
		}
		for _, q := range places[:i] {
			if q == p {
				return false
			}
		}
	}
	return true
}

func shortText(s string, max int) bool { return len(s) <= max && utf8.ValidString(s) }

func rawJSON(field string, b json.RawMessage) *Error {
	if len(b) > MaxPayloadBytes {
		return Invalid(field, "too large", "内容过大")
	}
	if len(b) > 0 && !json.Valid(b) {
		return Invalid(field, "not json", "内容格式错误")
	}
	return nil
}

// FormatTime is how times travel inside strings (RFC 3339, UTC, nanoseconds).
func FormatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
