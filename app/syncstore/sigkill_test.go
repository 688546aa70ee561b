package syncstore_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"tongban/sync/client"
)

// Environment of the re-executed child of TestSIGKILLWhilePushing.
const (
	envKillDB   = "TONGBAN_KILL_CHILD_DB"
	envKillHall = "TONGBAN_KILL_CHILD_HALL"
)

// TestSIGKILLChild is the child process: it syncs the device at
// $TONGBAN_KILL_CHILD_DB until its outbox is empty or it is killed.
func TestSIGKILLChild(t *testing.T) {
	path := os.Getenv(envKillDB)
	if path == "" {
		t.Skip("child of TestSIGKILLWhilePushing only")
	}
	d := openDevice(t, path, os.Getenv(envKillHall))
	s := d.syncer(client.Config{BatchSize: 3, ChunkSize: 4 << 10})
	for {
		_, _ = s.SyncNow(context.Background())
		if d.states()["pending"] == 0 {
			return
		}
	}
}

// TestSIGKILLWhilePushing kills a syncing workstation process with SIGKILL
// at random points, several times per seed, then lets a fresh process
// finish: every action accepted locally is on the platform exactly once
// and nothing is left pending. TONGBAN_SOAK=1 runs more seeds.
func TestSIGKILLWhilePushing(t *testing.T) {
	if os.Getenv(envKillDB) != "" {
		t.Skip("in the child")
	}
	seeds := []uint64{1, 2, 3}
	if os.Getenv("TONGBAN_SOAK") != "" {
		seeds = nil
		for i := uint64(1); i <= 25; i++ {
			seeds = append(seeds, i)
		}
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	for _, seed := range seeds {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(seed, seed))
			p := newPlatform(t)
			d := newDevice(t, "410102")
			d.enroll(p)
			for i := 0; i < 12; i++ {
				st := d.openCase("申请人" + string([]rune("甲乙丙丁戊己庚辛壬癸子丑")[i:i+1]))
				d.addPages(st.CaseID, 1, 16<<10)
				if i%2 == 0 {
					d.accept(st)
				}
			}
			local := d.localIDs()
			path := d.path
			require.NoError(t, d.db.Close())
			for kill := 0; kill < 4; kill++ {
				cmd := exec.Command(exe, "-test.run=^TestSIGKILLChild$", "-test.count=1")
				cmd.Env = append(os.Environ(), envKillDB+"="+path, envKillHall+"=410102")
				require.NoError(t, cmd.Start())
				time.Sleep(time.Duration(20+rng.IntN(250)) * time.Millisecond)
				_ = cmd.Process.Kill() // SIGKILL
				_ = cmd.Wait()
			}
			t.Logf("after the kills: %d of %d actions on the platform", len(p.serverActions("410102")), len(local))
			d2 := openDevice(t, path, "410102")
			s := d2.syncer(client.Config{})
			for i := 0; i < 10 && d2.states()["pending"] > 0; i++ {
				_, _ = s.SyncNow(ctx)
			}
			_, err := s.SyncNow(ctx)
			require.NoError(t, err)
			if got := d2.states()["pending"]; got != 0 {
				t.Fatalf("pending after recovery: %d", got)
			}
			onServer := p.serverActions("410102")
			for _, id := range local {
				if got, want := onServer[id], 1; got != want {
					t.Fatalf("action %s on the platform %d times, want %d", id, got, want)
				}
			}
		})
	}
}
