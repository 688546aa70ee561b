package httpserver

import (
	"encoding/base64"
	"encoding/json"

	"tongban/sync/protocol"
)

// cursor is what an opaque pull cursor holds: the platform epoch (changes
// when the change feed was reset, e.g. a restore), the hall the device
// pulled for, and the last sequence number the device has.
type cursor struct {
	V     int    `json:"v"`
	Epoch string `json:"e"`
	Hall  string `json:"h"`
	Seq   int64  `json:"s"`
}

func encodeCursor(c cursor) string {
	c.V = 1
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

var errCursor = protocol.Errorf(protocol.ECURSOR, "cannot continue this cursor: pull again from the start",
	"同步位置已失效，将重新从平台下载全部数据（未上传的数据不受影响）")

// decodeCursor parses s ("" is the start). A cursor of another epoch or
// hall, or one that does not parse, cannot be continued (412).
func decodeCursor(s, epoch, hall string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	if len(s) > 512 {
		return 0, errCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, errCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.V != 1 || c.Seq < 0 {
		return 0, errCursor
	}
	if c.Epoch != epoch || c.Hall != hall {
		return 0, errCursor
	}
	return c.Seq, nil
}
