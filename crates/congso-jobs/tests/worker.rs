//! The worker runs queued jobs, writes the email outbox, retries with backoff and gives up on
//! permanent failures. Runs on SQLite and PostgreSQL.

use std::sync::Arc;

use congso_app::jobs::{Email, SEND_EMAIL, enqueue, send_email};
use congso_app::{App, AppConfig, FixedClock};
use congso_db::Db;
use congso_jobs::Worker;
use congso_notify::{Mailer, SmtpConfig};
use time::macros::datetime;

fn app(db: &Db) -> (App, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(datetime!(2026-03-02 09:00 +7)));
    (
        App::new(db.clone(), clock.clone(), AppConfig::default()),
        clock,
    )
}

fn mail(to: &str) -> Email {
    Email {
        to: to.into(),
        subject: "Thông báo tiếp nhận hồ sơ".into(),
        text: "Hồ sơ của ông/bà đã được tiếp nhận.".into(),
        html: None,
    }
}

congso_db::db_test!(async fn emails_go_to_the_outbox_once(db) {
    let (app, _clock) = app(&db);
    let dir = tempfile::tempdir().expect("tmp");
    let outbox = dir.path().join("outbox");
    let mut tx = db.begin_write().await.expect("tx");
    send_email(&mut tx, &mail("congdan@example.vn"), app.now()).await.expect("enqueue");
    send_email(&mut tx, &mail("motcua@example.vn"), app.now()).await.expect("enqueue");
    tx.commit().await.expect("commit");
    // A rolled-back change leaves no job behind (transactional outbox).
    let mut tx = db.begin_write().await.expect("tx");
    send_email(&mut tx, &mail("never@example.vn"), app.now()).await.expect("enqueue");
    tx.rollback().await.expect("rollback");

    let worker = Worker::new(app.clone(), Mailer::outbox(outbox.clone(), "no-reply@hue.gov.vn").expect("mailer"));
    assert_eq!(worker.drain().await.expect("drain"), 2);
    assert_eq!(worker.drain().await.expect("drain"), 0, "nothing runs twice");
    let files = std::fs::read_dir(&outbox).expect("outbox").count();
    assert_eq!(files, 2);
    let counts = congso_db::jobs::counts(&db).await.expect("counts");
    assert_eq!((counts.pending, counts.done, counts.failed), (0, 2, 0));
});

congso_db::db_test!(async fn transport_failures_retry_with_backoff_then_fail(db) {
    let (app, clock) = app(&db);
    let mut tx = db.begin_write().await.expect("tx");
    send_email(&mut tx, &mail("congdan@example.vn"), app.now()).await.expect("enqueue");
    tx.commit().await.expect("commit");
    // Nothing listens on this port: every attempt is a transport error.
    let smtp = Mailer::smtp(
        &SmtpConfig { host: "127.0.0.1".into(), port: 9, username: None, password: None, security: "none".into() },
        "no-reply@hue.gov.vn",
    )
    .expect("mailer");
    let worker = Worker::new(app.clone(), smtp);
    assert_eq!(worker.drain().await.expect("drain"), 1, "one attempt, then it waits");
    let c = congso_db::jobs::counts(&db).await.expect("counts");
    assert_eq!((c.pending, c.failed), (1, 0), "scheduled for retry");
    for _ in 0..7 {
        clock.advance(time::Duration::hours(2));
        worker.drain().await.expect("drain");
    }
    let c = congso_db::jobs::counts(&db).await.expect("counts");
    assert_eq!((c.pending, c.failed), (0, 1), "gave up after max attempts");
    let unfinished = congso_db::jobs::unfinished(&db).await.expect("q");
    assert!(unfinished[0].2.as_deref().is_some_and(|e| e.contains("could not deliver")), "{unfinished:?}");
});

congso_db::db_test!(async fn bad_payloads_and_unknown_jobs_fail_at_once(db) {
    let (app, _) = app(&db);
    let mut tx = db.begin_write().await.expect("tx");
    enqueue(&mut tx, SEND_EMAIL, &serde_json::json!({"to": 5}), app.now(), None, None).await.expect("enqueue");
    enqueue(&mut tx, "no_such_job", &serde_json::json!({}), app.now(), Some("k".into()), None).await.expect("enqueue");
    tx.commit().await.expect("commit");
    let worker = Worker::new(app.clone(), Mailer::memory());
    assert_eq!(worker.drain().await.expect("drain"), 2);
    let c = congso_db::jobs::counts(&db).await.expect("counts");
    assert_eq!((c.pending, c.failed), (0, 2));
});
