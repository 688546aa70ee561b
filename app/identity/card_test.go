package identity

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"tongban/app/errs"
)

func sampleCard() Card {
	return Card{Name: "张𠮷", Sex: "男", Ethnicity: "汉", BirthDate: "1990.03.07", Address: "河南省郑州市金水区",
		Number: withCheck("41010519900307123"), Authority: "郑州市公安局金水分局", ValidFrom: "2016.01.01", ValidUntil: "2036.01.01"}
}

func TestCardCheck(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Card)
		wantZh string // empty: valid
		warns  int
	}{
		{"valid", func(c *Card) {}, "", 0},
		{"long term", func(c *Card) { c.ValidUntil = "长期" }, "", 0},
		{"expires soon", func(c *Card) { c.ValidUntil = "2026.12.20" }, "", 1},
		{"expired", func(c *Card) { c.ValidUntil = "2026.12.03" }, "已于 2026年12月03日 过期", 0},
		{"expires today is still valid", func(c *Card) { c.ValidUntil = "20261204" }, "", 1},
		{"not yet valid", func(c *Card) { c.ValidFrom = "2027-01-01" }, "尚未生效", 0},
		{"bad expiry format", func(c *Card) { c.ValidUntil = "明年" }, "格式不正确", 0},
		{"missing expiry", func(c *Card) { c.ValidUntil = "" }, "截止日期", 0},
		{"birth mismatch", func(c *Card) { c.BirthDate = "1990.03.08" }, "不一致", 0},
		{"sex mismatch", func(c *Card) { c.Sex = "女" }, "性别", 0},
		{"no name", func(c *Card) { c.Name = "" }, "姓名", 0},
		{"bad source", func(c *Card) { c.Source = "guess" }, "来源", 0},
		{"passport", func(c *Card) {
			*c = Card{DocType: DocPassport, Name: "JOHN SMITH", Number: "E12345678", Country: "USA", ValidUntil: "2030-01-01", Source: SourceManual}
		}, "", 0},
		{"declared type mismatch", func(c *Card) { c.DocType = DocForeignPermanent }, "不符", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Manual(sampleCard(), now)
			tt.edit(&c)
			got, err := c.Check(now)
			if tt.wantZh != "" {
				if err == nil || !strings.Contains(errs.Zh(err), tt.wantZh) {
					t.Fatalf("Check error = %v (%s), want %q", err, errs.Zh(err), tt.wantZh)
				}
				return
			}
			if err != nil {
				t.Fatalf("Check: %v", err)
			}
			if got, want := len(got.Warnings), tt.warns; got != want {
				t.Errorf("warnings = %v, want %d", got, want)
			}
		})
	}
}

func TestManualIsRecorded(t *testing.T) {
	c := sampleCard()
	c.Source = SourceReader
	c.Photo = []byte{1}
	m := Manual(c, now)
	if got, want := m.Source, SourceManual; got != want {
		t.Fatalf("source = %s, want %s", got, want)
	}
	if m.Photo != nil {
		t.Error("manual card kept a photo")
	}
}

func TestFileReader(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "card.json")
	r := FileReader{Path: path, Poll: 5 * time.Millisecond, Consume: true, Now: func() time.Time { return now }}

	t.Run("timeout without card", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		_, err := r.Read(ctx)
		if !errors.Is(err, ErrTimeout) || !strings.Contains(errs.Zh(err), "读卡超时") {
			t.Fatalf("err = %v (%s), want timeout", err, errs.Zh(err))
		}
	})
	t.Run("card placed while waiting", func(t *testing.T) {
		go func() {
			time.Sleep(20 * time.Millisecond)
			b, _ := json.Marshal(sampleCard())
			tmp := path + ".tmp"
			_ = os.WriteFile(tmp, b, 0o600)
			_ = os.Rename(tmp, path)
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		c, err := r.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := c.Source, SourceReader; got != want {
			t.Errorf("source = %s, want %s", got, want)
		}
		if got, want := c.Name, "张𠮷"; got != want {
			t.Errorf("name = %q, want %q", got, want)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Error("card file not consumed")
		}
		if _, err := c.Check(now); err != nil {
			t.Errorf("simulated card does not check: %v", err)
		}
	})
	t.Run("simulated fault", func(t *testing.T) {
		_ = os.WriteFile(path, []byte(`{"simulate":"unplugged"}`), 0o600)
		_, err := r.Read(context.Background())
		if !errors.Is(err, ErrUnplugged) {
			t.Fatalf("err = %v, want unplugged", err)
		}
		os.Remove(path)
	})
	t.Run("garbage file", func(t *testing.T) {
		_ = os.WriteFile(path, []byte(`{not json`), 0o600)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
		defer cancel()
		_, err := r.Read(ctx)
		if got, want := errs.Code(err), errs.EINVALID; got != want {
			t.Fatalf("code = %s (%v), want %s", got, err, want)
		}
		os.Remove(path)
	})
	t.Run("unplugged", func(t *testing.T) {
		r := FileReader{Path: filepath.Join(dir, "absent", "card.json")}
		_, err := r.Read(context.Background())
		if !errors.Is(err, ErrUnplugged) || !strings.Contains(errs.Zh(err), "未检测到身份证读卡器") {
			t.Fatalf("err = %v, want unplugged", err)
		}
	})
}

func TestSocketReader(t *testing.T) {
	sock := filepath.Join(t.TempDir(), "reader.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	replies := make(chan func() (Card, error), 4)
	go ServeSimulator(ctx, ln, func() (Card, error) { return (<-replies)() })
	r := SocketReader{Network: "unix", Address: sock}

	replies <- func() (Card, error) { return sampleCard(), nil }
	c, err := r.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.Number, sampleCard().Number; got != want || c.Source != SourceReader {
		t.Fatalf("card = %s/%s, want %s/reader", got, c.Source, want)
	}

	replies <- func() (Card, error) { return Card{}, ErrUnplugged }
	if _, err := r.Read(context.Background()); !errors.Is(err, ErrUnplugged) {
		t.Fatalf("err = %v, want unplugged", err)
	}

	replies <- func() (Card, error) { time.Sleep(200 * time.Millisecond); return sampleCard(), nil }
	tctx, tcancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer tcancel()
	if _, err := r.Read(tctx); !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want timeout", err)
	}

	noService := SocketReader{Network: "unix", Address: filepath.Join(t.TempDir(), "none.sock")}
	if _, err := noService.Read(context.Background()); !errors.Is(err, ErrUnplugged) {
		t.Fatalf("err = %v, want unplugged", err)
	}
}

func FuzzParseCardDate(f *testing.F) {
	for _, s := range []string{"2030.01.02", "2030-01-02", "20300102", "2030年01月02日", "长期", "", "2030.13.40"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseCardDate(s)
		if err != nil {
			return
		}
		again, err := ParseCardDate(d.Format("2006.01.02"))
		if err != nil || !again.Equal(d) {
			t.Fatalf("%q → %v → %v, %v", s, d, again, err)
		}
	})
}
