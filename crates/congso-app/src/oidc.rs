//! Logging in with an external identity (OpenID Connect: the province's SSO, a VNeID-style
//! provider). The protocol (discovery, code exchange, ID-token verification) lives in the web
//! layer's `congso-oidc` crate; this use case receives an identity that has already been verified.
//!
//! - An identity is the provider's `(issuer, subject)` pair, linked to one user in
//!   `user_identities`. The first login with a new pair creates a **citizen** account (no unit, no
//!   password, a generated username, the full name from the claims) and links it. Existing accounts
//!   are never linked by e-mail address: that would let whoever controls an address at the provider
//!   take over an account here.
//! - Contact details are kept only when the provider says they are verified.
//! - A disabled account is refused (`account_disabled`), as with a password.
//! - Everything (account, link, session, events) is one write transaction.

use congso_db::repo::identities::{self, IdentityRow};
use congso_db::repo::users::{self, UserRow};
use congso_db::{Ts, Tx};
use congso_domain::{Email, ErrorCode, Phone, Role, Username};
use serde_json::json;

use crate::audit::{self, Subject};
use crate::auth::{NewSession, Origin, open_session};
use crate::{Actor, App, AppError, AppResult};

/// Longest accepted issuer or subject (OpenID Connect caps `sub` at 255 ASCII characters).
const MAX_ID_LEN: usize = 255;
const MAX_ISSUER_LEN: usize = 2048;
/// The name given to an account whose provider sent no name at all.
const FALLBACK_NAME: &str = "Công dân";

/// What the provider says about the person (from the verified ID token).
#[derive(Debug, Clone, Default)]
pub struct IdentityClaims {
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub preferred_username: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub phone: Option<String>,
    pub phone_verified: bool,
}

impl IdentityClaims {
    /// The full name: `name`, else family and given names in Vietnamese order, else the
    /// provider's username, else "Công dân".
    pub fn full_name(&self) -> String {
        let clean = |s: &Option<String>| {
            s.as_deref()
                .map(|v| v.split_whitespace().collect::<Vec<_>>().join(" "))
                .filter(|v| !v.is_empty())
        };
        let joined = [clean(&self.family_name), clean(&self.given_name)]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        clean(&self.name)
            .or_else(|| Some(joined).filter(|j| !j.is_empty()))
            .or_else(|| clean(&self.preferred_username))
            .unwrap_or_else(|| FALLBACK_NAME.to_owned())
            .chars()
            .filter(|c| !c.is_control())
            .take(200)
            .collect()
    }
}

/// Logs in with a verified external identity: finds the linked user or creates a citizen account,
/// opens a session, and records `user.created` (first time) and `user.logged_in`.
pub async fn login_with_identity(
    app: &App,
    issuer: &str,
    subject: &str,
    claims: &IdentityClaims,
    origin: &Origin,
) -> AppResult<(NewSession, Actor)> {
    let ok =
        |s: &str, max: usize| !s.is_empty() && s.len() <= max && !s.chars().any(char::is_control);
    if !ok(issuer, MAX_ISSUER_LEN) || !ok(subject, MAX_ID_LEN) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("sub"));
    }
    match attempt(app, issuer, subject, claims, origin).await {
        // Two first logins of the same person raced (PostgreSQL; SQLite writers queue): the other
        // one linked the identity, so this attempt now finds it.
        Err(e) if e.code == ErrorCode::Conflict => {
            attempt(app, issuer, subject, claims, origin).await
        }
        r => r,
    }
}

