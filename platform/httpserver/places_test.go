package httpserver_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"tongban/platform"
	"tongban/platform/storetest"
	"tongban/sync/protocol"
)

// TestPlacesEndpoint: an enrolled device gets every place with its
// province, in the shape the spec and the workstation's decoder accept;
// without a device token nothing is listed.
func TestPlacesEndpoint(t *testing.T) {
	e := newEnv(t)
	luoyang := platform.Place{Code: "410305", Name: "洛阳市涧西区政务服务中心", Province: "河南省"}
	require.NoError(t, e.store.PutPlace(context.Background(), luoyang))

	anon := &client{e: e}
	st, _, _ := anon.raw(http.MethodGet, "/v1/places", nil, nil)
	assert.Equal(t, http.StatusUnauthorized, st)

	b := e.device(storetest.PlaceA.Code).call(http.MethodGet, "/v1/places", nil, nil, http.StatusOK, nil)
	resp, err := protocol.DecodePlaces(bytes.NewReader(b))
	require.NoError(t, err)
	want := []platform.Place{storetest.PlaceB, storetest.PlaceA, storetest.PlaceC, luoyang} // by code
	assert.Equal(t, want, resp.Places)
	scopes := map[string]string{}
	for _, p := range resp.Places {
		scopes[p.Code] = platform.Scope(storetest.PlaceA, p)
	}
	assert.Equal(t, map[string]string{"410102": platform.ScopeLocal, "410105": platform.ScopeHenan,
		"410305": platform.ScopeHenan, "330106": platform.ScopeCross}, scopes)
}
