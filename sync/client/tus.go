package client

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"tongban/sync/protocol"
)

const tusVersion = "1.0.0"

// errUploadGone: the upload URL is unknown to the platform (finished and
// removed, expired, or from before a reset). Ask for the blob, then start over.
var errUploadGone = errors.New("upload url gone")

// HasBlob reports whether the platform holds a verified scan visible to
// this device.
func (a *API) HasBlob(ctx context.Context, sha string) (bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, a.url("/v1/blobs/"+sha), nil)
	if err != nil {
		return false, err
	}
	resp, err := a.send(req)
	if err != nil {
		return false, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK:
		return true, nil
	case http.StatusNotFound:
		return false, nil
	}
	return false, decodeError(resp.StatusCode, nil)
}

// CreateUpload starts a tus upload and returns its absolute URL.
func (a *API) CreateUpload(ctx context.Context, sha string, size int64, caseID string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.url("/v1/uploads/"), nil)
	if err != nil {
		return "", err
	}
	req.Header.Set("Tus-Resumable", tusVersion)
	req.Header.Set("Upload-Length", strconv.FormatInt(size, 10))
	md := "sha256 " + base64.StdEncoding.EncodeToString([]byte(sha))
	if caseID != "" {
		md += ",caseId " + base64.StdEncoding.EncodeToString([]byte(caseID))
	}
	req.Header.Set("Upload-Metadata", md)
	resp, err := a.send(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode != http.StatusCreated {
		return "", decodeError(resp.StatusCode, b)
	}
	return a.resolveLocation(resp.Header.Get("Location"))
}

// resolveLocation makes a Location header absolute and checks that it
// stays on the platform (a hostile answer cannot send our token elsewhere).
func (a *API) resolveLocation(loc string) (string, error) {
	if loc == "" || len(loc) > 2048 {
		return "", offline(errors.New("upload created without a location"))
	}
	u, err := a.base.Parse(loc)
	if err != nil {
		return "", offline(fmt.Errorf("upload location: %w", err))
	}
	if u.Scheme != a.base.Scheme || u.Host != a.base.Host {
		return "", &protocol.Error{Code: protocol.EINVALID, Message: "upload location on another host", Zh: "平台返回的上传地址无效"}
	}
	return u.String(), nil
}

// sameOrigin is checked before a stored URL is used with our token.
func (a *API) sameOrigin(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && u.Scheme == a.base.Scheme && u.Host == a.base.Host
}

// UploadOffset asks how many bytes the platform holds of an upload.
func (a *API) UploadOffset(ctx context.Context, uploadURL string) (int64, error) {
	if !a.sameOrigin(uploadURL) {
		return 0, errUploadGone
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, uploadURL, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Tus-Resumable", tusVersion)
	resp, err := a.send(req)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusOK, http.StatusNoContent:
	case http.StatusNotFound, http.StatusGone, http.StatusForbidden:
		return 0, errUploadGone
	default:
		return 0, decodeError(resp.StatusCode, nil)
	}
	return parseOffset(resp.Header.Get("Upload-Offset"))
}

// parseOffset reads an Upload-Offset header.
func parseOffset(h string) (int64, error) {
	n, err := strconv.ParseInt(h, 10, 64)
	if err != nil || n < 0 {
		return 0, offline(fmt.Errorf("bad Upload-Offset %q", h))
	}
	return n, nil
}

// PatchUpload appends n bytes from r at offset and returns the new offset.
// done is true when the platform verified the complete scan.
func (a *API) PatchUpload(ctx context.Context, uploadURL string, offset int64, r io.Reader, n int64) (next int64, done bool, err error) {
	if !a.sameOrigin(uploadURL) {
		return 0, false, errUploadGone
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPatch, uploadURL, io.LimitReader(r, n))
	if err != nil {
		return 0, false, err
	}
	req.ContentLength = n
	req.Header.Set("Tus-Resumable", tusVersion)
	req.Header.Set("Content-Type", "application/offset+octet-stream")
	req.Header.Set("Upload-Offset", strconv.FormatInt(offset, 10))
	resp, err := a.send(req)
	if err != nil {
		return 0, false, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch resp.StatusCode {
	case http.StatusNoContent, http.StatusOK:
	case http.StatusNotFound, http.StatusGone:
		return 0, false, errUploadGone
	case http.StatusConflict: // offset mismatch: ask again
		return 0, false, offline(errors.New("upload offset mismatch"))
	default:
		return 0, false, decodeError(resp.StatusCode, b)
	}
	next, err = parseOffset(resp.Header.Get("Upload-Offset"))
	if err != nil {
		return 0, false, err
	}
	return next, resp.Header.Get("Tongban-Blob-Sha256") != "", nil
}
