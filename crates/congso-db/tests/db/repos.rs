use congso_db::repo::{auth, identities, settings, units, users};
use congso_db::{Ts, is_unique_violation};
use time::macros::{date, datetime};
use uuid::Uuid;

fn now() -> Ts {
    Ts::new(datetime!(2026-03-02 09:00:00.123456789 +7))
}

fn unit(code: &str, parent: Option<Uuid>, from: time::Date) -> units::UnitRow {
    units::UnitRow {
        id: Uuid::now_v7(),
        code: code.to_owned(),
        name: format!("Đơn vị {code}"),
        name_en: None,
        kind: "department".to_owned(),
        parent_id: parent,
        valid_from: from,
        valid_to: None,
        address: None,
        office_hours: Some("07:30-11:30,13:30-17:00".into()),
        created_at: now(),
        updated_at: now(),
    }
}

congso_db::db_test!(async fn units_are_temporal_and_round_trip(db) {
    let mut tx = db.begin_write().await.expect("tx");
    let root = unit("000.00.00.H57", None, date!(2025 - 01 - 01));
    let old = unit("000.00.11.H57", Some(root.id), date!(2020 - 01 - 01));
    units::insert(&mut tx, &root).await.expect("insert root");
    units::insert(&mut tx, &old).await.expect("insert old");
    assert_eq!(units::close(&mut tx, old.id, date!(2025 - 07 - 01), now()).await.expect("close"), 1);
    // Closing twice changes nothing.
    assert_eq!(units::close(&mut tx, old.id, date!(2025 - 08 - 01), now()).await.expect("close"), 0);
    let new = unit("000.00.11.H57", Some(root.id), date!(2025 - 07 - 01));
    units::insert(&mut tx, &new).await.expect("same code, later version");
    units::insert_relation(&mut tx, &units::RelationRow {
        predecessor_id: old.id,
        successor_id: new.id,
        kind: "merge".into(),
        effective_on: date!(2025 - 07 - 01),
        note: Some("NQ 1675".into()),
    }).await.expect("relation");
    tx.commit().await.expect("commit");

    let mut tx = db.begin_read().await.expect("tx");
    let got = units::by_id(&mut tx, root.id).await.expect("q").expect("found");
    assert_eq!(got, root, "a row reads back exactly as written (ids, dates, instants)");
    let on_june = units::by_code_on(&mut tx, "000.00.11.H57", date!(2025 - 06 - 30)).await.expect("q").expect("old");
    assert_eq!(on_june.id, old.id);
    let on_july = units::by_code_on(&mut tx, "000.00.11.H57", date!(2025 - 07 - 01)).await.expect("q").expect("new");
    assert_eq!(on_july.id, new.id);
    assert_eq!(units::list(&mut tx, Some(date!(2025 - 07 - 01))).await.expect("q").len(), 2);
    assert_eq!(units::list(&mut tx, None).await.expect("q").len(), 3);
    assert_eq!(units::ancestors(&mut tx, new.id).await.expect("q"), vec![new.id, root.id]);
    let rel = units::relations_of(&mut tx, new.id).await.expect("q");
    assert_eq!(rel.len(), 1);
    assert_eq!(rel[0].predecessor_id, old.id);
    assert_eq!(units::count_code_on(&mut tx, "000.00.11.H57", date!(2025 - 07 - 01)).await.expect("q"), 1);
});

congso_db::db_test!(async fn duplicate_unit_version_is_a_unique_violation(db) {
    let mut tx = db.begin_write().await.expect("tx");
    let a = unit("000.00.12.H57", None, date!(2025 - 07 - 01));
    units::insert(&mut tx, &a).await.expect("insert");
    let mut b = unit("000.00.12.H57", None, date!(2025 - 07 - 01));
    b.name = "other".into();
    let err = units::insert(&mut tx, &b).await.expect_err("duplicate");
    assert!(is_unique_violation(&err), "{err}");
});

