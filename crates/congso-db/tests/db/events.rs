use congso_db::events::{self, NewEvent, Verification};
use congso_db::{Db, Ts};
use time::macros::datetime;
use uuid::Uuid;

fn ev<'a>(subject: Uuid, action: &'a str, payload: &str) -> NewEvent<'a> {
    NewEvent {
        id: Uuid::now_v7(),
        subject_type: "unit",
        subject_id: subject,
        unit_id: Some(subject),
        actor_id: None,
        action,
        payload: payload.to_owned(),
        occurred_at: Ts::new(datetime!(2026-03-02 09:00:00.5 +7)),
    }
}

async fn append_many(db: &Db, subjects: &[Uuid], per: usize) -> Vec<events::EventRow> {
    let mut out = vec![];
    let mut tx = db.begin_write().await.expect("tx");
    for i in 0..per {
        for s in subjects {
            out.push(
                events::append(&mut tx, &ev(*s, "unit.updated", &format!("{{\"i\":{i}}}")))
                    .await
                    .expect("append"),
            );
        }
    }
    tx.commit().await.expect("commit");
    out
}

congso_db::db_test!(async fn chains_link_and_verify(db) {
    let subjects = [Uuid::now_v7(), Uuid::now_v7()];
    let rows = append_many(&db, &subjects, 3).await;
    assert_eq!(rows[0].seq, 1);
    assert_eq!(rows[0].prev_hash, events::GENESIS);
    assert_eq!(rows[2].seq, 2);
    assert_eq!(rows[2].prev_hash, rows[0].hash, "second event of a subject links to its first");
    assert_eq!(events::verify(&db).await.expect("verify"), Verification::Ok { events: 6, chains: 2 });
    let mut tx = db.begin_read().await.expect("tx");
    let stored = events::for_subject(&mut tx, subjects[1]).await.expect("q");
    assert_eq!(stored, rows.iter().filter(|r| r.subject_id == subjects[1]).cloned().collect::<Vec<_>>());
});

async fn exec(db: &Db, sql: &'static str, id: Uuid) {
    congso_db::db_run!(db, |pool| sqlx::query(sql)
        .bind(id)
        .execute(pool)
        .await
        .map(|_| ()))
    .expect("tamper");
}

congso_db::db_test!(async fn an_edited_payload_is_named(db) {
    let rows = append_many(&db, &[Uuid::now_v7()], 4).await;
    exec(&db, "UPDATE events SET payload = '{\"i\":99}' WHERE id = $1", rows[2].id).await;
    match events::verify(&db).await.expect("verify") {
        Verification::Broken(b) => {
            assert_eq!(b.event_id, Some(rows[2].id));
            assert!(b.reason.contains("edited"), "{}", b.reason);
        }
        ok => panic!("tampering not detected: {ok:?}"),
    }
});

congso_db::db_test!(async fn a_deleted_middle_event_is_found(db) {
    let rows = append_many(&db, &[Uuid::now_v7()], 4).await;
    exec(&db, "DELETE FROM events WHERE id = $1", rows[1].id).await;
    match events::verify(&db).await.expect("verify") {
        Verification::Broken(b) => assert_eq!(b.event_id, Some(rows[2].id), "{b}"),
        ok => panic!("deletion not detected: {ok:?}"),
    }
});

congso_db::db_test!(async fn a_truncated_tail_is_found(db) {
    let rows = append_many(&db, &[Uuid::now_v7()], 3).await;
    exec(&db, "DELETE FROM events WHERE id = $1", rows[2].id).await;
    match events::verify(&db).await.expect("verify") {
        Verification::Broken(b) => assert!(b.reason.contains("removed from the end"), "{b}"),
        ok => panic!("truncation not detected: {ok:?}"),
    }
});

congso_db::db_test!(async fn a_rehashed_edit_still_breaks_the_next_link(db) {
    // An attacker who edits a row and recomputes its own hash still breaks the link to the next row.
    let rows = append_many(&db, &[Uuid::now_v7()], 3).await;
    let mut forged = rows[0].clone();
    forged.action = "unit.deleted".into();
    let new_hash = forged.computed_hash();
    congso_db::db_run!(&db, |pool| sqlx::query("UPDATE events SET action = $2, hash = $3 WHERE id = $1")
        .bind(forged.id).bind(&forged.action).bind(&new_hash).execute(pool).await.map(|_| ())).expect("forge");
    match events::verify(&db).await.expect("verify") {
        Verification::Broken(b) => assert_eq!(b.event_id, Some(rows[1].id), "{b}"),
        ok => panic!("forgery not detected: {ok:?}"),
    }
});

congso_db::db_test!(async fn concurrent_writers_to_one_subject_keep_one_chain(db) {
    let subject = Uuid::now_v7();
    // Create the chain first, then let 8 tasks append concurrently.
    append_many(&db, &[subject], 1).await;
    let mut handles = vec![];
    for _ in 0..8 {
        let db = db.clone();
        handles.push(tokio::spawn(async move {
            for _ in 0..5 {
                let mut tx = db.begin_write().await.expect("tx");
                events::append(&mut tx, &ev(subject, "unit.updated", "{}")).await.expect("append");
                tx.commit().await.expect("commit");
            }
        }));
    }
    for h in handles {
        h.await.expect("task");
    }
    assert_eq!(events::verify(&db).await.expect("verify"), Verification::Ok { events: 41, chains: 1 });
});
