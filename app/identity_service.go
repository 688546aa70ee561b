package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"tongban/app/errs"
	"tongban/app/identity"
)

// ReaderConfigFile names the card-reader configuration in the data
// directory. Absent: no reader is configured and the UI offers manual entry.
//
//	{"driver": "file", "path": "cardreader/card.json", "consume": false, "timeoutSeconds": 8}
//	{"driver": "socket", "network": "tcp", "address": "127.0.0.1:7070"}
//	{"driver": "none"}
//
// "file" and "socket" are the simulator drivers (identity.FileReader,
// identity.SocketReader); a relative path is taken from the data directory.
const ReaderConfigFile = "cardreader.json"

// readerConfig is the parsed card-reader configuration.
type readerConfig struct {
	Driver         string `json:"driver"`
	Path           string `json:"path,omitempty"`
	Consume        bool   `json:"consume,omitempty"`
	Network        string `json:"network,omitempty"`
	Address        string `json:"address,omitempty"`
	TimeoutSeconds int    `json:"timeoutSeconds,omitempty"`
}

const (
	defaultReadTimeout = 8 * time.Second
	maxReadTimeout     = 60 * time.Second
	maxReaderConfig    = 64 << 10
)

// parseReaderConfig reads the configuration file's bytes; relative paths
// are resolved against dataDir.
func parseReaderConfig(b []byte, dataDir string) (readerConfig, error) {
	bad := func(msg, zh string) (readerConfig, error) {
		return readerConfig{}, errs.Invalid("cardreader", msg, "读卡器配置（"+ReaderConfigFile+"）有误："+zh)
	}
	if len(b) > maxReaderConfig {
		return bad("config too large", "文件过大")
	}
	var c readerConfig
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return bad("config not JSON: "+err.Error(), "内容不是有效的 JSON 或含有未知的项")
	}
	if c.TimeoutSeconds < 0 || time.Duration(c.TimeoutSeconds)*time.Second > maxReadTimeout {
		return bad("timeout out of range", "timeoutSeconds 须在 1 到 60 之间")
	}
	switch c.Driver {
	case "none", "":
		c.Driver = "none"
	case "file":
		if strings.TrimSpace(c.Path) == "" {
			return bad("file driver without path", "file 驱动须填写 path")
		}
		if !filepath.IsAbs(c.Path) {
			c.Path = filepath.Join(dataDir, c.Path)
		}
	case "socket":
		if c.Network != "tcp" && c.Network != "unix" {
			return bad("socket network must be tcp or unix", "socket 驱动的 network 须为 tcp 或 unix")
		}
		if strings.TrimSpace(c.Address) == "" {
			return bad("socket driver without address", "socket 驱动须填写 address")
		}
		if c.Network == "unix" && !filepath.IsAbs(c.Address) {
			c.Address = filepath.Join(dataDir, c.Address)
		}
	default:
		return bad("unknown driver "+c.Driver, "不认识的驱动“"+c.Driver+"”（可用：file、socket、none）")
	}
	return c, nil
}

func (c readerConfig) timeout() time.Duration {
	if c.TimeoutSeconds > 0 {
		return time.Duration(c.TimeoutSeconds) * time.Second
	}
	return defaultReadTimeout
}

// ReaderInfo says which card reader the workstation uses.
type ReaderInfo struct {
	Configured bool   `json:"configured"`
	Driver     string `json:"driver"` // file | socket | none
	Label      string `json:"label"`  // zh
	Problem    string `json:"problem,omitempty"`
}

// IDValidation is the live check of a typed document number: OK with the
// parsed document, or the Chinese reason it is not valid.
type IDValidation struct {
	OK       bool               `json:"ok"`
	Document *identity.Document `json:"document,omitempty"`
	Zh       string             `json:"zh,omitempty"`
	Message  string             `json:"message,omitempty"` // English, for the English UI
	Field    string             `json:"field,omitempty"`
	Warnings []identity.Warning `json:"warnings,omitempty"`
}

// IdentityService validates identity documents and reads cards.
type IdentityService struct {
	w    *Workstation
	deps *caseDeps
}

func (s *IdentityService) readerConfig() (readerConfig, error) {
	b, err := os.ReadFile(filepath.Join(s.w.opts.DataDir, ReaderConfigFile))
	if errors.Is(err, fs.ErrNotExist) {
		return readerConfig{Driver: "none"}, nil
	}
	if err != nil {
		return readerConfig{}, fmt.Errorf("read reader config: %w", err)
	}
	return parseReaderConfig(b, s.w.opts.DataDir)
}

