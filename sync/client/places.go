package client

import (
	"context"
	"fmt"
	"net/http"

	"tongban/sync/protocol"
)

// Places fetches the platform's place directory (GET /v1/places): code,
// name and province of every hall and handling place, for the intake's
// handling-place picker. An answer that does not pass
// protocol.PlacesResponse.Validate is treated like a cut one.
func (a *API) Places(ctx context.Context) ([]protocol.Place, error) {
	var out protocol.PlacesResponse
	if err := a.doJSON(ctx, http.MethodGet, "/v1/places", nil, http.StatusOK, &out); err != nil {
		return nil, err
	}
	if e := out.Validate(); e != nil {
		return nil, offline(fmt.Errorf("place directory: %w", e))
	}
	if out.Places == nil {
		out.Places = []protocol.Place{}
	}
	return out.Places, nil
}
