package client

import (
	"context"
	"errors"
	"fmt"
	"io"

	"tongban/sync/protocol"
)

// uploadAll sends every pending scan, resuming where the platform stopped.
func (s *Syncer) uploadAll(ctx context.Context, api *API) (int, error) {
	done := 0
	failed := map[string]bool{}
	for {
		ups, err := s.cfg.Store.PendingUploads(ctx, 32)
		if err != nil {
			return done, fmt.Errorf("read uploads: %w", err)
		}
		progressed := false
		for _, u := range ups {
			if failed[u.SHA256] {
				continue
			}
			err := s.upload(ctx, api, u)
			var pe *protocol.Error
			switch {
			case err == nil:
				done++
				progressed = true
			case errors.As(err, &pe) && (pe.Code == ECHECKSUM || pe.Code == protocol.EINVALID || pe.Code == protocol.ETOOLARGE):
				if ferr := s.cfg.Store.UploadFailed(ctx, u.SHA256, pe); ferr != nil {
					return done, ferr
				}
				failed[u.SHA256] = true
				progressed = true
			default:
				return done, err
			}
		}
		if !progressed {
			return done, nil
		}
	}
}

// upload sends one scan: create it (or find it already on the platform),
// then PATCH from the confirmed offset in chunks, persisting the offset
// after each, so an interruption or a restart resumes instead of starting over.
func (s *Syncer) upload(ctx context.Context, api *API, u Upload) error {
	for attempt := 0; attempt < 2; attempt++ {
		fresh := false
		if u.URL == "" {
			has, err := api.HasBlob(ctx, u.SHA256)
			if err != nil {
				return err
			}
			if has {
				return s.cfg.Store.UploadDone(ctx, u.SHA256)
			}
			url, err := api.CreateUpload(ctx, u.SHA256, u.Size, u.CaseID)
			if err != nil {
				return err
			}
			u.URL, u.Offset, fresh = url, 0, true
			if err := s.cfg.Store.SaveUpload(ctx, u.SHA256, u.URL, 0); err != nil {
				return err
			}
		}
		err := s.resume(ctx, api, u, fresh)
		if !errors.Is(err, errUploadGone) {
			return err
		}
		// The platform no longer knows the URL: either it finished the
		// upload and removed it (our last answer was lost), or it expired.
		has, herr := api.HasBlob(ctx, u.SHA256)
		if herr != nil {
			return herr
		}
		if has {
			return s.cfg.Store.UploadDone(ctx, u.SHA256)
		}
		u.URL, u.Offset = "", 0
		if err := s.cfg.Store.SaveUpload(ctx, u.SHA256, "", 0); err != nil {
			return err
		}
	}
	return offline(errors.New("upload could not be restarted"))
}

// resume sends the rest of an upload. A fresh one starts at 0 without
// asking; one found in the store asks the platform where it stopped.
func (s *Syncer) resume(ctx context.Context, api *API, u Upload, fresh bool) error {
	var off int64
	if !fresh {
		var err error
		if off, err = api.UploadOffset(ctx, u.URL); err != nil {
			return err
		}
	}
	if off > u.Size {
		return errUploadGone
	}
	f, err := s.cfg.Store.OpenBlob(ctx, u.SHA256)
	if err != nil {
		return &protocol.Error{Code: protocol.EINVALID, Message: "open scan: " + err.Error(), Zh: "本机扫描件文件缺失或无法读取"}
	}
	defer f.Close()
	for {
		s.setProgress(u.SHA256, off, u.Size)
		if off == u.Size && u.Size > 0 {
			// Everything is there but the verification answer was lost.
			return errUploadGone
		}
		if _, err := f.Seek(off, io.SeekStart); err != nil {
			return fmt.Errorf("seek scan: %w", err)
		}
		n := min(s.cfg.ChunkSize, u.Size-off)
		next, done, err := api.PatchUpload(ctx, u.URL, off, f, n)
		if err != nil {
			return err
		}
		if next <= off && !done {
			return offline(errors.New("upload made no progress"))
		}
		off = next
		if done {
			s.setProgress(u.SHA256, u.Size, u.Size)
			return s.cfg.Store.UploadDone(ctx, u.SHA256)
		}
		if err := s.cfg.Store.SaveUpload(ctx, u.SHA256, u.URL, off); err != nil {
			return err
		}
	}
}
