package httpserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/google/uuid"
	"github.com/tus/tusd/v2/pkg/filelocker"
	"github.com/tus/tusd/v2/pkg/filestore"
	tus "github.com/tus/tusd/v2/pkg/handler"
	expslog "golang.org/x/exp/slog"

	"tongban/platform"
	"tongban/scanner/blob"
	"tongban/sync/protocol"
)

const uploadsBase = "/v1/uploads/"

var errBlobNotFound = blob.ErrNotFound

func parseHash(s string) (blob.Hash, error) {
	h, err := blob.ParseHash(s)
	if err != nil {
		return h, protocol.Invalid("sha256", err.Error(), "文件校验值无效")
	}
	return h, nil
}

func newDeviceID() string { return uuid.Must(uuid.NewV7()).String() }

// uploads is the tus endpoint. An upload declares its SHA-256 in the
// Upload-Metadata header ("sha256 <base64 of the hex>"); when the last
// byte arrives the file is streamed into the content-addressed blob store,
// which hashes it, and it is confirmed only if the hash matches. The
// partial files live in UploadDir (on a filesystem shared by all nodes),
// so an upload resumes on any node, after any restart.
type uploads struct {
	s        *Server
	composer *tus.StoreComposer
	h        http.Handler
}

func newUploads(s *Server) (*uploads, error) {
	if err := os.MkdirAll(s.cfg.UploadDir, 0o750); err != nil {
		return nil, fmt.Errorf("upload dir: %w", err)
	}
	u := &uploads{s: s, composer: tus.NewStoreComposer()}
	filestore.New(s.cfg.UploadDir).UseIn(u.composer)
	filelocker.New(s.cfg.UploadDir).UseIn(u.composer)
	h, err := tus.NewHandler(tus.Config{
		BasePath:                  uploadsBase,
		StoreComposer:             u.composer,
		MaxSize:                   s.cfg.MaxUploadSize,
		DisableDownload:           true,
		DisableConcatenation:      true,
		Logger:                    expslog.New(expslog.NewTextHandler(io.Discard, nil)), // we log requests ourselves
		PreUploadCreateCallback:   u.preCreate,
		PreFinishResponseCallback: u.preFinish,
	})
	if err != nil {
		return nil, fmt.Errorf("tus handler: %w", err)
	}
	u.h = http.StripPrefix(uploadsBase, h) // tusd routes on the path below its base
	return u, nil
}

// ServeHTTP checks that a device touches only its own uploads, then hands
// over to tusd.
func (u *uploads) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if id := strings.TrimPrefix(r.URL.Path, uploadsBase); id != "" && r.Method != http.MethodPost && r.Method != http.MethodOptions {
		d, _ := deviceOf(r.Context())
		up, err := u.composer.Core.GetUpload(r.Context(), id)
		if err != nil {
			u.s.writeError(w, r, platform.ErrNotFound)
			return
		}
		info, err := up.GetInfo(r.Context())
		if err != nil || info.MetaData["deviceId"] != d.ID {
			u.s.writeError(w, r, platform.ErrNotFound)
			return
		}
	}
	u.h.ServeHTTP(w, r)
}

func tusError(status int, code, message string) error {
	return tus.NewError(code, message, status)
}

// preCreate validates the metadata and records who uploads.
func (u *uploads) preCreate(hook tus.HookEvent) (tus.HTTPResponse, tus.FileInfoChanges, error) {
	d, ok := deviceOf(hook.Context)
	if !ok {
		return tus.HTTPResponse{}, tus.FileInfoChanges{}, tusError(http.StatusUnauthorized, "EUNAUTHORIZED", "no device")
	}
	md := hook.Upload.MetaData
	sha := md["sha256"]
	if !protocol.ValidSHA256(sha) {
		return tus.HTTPResponse{}, tus.FileInfoChanges{}, tusError(http.StatusBadRequest, "EINVALID", "metadata sha256 must be 64 lowercase hex")
	}
	if hook.Upload.SizeIsDeferred {
		return tus.HTTPResponse{}, tus.FileInfoChanges{}, tusError(http.StatusBadRequest, "EINVALID", "Upload-Length is required")
	}
	keep := tus.MetaData{"sha256": sha, "deviceId": d.ID, "hall": d.Hall}
	if c := md["caseId"]; protocol.ValidUUIDv7(c) {
		keep["caseId"] = c
	}
	return tus.HTTPResponse{}, tus.FileInfoChanges{MetaData: keep}, nil
}

// preFinish verifies the completed upload into the blob store. A mismatch
// is answered 460 (tus' checksum mismatch) and the upload is discarded so
// the client starts it again.
func (u *uploads) preFinish(hook tus.HookEvent) (tus.HTTPResponse, error) {
	ctx := hook.Context
	info := hook.Upload
	want := info.MetaData["sha256"]
	up, err := u.composer.Core.GetUpload(ctx, info.ID)
	if err != nil {
		return tus.HTTPResponse{}, fmt.Errorf("get upload: %w", err)
	}
	rd, err := up.GetReader(ctx)
	if err != nil {
		return tus.HTTPResponse{}, fmt.Errorf("read upload: %w", err)
	}
	h, size, err := u.s.cfg.Blobs.Put(ctx, rd)
	rd.Close()
	if err != nil {
		return tus.HTTPResponse{}, fmt.Errorf("store blob: %w", err)
	}
	u.terminate(ctx, up)
	if h.String() != want || size != info.Size {
		u.s.log.Warn("upload checksum mismatch", "device", info.MetaData["deviceId"], "upload", info.ID)
		return tus.HTTPResponse{}, tusError(460, "ECHECKSUM", "content does not match its sha256: upload it again")
	}
	if err := u.s.store.PutBlob(ctx, platform.Blob{SHA256: want, Size: size, DeviceID: info.MetaData["deviceId"],
		Hall: info.MetaData["hall"], UploadedAt: u.s.now()}); err != nil {
		return tus.HTTPResponse{}, err
	}
	u.s.metrics.uploadBytes.Add(float64(size))
	return tus.HTTPResponse{Header: tus.HTTPHeader{"Tongban-Blob-Sha256": want}}, nil
}

// terminate removes the partial file once its content is in the blob
// store. A client that lost the final answer finds its upload URL gone
// (404) and asks HEAD /v1/blobs/{sha256}, which then answers 200.
func (u *uploads) terminate(ctx context.Context, up tus.Upload) {
	if !u.composer.UsesTerminater {
		return
	}
	if err := u.composer.Terminater.AsTerminatableUpload(up).Terminate(ctx); err != nil && !errors.Is(err, io.EOF) {
		u.s.log.Warn("remove finished upload", "err", err.Error())
	}
}