congso_db::db_test!(async fn users_grants_sessions_tokens_and_throttle(db) {
    let mut tx = db.begin_write().await.expect("tx");
    let u = unit("000.00.13.H57", None, date!(2025 - 07 - 01));
    units::insert(&mut tx, &u).await.expect("unit");
    let user = users::UserRow {
        id: Uuid::now_v7(),
        username: "chuyenvien".into(),
        full_name: "Nguyễn Văn Ánh".into(),
        email: Some("anh@hue.gov.vn".into()),
        phone: None,
        password_hash: Some("$argon2id$…".into()),
        locale: "vi".into(),
        active: true,
        created_at: now(),
        updated_at: now(),
    };
    users::insert(&mut tx, &user).await.expect("user");
    users::insert_grant(&mut tx, Uuid::now_v7(), user.id, "specialist", Some(u.id), now()).await.expect("grant");
    users::insert_grant(&mut tx, Uuid::now_v7(), user.id, "citizen", None, now()).await.expect("grant");
    auth::insert_session(&mut tx, "h1", user.id, now(), now() + time::Duration::minutes(30), Some("127.0.0.1"), None).await.expect("session");
    auth::insert_token(&mut tx, Uuid::now_v7(), user.id, "cli", "t1", now(), None).await.expect("token");
    tx.commit().await.expect("commit");

    // A second user with the same name is refused (in its own transaction: PostgreSQL aborts a
    // transaction after an error).
    let mut tx = db.begin_write().await.expect("tx");
    let dup = users::UserRow { id: Uuid::now_v7(), ..user.clone() };
    assert!(is_unique_violation(&users::insert(&mut tx, &dup).await.expect_err("dup username")));
    tx.rollback().await.expect("rollback");

    let mut tx = db.begin_write().await.expect("tx");
    assert_eq!(users::by_username(&mut tx, "chuyenvien").await.expect("q"), Some(user.clone()));
    let grants = users::active_grants(&mut tx, user.id).await.expect("q");
    assert_eq!(grants.len(), 2);
    assert_eq!(grants[0].unit_code.as_deref(), Some("000.00.13.H57"));
    assert_eq!(grants[1].unit_id, None);
    assert!(auth::live_session(&mut tx, "h1", now()).await.expect("q").is_some());
    let later = now() + time::Duration::minutes(31);
    assert!(auth::live_session(&mut tx, "h1", later).await.expect("q").is_none(), "expired");
    assert_eq!(auth::delete_expired_sessions(&mut tx, later).await.expect("q"), 1);
    let tok = auth::live_token(&mut tx, "t1", now()).await.expect("q").expect("token");
    assert_eq!(auth::revoke_token(&mut tx, tok.id, now()).await.expect("q"), 1);
    assert!(auth::live_token(&mut tx, "t1", now()).await.expect("q").is_none(), "revoked");

    let row = auth::ThrottleRow { key: "user:x".into(), failures: 3, last_failure_at: now(), locked_until: None };
    auth::throttle_put(&mut tx, &row).await.expect("put");
    let row2 = auth::ThrottleRow { failures: 4, locked_until: Some(later), ..row.clone() };
    auth::throttle_put(&mut tx, &row2).await.expect("upsert");
    assert_eq!(auth::throttle_get(&mut tx, "user:x").await.expect("q"), Some(row2));
    auth::throttle_clear(&mut tx, "user:x").await.expect("clear");
    assert_eq!(auth::throttle_get(&mut tx, "user:x").await.expect("q"), None);

    assert_eq!(settings::get_or_insert(&mut tx, "k", "first", now()).await.expect("q"), "first");
    assert_eq!(settings::get_or_insert(&mut tx, "k", "second", now()).await.expect("q"), "first");
    settings::put(&mut tx, "k", "third", now()).await.expect("put");
    assert_eq!(settings::get(&mut tx, "k").await.expect("q").as_deref(), Some("third"));
    tx.commit().await.expect("commit");
});

congso_db::db_test!(async fn rolled_back_transaction_writes_nothing(db) {
    let mut tx = db.begin_write().await.expect("tx");
    units::insert(&mut tx, &unit("000.00.14.H57", None, date!(2025 - 07 - 01))).await.expect("insert");
    tx.rollback().await.expect("rollback");
    let mut tx = db.begin_read().await.expect("tx");
    assert_eq!(units::count(&mut tx).await.expect("count"), 0);
});

congso_db::db_test!(async fn identities_link_an_issuer_subject_pair_to_one_user(db) {
    let mut tx = db.begin_write().await.expect("tx");
    let user = users::UserRow {
        id: Uuid::now_v7(),
        username: "congdan-oidc".into(),
        full_name: "Trần Thị Bình".into(),
        email: None,
        phone: None,
        password_hash: None,
        locale: "vi".into(),
        active: true,
        created_at: now(),
        updated_at: now(),
    };
    users::insert(&mut tx, &user).await.expect("user");
    let row = identities::IdentityRow {
        id: Uuid::now_v7(),
        user_id: user.id,
        issuer: "https://sso.hue.gov.vn".into(),
        subject: "0123456789".into(),
        created_at: now(),
    };
    identities::insert(&mut tx, &row).await.expect("link");
    // The same subject at another issuer is another identity.
    let other = identities::IdentityRow {
        id: Uuid::now_v7(),
        issuer: "https://vneid.example".into(),
        ..row.clone()
    };
    identities::insert(&mut tx, &other).await.expect("second issuer");
    tx.commit().await.expect("commit");

    let mut tx = db.begin_write().await.expect("tx");
    let dup = identities::IdentityRow { id: Uuid::now_v7(), ..row.clone() };
    let err = identities::insert(&mut tx, &dup).await.expect_err("pair is unique");
    assert!(is_unique_violation(&err), "{err:?}");
    drop(tx);

    let mut tx = db.begin_read().await.expect("tx");
    let got = identities::by_issuer_subject(&mut tx, "https://sso.hue.gov.vn", "0123456789")
        .await.expect("q").expect("found");
    assert_eq!(got, row, "reads back exactly");
    assert!(identities::by_issuer_subject(&mut tx, "https://sso.hue.gov.vn", "x").await.expect("q").is_none());
    assert_eq!(identities::of_user(&mut tx, user.id).await.expect("q").len(), 2);
});
