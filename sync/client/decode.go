package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"tongban/sync/protocol"
)

// decodeInto decodes one JSON value (no trailing data) from an answer
// into out (a pointer). Unknown fields are ignored (a newer platform).
func decodeInto(b []byte, out any) error {
	if len(b) > protocol.MaxBodyBytes {
		return errors.New("answer too large")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("decode answer: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after the answer")
	}
	return nil
}

// decodeError turns a failed answer into a *protocol.Error: the platform's
// own when the body is one, else one made from the status.
func decodeError(status int, b []byte) *protocol.Error {
	var body protocol.ErrorBody
	if err := decodeInto(b, &body); err == nil && body.Error != nil && body.Error.Code != "" && len(body.Error.Code) <= 32 {
		e := *body.Error
		if e.Zh == "" {
			e.Zh = zhForCode(e.Code)
		}
		return &e
	}
	code := protocol.CodeForStatus(status)
	if status == 460 {
		code = ECHECKSUM
	}
	return &protocol.Error{Code: code, Message: fmt.Sprintf("platform answered %d", status), Zh: zhForCode(code)}
}

// ECHECKSUM is tus' 460: the uploaded bytes do not match their SHA-256.
const ECHECKSUM = "ECHECKSUM"

func zhForCode(code string) string {
	switch code {
	case protocol.EUNAUTHORIZED:
		return "设备凭据无效或已被吊销，请重新注册设备"
	case protocol.EFORBIDDEN:
		return "无权访问该办件"
	case protocol.ENOTFOUND:
		return "平台上没有该记录"
	case protocol.ECONFLICT:
		return "与平台上已有记录冲突"
	case protocol.ETOOLARGE:
		return "上传内容过大"
	case protocol.ECURSOR:
		return "同步位置已失效，正在重新同步"
	case protocol.EINVALID:
		return "平台拒绝了格式不正确的内容"
	case ECHECKSUM:
		return "扫描件校验值不一致，将重新上传"
	}
	return "省级平台暂时无法处理，稍后自动重试"
}

// retryable reports whether a request may succeed later unchanged: the
// network, a cut answer, a server failure.
func retryable(err error) bool {
	if errors.Is(err, ErrOffline) {
		return true
	}
	var pe *protocol.Error
	if errors.As(err, &pe) {
		return pe.Code == protocol.EINTERNAL
	}
	return false
}

func validateEnroll(r protocol.EnrollResponse) error {
	if !protocol.ValidUUIDv7(r.DeviceID) || len(r.Token) < 16 || len(r.Token) > 512 || !protocol.ValidPlaceCode(r.Hall) {
		return &protocol.Error{Code: protocol.EINVALID, Message: "enrollment answer incomplete", Zh: "平台返回的注册信息不完整"}
	}
	return nil
}

// validatePush checks that the answer has one result per item, in order.
// Anything else is treated like a cut answer: the push is sent again, which
// is safe because the platform inserts idempotently.
func validatePush(req protocol.PushRequest, resp protocol.PushResponse) error {
	if len(resp.Cases) != len(req.Cases) || len(resp.Actions) != len(req.Actions) {
		return fmt.Errorf("push answer has %d+%d results for %d+%d items",
			len(resp.Cases), len(resp.Actions), len(req.Cases), len(req.Actions))
	}
	for i, r := range resp.Cases {
		if err := validateResult(r, req.Cases[i].ID); err != nil {
			return err
		}
	}
	for i, r := range resp.Actions {
		if err := validateResult(r, req.Actions[i].ID); err != nil {
			return err
		}
	}
	return nil
}

func validateResult(r protocol.ItemResult, id string) error {
	if r.ID != id {
		return fmt.Errorf("push result for %q where %q was expected", r.ID, id)
	}
	switch r.Status {
	case protocol.StatusCreated, protocol.StatusDuplicate:
		if r.ReceivedAt != "" {
			if _, err := time.Parse(time.RFC3339Nano, r.ReceivedAt); err != nil {
				return fmt.Errorf("push result %s: bad receivedAt", id)
			}
		}
	case protocol.StatusConflict, protocol.StatusRejected:
		if r.Error == nil {
			return fmt.Errorf("push result %s: %s without error", id, r.Status)
		}
	default:
		return fmt.Errorf("push result %s: unknown status %q", id, r.Status)
	}
	return nil
}

// validatePull checks a batch before it is applied: ids well formed, the
// actions in seq order, a cursor present.
func validatePull(p protocol.PullResponse) error {
	if p.Cursor == "" || len(p.Cursor) > 1024 {
		return errors.New("pull answer without a usable cursor")
	}
	if len(p.Cases)+len(p.Actions) > 2*protocol.MaxPullLimit {
		return errors.New("pull answer larger than the protocol allows")
	}
	for _, c := range p.Cases {
		if !protocol.ValidUUIDv7(c.ID) {
			return fmt.Errorf("pulled case with bad id %q", c.ID)
		}
	}
	var last int64
	for _, a := range p.Actions {
		if !protocol.ValidUUIDv7(a.ID) || !protocol.ValidUUIDv7(a.CaseID) || a.Kind == "" || a.CaseVersion < 1 {
			return fmt.Errorf("pulled action %q is malformed", a.ID)
		}
		if a.Seq <= last {
			return fmt.Errorf("pulled actions out of order at seq %d", a.Seq)
		}
		last = a.Seq
	}
	return nil
}
