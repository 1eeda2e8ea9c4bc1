//! Killing the server with SIGKILL during a burst of writes loses no acknowledged write.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::cli_test;
use crate::support::{congso, http, spawn_server, stdout};

cli_test!(async fn sigkill_during_a_write_burst_loses_no_acknowledged_write(db) {
    assert!(congso(&db, &["seed-demo"]).status.success());
    let token = stdout(&congso(&db, &["admin", "token", "create", "--user", "admin"])).lines().last().unwrap_or_default().to_owned();
    let (mut child, addr) = spawn_server(&db);
    assert_eq!(http(addr, "GET", "/healthz", None, None).await.expect("health").0, 200);

    let acked: Arc<Mutex<BTreeSet<String>>> = Arc::default();
    let mut tasks = vec![];
    for worker in 0..8u32 {
        let acked = acked.clone();
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..1000u32 {
                let n = worker * 1000 + i;
                let code = format!("000.{:02}.{:02}.H57", 10 + n / 100, n % 100);
                let body = format!(r#"{{"code":"{code}","name":"Đơn vị thử {n}","kind":"other","parent":"000.00.00.H57","valid_from":"2025-07-01"}}"#);
                match http(addr, "POST", "/api/v1/units", Some(&token), Some(&body)).await {
                    Ok((201, _)) => {
                        acked.lock().expect("lock").insert(code);
                    }
                    Ok((status, body)) => panic!("unexpected {status}: {body}"),
                    Err(_) => return, // the server is gone
                }
            }
        }));
    }
    // Let the burst run, then kill the server without warning.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    child.kill().expect("SIGKILL");
    let _ = child.wait();
    for t in tasks {
        let _ = t.await;
    }
    let acked = acked.lock().expect("lock").clone();
    assert!(acked.len() > 10, "the burst made progress ({} writes)", acked.len());

    // Every acknowledged unit is there, and the audit chain is intact.
    let mut tx = db.db.begin_read().await.expect("tx");
    let units: BTreeSet<String> = congso_db::repo::units::list(&mut tx, None).await.expect("list").into_iter().map(|u| u.code).collect();
    tx.commit().await.expect("commit");
    let lost: Vec<_> = acked.difference(&units).collect();
    assert!(lost.is_empty(), "lost acknowledged writes: {lost:?}");
    let verify = congso(&db, &["audit", "verify"]);
    assert!(verify.status.success(), "{}", stdout(&verify));
    // The server starts again on the same data.
    let (mut again, addr) = spawn_server(&db);
    assert_eq!(http(addr, "GET", "/healthz", None, None).await.expect("health").0, 200);
    // SIGTERM (like Ctrl-C) shuts it down cleanly with exit code 0.
    let term = std::process::Command::new("kill").args(["-TERM", &again.id().to_string()]).status().expect("kill");
    assert!(term.success());
    let status = again.wait().expect("wait");
    assert!(status.success(), "clean shutdown, got {status:?}");
});
