package app

// SyncStatus is the platform connection as the badge shows it. Until the
// sync client exists (issue 6) a workstation is never connected, and the
// badge says so.
type SyncStatus struct {
	State         string `json:"state"` // not_configured | disconnected | connected
	Label         string `json:"label"`
	PlatformURL   string `json:"platformUrl"`
	LastSuccessAt string `json:"lastSuccessAt,omitempty"`
	Pending       int    `json:"pending"`
	Failed        int    `json:"failed"`
}

// SyncService reports the platform connection.
type SyncService struct {
	w *Workstation
}

// Status reports the connection honestly: no sync client runs yet.
func (s *SyncService) Status() SyncStatus {
	s.w.mu.RLock()
	url := s.w.settings.PlatformURL
	s.w.mu.RUnlock()
	if url == "" {
		return SyncStatus{State: "not_configured", Label: "未连接平台", PlatformURL: url}
	}
	return SyncStatus{State: "disconnected", Label: "未连接平台", PlatformURL: url}
}
