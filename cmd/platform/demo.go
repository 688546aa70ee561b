package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"tongban/platform"
	"tongban/platform/sqlstore"
)

// Demo places: hall A collects in Zhengzhou (Henan); handling place B is in
// another province (跨省通办) and runs its own workstation (`make run-b`);
// D is a Henan city, so 全豫通办 can be shown; a second Zhengzhou hall C
// shows that halls see only their own cases.
var (
	demoHallA  = platform.Place{Code: "410102", Name: "郑州市中原区政务服务中心", Province: "河南省"}
	demoPlaceB = platform.Place{Code: "330106", Name: "杭州市西湖区行政服务中心", Province: "浙江省"}
	demoHallC  = platform.Place{Code: "410105", Name: "郑州市金水区政务服务中心", Province: "河南省"}
	demoPlaceD = platform.Place{Code: "410305", Name: "洛阳市涧西区政务服务中心", Province: "河南省"}
)

// demoCodeTTL is how long a demo enrollment code stays valid.
const demoCodeTTL = 24 * time.Hour

// demoCodes are fresh single-use enrollment codes of the demo workstations.
type demoCodes struct {
	HallA, PlaceB string
}

// seedDemo creates the demo places (idempotent) and a fresh enrollment
// code for hall A and one for handling place B.
func seedDemo(ctx context.Context, st *sqlstore.Store) (demoCodes, error) {
	for _, p := range []platform.Place{demoHallA, demoPlaceB, demoHallC, demoPlaceD} {
		if err := st.PutPlace(ctx, p); err != nil {
			return demoCodes{}, err
		}
	}
	a, err := newEnrollCode(ctx, st, demoHallA.Code, demoCodeTTL)
	if err != nil {
		return demoCodes{}, err
	}
	b, err := newEnrollCode(ctx, st, demoPlaceB.Code, demoCodeTTL)
	if err != nil {
		return demoCodes{}, err
	}
	return demoCodes{HallA: a, PlaceB: b}, nil
}

// printDemoB prints B's code on the line scripts/run-b.sh reads: the line
// of hall A stays the first and unchanged (scripts/run.sh reads it).
func printDemoB(w io.Writer, codes demoCodes) {
	fmt.Fprintf(w, "demo: enrollment code for hall %s %s (handling place, valid 24 h, single use): %s\n",
		demoPlaceB.Code, demoPlaceB.Name, codes.PlaceB)
}
