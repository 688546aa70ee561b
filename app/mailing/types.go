// Package mailing is the collecting hall's mail room: batches of parcels to
// one handling place with their handover manifest (交接清单), waybills
// ordered from the courier, dispatch recorded in each case's journal,
// courier tracking and the stuck-parcel alert.
package mailing

import "tongban/app/cases"

// Batch statuses.
const (
	StatusOpen       = "open"
	StatusDispatched = "dispatched"
)

// Batch is a set of parcels handed to the courier together for one
// handling place.
type Batch struct {
	ID           string `json:"id"`
	Number       string `json:"number"` // JJ410102-20261204-01
	Place        string `json:"place"`
	PlaceName    string `json:"placeName"`
	Status       string `json:"status"`      // open | dispatched
	Dispatching  bool   `json:"dispatching"` // dispatch began but some cases are not recorded yet
	Courier      string `json:"courier"`
	Demo         bool   `json:"demo"` // waybills from the demo courier (演示)
	Cases        int    `json:"cases"`
	CreatedBy    string `json:"createdBy"`
	CreatedAt    string `json:"createdAt"`
	DispatchedBy string `json:"dispatchedBy"`
	DispatchedAt string `json:"dispatchedAt"`
}

// BatchDetail is a batch with its cases.
type BatchDetail struct {
	Batch Batch       `json:"batch"`
	Items []BatchItem `json:"items"`
}

// BatchItem is one case (one parcel) of a batch; personal data as lists
// show it (name, masked ID number).
type BatchItem struct {
	CaseID        string `json:"caseId"`
	ProvisionalNo string `json:"provisionalNo"`
	OfficialNo    string `json:"officialNo"`
	MatterName    string `json:"matterName"`
	Applicant     string `json:"applicant"`
	IDMasked      string `json:"idMasked"`
	Place         string `json:"place"`
	Waybill       string `json:"waybill"`
	RouteCode     string `json:"routeCode"`
	Demo          bool   `json:"demo"`
	AddedBy       string `json:"addedBy"`
	AddedAt       string `json:"addedAt"`
	DispatchedAt  string `json:"dispatchedAt"` // the case's dispatch is recorded
	Error         string `json:"error"`        // why the last dispatch attempt of this case failed
	LastEvent     string `json:"lastEvent"`    // status text of the last tracking event (Chinese)
	LastEventAt   string `json:"lastEventAt"`
}

// Event is one tracking event of a parcel.
type Event struct {
	Waybill     string `json:"waybill"`
	Direction   string `json:"direction"` // out (materials to the place) | back (result to the hall)
	At          string `json:"at"`
	Place       string `json:"place"`
	Status      string `json:"status"` // accepted | in_transit | delivering | delivered | exception
	StatusLabel string `json:"statusLabel"`
	Note        string `json:"note"`
	Demo        bool   `json:"demo"`
}

// StuckParcel is a parcel not delivered whose last news is too old.
type StuckParcel struct {
	CaseID        string `json:"caseId"`
	ProvisionalNo string `json:"provisionalNo"`
	Waybill       string `json:"waybill"`
	Direction     string `json:"direction"`
	Place         string `json:"place"`
	LastStatus    string `json:"lastStatus"` // Chinese; 已交寄 when no event came yet
	LastEventAt   string `json:"lastEventAt"`
	Hours         int    `json:"hours"`
}

// Candidate is a case waiting to be mailed: the list row plus the
// handling places its parcels still have to go to.
type Candidate struct {
	cases.Summary
	Places     []string `json:"places"`
	PlaceNames []string `json:"placeNames"`
}

var statusLabels = map[string]string{"accepted": "已收寄", "in_transit": "运输中", "delivering": "派送中",
	"delivered": "已签收", "exception": "异常"}

// StatusLabel is the Chinese text of a courier status.
func StatusLabel(s string) string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return s
}
