//! Citizens' own accounts: registration with the citizen identity number (CCCD, the username)
//! and an email or phone, the profile that prefills online submissions, and password reset by an
//! emailed one-time link. Responses never reveal whether an identity number or email exists
//! except where the citizen must be told (registration of a taken number).

use congso_db::repo::portal::{self, Profile};
use congso_db::repo::users::{self, UserRow};
use congso_domain::{Cccd, Email, ErrorCode, Phone, Role};
use serde_json::json;
use time::Duration;

use crate::audit::{self, Subject};
use crate::auth::{check_password_policy, hash_password};
use crate::jobs::{Email as Mail, send_email};
use crate::secrets::{digest, random_token};
use crate::{Actor, App, AppError, AppResult};

/// How long a password reset link works.
pub const RESET_LINK_MINUTES: i64 = 60;
/// Reset links one account may ask for per hour.
pub const RESETS_PER_HOUR: i64 = 3;

/// A citizen's registration.
#[derive(Debug, Clone, Default)]
pub struct Registration {
    pub full_name: String,
    /// The 12-digit citizen identity number; it is also the username.
    pub id_number: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub password: String,
}

/// Contact data after validation.
struct Contact {
    full_name: String,
    email: Option<String>,
    phone: Option<String>,
    address: Option<String>,
}

fn contact(
    full_name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    address: Option<&str>,
) -> AppResult<Contact> {
    let full_name = full_name.split_whitespace().collect::<Vec<_>>().join(" ");
    if full_name.is_empty() || full_name.chars().count() > 200 {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("full_name"));
    }
    let some = |v: Option<&str>| {
        v.map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let email = some(email)
        .map(|e| Email::parse(&e).map(|e| e.to_string().to_lowercase()))
        .transpose()?;
    let phone = some(phone)
        .map(|p| Phone::parse(&p).map(|p| p.to_string()))
        .transpose()?;
    if email.is_none() && phone.is_none() {
        return Err(AppError::new(ErrorCode::ContactRequired));
    }
    let address = some(address).filter(|a| a.chars().count() <= 300);
    Ok(Contact {
        full_name,
        email,
        phone,
        address,
    })
}

/// Registers a citizen account (role `citizen`, no unit). The username is the identity number.
pub async fn register(app: &App, r: Registration) -> AppResult<UserRow> {
    let id_number = Cccd::parse(&r.id_number)?.to_string();
    let c = contact(
        &r.full_name,
        r.email.as_deref(),
        r.phone.as_deref(),
        r.address.as_deref(),
    )?;
    check_password_policy(&r.password)?;
    // Argon2 before the write lock.
    let hash = hash_password(&r.password).await?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let taken = users::by_username(&mut tx, &id_number).await?.is_some()
        || portal::user_by_id_number(&mut tx, &id_number)
            .await?
            .is_some()
        || match &c.email {
            Some(e) => portal::user_by_email(&mut tx, e).await?.is_some(),
            None => false,
        }
        || match &c.phone {
            Some(p) => portal::user_by_phone(&mut tx, p).await?.is_some(),
            None => false,
        };
    if taken {
        return Err(AppError::new(ErrorCode::AccountExists));
    }
    let user = UserRow {
        id: congso_domain::new_id(),
        username: id_number.clone(),
        full_name: c.full_name,
        email: c.email,
        phone: c.phone,
        password_hash: Some(hash),
        locale: "vi".to_owned(),
        active: true,
        created_at: now,
        updated_at: now,
    };
    users::insert(&mut tx, &user).await?;
    users::insert_grant(
        &mut tx,
        congso_domain::new_id(),
        user.id,
        Role::Citizen.as_str(),
        None,
        now,
    )
    .await?;
    portal::set_profile(
        &mut tx,
        user.id,
        Some(&id_number),
        c.address.as_deref(),
        now,
    )
    .await?;
    let actor = Actor::load(&mut tx, &user).await?;
    audit::record(
        &mut tx,
        &actor,
        Subject {
            kind: "user",
            id: user.id,
            unit_id: None,
        },
        "user.registered",
        json!({ "role": "citizen", "email": user.email.is_some(), "phone": user.phone.is_some() }),
        now,
    )
    .await?;
    if let Some(to) = user.email.clone() {
        let url = app.config.public_url.trim_end_matches('/');
        send_email(
            &mut tx,
            &Mail {
                to,
                subject: "Tài khoản Cổng dịch vụ công đã được tạo".to_owned(),
                text: format!(
                    "Kính gửi Ông/Bà {},\n\nTài khoản của Ông/Bà đã được tạo. Tên đăng nhập là số căn cước {}.\nĐăng nhập tại {url}/dang-nhap\n\nTrân trọng.\n---\nYour account was created. Your username is your identity number. Log in at {url}/dang-nhap",
                    user.full_name, user.username
                ),
                html: None,
            },
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(user)
}

/// A citizen's profile: the account and the portal fields.
#[derive(Debug, Clone)]
pub struct ProfileView {
    pub user: UserRow,
    pub profile: Profile,
}

pub async fn profile(app: &App, actor: &Actor) -> AppResult<ProfileView> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let mut tx = app.db.begin_read().await?;
    let user = users::by_id(&mut tx, user_id)
        .await?
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let profile = portal::profile(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(ProfileView { user, profile })
}

/// Changes the citizen's own name and contact data (the identity number stays).
pub async fn update_profile(
    app: &App,
    actor: &Actor,
    full_name: &str,
    email: Option<&str>,
    phone: Option<&str>,
    address: Option<&str>,
) -> AppResult<ProfileView> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let c = contact(full_name, email, phone, address)?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let mut user = users::by_id(&mut tx, user_id)
        .await?
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    if let Some(e) = &c.email
        && portal::user_by_email(&mut tx, e)
            .await?
            .is_some_and(|id| id != user_id)
    {
        return Err(AppError::new(ErrorCode::AccountExists).with_detail("email"));
    }
    if let Some(p) = &c.phone
        && portal::user_by_phone(&mut tx, p)
            .await?
            .is_some_and(|id| id != user_id)
    {
        return Err(AppError::new(ErrorCode::AccountExists).with_detail("phone"));
    }
    user.full_name = c.full_name;
    user.email = c.email;
    user.phone = c.phone;
    user.updated_at = now;
    users::update_contact(&mut tx, &user).await?;
    let old = portal::profile(&mut tx, user_id).await?;
    portal::set_profile(
        &mut tx,
        user_id,
        old.id_number.as_deref(),
        c.address.as_deref(),
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "user",
            id: user_id,
            unit_id: None,
        },
        "user.profile_updated",
        json!({}),
        now,
    )
    .await?;
    let profile = portal::profile(&mut tx, user_id).await?;
    tx.commit().await?;
    app.tokens.clear();
    Ok(ProfileView { user, profile })
}

