//! Roles and permissions.
//!
//! A role is always held *in a unit* (except `citizen`). A permission granted by a role applies to
//! that unit and to every unit below it in the organisation tree, on the date of the action. The
//! check itself lives in the application layer; this module says which role grants what.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// The roles of congso.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Công dân: a citizen or a business using the portal.
    Citizen,
    /// Cán bộ một cửa: receives and returns dossiers at a one-stop desk.
    OneStopOfficer,
    /// Chuyên viên: processes dossiers and tasks in a department or commune.
    Specialist,
    /// Lãnh đạo đơn vị: head (or deputy) of a department or commune.
    UnitHead,
    /// Chuyên viên văn phòng: staff of the People's Committee Office who follow up directives.
    OfficeStaff,
    /// Lãnh đạo UBND: chair or vice-chair of the People's Committee.
    Leader,
    /// Quản trị hệ thống: system administrator.
    Admin,
}

/// What a role allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Create, rename, merge and close organisation units below the unit.
    UnitManage,
    /// Create users and grant roles in the unit.
    UserManage,
    /// Read the audit trail of the unit's records.
    AuditRead,
    /// Edit the legal calendar (holidays, make-up days).
    CalendarManage,
    /// Receive, forward and return dossiers at the one-stop desk.
    DossierReceive,
    /// Process dossiers assigned to the unit.
    DossierProcess,
    /// Approve results, refusals and apology letters of the unit.
    DossierApprove,
    /// Register directives and follow up tasks.
    DirectiveManage,
    /// Report progress on tasks assigned to the unit.
    TaskReport,
    /// Direct: approve extensions and give instructions.
    Direct,
    /// See reports and dashboards of the unit.
    ReportView,
    /// Receive, classify and handle citizens' petitions (đơn) of the unit.
    PetitionHandle,
    /// Create, edit, publish and repeal procedures in the catalogue.
    CatalogueManage,
    /// Handle on-site reports routed to the unit (accept, assign, resolve, reject, ask for time).
    SiteReportHandle,
}

impl Role {
    /// Every role, in the order shown in the user interface.
    pub const ALL: [Role; 7] = [
        Role::Citizen,
        Role::OneStopOfficer,
        Role::Specialist,
        Role::UnitHead,
        Role::OfficeStaff,
        Role::Leader,
        Role::Admin,
    ];

    /// The wire and command-line name (`one_stop_officer`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::OneStopOfficer => "one_stop_officer",
            Role::Specialist => "specialist",
            Role::UnitHead => "unit_head",
            Role::OfficeStaff => "office_staff",
            Role::Leader => "leader",
            Role::Admin => "admin",
        }
    }

    /// Parses the wire name.
    pub fn parse(s: &str) -> Result<Role, ErrorCode> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or(ErrorCode::InvalidRole)
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Citizen => "Công dân",
            Role::OneStopOfficer => "Cán bộ một cửa",
            Role::Specialist => "Chuyên viên",
            Role::UnitHead => "Lãnh đạo đơn vị",
            Role::OfficeStaff => "Chuyên viên văn phòng",
            Role::Leader => "Lãnh đạo UBND",
            Role::Admin => "Quản trị hệ thống",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Role::Citizen => "Citizen",
            Role::OneStopOfficer => "One-stop officer",
            Role::Specialist => "Specialist",
            Role::UnitHead => "Unit head",
            Role::OfficeStaff => "Office staff",
            Role::Leader => "City leader",
            Role::Admin => "Administrator",
        }
    }

    /// Whether the role must be held in a unit. Only citizens hold no unit.
    pub fn needs_unit(self) -> bool {
        self != Role::Citizen
    }

    /// Whether this role is staff (works in the officer workspace).
    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }

    /// The permissions the role grants in its unit (and the units below it).
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::Citizen => &[],
            Role::OneStopOfficer => &[DossierReceive, ReportView],
            Role::Specialist => &[
                DossierProcess,
                TaskReport,
                ReportView,
                SiteReportHandle,
                PetitionHandle,
            ],
            Role::UnitHead => &[
                UserManage,
                AuditRead,
                DossierProcess,
                DossierApprove,
                TaskReport,
                ReportView,
                SiteReportHandle,
                PetitionHandle,
            ],
            Role::OfficeStaff => &[DirectiveManage, ReportView, AuditRead, PetitionHandle],
            Role::Leader => &[
                Direct,
                DossierApprove,
                ReportView,
                AuditRead,
                PetitionHandle,
            ],
            Role::Admin => &[
                UnitManage,
                UserManage,
                AuditRead,
                CalendarManage,
                CatalogueManage,
                ReportView,
            ],
        }
    }

    /// Whether the role grants a permission.
    pub fn grants(self, p: Permission) -> bool {
        self.permissions().contains(&p)
    }

    /// Roles that a holder of `UserManage` with this role may grant to others. An administrator may
    /// grant any role; a unit head may staff their own unit but not create administrators or leaders.
    pub fn may_grant(self, other: Role) -> bool {
        match self {
            Role::Admin => true,
            Role::UnitHead => matches!(
                other,
                Role::OneStopOfficer | Role::Specialist | Role::UnitHead
            ),
            _ => false,
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Ok(r));
        }
        assert_eq!(Role::parse("superuser"), Err(ErrorCode::InvalidRole));
    }

    #[test]
    fn only_admin_manages_units_and_citizens_have_nothing() {
        for r in Role::ALL {
            assert_eq!(r.grants(Permission::UnitManage), r == Role::Admin);
        }
        assert!(Role::Citizen.permissions().is_empty());
        assert!(!Role::UnitHead.may_grant(Role::Admin));
        assert!(Role::UnitHead.may_grant(Role::Specialist));
    }
}
