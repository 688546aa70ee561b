// Package cases is the counter's case journal: a case (办件) is an
// append-only list of actions, its state is a pure fold of that list, and a
// table per service mode decides which action each role may take in which
// state. The Service stores journals in the workstation database, keeps a
// searchable projection, drafts, provisional numbers and deadlines.
package cases

// Kind is the kind of a journal action.
type Kind string

// Action kinds.
const (
	KindReceived           Kind = "received"                 // 收件
	KindIdentityChecked    Kind = "identity_checked"         // 身份核验
	KindMaterialReceived   Kind = "material_received"        // 材料接收
	KindFormalReview       Kind = "formal_review"            // 形式审查
	KindAccepted           Kind = "accepted"                 // 受理
	KindSupplementRequest  Kind = "supplement_requested"     // 一次性告知补正
	KindSupplementReceived Kind = "supplement_received"      // 补正材料接收
	KindRefused            Kind = "refused"                  // 不予受理
	KindSubmitted          Kind = "submitted_for_approval"   // 提交审核
	KindCheckedOut         Kind = "checked_out"              // 审核签出
	KindReleased           Kind = "released"                 // 释放签出
	KindApproved           Kind = "approved"                 // 审核通过
	KindReturned           Kind = "returned"                 // 审核退回
	KindDispatched         Kind = "dispatched"               // 寄递 / 流转
	KindHandlerReceived    Kind = "handler_received"         // 办理地签收
	KindHandled            Kind = "handled"                  // 办结
	KindResultArrived      Kind = "result_received"          // 收件地签收回寄结果
	KindResultDelivered    Kind = "result_delivered"         // 结果送达
	KindClosed             Kind = "closed"                   // 归档
	KindWithdrawn          Kind = "withdrawn"                // 申请人撤回
	KindOfficialNumber     Kind = "official_number_assigned" // 平台赋受理编号
)

// AllKinds lists every kind, in lifecycle order.
var AllKinds = []Kind{KindReceived, KindIdentityChecked, KindMaterialReceived, KindFormalReview, KindAccepted,
	KindSupplementRequest, KindSupplementReceived, KindRefused, KindSubmitted, KindCheckedOut, KindReleased,
	KindApproved, KindReturned, KindDispatched, KindHandlerReceived, KindHandled, KindResultArrived, KindResultDelivered, KindClosed,
	KindWithdrawn, KindOfficialNumber}

var kindLabels = map[Kind]string{
	KindReceived: "收件", KindIdentityChecked: "身份核验", KindMaterialReceived: "材料接收", KindFormalReview: "形式审查",
	KindAccepted: "受理", KindSupplementRequest: "一次性告知补正", KindSupplementReceived: "接收补正材料",
	KindRefused: "不予受理", KindSubmitted: "提交审核", KindCheckedOut: "签出审核", KindReleased: "释放签出",
	KindApproved: "审核通过", KindReturned: "审核退回", KindDispatched: "寄递流转", KindHandlerReceived: "办理地签收",
	KindHandled: "办结", KindResultArrived: "签收回寄结果", KindResultDelivered: "结果送达", KindClosed: "归档", KindWithdrawn: "申请人撤回",
	KindOfficialNumber: "赋受理编号",
}

// Label is the Chinese name of the action.
func (k Kind) Label() string {
	if l, ok := kindLabels[k]; ok {
		return l
	}
	return string(k)
}

// Role of the actor (the same names as accounts use).
type Role string

// Roles. Kiosk is a self-service terminal (自助通办); System is the sync
// client applying what the platform decided (e.g. the official number).
const (
	RoleClerk      Role = "clerk"
	RoleSupervisor Role = "supervisor"
	RoleFieldAgent Role = "field_agent"
	RoleHandler    Role = "handler"
	RoleAdmin      Role = "admin"
	RoleKiosk      Role = "kiosk"
	RoleSystem     Role = "system"
)

// AllRoles lists every role.
var AllRoles = []Role{RoleClerk, RoleSupervisor, RoleFieldAgent, RoleHandler, RoleAdmin, RoleKiosk, RoleSystem}

var roleLabels = map[Role]string{RoleClerk: "窗口人员", RoleSupervisor: "审核人员", RoleFieldAgent: "村级代办员",
	RoleHandler: "办理地业务人员", RoleAdmin: "管理员", RoleKiosk: "自助终端", RoleSystem: "系统同步"}

// Label is the Chinese name of the role.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// Mode is a 通办业务模式.
type Mode string

// Service modes.
const (
	ModeOnline      Mode = "全程网办"
	ModeProxy       Mode = "异地代收代办"
	ModeMultiPlace  Mode = "多地联办"
	ModeSelfService Mode = "自助通办"
)

// AllModes lists every mode.
var AllModes = []Mode{ModeOnline, ModeProxy, ModeMultiPlace, ModeSelfService}

// Status is the state of a case derived from its journal.
type Status string

// Statuses. StatusNew is the state before the first action.
const (
	StatusNew               Status = ""
	StatusReceived          Status = "received"
	StatusReviewing         Status = "reviewing"
	StatusSupplementPending Status = "supplement_pending"
	StatusPendingApproval   Status = "pending_approval"
	StatusReturned          Status = "returned"
	StatusAccepted          Status = "accepted"
	StatusRefused           Status = "refused"
	StatusDispatched        Status = "dispatched"
	StatusHandling          Status = "handling"
	StatusSentBack          Status = "sent_back" // 多地联办: a task was refused, back at the collecting hall
	StatusHandled           Status = "handled"
	StatusDelivered         Status = "delivered"
	StatusClosed            Status = "closed"
	StatusWithdrawn         Status = "withdrawn"
)

// AllStatuses lists every status including StatusNew.
var AllStatuses = []Status{StatusNew, StatusReceived, StatusReviewing, StatusSupplementPending, StatusPendingApproval,
	StatusReturned, StatusAccepted, StatusRefused, StatusDispatched, StatusHandling, StatusSentBack, StatusHandled,
	StatusDelivered, StatusClosed, StatusWithdrawn}

var statusLabels = map[Status]string{StatusNew: "新建", StatusReceived: "已收件", StatusReviewing: "审查中",
	StatusSupplementPending: "待补正", StatusPendingApproval: "待审核", StatusReturned: "审核退回",
	StatusAccepted: "已受理", StatusRefused: "不予受理", StatusDispatched: "已寄递", StatusHandling: "办理中", StatusSentBack: "退回收件地",
	StatusHandled: "已办结", StatusDelivered: "已送达", StatusClosed: "已归档", StatusWithdrawn: "已撤回"}

// Label is the Chinese name of the status.
func (s Status) Label() string {
	if l, ok := statusLabels[s]; ok {
		return l
	}
	return string(s)
}

// Open reports whether the case still needs work (not refused, closed or
// withdrawn).
func (s Status) Open() bool {
	switch s {
	case StatusRefused, StatusClosed, StatusWithdrawn, StatusNew:
		return false
	}
	return true
}
