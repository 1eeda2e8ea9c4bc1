//! Users and roles.

use congso_db::repo::units;
use congso_db::repo::users::{self, GrantRow, UserRow};
use congso_domain::{Email, ErrorCode, Permission, Phone, Role, Username};
use serde_json::json;

use crate::audit::{self, Subject};
use crate::auth::{check_password_policy, hash_password};
use crate::{Actor, App, AppError, AppResult};

/// A user to create, with the one role they start with.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    pub full_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub role: String,
    /// The unit the role is held in (required for every role but `citizen`).
    pub unit_code: Option<String>,
}

/// Creates a user holding `role` in `unit_code`. Needs `user_manage` on that unit through a role
/// allowed to grant `role`; creating a citizen account needs the administrator (or the operator).
pub async fn create_user(app: &App, actor: &Actor, new: NewUser) -> AppResult<UserRow> {
    let username = Username::parse(&new.username)?;
    let role = Role::parse(&new.role)?;
    check_password_policy(&new.password)?;
    let full_name = new.full_name.trim();
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("full_name"));
    }
    let email = new
        .email
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(Email::parse)
        .transpose()?;
    let phone = new
        .phone
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(Phone::parse)
        .transpose()?;
    // Hash before taking the write lock: Argon2 is deliberately slow.
    let hash = hash_password(&new.password).await?;
    let now = app.now();
    let today = app.today();
    let mut tx = app.db.begin_write().await?;
    let unit = match (&new.unit_code, role.needs_unit()) {
        (Some(code), true) => Some(
            units::by_code_on(&mut tx, code.trim(), today)
                .await?
                .ok_or(AppError::new(ErrorCode::UnitNotFound).with_detail(code.clone()))?,
        ),
        (None, true) => return Err(AppError::new(ErrorCode::RoleNeedsUnit)),
        (_, false) => None,
    };
    match &unit {
        Some(u) => {
            let roles = if actor.is_system {
                vec![Role::Admin]
            } else {
                actor
                    .roles_for(&mut tx, Permission::UserManage, u.id)
                    .await?
            };
            if !roles.iter().any(|r| r.may_grant(role)) {
                tracing::info!(actor = %actor.username, unit = %u.code, %role, "user creation denied");
                return Err(AppError::forbidden());
            }
        }
        None => {
            if !(actor.is_system || actor.has_role(Role::Admin)) {
                return Err(AppError::forbidden());
            }
        }
    }
    if users::by_username(&mut tx, username.as_str())
        .await?
        .is_some()
    {
        return Err(AppError::new(ErrorCode::UsernameTaken));
    }
    let row = UserRow {
        id: congso_domain::new_id(),
        username: username.to_string(),
        full_name: full_name.to_owned(),
        email: email.map(String::from),
        phone: phone.map(String::from),
        password_hash: Some(hash),
        locale: "vi".to_owned(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    users::insert(&mut tx, &row).await?;
    users::insert_grant(
        &mut tx,
        congso_domain::new_id(),
        row.id,
        role.as_str(),
        unit.as_ref().map(|u| u.id),
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "user",
            id: row.id,
            unit_id: unit.as_ref().map(|u| u.id),
        },
        "user.created",
        json!({
            "username": row.username, "role": role.as_str(),
            "unit": unit.as_ref().map(|u| &u.code),
        }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(row)
}

/// A user with the roles they hold.
#[derive(Debug, Clone)]
pub struct UserWithGrants {
    pub user: UserRow,
    pub grants: Vec<GrantRow>,
}

/// Lists users (`limit` from `offset`). Needs `user_manage` somewhere.
pub async fn list_users(
    app: &App,
    actor: &Actor,
    limit: i64,
    offset: i64,
) -> AppResult<(Vec<UserWithGrants>, i64)> {
    if !actor.may_somewhere(Permission::UserManage) {
        return Err(AppError::forbidden());
    }
    let mut tx = app.db.begin_read().await?;
    let total = users::count(&mut tx).await?;
    let mut out = vec![];
    for user in users::list(&mut tx, limit.clamp(1, 500), offset.max(0)).await? {
        let grants = users::active_grants(&mut tx, user.id).await?;
        out.push(UserWithGrants { user, grants });
    }
    tx.commit().await?;
    Ok((out, total))
}

/// Usernames by user id. A username never changes once the account exists, so this server keeps
/// each one it has read (a dossier view names its assignee: one query less per view).
#[derive(Default)]
pub struct Usernames {
    inner: std::sync::RwLock<std::collections::HashMap<uuid::Uuid, String>>,
}

/// Beyond this many names the cache starts again empty.
const USERNAMES_MAX: usize = 100_000;

impl Usernames {
    /// The username of `id` if it is cached (no read).
    pub fn cached(&self, id: uuid::Uuid) -> Option<String> {
        self.inner.read().ok()?.get(&id).cloned()
    }

    /// The username of `id` (`None` for an unknown id).
    pub async fn get(&self, tx: &mut congso_db::Tx, id: uuid::Uuid) -> AppResult<Option<String>> {
        if let Some(name) = self.cached(id) {
            return Ok(Some(name));
        }
        let Some(user) = users::by_id(tx, id).await? else {
            return Ok(None);
        };
        if let Ok(mut map) = self.inner.write() {
            if map.len() >= USERNAMES_MAX {
                map.clear();
            }
            map.insert(id, user.username.clone());
        }
        Ok(Some(user.username))
    }
}
