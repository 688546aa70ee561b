package app_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"tongban/app"
	"tongban/app/cases"
	"tongban/app/identity"
	"tongban/app/paths"
	"tongban/app/store"
)

const crashDirEnv = "TONGBAN_CRASH_CHILD_DIR"

// crashStep is the wizard data saved at step n: every field entered so far.
func crashStep(n int) json.RawMessage {
	b, _ := json.Marshal(map[string]any{"step": n, "name": "阿依古丽·买买提𠮷", "address": strings.Repeat("经三路", n%20+1),
		"fields": n})
	return b
}

// crashChild is the child process: it opens the workstation, opens a case
// half way (received + identity checked), then saves the intake draft
// step after step, printing each step once SaveDraft has returned, until
// the parent kills it.
func crashChild(t *testing.T, dir string) {
	ws, err := app.Open(context.Background(), app.Options{DataDir: dir, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	m := ws.Services()
	auth, cs, ids := m["AuthService"].(*app.AuthService), m["CaseService"].(*app.CaseService), m["IdentityService"].(*app.IdentityService)
	if _, err := auth.Login("clerk1", "Passw0rd1"); err != nil {
		t.Fatal(err)
	}
	id := validID("41010519850101002")
	ck, err := ids.CheckManual(identity.Card{Name: "阿依古丽·买买提", Number: id, ValidUntil: "长期"})
	if err != nil {
		t.Fatal(err)
	}
	res, err := cs.Open(crimeInput("阿依古丽·买买提", id, &ck))
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("case %s %d\n", res.State.CaseID, res.State.Version)
	d := cases.Draft{MatterCode: crimeCode}
	for n := 1; ; n++ {
		d.Step, d.Data = "step-"+strconv.Itoa(n), crashStep(n)
		if d, err = cs.SaveDraft(d); err != nil {
			t.Fatal(err)
		}
		fmt.Printf("saved %s %d\n", d.ID, n)
	}
}

// Killing the app in the middle of an intake loses nothing entered before
// the last step: the last draft the child saw saved is there (or a later
// one), the half-way case's journal is intact, and the database passes
// SQLite's integrity check.
func TestKilledDuringIntakeLosesNothing(t *testing.T) {
	if dir := os.Getenv(crashDirEnv); dir != "" {
		crashChild(t, dir)
		return
	}
	if testing.Short() {
		t.Skip("re-executes the test binary")
	}
	s := openCaseWS(t)
	dir := s.dir
	if err := s.ws.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledDuringIntakeLosesNothing$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var caseID, draftID string
	var caseVersion, lastSaved int
	sc := bufio.NewScanner(out)
	deadline := time.Now().Add(60 * time.Second)
	for sc.Scan() && time.Now().Before(deadline) {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 3 && f[0] == "case":
			caseID = f[1]
			caseVersion, _ = strconv.Atoi(f[2])
		case len(f) == 3 && f[0] == "saved":
			draftID = f[1]
			lastSaved, _ = strconv.Atoi(f[2])
		}
		if lastSaved >= 25 {
			break // kill while the child is saving the next step
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	if caseID == "" || lastSaved < 25 {
		t.Fatalf("child did not get far enough: case %q, saved %d", caseID, lastSaved)
	}

	db, err := store.Open(context.Background(), paths.DBPath(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Check(context.Background()); err != nil {
		t.Fatalf("integrity check after kill: %v", err)
	}
	db.Close()

	ws, err := app.Open(context.Background(), app.Options{DataDir: dir, Version: "test",
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	m := ws.Services()
	auth, cs := m["AuthService"].(*app.AuthService), m["CaseService"].(*app.CaseService)
	if _, err := auth.Login("clerk1", "Passw0rd1"); err != nil {
		t.Fatal(err)
	}
	d, err := cs.GetDraft(draftID)
	if err != nil {
		t.Fatal(err)
	}
	n, err := strconv.Atoi(strings.TrimPrefix(d.Step, "step-"))
	if err != nil || n < lastSaved {
		t.Fatalf("draft step %q after kill, last saved step %d", d.Step, lastSaved)
	}
	var got, want any
	_ = json.Unmarshal(d.Data, &got)
	_ = json.Unmarshal(crashStep(n), &want)
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("draft data of step %d = %s, want %s", n, d.Data, crashStep(n))
	}
	det, err := cs.Detail(caseID, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := det.State.Version, caseVersion; got != want {
		t.Fatalf("case version after kill = %d, want %d", got, want)
	}
	if got, want := len(det.Journal), caseVersion; got != want {
		t.Fatalf("journal has %d actions, want %d", got, want)
	}
	kinds := map[cases.Kind]bool{}
	for _, a := range det.Journal {
		kinds[a.Kind] = true
	}
	if !kinds[cases.KindReceived] || !kinds[cases.KindIdentityChecked] {
		t.Fatalf("journal kinds after kill: %v", kinds)
	}
	t.Logf("killed after step %d; draft at step %d, case %s at version %d", lastSaved, n, caseID, caseVersion)
}
