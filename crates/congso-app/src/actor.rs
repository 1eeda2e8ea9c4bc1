//! Who is acting, and the permission check.
//!
//! A permission granted by a role held in unit U applies to U and every unit below U. The check is
//! made against the unit a change *touches* (the unit of the record, or the parent of a new unit),
//! inside the use case's transaction.

use congso_db::Tx;
use congso_db::repo::{units, users};
use congso_domain::{Permission, Role};
use uuid::Uuid;

use crate::{AppError, AppResult};

/// A role held in a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    pub role: Role,
    pub unit_id: Option<Uuid>,
    pub unit_code: Option<String>,
    pub unit_name: Option<String>,
}

/// The person (or the system) performing a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `None` for the system itself (command line, demo seeding, jobs).
    pub user_id: Option<Uuid>,
    pub username: String,
    pub full_name: String,
    pub grants: Vec<Grant>,
    /// The system acts with every permission (it is the operator at the console).
    pub is_system: bool,
}

impl Actor {
    /// The operator at the command line, or an internal job.
    pub fn system() -> Actor {
        Actor {
            user_id: None,
            username: "system".to_owned(),
            full_name: "Hệ thống".to_owned(),
            grants: vec![],
            is_system: true,
        }
    }

    /// Loads a user's active grants.
    pub async fn load(tx: &mut Tx, user: &users::UserRow) -> AppResult<Actor> {
        let grants = users::active_grants(tx, user.id)
            .await?
            .into_iter()
            .filter_map(|g| {
                Role::parse(&g.role).ok().map(|role| Grant {
                    role,
                    unit_id: g.unit_id,
                    unit_code: g.unit_code,
                    unit_name: g.unit_name,
                })
            })
            .collect();
        Ok(Actor {
            user_id: Some(user.id),
            username: user.username.clone(),
            full_name: user.full_name.clone(),
            grants,
            is_system: false,
        })
    }

    pub fn has_role(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role == role)
    }

    /// Whether the actor works in the officer workspace (holds any staff role).
    pub fn is_staff(&self) -> bool {
        self.is_system || self.grants.iter().any(|g| g.role.is_staff())
    }

    /// Whether the actor holds `perm` anywhere (for showing menus; never enough for a change).
    pub fn may_somewhere(&self, perm: Permission) -> bool {
        self.is_system || self.grants.iter().any(|g| g.role.grants(perm))
    }

    /// The roles through which the actor holds `perm` on `unit_id`.
    pub async fn roles_for(
        &self,
        tx: &mut Tx,
        perm: Permission,
        unit_id: Uuid,
    ) -> AppResult<Vec<Role>> {
        let relevant: Vec<&Grant> = self.grants.iter().filter(|g| g.role.grants(perm)).collect();
        if relevant.is_empty() {
            return Ok(vec![]);
        }
        let chain = units::ancestors(tx, unit_id).await?;
        Ok(relevant
            .into_iter()
            .filter(|g| g.unit_id.is_some_and(|u| chain.contains(&u)))
            .map(|g| g.role)
            .collect())
    }

    /// The roles the actor holds on `unit_id` (directly or through a unit above it), against the
    /// units in memory (`crate::units::tree`).
    pub fn roles_in(&self, units: &crate::units::UnitTree, unit_id: Uuid) -> Vec<Role> {
        let chain = units.ancestors(unit_id);
        self.grants
            .iter()
            .filter(|g| g.unit_id.is_some_and(|u| chain.contains(&u)))
            .map(|g| g.role)
            .collect()
    }

    /// [`Actor::require`] against the units in memory.
    pub fn require_in(
        &self,
        units: &crate::units::UnitTree,
        perm: Permission,
        unit_id: Uuid,
    ) -> AppResult<()> {
        if self.is_system || self.roles_in(units, unit_id).iter().any(|r| r.grants(perm)) {
            Ok(())
        } else {
            tracing::info!(actor = %self.username, ?perm, %unit_id, "permission denied");
            Err(AppError::forbidden())
        }
    }

    /// Fails with `forbidden` unless the actor holds `perm` on `unit_id` (directly or through a unit
    /// above it).
    pub async fn require(&self, tx: &mut Tx, perm: Permission, unit_id: Uuid) -> AppResult<()> {
        if self.is_system || !self.roles_for(tx, perm, unit_id).await?.is_empty() {
            Ok(())
        } else {
            tracing::info!(actor = %self.username, ?perm, %unit_id, "permission denied");
            Err(AppError::forbidden())
        }
    }
}