// Reader describes the configured card reader.
func (s *IdentityService) Reader() (ReaderInfo, error) {
	if _, err := s.w.session.require(); err != nil {
		return ReaderInfo{}, toAPI(s.w.log, "identity.reader", err)
	}
	c, err := s.readerConfig()
	if err != nil {
		return ReaderInfo{Driver: "none", Label: "读卡器配置有误", Problem: errs.Zh(err)}, nil
	}
	switch c.Driver {
	case "file":
		return ReaderInfo{Configured: true, Driver: c.Driver, Label: "模拟读卡器（文件）"}, nil
	case "socket":
		return ReaderInfo{Configured: true, Driver: c.Driver, Label: "读卡器服务（" + c.Network + "）"}, nil
	}
	return ReaderInfo{Driver: "none", Label: "未配置读卡器，请手工录入"}, nil
}

// Validate checks a typed document number as the clerk types it. docType
// may be empty (recognised from the number); passports need country.
func (s *IdentityService) Validate(docType, number, country string) (IDValidation, error) {
	if _, err := s.w.session.require(); err != nil {
		return IDValidation{}, toAPI(s.w.log, "identity.validate", err)
	}
	var d identity.Document
	var err error
	if docType == "" {
		d, err = identity.Parse(number, s.w.now())
	} else {
		d, err = identity.ParseAs(identity.DocType(docType), number, country, s.w.now())
	}
	if err != nil {
		// Not logged: the message may carry part of the number.
		v := IDValidation{Zh: errs.Zh(err)}
		var de *errs.Error
		if errors.As(err, &de) {
			v.Field, v.Message = de.Field, de.Message
		}
		return v, nil
	}
	return IDValidation{OK: true, Document: &d, Warnings: d.Warnings}, nil
}

// ReadCard reads the card on the configured reader and checks it. An
// unplugged reader, a timeout or no configured reader give a Chinese
// message offering manual entry.
func (s *IdentityService) ReadCard() (identity.Checked, error) {
	const op = "identity.read"
	if _, err := s.w.session.require(rolesIntake...); err != nil {
		return identity.Checked{}, toAPI(s.w.log, op, err)
	}
	c, err := s.readerConfig()
	if err != nil {
		return identity.Checked{}, toAPI(s.w.log, op, err)
	}
	var r identity.Reader
	switch c.Driver {
	case "file":
		r = identity.FileReader{Path: c.Path, Consume: c.Consume, Now: s.w.now}
	case "socket":
		r = identity.SocketReader{Network: c.Network, Address: c.Address, Now: s.w.now}
	default:
		return identity.Checked{}, toAPI(s.w.log, op, errs.New(errs.EOFFLINE, "no card reader configured",
			"本机未配置身份证读卡器，请手工录入证件信息（将记录为手工录入）"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout())
	defer cancel()
	card, err := r.Read(ctx)
	if err != nil {
		return identity.Checked{}, toAPI(s.w.log, op, err)
	}
	ck, err := card.Check(s.w.now())
	if err != nil {
		return identity.Checked{}, quietAPI(s.w, op, err)
	}
	s.deps.rememberRead(ck.Document.Number, s.w.now())
	s.w.log.Info("card read", "reader", card.ReaderID, "doc", ck.Document.Type, "number", ck.Document.Masked())
	return ck, nil
}

// CheckManual checks identity data typed by the clerk; the result is
// recorded as manual entry.
func (s *IdentityService) CheckManual(c identity.Card) (identity.Checked, error) {
	const op = "identity.manual"
	if _, err := s.w.session.require(rolesIntake...); err != nil {
		return identity.Checked{}, toAPI(s.w.log, op, err)
	}
	ck, err := identity.Manual(c, s.w.now()).Check(s.w.now())
	if err != nil {
		return identity.Checked{}, quietAPI(s.w, op, err)
	}
	return ck, nil
}

// quietAPI converts a rejected identity document without logging its
// message, which may quote part of the number or the birth date.
func quietAPI(w *Workstation, op string, err error) error {
	if errs.Code(err) != errs.EINVALID {
		return toAPI(w.log, op, err)
	}
	out := &APIError{Code: errs.EINVALID, Message: "identity document rejected", Zh: errs.Zh(err)}
	var de *errs.Error
	if errors.As(err, &de) {
		out.Field = de.Field
	}
	w.log.Info("request refused", "op", op, "code", out.Code, "field", out.Field)
	return out
}
