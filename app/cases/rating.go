package cases

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"tongban/app/errs"
)

// 好差评 kinds. A rating and every step of its follow-up are journal actions
// of the case, so they sync with it; none of them changes the case status.
const (
	KindRated          Kind = "rated"              // 好差评
	KindCallback       Kind = "followup_callback"  // 差评回访
	KindRectified      Kind = "followup_rectified" // 差评整改
	KindFollowUpClosed Kind = "followup_closed"    // 差评办结
	KindAppealed       Kind = "rating_appealed"    // 差评申诉
	KindAppealDecided  Kind = "appeal_decided"     // 申诉裁定
)

// RatingKinds lists the 好差评 kinds in order.
var RatingKinds = []Kind{KindRated, KindCallback, KindRectified, KindFollowUpClosed, KindAppealed, KindAppealDecided}

func init() {
	AllKinds = append(AllKinds, RatingKinds...)
	for k, l := range map[Kind]string{KindRated: "好差评", KindCallback: "差评回访", KindRectified: "差评整改",
		KindFollowUpClosed: "差评办结", KindAppealed: "差评申诉", KindAppealDecided: "申诉裁定"} {
		kindLabels[k] = l
	}
	// The applicant rates after a visit ends: once the intake visit has
	// produced a decision or notice, or after the result was handed over.
	afterVisit := []Status{StatusSupplementPending, StatusPendingApproval, StatusReturned, StatusAccepted, StatusRefused,
		StatusDispatched, StatusHandling, StatusHandled, StatusDelivered, StatusClosed, StatusWithdrawn}
	hall := []Role{RoleClerk, RoleFieldAgent, RoleSupervisor}
	rules = append(rules,
		rule{KindRated, afterVisit, StatusNew, front, notSelf},
		rule{KindRated, afterVisit, StatusNew, frontKiosk, selfService},
		rule{KindCallback, afterVisit, StatusNew, hall, nil},
		rule{KindRectified, afterVisit, StatusNew, hall, nil},
		rule{KindFollowUpClosed, afterVisit, StatusNew, []Role{RoleSupervisor}, nil},
		rule{KindAppealed, afterVisit, StatusNew, hall, nil},
		rule{KindAppealDecided, afterVisit, StatusNew, []Role{RoleSupervisor}, nil},
	)
}

// Visits that are rated, one rating each.
const (
	VisitIntake   = "intake"   // 收件办理后
	VisitHandover = "handover" // 结果交付后
)

// Rating levels and limits.
const (
	MinLevel        = 1
	MaxLevel        = 5
	BadLevel        = 2   // 1–2 are 差评
	MaxRatingText   = 200 // comment characters
	MaxFollowUpText = 500
)

// LevelLabels names the five levels.
var LevelLabels = map[int]string{5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}

// BadRatingReasons are the reasons an applicant may pick for a 差评, after
// the evaluation content of GB/T 39734-2020 (政务服务评价工作指南) and
// 国办发〔2019〕51号; see docs/rating.md.
var BadRatingReasons = []string{"服务态度", "办事效率", "办事流程", "政策咨询", "办事指南", "设施环境", "服务渠道", "其他"}

// Follow-up statuses of a 差评.
const (
	FollowOpen     = "open"        // 待回访
	FollowCalled   = "called_back" // 已回访
	FollowRectify  = "rectified"   // 已整改
	FollowAppealed = "appealed"    // 申诉中
	FollowClosed   = "closed"      // 已办结
	FollowVoided   = "voided"      // 申诉成立，评价作废
)

// RatingInput is the payload of a "rated" action.
type RatingInput struct {
	Visit       string   `json:"visit"`
	Level       int      `json:"level"`
	Comment     string   `json:"comment,omitempty"`
	Reasons     []string `json:"reasons,omitempty"`
	Channel     string   `json:"channel,omitempty"`     // counter | kiosk
	FollowUpDue string   `json:"followUpDue,omitempty"` // YYYY-MM-DD, set by the service for 1–2
}