async fn attempt(
    app: &App,
    issuer: &str,
    subject: &str,
    claims: &IdentityClaims,
    origin: &Origin,
) -> AppResult<(NewSession, Actor)> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let user = match identities::by_issuer_subject(&mut tx, issuer, subject).await? {
        Some(link) => users::by_id(&mut tx, link.user_id)
            .await?
            .ok_or_else(|| AppError::internal(anyhow::anyhow!("identity without user")))?,
        None => create_citizen(&mut tx, issuer, subject, claims, now).await?,
    };
    if !user.active {
        tracing::info!(username = %user.username, "OpenID Connect login of a disabled account");
        return Err(AppError::new(ErrorCode::AccountDisabled));
    }
    let session = open_session(&mut tx, app, user.id, origin, now).await?;
    let actor = Actor::load(&mut tx, &user).await?;
    audit::record(
        &mut tx,
        &actor,
        Subject {
            kind: "user",
            id: user.id,
            unit_id: None,
        },
        "user.logged_in",
        json!({ "via": "oidc", "issuer": issuer, "ip": origin.ip }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((session, actor))
}

/// Creates the citizen account of a new identity and links it. The event's actor is the new user
/// (self-registration); the subject identifier is not written into the event log.
async fn create_citizen(
    tx: &mut Tx,
    issuer: &str,
    subject: &str,
    claims: &IdentityClaims,
    now: Ts,
) -> AppResult<UserRow> {
    let full_name = claims.full_name();
    let username = unique_username(tx, &full_name).await?;
    let email = claims
        .email
        .as_deref()
        .filter(|_| claims.email_verified)
        .and_then(|e| Email::parse(e).ok());
    let phone = claims
        .phone
        .as_deref()
        .filter(|_| claims.phone_verified)
        .and_then(|p| Phone::parse(p).ok());
    let row = UserRow {
        id: congso_domain::new_id(),
        username,
        full_name,
        email: email.map(String::from),
        phone: phone.map(String::from),
        password_hash: None,
        locale: "vi".to_owned(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    users::insert(tx, &row).await?;
    users::insert_grant(
        tx,
        congso_domain::new_id(),
        row.id,
        Role::Citizen.as_str(),
        None,
        now,
    )
    .await?;
    let link = IdentityRow {
        id: congso_domain::new_id(),
        user_id: row.id,
        issuer: issuer.to_owned(),
        subject: subject.to_owned(),
        created_at: now,
    };
    identities::insert(tx, &link).await?;
    let actor = Actor::load(tx, &row).await?;
    audit::record(
        tx,
        &actor,
        Subject {
            kind: "user",
            id: row.id,
            unit_id: None,
        },
        "user.created",
        json!({
            "username": row.username, "role": Role::Citizen.as_str(), "unit": null,
            "via": "oidc", "issuer": issuer, "identity_id": link.id,
        }),
        now,
    )
    .await?;
    tracing::info!(username = %row.username, %issuer, "citizen account created from an external identity");
    Ok(row)
}

/// A free username from the folded name (`tran-thi-binh-4821`), random digits making it unique.
async fn unique_username(tx: &mut Tx, full_name: &str) -> AppResult<String> {
    let mut base: String = congso_text::slugify(full_name)
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .take(40)
        .collect();
    base = base.trim_matches('-').to_owned();
    if base.len() < 3 {
        base = "congdan".to_owned();
    }
    for digits in [4u32, 4, 6, 6, 8, 8, 10] {
        let n = rand::random::<u64>() % 10u64.pow(digits);
        let candidate = format!("{base}-{n:0width$}", width = digits as usize);
        let name = Username::parse(&candidate)?;
        if users::by_username(tx, name.as_str()).await?.is_none() {
            return Ok(name.to_string());
        }
    }
    Err(AppError::new(ErrorCode::UsernameTaken))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::{AppConfig, FixedClock};
    use congso_db::Db;
    use time::macros::datetime;

    fn app(db: Db) -> App {
        App::new(
            db,
            Arc::new(FixedClock::new(datetime!(2026-03-02 09:00 +7))),
            AppConfig::default(),
        )
    }

    #[test]
    fn full_name_prefers_name_then_family_given() {
        let mut c = IdentityClaims {
            given_name: Some("Bình".into()),
            family_name: Some("Trần  Thị".into()),
            ..Default::default()
        };
        assert_eq!(c.full_name(), "Trần Thị Bình");
        c.name = Some("  Trần Thị   Bình ".into());
        assert_eq!(c.full_name(), "Trần Thị Bình");
        assert_eq!(IdentityClaims::default().full_name(), "Công dân");
    }

    congso_db::db_test!(async fn first_login_creates_a_citizen_and_later_logins_reuse_it(db) {
        let app = app(db);
        let claims = IdentityClaims {
            name: Some("Trần Thị Bình".into()),
            email: Some("binh@example.vn".into()),
            email_verified: true,
            phone: Some("0912345678".into()),
            phone_verified: false,
            ..Default::default()
        };
        let origin = Origin::default();
        let (s1, a1) = login_with_identity(&app, "https://sso.example.vn", "sub-1", &claims, &origin)
            .await
            .expect("first login");
        assert!(a1.has_role(Role::Citizen) && !a1.is_staff());
        assert!(a1.username.starts_with("tran-thi-binh-"), "{}", a1.username);
        let (s2, a2) = login_with_identity(&app, "https://sso.example.vn", "sub-1", &claims, &origin)
            .await
            .expect("second login");
        assert_eq!(a1.user_id, a2.user_id, "same account");
        assert_ne!(s1.token, s2.token, "a new session each time");
        let mut tx = app.db.begin_read().await.expect("tx");
        let user = users::by_id(&mut tx, s1.user_id).await.expect("q").expect("user");
        assert_eq!(user.email.as_deref(), Some("binh@example.vn"));
        assert_eq!(user.phone, None, "unverified phone not kept");
        assert_eq!(user.password_hash, None);
        assert_eq!(users::count(&mut tx).await.expect("count"), 1);
        // Another subject, even with the same e-mail address, is another account.
        drop(tx);
        let (_, a3) = login_with_identity(&app, "https://sso.example.vn", "sub-2", &claims, &origin)
            .await
            .expect("other subject");
        assert_ne!(a3.user_id, a1.user_id);
        assert_ne!(a3.username, a1.username);
    });

    congso_db::db_test!(async fn a_disabled_account_is_refused_and_gets_no_session(db) {
        let app = app(db);
        let origin = Origin::default();
        let (s, _) = login_with_identity(&app, "https://sso.example.vn", "sub-9", &IdentityClaims::default(), &origin)
            .await
            .expect("login");
        let mut tx = app.db.begin_write().await.expect("tx");
        congso_db::tx_run!(&mut tx, |c| congso_db::sqlx::query("UPDATE users SET active = $1")
            .bind(false)
            .execute(c)
            .await
            .map(|_| ()))
        .expect("disable");
        tx.commit().await.expect("commit");
        let err = login_with_identity(&app, "https://sso.example.vn", "sub-9", &IdentityClaims::default(), &origin)
            .await
            .expect_err("disabled");
        assert_eq!(err.code, ErrorCode::AccountDisabled);
        let mut tx = app.db.begin_read().await.expect("tx");
        assert_eq!(congso_db::repo::auth::count_sessions_of(&mut tx, s.user_id).await.expect("n"), 1);
        let empty = login_with_identity(&app, "", "x", &IdentityClaims::default(), &origin).await;
        assert_eq!(empty.map(|_| ()).map_err(|e| e.code), Err(ErrorCode::InvalidInput));
    });
}
