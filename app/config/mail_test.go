package config_test

import (
	"testing"

	"tongban/app/config"
)

func TestMailSettings(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		m := config.Defaults().Mail
		if got, want := m.StuckAfter(), 72; got != want {
			t.Fatalf("stuck hours = %d, want %d", got, want)
		}
		if got, want := m.TrackEvery(), 30; got != want {
			t.Fatalf("track every = %d, want %d", got, want)
		}
		if got, want := (config.Mail{}).CourierName(), "demo"; got != want {
			t.Fatalf("courier = %q, want %q", got, want)
		}
		// A settings screen that does not send the section saves safely.
		if ps := config.Validate(config.Settings{IdleLockMinutes: 10, Backup: config.Backup{IntervalHours: 24, Keep: 7}, Language: "zh-CN"}); len(ps) != 0 {
			t.Fatalf("zero mail section refused: %+v", ps)
		}
	})
	t.Run("good", func(t *testing.T) {
		s, ps := config.LoadBytes([]byte("[mail]\nstuckHours = 48\ntrackEveryMinutes = 10\ncourier = \"demo\"\nsenderPhone = \"0371-12345678\"\n"))
		if len(ps) != 0 {
			t.Fatalf("problems: %+v", ps)
		}
		if got, want := s.Mail, (config.Mail{StuckHours: 48, TrackEveryMinutes: 10, Courier: "demo", SenderPhone: "0371-12345678"}); got != want {
			t.Fatalf("mail = %+v, want %+v", got, want)
		}
	})
	t.Run("bad values fall back per key", func(t *testing.T) {
		s, ps := config.LoadBytes([]byte("[mail]\nstuckHours = 9999\ntrackEveryMinutes = 1\ncourier = \"sf\"\nsenderName = 5\ncolour = \"red\"\n"))
		got := map[string]bool{}
		for _, p := range ps {
			got[p.Key] = true
			if p.Zh == "" {
				t.Errorf("problem %s has no Chinese message", p.Key)
			}
		}
		for _, k := range []string{"mail.stuckHours", "mail.trackEveryMinutes", "mail.courier", "mail.senderName", "mail.colour"} {
			if !got[k] {
				t.Errorf("no problem named %s; got %v", k, got)
			}
		}
		if want := config.Defaults().Mail; s.Mail != want {
			t.Fatalf("mail = %+v, want defaults %+v", s.Mail, want)
		}
	})
}
