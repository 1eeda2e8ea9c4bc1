use congso_db::Ts;
use congso_db::jobs::{self, NewJob};
use time::Duration;
use time::macros::datetime;
use uuid::Uuid;

fn t0() -> Ts {
    Ts::new(datetime!(2026-03-02 09:00 +7))
}

fn job(kind: &str, key: Option<&str>, run_at: Ts) -> NewJob {
    NewJob {
        id: Uuid::now_v7(),
        queue: "default".into(),
        job_type: kind.into(),
        payload: "{}".into(),
        priority: 0,
        run_at,
        max_attempts: 3,
        dedup_key: key.map(str::to_owned),
        unit_id: None,
        created_at: t0(),
    }
}

congso_db::db_test!(async fn dedup_lease_retry_and_failure(db) {
    let mut tx = db.begin_write().await.expect("tx");
    assert!(jobs::enqueue(&mut tx, &job("a", Some("k1"), t0())).await.expect("enqueue"));
    assert!(!jobs::enqueue(&mut tx, &job("a", Some("k1"), t0())).await.expect("enqueue"), "same key accepted once");
    assert!(jobs::enqueue(&mut tx, &job("later", None, t0() + Duration::hours(1))).await.expect("enqueue"));
    tx.commit().await.expect("commit");

    let lease = Duration::minutes(5);
    let j = jobs::claim(&db, "default", "w1", t0(), lease).await.expect("claim").expect("a job");
    assert_eq!((j.job_type.as_str(), j.attempts), ("a", 1));
    // Leased: nobody else gets it, and the later job is not due.
    assert!(jobs::claim(&db, "default", "w2", t0(), lease).await.expect("claim").is_none());
    // The lease expires (worker crashed): another worker takes it over.
    let t1 = t0() + Duration::minutes(6);
    let j2 = jobs::claim(&db, "default", "w2", t1, lease).await.expect("claim").expect("reclaimed");
    assert_eq!((j2.id, j2.attempts), (j.id, 2));
    // The old worker can no longer complete it.
    jobs::complete(&db, j.id, "w1", t1).await.expect("complete");
    assert_eq!(jobs::counts(&db).await.expect("counts").done, 0);
    // Failure with retry, then final failure.
    jobs::fail(&db, j.id, "w2", "smtp down", t1, Some(t1 + Duration::minutes(2))).await.expect("fail");
    assert!(jobs::claim(&db, "default", "w2", t1 + Duration::minutes(1), lease).await.expect("claim").is_none(), "backoff");
    let t2 = t1 + Duration::minutes(2);
    let j3 = jobs::claim(&db, "default", "w2", t2, lease).await.expect("claim").expect("retry");
    assert_eq!(j3.attempts, 3);
    jobs::fail(&db, j.id, "w2", "smtp down", t2, None).await.expect("fail");
    let c = jobs::counts(&db).await.expect("counts");
    assert_eq!((c.pending, c.running, c.failed, c.done), (1, 0, 1, 0));
    // The later job runs when due and completes.
    let t3 = t0() + Duration::hours(1);
    let l = jobs::claim(&db, "default", "w1", t3, lease).await.expect("claim").expect("later");
    jobs::complete(&db, l.id, "w1", t3).await.expect("complete");
    assert_eq!(jobs::counts(&db).await.expect("counts").done, 1);
    assert_eq!(jobs::purge_done(&db, t3 + Duration::days(8)).await.expect("purge"), 1);
    assert_eq!(jobs::unfinished(&db).await.expect("q").len(), 1);
});

congso_db::db_test!(async fn priority_orders_claims(db) {
    let mut tx = db.begin_write().await.expect("tx");
    let mut low = job("low", None, t0());
    low.priority = 0;
    let mut high = job("high", None, t0());
    high.priority = 10;
    jobs::enqueue(&mut tx, &low).await.expect("enqueue");
    jobs::enqueue(&mut tx, &high).await.expect("enqueue");
    tx.commit().await.expect("commit");
    let first = jobs::claim(&db, "default", "w", t0(), Duration::minutes(5)).await.expect("claim").expect("job");
    assert_eq!(first.job_type, "high");
});
