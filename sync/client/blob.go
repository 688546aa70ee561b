package client

import (
	"context"
	"io"
	"net/http"

	"tongban/sync/protocol"
)

// Blob opens a verified file the platform holds and this device may see
// (its hall's cases, or cases routed to it): GET /v1/blobs/{sha256}. The
// caller closes the reader and checks the bytes against sha256.
func (a *API) Blob(ctx context.Context, sha256 string) (io.ReadCloser, error) {
	if !protocol.ValidSHA256(sha256) {
		return nil, protocol.Invalid("sha256", "not a lowercase sha256", "文件校验值无效")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.url("/v1/blobs/"+sha256), nil)
	if err != nil {
		return nil, err
	}
	resp, err := a.send(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		b, rerr := responseBody(resp)
		if rerr != nil {
			return nil, offline(rerr)
		}
		return nil, decodeError(resp.StatusCode, b)
	}
	return resp.Body, nil
}