// FollowUpStep is the payload of a follow-up or appeal action.
type FollowUpStep struct {
	Visit   string `json:"visit"`
	Note    string `json:"note"`
	Contact string `json:"contact,omitempty"` // call-back: phone | visit | sms
	Ground  string `json:"ground,omitempty"`  // appeal: mistaken | malicious
	Upheld  bool   `json:"upheld,omitempty"`  // appeal decision
}

// FollowUpNote is one recorded follow-up step.
type FollowUpNote struct {
	Kind Kind      `json:"kind"`
	Note string    `json:"note"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Info string    `json:"info,omitempty"` // contact or ground
}

// RatingRecord is a rating with its follow-up, as folded from the journal.
type RatingRecord struct {
	RatingInput
	ActionID       string         `json:"actionId"`
	RatedAt        time.Time      `json:"ratedAt"`
	HostedBy       string         `json:"hostedBy"`             // the account at the counter
	FollowUp       string         `json:"followUp,omitempty"`   // Follow* status; empty for 3–5
	Notes          []FollowUpNote `json:"notes,omitempty"`      // call-backs, rectification, appeal, decision, closing
	AppealedBy     string         `json:"appealedBy,omitempty"` // who filed the open appeal
	beforeAppeal   string
	FollowClosedAt time.Time `json:"followClosedAt,omitzero"`
}

// Bad reports whether the rating is a 差评.
func (r RatingRecord) Bad() bool { return r.Level <= BadLevel }

func ratingIndex(st State, visit string) int {
	return slices.IndexFunc(st.Ratings, func(r RatingRecord) bool { return r.Visit == visit })
}

// applyRating folds a 好差评 action into st (the table already admitted it).
func applyRating(st State, a Action) (State, error) {
	if a.Kind == KindRated {
		var p RatingInput
		if err := decode(a, &p); err != nil {
			return st, err
		}
		if err := checkRating(&p, st.Status); err != nil {
			return st, err
		}
		if ratingIndex(st, p.Visit) >= 0 {
			return st, conflict("visit already rated", "本次服务已评价过，每次服务只能评价一次")
		}
		rec := RatingRecord{RatingInput: p, ActionID: a.ID, RatedAt: a.DeviceTime, HostedBy: a.Actor}
		if rec.Bad() {
			rec.FollowUp = FollowOpen
		}
		st.Ratings = append(slices.Clone(st.Ratings), rec)
		return st, nil
	}
	var p FollowUpStep
	if err := decode(a, &p); err != nil {
		return st, err
	}
	i := ratingIndex(st, p.Visit)
	if i < 0 || !st.Ratings[i].Bad() {
		return st, errs.New(errs.ENOTFOUND, "no bad rating for visit "+p.Visit, "本次服务没有需要跟进的差评")
	}
	note, err := CleanText("note", "说明", p.Note, MaxFollowUpText)
	if err != nil {
		return st, err
	}
	if note == "" {
		return st, errs.Invalid("note", "note required", "请填写说明")
	}
	rec := st.Ratings[i]
	rec.Notes = slices.Clone(rec.Notes)
	n := FollowUpNote{Kind: a.Kind, Note: note, By: a.Actor, At: a.DeviceTime}
	fs := rec.FollowUp
	bad := func() error {
		return conflict(fmt.Sprintf("%s not allowed in follow-up %s", a.Kind, fs),
			fmt.Sprintf("差评处理当前为“%s”，不能进行“%s”", FollowUpLabel(fs), a.Kind.Label()))
	}
	switch a.Kind {
	case KindCallback:
		if fs != FollowOpen && fs != FollowCalled {
			return st, bad()
		}
		n.Info = p.Contact
		rec.FollowUp = FollowCalled
	case KindRectified:
		if fs != FollowCalled && fs != FollowRectify {
			return st, bad()
		}
		rec.FollowUp = FollowRectify
	case KindFollowUpClosed:
		if fs != FollowRectify {
			return st, bad()
		}
		rec.FollowUp = FollowClosed
		rec.FollowClosedAt = a.DeviceTime
	case KindAppealed:
		if fs != FollowOpen && fs != FollowCalled && fs != FollowRectify {
			return st, bad()
		}
		if p.Ground != "mistaken" && p.Ground != "malicious" {
			return st, errs.Invalid("ground", "unknown ground "+p.Ground, "申诉理由须为误评或恶意评价")
		}
		if slices.ContainsFunc(rec.Notes, func(x FollowUpNote) bool { return x.Kind == KindAppealed }) {
			return st, conflict("already appealed", "该差评已申诉过一次")
		}
		n.Info = p.Ground
		rec.beforeAppeal = fs
		rec.AppealedBy = a.Actor
		rec.FollowUp = FollowAppealed
	case KindAppealDecided:
		if fs != FollowAppealed {
			return st, bad()
		}
		if rec.AppealedBy == a.Actor {
			return st, errs.New(errs.EFORBIDDEN, "cannot decide own appeal", "不能裁定自己提出的申诉")
		}
		if p.Upheld {
			n.Info = "upheld"
			rec.FollowUp = FollowVoided
			rec.FollowClosedAt = a.DeviceTime
		} else {
			n.Info = "rejected"
			rec.FollowUp = rec.beforeAppeal
			if rec.FollowUp == "" {
				rec.FollowUp = FollowOpen
			}
		}
		rec.AppealedBy = ""
	}
	rec.Notes = append(rec.Notes, n)
	st.Ratings = slices.Clone(st.Ratings)
	st.Ratings[i] = rec
	return st, nil
}

// checkRating validates and normalises a rating payload.
func checkRating(p *RatingInput, status Status) error {
	switch p.Visit {
	case VisitIntake:
	case VisitHandover:
		if status != StatusDelivered && status != StatusClosed {
			return conflict("result not handed over", "结果尚未交付，不能评价结果交付服务")
		}
	default:
		return errs.Invalid("visit", "unknown visit "+p.Visit, "评价的服务环节须为收件办理或结果交付")
	}
	if p.Level < MinLevel || p.Level > MaxLevel {
		return errs.Invalid("level", fmt.Sprintf("level %d out of 1..5", p.Level), "请选择 1 至 5 级评价")
	}
	c, err := CleanText("comment", "评价意见", p.Comment, MaxRatingText)
	if err != nil {
		return err
	}
	p.Comment = c
	if p.Level > BadLevel {
		p.Reasons, p.FollowUpDue = nil, ""
		return nil
	}
	if len(p.Reasons) == 0 {
		return errs.Invalid("reasons", "bad rating without reasons", "请选择不满意的原因")
	}
	seen := map[string]bool{}
	for _, r := range p.Reasons {
		if !slices.Contains(BadRatingReasons, r) {
			return errs.Invalid("reasons", "unknown reason "+r, "不满意原因“"+r+"”不在可选范围内")
		}
		if seen[r] {
			return errs.Invalid("reasons", "duplicate reason "+r, "不满意原因重复")
		}
		seen[r] = true
	}
	if _, err := time.Parse("2006-01-02", p.FollowUpDue); err != nil {
		return errs.Invalid("followUpDue", "bad follow-up deadline", "差评整改期限无效")
	}
	return nil
}

var followLabels = map[string]string{FollowOpen: "待回访", FollowCalled: "已回访", FollowRectify: "已整改",
	FollowAppealed: "申诉中", FollowClosed: "已办结", FollowVoided: "申诉成立"}

// FollowUpLabel is the Chinese name of a follow-up status.
func FollowUpLabel(s string) string {
	if l, ok := followLabels[s]; ok {
		return l
	}
	return strings.TrimSpace(s)
}
