package scans

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// CaseInfo is what the scan screens show of a case (no personal data).
type CaseInfo struct {
	ID         string `json:"caseId"`
	No         string `json:"caseNo"` // official number, else the provisional one
	MatterCode string `json:"matterCode"`
	MatterName string `json:"matterName"`
	Open       bool   `json:"open"`
}

// Case returns a case's number and matter from the case projection.
func (s *Service) Case(ctx context.Context, caseID string) (CaseInfo, error) {
	c := CaseInfo{ID: caseID}
	var open int
	err := s.db.Reader().QueryRowContext(ctx, `SELECT coalesce(official_no, provisional_no), matter_code, matter_name, open
		FROM cases WHERE id = ?`, caseID).Scan(&c.No, &c.MatterCode, &c.MatterName, &open)
	if errors.Is(err, sql.ErrNoRows) {
		return c, errCaseMissing
	}
	if err != nil {
		return c, fmt.Errorf("read case: %w", err)
	}
	c.Open = open == 1
	return c, nil
}
