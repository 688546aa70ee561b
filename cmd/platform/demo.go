package main

import (
	"context"
	"time"

	"tongban/platform"
	"tongban/platform/sqlstore"
)

// Demo places: hall A collects in Zhengzhou (Henan); the handling place is
// in another province; a second Henan hall shows that halls see only
// their own cases.
var (
	demoHallA  = platform.Place{Code: "410102", Name: "郑州市中原区政务服务中心", Province: "河南省"}
	demoPlaceB = platform.Place{Code: "330106", Name: "杭州市西湖区行政服务中心", Province: "浙江省"}
	demoHallC  = platform.Place{Code: "410105", Name: "郑州市金水区政务服务中心", Province: "河南省"}
)

// seedDemo creates the demo places (idempotent) and a fresh enrollment
// code for hall A.
func seedDemo(ctx context.Context, st *sqlstore.Store) (string, error) {
	for _, p := range []platform.Place{demoHallA, demoPlaceB, demoHallC} {
		if err := st.PutPlace(ctx, p); err != nil {
			return "", err
		}
	}
	return newEnrollCode(ctx, st, demoHallA.Code, 24*time.Hour)
}
