package platform

import (
	"testing"
)

func TestMaskName(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"张三", "张*"}, {"欧阳娜娜", "欧***"}, {"李", "*"}, {"", ""}, {" 王小明 ", "王**"},
		{"Maximilian Alexander", "M********"},
	} {
		if got := MaskName(tc.in); got != tc.want {
			t.Errorf("MaskName(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestVerifier(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	v := Verifier(key, "case-1", Last4("41010219900101123x"))
	if got, want := Last4("41010219900101123x"), "123X"; got != want {
		t.Fatalf("Last4 = %q, want %q", got, want)
	}
	if !CheckVerifier(key, "case-1", "123X", v) || !CheckVerifier(key, "case-1", "123x", v) {
		t.Fatal("right code refused")
	}
	if CheckVerifier(key, "case-2", "123X", v) {
		t.Fatal("verifier not bound to the case")
	}
	if CheckVerifier(key, "case-1", "1234", v) || CheckVerifier(key, "case-1", "123X", "") {
		t.Fatal("wrong code accepted")
	}
	if CheckVerifier([]byte("another key another key another!"), "case-1", "123X", v) {
		t.Fatal("verifier not keyed")
	}
	if got := Last4("12"); got != "" {
		t.Fatalf("Last4 of a short number = %q", got)
	}
}

func TestVerifyPassword(t *testing.T) {
	h := HashPassword("s3cret-口令", HashParams{Memory: 1024, Time: 1, Threads: 1})
	if !VerifyPassword(h, "s3cret-口令") {
		t.Fatal("right password refused")
	}
	for _, bad := range []string{"", "s3cret", "s3cret-口令 "} {
		if VerifyPassword(h, bad) {
			t.Errorf("wrong password %q accepted", bad)
		}
	}
	for _, phc := range []string{"", "$argon2id$v=19$m=1024,t=1,p=1$$", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5"} {
		if VerifyPassword(phc, "x") {
			t.Errorf("malformed hash %q matched", phc)
		}
	}
}

func FuzzVerifyPassword(f *testing.F) {
	f.Add(HashPassword("pw", HashParams{Memory: 64, Time: 1, Threads: 1}), "pw")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5a2V5", "x")
	f.Add("$$$$$", "")
	f.Fuzz(func(t *testing.T, phc, pw string) {
		if len(phc) > 512 {
			return
		}
		_ = VerifyPassword(phc, pw) // must not panic or ask for unbounded memory
	})
}
