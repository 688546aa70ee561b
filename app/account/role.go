// Package account keeps the workstation's user accounts: roles, argon2id
// password hashes, first-run setup of the admin, authentication with
// lockout, and the authentication log. It is written so the provincial
// platform can later become the source of accounts (users.source).
package account

// Role is what a user may do at the workstation.
type Role string

// The five roles of DESIGN §1.
const (
	RoleClerk      Role = "clerk"       // 窗口人员
	RoleSupervisor Role = "supervisor"  // 审核人员
	RoleFieldAgent Role = "field_agent" // 村级代办员
	RoleHandler    Role = "handler"     // 办理地业务人员
	RoleAdmin      Role = "admin"       // 管理员
)

var roleLabels = map[Role]string{
	RoleClerk:      "窗口人员",
	RoleSupervisor: "审核人员",
	RoleFieldAgent: "村级代办员",
	RoleHandler:    "办理地业务人员",
	RoleAdmin:      "管理员",
}

// Roles lists every role in display order.
func Roles() []Role {
	return []Role{RoleClerk, RoleSupervisor, RoleFieldAgent, RoleHandler, RoleAdmin}
}

// Valid reports whether r is one of the five roles.
func (r Role) Valid() bool { _, ok := roleLabels[r]; return ok }

// Label is the Chinese name of the role, or the raw value if unknown.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}
