//! Authentication: Argon2id passwords, database sessions, API bearer tokens, and the login throttle.
//!
//! - Passwords are hashed with Argon2id (m = 19 MiB, t = 2, p = 1) on a blocking thread. An unknown
//!   username is checked against a dummy hash so timing does not reveal which names exist.
//! - A session is a random 256-bit token in a cookie; the database keeps only its SHA-256. Logging
//!   in always creates a new session (the id is rotated), logging out deletes it. Sessions expire
//!   after `session_idle_minutes` without a request.
//! - Throttle: after `login_free_failures` consecutive failures for a username (or
//!   `login_free_failures_per_ip` for an address) each further attempt must wait 2^(n−free) seconds
//!   (capped at 15 minutes), during which attempts are refused without checking the password.
//!   Failures older than 15 minutes are forgotten.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration as StdDuration, Instant};

use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use argon2::{Algorithm, Argon2, Params, Version};
use congso_db::repo::auth as repo;
use congso_db::repo::users::{self, UserRow};
use congso_db::{Ts, Tx};
use congso_domain::{ErrorCode, Username};
use serde_json::json;
use time::Duration;
use uuid::Uuid;

use crate::audit::{self, Subject};
use crate::secrets::{digest, random_token};
use crate::{Actor, App, AppError, AppResult};

/// Minimum password length.
pub const MIN_PASSWORD_LEN: usize = 10;
const THROTTLE_WINDOW: Duration = Duration::minutes(15);
const MAX_LOCK_SECONDS: i64 = 15 * 60;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Checks the password policy.
pub fn check_password_policy(password: &str) -> AppResult<()> {
    if password.chars().count() < MIN_PASSWORD_LEN {
        return Err(AppError::new(ErrorCode::WeakPassword));
    }
    Ok(())
}

