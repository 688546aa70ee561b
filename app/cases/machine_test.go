package cases

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"tongban/app/errs"
)

var update = flag.Bool("update", false, "rewrite testdata/machine.golden")

// matrix renders the whole table: for every mode, status and kind, the
// roles allowed. Every cell of modes × statuses × kinds × roles is asked.
func matrix(t *testing.T) string {
	var b strings.Builder
	for _, m := range AllModes {
		fmt.Fprintf(&b, "# %s\n", m)
		for _, st := range AllStatuses {
			for _, k := range AllKinds {
				var roles []string
				for _, r := range AllRoles {
					err := Allowed(m, st, k, r)
					switch errs.Code(err) {
					case "":
						roles = append(roles, string(r))
					case errs.ECONFLICT, errs.EFORBIDDEN:
						if errs.Zh(err) == "" {
							t.Errorf("%s/%s/%s/%s: error without Chinese message", m, st, k, r)
						}
					default:
						t.Errorf("%s/%s/%s/%s: unexpected error %v", m, st, k, r, err)
					}
				}
				if len(roles) > 0 {
					name := string(st)
					if name == "" {
						name = "new"
					}
					fmt.Fprintf(&b, "%-18s %-24s %s\n", name, k, strings.Join(roles, ","))
				}
			}
		}
	}
	return b.String()
}

func TestMachineGolden(t *testing.T) {
	got := matrix(t)
	const path = "testdata/machine.golden"
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -run TestMachineGolden -update and review the file)", err)
	}
	if got != string(want) {
		t.Fatalf("state machine changed; review and rerun with -update.\n--- got ---\n%s", got)
	}
}

func TestMachineInvariants(t *testing.T) {
	decisions := []Kind{KindAccepted, KindRefused, KindSupplementRequest, KindSubmitted}
	for _, m := range AllModes {
		for _, st := range AllStatuses {
			for _, k := range AllKinds {
				for _, r := range AllRoles {
					err := Allowed(m, st, k, r)
					if err != nil {
						continue
					}
					switch {
					case (st == StatusClosed || st == StatusWithdrawn || st == StatusRefused) && k != KindOfficialNumber && !containsKind(RatingKinds, k):
						t.Errorf("%s: %s allowed in final status %s", m, k, st)
					case r == RoleAdmin && k != KindReleased:
						t.Errorf("%s: admin may %s", m, k)
					case r == RoleKiosk && m != ModeSelfService:
						t.Errorf("%s: kiosk may %s outside 自助通办", m, k)
					case (k == KindApproved || k == KindReturned || (k == KindCheckedOut && st == StatusPendingApproval)) && r != RoleSupervisor:
						// Approval (and its 审核签出) is the supervisor's; an offline
						// check-out before a front-office or handler decision is
						// the decider's own (checkout.go).
						t.Errorf("%s: %s may %s", m, r, k)
					case r == RoleSupervisor && containsKind(decisions, k):
						t.Errorf("%s: supervisor decides intake (%s) instead of approving", m, k)
					case r == RoleKiosk && (k == KindRefused || k == KindSupplementRequest):
						t.Errorf("kiosk may %s", k)
					case k == KindDispatched && m != ModeProxy && m != ModeMultiPlace:
						t.Errorf("%s: dispatch in a mode without mailing", m)
					}
				}
			}
		}
	}
	// 好差评 annotates a case: it never changes its status.
	for _, rl := range rules {
		if containsKind(RatingKinds, rl.kind) && rl.to != StatusNew {
			t.Errorf("%s changes status to %s", rl.kind, rl.to)
		}
	}
	// Every status but new is reachable in every mode by some path.
	for _, m := range AllModes {
		seen := map[Status]bool{StatusNew: true}
		frontier := []Status{StatusNew}
		for len(frontier) > 0 {
			st := frontier[0]
			frontier = frontier[1:]
			for _, rl := range rules {
				if !containsStatus(rl.from, st) || (rl.modes != nil && !containsMode(rl.modes, m)) {
					continue
				}
				to := rl.to
				derived := map[Kind][]Status{KindApproved: {StatusAccepted, StatusRefused}}
				if m == ModeMultiPlace { // multiStatus derives these from the tasks
					for _, k := range []Kind{KindDispatched, KindHandlerReceived, KindHandled} {
						derived[k] = []Status{StatusDispatched, StatusHandling, StatusSentBack, StatusHandled}
					}
				}
				if d, ok := derived[rl.kind]; ok && to == StatusNew {
					for _, to := range d {
						if !seen[to] {
							seen[to] = true
							frontier = append(frontier, to)
						}
					}
					continue
				}
				if to != StatusNew && !seen[to] {
					seen[to] = true
					frontier = append(frontier, to)
				}
			}
		}
		for _, st := range AllStatuses {
			if st == StatusDispatched && (m == ModeOnline || m == ModeSelfService) || st == StatusSentBack && m != ModeMultiPlace {
				continue
			}
			if !seen[st] {
				t.Errorf("%s: status %s unreachable", m, st)
			}
		}
	}
}

func containsKind(ks []Kind, k Kind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

func containsStatus(ss []Status, s Status) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func containsMode(ms []Mode, m Mode) bool {
	for _, x := range ms {
		if x == m {
			return true
		}
	}
	return false
}

func TestAllowedErrors(t *testing.T) {
	if got := errs.Code(Allowed(ModeProxy, StatusAccepted, KindAccepted, RoleClerk)); got != errs.ECONFLICT {
		t.Errorf("accept twice: %s, want ECONFLICT", got)
	}
	if got := errs.Code(Allowed(ModeProxy, StatusReviewing, KindAccepted, RoleHandler)); got != errs.EFORBIDDEN {
		t.Errorf("handler accepts: %s, want EFORBIDDEN", got)
	}
	if got := errs.Code(Allowed("邮寄", StatusReviewing, KindAccepted, RoleClerk)); got != errs.EINVALID {
		t.Errorf("unknown mode: %s, want EINVALID", got)
	}
}
