package app

import (
	"context"

	"tongban/app/account"
	"tongban/app/catalog"
)

// CatalogService lets staff search the matter catalog and admins manage
// its versions.
type CatalogService struct {
	w *Workstation
}

func (s *CatalogService) store(roles ...account.Role) (*catalog.Catalog, error) {
	if _, err := s.w.session.require(roles...); err != nil {
		return nil, err
	}
	if _, err := s.w.ready(); err != nil {
		return nil, err
	}
	s.w.mu.RLock()
	defer s.w.mu.RUnlock()
	return s.w.catalog, nil
}

// Search finds matters of the active catalog version.
func (s *CatalogService) Search(q catalog.Query) (catalog.Page, error) {
	c, err := s.store()
	if err != nil {
		return catalog.Page{}, toAPI(s.w.log, "catalog.search", err)
	}
	p, err := c.Search(context.Background(), q)
	return p, toAPI(s.w.log, "catalog.search", err)
}

// Facets lists the values the catalog filters offer.
func (s *CatalogService) Facets() (catalog.Facets, error) {
	c, err := s.store()
	if err != nil {
		return catalog.Facets{}, toAPI(s.w.log, "catalog.facets", err)
	}
	f, err := c.Facets(context.Background())
	return f, toAPI(s.w.log, "catalog.facets", err)
}

// Get returns one matter of the active version with its guide.
func (s *CatalogService) Get(code string) (catalog.Matter, error) {
	c, err := s.store()
	if err != nil {
		return catalog.Matter{}, toAPI(s.w.log, "catalog.get", err)
	}
	m, err := c.Get(context.Background(), code)
	return m, toAPI(s.w.log, "catalog.get", err)
}

// Versions lists the catalog versions, the active one marked.
func (s *CatalogService) Versions() ([]catalog.Version, error) {
	c, err := s.store()
	if err != nil {
		return nil, toAPI(s.w.log, "catalog.versions", err)
	}
	v, err := c.Versions(context.Background())
	return v, toAPI(s.w.log, "catalog.versions", err)
}

// Diff lists what changed from one version to another.
func (s *CatalogService) Diff(fromID, toID int64) (catalog.Diff, error) {
	c, err := s.store()
	if err != nil {
		return catalog.Diff{}, toAPI(s.w.log, "catalog.diff", err)
	}
	d, err := c.Diff(context.Background(), fromID, toID)
	return d, toAPI(s.w.log, "catalog.diff", err)
}

// Activate makes a version the one the workstation uses (admin).
func (s *CatalogService) Activate(versionID int64) (catalog.Version, error) {
	c, err := s.store(account.RoleAdmin)
	if err != nil {
		return catalog.Version{}, toAPI(s.w.log, "catalog.activate", err)
	}
	v, err := c.Activate(context.Background(), versionID)
	return v, toAPI(s.w.log, "catalog.activate", err)
}

// ImportXLSX imports a provincial 特色事项 list (Annex 2 layout) as a new
// version (admin). Nothing is imported when any row is bad; the error
// lists every bad row.
func (s *CatalogService) ImportXLSX(path string) (catalog.ImportResult, error) {
	c, err := s.store(account.RoleAdmin)
	if err != nil {
		return catalog.ImportResult{}, toAPI(s.w.log, "catalog.import", err)
	}
	r, err := c.ImportXLSX(context.Background(), path)
	return r, toAPI(s.w.log, "catalog.import", err)
}

// ChooseAndImport asks for an .xlsx file and imports it; nil when the admin
// cancelled the dialog.
func (s *CatalogService) ChooseAndImport() (*catalog.ImportResult, error) {
	if _, err := s.store(account.RoleAdmin); err != nil {
		return nil, toAPI(s.w.log, "catalog.import", err)
	}
	s.w.mu.RLock()
	d := s.w.dialogs
	s.w.mu.RUnlock()
	path, err := d.OpenFile("选择省级特色事项清单（.xlsx）", "*.xlsx")
	if err != nil {
		return nil, toAPI(s.w.log, "catalog.import", err)
	}
	if path == "" {
		return nil, nil
	}
	r, err := s.ImportXLSX(path)
	if err != nil {
		return nil, err
	}
	return &r, nil
}