/// Hashes a password (Argon2id PHC string) on a blocking thread.
pub async fn hash_password(password: &str) -> AppResult<String> {
    let pw = password.to_owned();
    tokio::task::spawn_blocking(move || {
        argon2()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(anyhow::anyhow!("argon2: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        argon2()
            .hash_password(random_token().as_bytes())
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Verifies a password against a PHC string (or the dummy hash when `hash` is `None`).
async fn verify_password(password: &str, hash: Option<String>) -> AppResult<bool> {
    let pw = password.to_owned();
    let real = hash.is_some();
    tokio::task::spawn_blocking(move || {
        let stored = hash.unwrap_or_else(|| dummy_hash().to_owned());
        let ok = PasswordHash::new(&stored)
            .map(|parsed| argon2().verify_password(pw.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        ok && real
    })
    .await
    .map_err(AppError::internal)
}

/// Where a login attempt comes from.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

/// A new session: `token` goes into the cookie and is never stored.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub user_id: Uuid,
    pub expires_at: Ts,
}

fn throttle_keys(username: &str, origin: &Origin) -> Vec<(String, bool)> {
    let mut keys = vec![(format!("user:{username}"), false)];
    if let Some(ip) = &origin.ip {
        keys.push((format!("ip:{ip}"), true));
    }
    keys
}

/// Checks username and password, applying the throttle. On success returns the user; on failure
/// records it (in its own transaction) and returns `invalid_credentials`.
pub async fn authenticate(
    app: &App,
    username: &str,
    password: &str,
    origin: &Origin,
) -> AppResult<UserRow> {
    let now = app.now();
    let name = Username::parse(username)
        .map(String::from)
        .unwrap_or_default();
    let keys = throttle_keys(&name, origin);

    // Phase 1 (read): is the caller locked out? who is the user?
    let mut tx = app.db.begin_read().await?;
    for (key, _) in &keys {
        if let Some(row) = repo::throttle_get(&mut tx, key).await?
            && let Some(until) = row.locked_until
            && until > now
        {
            let wait = (until.get() - now.get()).whole_seconds().max(1) as u64;
            let mut e = AppError::new(ErrorCode::TooManyAttempts);
            e.retry_after = Some(wait);
            tracing::warn!(key, wait, "login throttled");
            return Err(e);
        }
    }
    let user = if name.is_empty() {
        None
    } else {
        users::by_username(&mut tx, &name).await?
    };
    tx.commit().await?;

    // Phase 2 (no transaction held): the slow hash.
    let ok = verify_password(
        password,
        user.as_ref().and_then(|u| u.password_hash.clone()),
    )
    .await?;

    // Phase 3 (write): record the outcome.
    let mut tx = app.db.begin_write().await?;
    match user {
        Some(user) if ok => {
            repo::throttle_clear(&mut tx, &keys[0].0).await?;
            tx.commit().await?;
            if !user.active {
                return Err(AppError::new(ErrorCode::AccountDisabled));
            }
            Ok(user)
        }
        _ => {
            for (key, per_ip) in &keys {
                let free = if *per_ip {
                    app.config.login_free_failures_per_ip
                } else {
                    app.config.login_free_failures
                };
                record_failure(&mut tx, key, free, now).await?;
            }
            tx.commit().await?;
            tracing::info!(username = %name, "failed login");
            Err(AppError::new(ErrorCode::InvalidCredentials))
        }
    }
}

async fn record_failure(tx: &mut Tx, key: &str, free: i64, now: Ts) -> AppResult<()> {
    let prev = repo::throttle_get(tx, key).await?;
    let failures = match prev {
        Some(r) if now.get() - r.last_failure_at.get() < THROTTLE_WINDOW => r.failures + 1,
        _ => 1,
    };
    let locked_until = (failures > free).then(|| {
        let exp = (failures - free - 1).min(20) as u32;
        let secs = 2i64.saturating_pow(exp).min(MAX_LOCK_SECONDS);
        now + Duration::seconds(secs)
    });
    repo::throttle_put(
        tx,
        &repo::ThrottleRow {
            key: key.to_owned(),
            failures,
            last_failure_at: now,
            locked_until,
        },
    )
    .await?;
    Ok(())
}

/// Logs in with a password: a new session (never reusing an old id) and a `user.logged_in` event.
pub async fn login(
    app: &App,
    username: &str,
    password: &str,
    origin: &Origin,
) -> AppResult<(NewSession, Actor)> {
    let user = authenticate(app, username, password, origin).await?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
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
        json!({ "ip": origin.ip }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((session, actor))
}

/// Creates a session for `user_id` in the caller's transaction: a fresh random token (never an old
/// id), stored as its digest, expiring after `session_idle_minutes` without a request.
pub(crate) async fn open_session(
    tx: &mut Tx,
    app: &App,
    user_id: Uuid,
    origin: &Origin,
    now: Ts,
) -> AppResult<NewSession> {
    let token = random_token();
    let expires_at = now + Duration::minutes(app.config.session_idle_minutes);
    repo::insert_session(
        tx,
        &digest(&token),
        user_id,
        now,
        expires_at,
        origin.ip.as_deref(),
        origin.user_agent.as_deref(),
    )
    .await?;
    Ok(NewSession {
        token,
        user_id,
        expires_at,
    })
}

/// Ends a session (logout). Unknown tokens are ignored.
pub async fn logout(app: &App, token: &str) -> AppResult<()> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let hash = digest(token);
    if let Some(s) = repo::live_session(&mut tx, &hash, now).await? {
        repo::delete_session(&mut tx, &hash).await?;
        if let Some(user) = users::by_id(&mut tx, s.user_id).await? {
            let actor = Actor::load(&mut tx, &user).await?;
            audit::record(
                &mut tx,
                &actor,
                Subject {
                    kind: "user",
                    id: user.id,
                    unit_id: None,
                },
                "user.logged_out",
                json!({}),
                now,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The actor of a live session, sliding its expiry forward (written at most once a minute).
pub async fn session_actor(app: &App, token: &str) -> AppResult<Option<Actor>> {
    let now = app.now();
    let hash = digest(token);
    let mut tx = app.db.begin_read().await?;
    let Some(s) = repo::live_session(&mut tx, &hash, now).await? else {
        return Ok(None);
    };
    let Some(user) = users::by_id(&mut tx, s.user_id).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    let actor = Actor::load(&mut tx, &user).await?;
    tx.commit().await?;
    if now.get() - s.last_seen_at.get() > Duration::minutes(1) {
        let mut tx = app.db.begin_write().await?;
        let expires = now + Duration::minutes(app.config.session_idle_minutes);
        repo::touch_session(&mut tx, &hash, now, expires).await?;
        tx.commit().await?;
    }
    Ok(Some(actor))
}

/// Creates an API token for `username` and returns it (shown once; only its digest is stored).
/// The operator (system actor) may create tokens for anyone; a user only for themself.
pub async fn create_token(
    app: &App,
    actor: &Actor,
    username: &str,
    name: &str,
) -> AppResult<String> {
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let name_norm = Username::parse(username)?;
    let user = users::by_username(&mut tx, name_norm.as_str())
        .await?
        .ok_or(AppError::new(ErrorCode::UserNotFound))?;
    if !actor.is_system && actor.user_id != Some(user.id) {
        return Err(AppError::forbidden());
    }
    let token = format!("cs_{}", random_token());
    let id = congso_domain::new_id();
    repo::insert_token(&mut tx, id, user.id, name, &digest(&token), now, None).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "user",
            id: user.id,
            unit_id: None,
        },
        "user.token_created",
        json!({ "token_id": id, "name": name }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

/// Exchanges a username and password for an API token (`POST /api/v1/auth/token`).
pub async fn token_for_credentials(
    app: &App,
    username: &str,
    password: &str,
    origin: &Origin,
) -> AppResult<String> {
    let user = authenticate(app, username, password, origin).await?;
    let mut tx = app.db.begin_read().await?;
    let actor = Actor::load(&mut tx, &user).await?;
    tx.commit().await?;
    create_token(app, &actor, &user.username, "api").await
}

/// How long a server trusts a bearer token it resolved before asking the database again. A token
/// revoked or a user changed through this server takes effect at once (the cache is emptied); a
/// change made by another process (another server, the command line) within this time.
const TOKEN_TTL: StdDuration = StdDuration::from_secs(10);
/// Beyond this many entries the cache starts again empty (API clients hold few tokens each).
const TOKEN_CACHE_MAX: usize = 10_000;

struct CachedToken {
    actor: Actor,
    at: Instant,
    /// The application time after which the entry is unusable (the token's expiry, or the TTL).
    until: Ts,
}

/// The bearer tokens this server resolved recently (digest → actor): an API request then needs no
/// database round trip to know its caller.
#[derive(Default)]
pub struct TokenCache {
    inner: Mutex<HashMap<String, CachedToken>>,
}

impl TokenCache {
    fn get(&self, hash: &str, now: Ts) -> Option<Actor> {
        let map = self.inner.lock().ok()?;
        map.get(hash)
            .filter(|c| c.at.elapsed() < TOKEN_TTL && now < c.until)
            .map(|c| c.actor.clone())
    }

    fn put(&self, hash: String, actor: Actor, until: Ts) {
        if let Ok(mut map) = self.inner.lock() {
            if map.len() >= TOKEN_CACHE_MAX {
                map.clear();
            }
            map.insert(
                hash,
                CachedToken {
                    actor,
                    at: Instant::now(),
                    until,
                },
            );
        }
    }

    /// Forgets every resolved token (after a change to users, roles or tokens).
    pub fn clear(&self) {
        if let Ok(mut map) = self.inner.lock() {
            map.clear();
        }
    }
}

/// The actor of a bearer token.
pub async fn token_actor(app: &App, token: &str) -> AppResult<Option<Actor>> {
    let now = app.now();
    let hash = digest(token);
    if let Some(actor) = app.tokens.get(&hash, now) {
        return Ok(Some(actor));
    }
    let mut tx = app.db.reader().await?;
    let Some(t) = repo::live_token(&mut tx, &hash, now).await? else {
        return Ok(None);
    };
    let Some(user) = users::by_id(&mut tx, t.user_id).await? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    let actor = Actor::load(&mut tx, &user).await?;
    tx.commit().await?;
    let ttl = now + Duration::seconds(TOKEN_TTL.as_secs() as i64);
    let until = t.expires_at.map_or(ttl, |e| e.min(ttl));
    app.tokens.put(hash, actor.clone(), until);
    Ok(Some(actor))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn argon2id_hashes_verify_and_differ() {
        let h1 = hash_password("mat-khau-dai-du").await.expect("hash");
        let h2 = hash_password("mat-khau-dai-du").await.expect("hash");
        assert!(h1.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h1}");
        assert_ne!(h1, h2, "salted");
        assert!(
            verify_password("mat-khau-dai-du", Some(h1.clone()))
                .await
                .expect("verify")
        );
        assert!(!verify_password("sai", Some(h1)).await.expect("verify"));
        assert!(!verify_password("anything", None).await.expect("verify"));
    }

    #[test]
    fn password_policy() {
        assert!(check_password_policy("ngắn").is_err());
        assert!(check_password_policy("đủ-mười-ký-tự").is_ok());
    }
}