/// Sends a one-time reset link to the account's email, found by email or identity number.
/// Answers the same whether or not the account exists (no enumeration); at most
/// [`RESETS_PER_HOUR`] links per account and hour.
pub async fn request_password_reset(app: &App, who: &str) -> AppResult<()> {
    let who = who.trim();
    if who.is_empty() {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("email"));
    }
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let user_id = match portal::user_by_email(&mut tx, who).await? {
        Some(id) => Some(id),
        None => users::by_username(&mut tx, &who.to_ascii_lowercase())
            .await?
            .map(|u| u.id),
    };
    let Some(user) = (match user_id {
        Some(id) => users::by_id(&mut tx, id).await?,
        None => None,
    }) else {
        tx.commit().await?;
        return Ok(());
    };
    let Some(to) = user.email.clone().filter(|_| user.active) else {
        tx.commit().await?;
        return Ok(());
    };
    if portal::resets_since(&mut tx, user.id, now - Duration::hours(1)).await? >= RESETS_PER_HOUR {
        tx.commit().await?;
        return Ok(());
    }
    let token = random_token();
    portal::insert_reset(
        &mut tx,
        congso_domain::new_id(),
        user.id,
        &digest(&token),
        now + Duration::minutes(RESET_LINK_MINUTES),
        now,
    )
    .await?;
    let link = format!(
        "{}/dat-lai-mat-khau?token={token}",
        app.config.public_url.trim_end_matches('/')
    );
    send_email(
        &mut tx,
        &Mail {
            to,
            subject: "Đặt lại mật khẩu Cổng dịch vụ công".to_owned(),
            text: format!(
                "Kính gửi Ông/Bà {},\n\nĐể đặt lại mật khẩu, mở liên kết sau trong vòng {RESET_LINK_MINUTES} phút (chỉ dùng được một lần):\n{link}\n\nNếu Ông/Bà không yêu cầu, hãy bỏ qua thư này.\n---\nTo reset your password, open this link within {RESET_LINK_MINUTES} minutes (once only): {link}",
                user.full_name
            ),
            html: None,
        },
        now,
    )
    .await?;
    audit::record(
        &mut tx,
        &Actor::system(),
        Subject {
            kind: "user",
            id: user.id,
            unit_id: None,
        },
        "user.password_reset_requested",
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a reset link's token; the link is spent and every session of the
/// account ends.
pub async fn reset_password(app: &App, token: &str, password: &str) -> AppResult<()> {
    check_password_policy(password)?;
    let hash = hash_password(password).await?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let user_id = portal::use_reset(&mut tx, &digest(token.trim()), now)
        .await?
        .ok_or(AppError::new(ErrorCode::ResetLinkInvalid))?;
    portal::set_password(&mut tx, user_id, &hash, now).await?;
    portal::delete_sessions_of(&mut tx, user_id).await?;
    audit::record(
        &mut tx,
        &Actor::system(),
        Subject {
            kind: "user",
            id: user_id,
            unit_id: None,
        },
        "user.password_reset",
        json!({}),
        now,
    )
    .await?;
    tx.commit().await?;
    app.tokens.clear();
    Ok(())
}
