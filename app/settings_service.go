package app

import (
	"tongban/app/account"
	"tongban/app/config"
	"tongban/app/errs"
	"tongban/app/paths"
)

// SettingsView is the settings with the problems found in the file.
type SettingsView struct {
	Settings config.Settings  `json:"settings"`
	Problems []config.Problem `json:"problems"`
	Path     string           `json:"path"`
}

// SettingsService shows and edits the settings file.
type SettingsService struct {
	w *Workstation
}

// Get returns the settings in force and any problems of the file.
func (s *SettingsService) Get() (SettingsView, error) {
	if _, err := s.w.session.require(); err != nil {
		return SettingsView{}, toAPI(s.w.log, "settings.get", err)
	}
	return s.view(), nil
}

func (s *SettingsService) view() SettingsView {
	w := s.w
	w.mu.RLock()
	defer w.mu.RUnlock()
	p := w.problems
	if p == nil {
		p = []config.Problem{}
	}
	return SettingsView{Settings: w.settings, Problems: p, Path: paths.ConfigPath(w.opts.DataDir)}
}

// Save validates and writes the settings (admin). Invalid settings are
// refused with the first bad key named; nothing is written.
func (s *SettingsService) Save(next config.Settings) (SettingsView, error) {
	w := s.w
	if _, err := w.session.require(account.RoleAdmin); err != nil {
		return SettingsView{}, toAPI(w.log, "settings.save", err)
	}
	if probs := config.Validate(next); len(probs) > 0 {
		p := probs[0]
		return SettingsView{}, toAPI(w.log, "settings.save", errs.Invalid(p.Key, p.Message, p.Zh))
	}
	if err := config.Save(paths.ConfigPath(w.opts.DataDir), next); err != nil {
		return SettingsView{}, toAPI(w.log, "settings.save", err)
	}
	w.mu.Lock()
	w.settings, w.problems = next, nil
	w.mu.Unlock()
	w.log.Info("settings saved")
	w.emitter.Emit("sync:status", (&SyncService{w: w}).Status())
	return s.view(), nil
}
