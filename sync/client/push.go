package client

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tongban/sync/protocol"
)

// pushAll sends the outbox in batches until nothing pushable is left. A
// rejected or conflicting item is quarantined and the rest go on. It
// returns the number of items stored on the platform.
func (s *Syncer) pushAll(ctx context.Context, api *API) (int, error) {
	total := 0
	batch := s.cfg.BatchSize
	for {
		items, err := s.cfg.Store.Pending(ctx, batch)
		if err != nil {
			return total, fmt.Errorf("read outbox: %w", err)
		}
		if len(items) == 0 {
			return total, nil
		}
		n, err := s.pushBatch(ctx, api, items)
		total += n
		if err == nil {
			batch = s.cfg.BatchSize
			continue
		}
		var pe *protocol.Error
		if !errors.As(err, &pe) || (pe.Code != protocol.ETOOLARGE && pe.Code != protocol.EINVALID) {
			return total, err
		}
		// The whole request was refused: split it until the bad item is
		// alone, then quarantine it so that it never blocks the rest.
		if len(items) == 1 {
			if qerr := s.cfg.Store.Quarantine(ctx, items[0].Key, pe); qerr != nil {
				return total, fmt.Errorf("quarantine: %w", qerr)
			}
			s.cfg.Logger.Warn("sync item quarantined", "item", items[0].Key, "code", pe.Code)
			batch = s.cfg.BatchSize
			continue
		}
		batch = max(1, len(items)/2)
	}
}

// pushBatch pushes items and records each result.
func (s *Syncer) pushBatch(ctx context.Context, api *API, items []Item) (int, error) {
	var req protocol.PushRequest
	caseOf := map[string]int{} // case id → index in req.Cases
	for _, it := range items {
		if it.Case != nil {
			caseOf[it.Case.ID] = len(req.Cases)
			req.Cases = append(req.Cases, *it.Case)
		}
		req.Actions = append(req.Actions, it.Action)
	}
	resp, err := api.Push(ctx, req)
	if err != nil {
		return 0, err
	}
	var synced []Synced
	failedCase := map[string]bool{} // a case with a refused item in this batch
	for i, it := range items {
		r := resp.Actions[i]
		if it.Case != nil {
			cr := resp.Cases[caseOf[it.Case.ID]]
			if !stored(cr.Status) {
				failedCase[it.Action.CaseID] = true
				if err := s.cfg.Store.Quarantine(ctx, it.Key, itemError(cr)); err != nil {
					return len(synced), fmt.Errorf("quarantine: %w", err)
				}
				continue
			}
		}
		if !stored(r.Status) && failedCase[it.Action.CaseID] {
			continue // stays pending, held behind the quarantined item of its case
		}
		if !stored(r.Status) {
			failedCase[it.Action.CaseID] = true
			if err := s.cfg.Store.Quarantine(ctx, it.Key, itemError(r)); err != nil {
				return len(synced), fmt.Errorf("quarantine: %w", err)
			}
			s.cfg.Logger.Warn("sync item quarantined", "item", it.Key, "status", r.Status, "code", protocol.CodeOf(itemError(r)))
			continue
		}
		at, _ := time.Parse(time.RFC3339Nano, r.ReceivedAt)
		synced = append(synced, Synced{Key: it.Key, Seq: r.Seq, CaseVersion: r.CaseVersion, ReceivedAt: at})
	}
	if err := s.cfg.Store.MarkSynced(ctx, synced); err != nil {
		return 0, fmt.Errorf("mark synced: %w", err)
	}
	return len(synced), nil
}

func stored(status string) bool {
	return status == protocol.StatusCreated || status == protocol.StatusDuplicate
}

func itemError(r protocol.ItemResult) *protocol.Error {
	if r.Error != nil {
		return r.Error
	}
	return &protocol.Error{Code: protocol.EINVALID, Message: "item " + r.Status, Zh: "平台拒收该条记录"}
}
