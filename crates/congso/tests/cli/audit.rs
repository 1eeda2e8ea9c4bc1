use congso_db::{Db, sqlx};

use crate::cli_test;
use crate::support::{congso, stdout};

cli_test!(async fn audit_verify_names_an_edited_event(db) {
    let seeded = congso(&db, &["seed-demo"]);
    assert!(seeded.status.success(), "{}", String::from_utf8_lossy(&seeded.stderr));
    assert!(stdout(&seeded).contains("lanhdao.so"), "logins printed");
    // A second seed refuses (the database is not empty).
    assert!(!congso(&db, &["seed-demo"]).status.success());

    let ok = congso(&db, &["audit", "verify"]);
    let text = stdout(&ok);
    assert!(ok.status.success(), "{text}");
    let n: u64 = text.trim().strip_prefix("ok ").and_then(|s| s.strip_suffix(" events")).and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("unexpected output {text:?}"));
    assert!(n >= 62, "55 units and 7 users were recorded, got {n}");

    // Edit one row the way an insider with database access might.
    let (id,): (uuid::Uuid,) = congso_db::db_run!(&db.db, |pool| sqlx::query_as(
        "SELECT id FROM events WHERE action = 'user.created' ORDER BY occurred_at, id LIMIT 1"
    ).fetch_one(pool).await).expect("an event");
    congso_db::db_run!(&db.db, |pool| sqlx::query(
        "UPDATE events SET payload = replace(payload, 'admin', 'attacker') WHERE id = $1"
    ).bind(id).execute(pool).await.map(|_| ())).expect("tamper");

    let bad = congso(&db, &["audit", "verify"]);
    let text = stdout(&bad);
    assert!(!bad.status.success(), "verify must fail: {text}");
    assert!(text.contains(&id.to_string()), "names the edited row: {text}");
    let _: &Db = &db.db;
});

cli_test!(async fn admin_commands_create_users_and_tokens(db) {
    assert!(congso(&db, &["seed-demo"]).status.success());
    let out = congso(&db, &["admin", "user", "create", "--username", "cv.moi", "--password", "mat-khau-rat-dai", "--role", "specialist", "--unit", "000.00.04.H57"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let bad = congso(&db, &["admin", "user", "create", "--username", "cv.moi", "--password", "mat-khau-rat-dai", "--role", "specialist", "--unit", "000.00.04.H57"]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("Tên đăng nhập này đã được sử dụng") && err.contains("username_taken"), "{err}");
    let bad_role = congso(&db, &["admin", "user", "create", "--username", "x.y.z", "--password", "mat-khau-rat-dai", "--role", "boss"]);
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("invalid_role"));
    let list = stdout(&congso(&db, &["admin", "user", "list"]));
    assert!(list.contains("cv.moi\tcv.moi\tspecialist@000.00.04.H57"), "{list}");
    let tok = congso(&db, &["admin", "token", "create", "--user", "cv.moi"]);
    assert!(tok.status.success());
    let last = stdout(&tok).lines().last().unwrap_or_default().to_owned();
    assert!(last.starts_with("cs_") && last.len() > 40, "{last}");
    // The token authenticates.
    let app = congso_app::App::new(db.db.clone(), std::sync::Arc::new(congso_app::SystemClock), congso_app::AppConfig::default());
    let actor = congso_app::auth::token_actor(&app, &last).await.expect("q").expect("valid token");
    assert_eq!(actor.username, "cv.moi");
    let cfg = congso(&db, &["config", "default"]);
    assert!(stdout(&cfg).contains("bind = \"127.0.0.1:8080\""));
});
