//! `congso import directives FILE.json`: all or nothing, errors name the directive and the task.

use serde_json::json;

use crate::cli_test;
use crate::support::{congso, stdout};

cli_test!(async fn import_directives_from_the_command_line(db) {
    assert!(congso(&db, &["seed-demo"]).status.success());
    let dir = db.dir().to_path_buf();
    let good = json!([
        {"source": {"kind": "conclusion", "number": "101/TB-UBND", "date": "2026-03-02"}, "leader": "lanhdao",
         "content": "Kết luận giao ban", "tasks": [
            {"lead_unit": "000.00.04.H57", "content": "Nhiệm vụ một", "deadline": "2099-03-20"},
            {"lead_unit": "000.00.03.H57", "coordinating_units": ["000.00.04.H57"], "content": "Nhiệm vụ hai", "working_days": 10}
        ]},
        {"source": {"kind": "directive"}, "content": "Chỉ thị về cải cách hành chính", "tasks": [
            {"lead_unit": "000.00.02.H57", "content": "Nhiệm vụ ba"}
        ]}
    ]);
    let bad = json!([
        good[0].clone(),
        {"source": {"kind": "minutes"}, "content": "Biên bản họp", "tasks": [
            {"lead_unit": "000.00.04.H57", "content": "Được"},
            {"lead_unit": "999.99.99.H57", "content": "Đơn vị không có"}
        ]}
    ]);
    let bad_file = dir.join("bad.json");
    std::fs::write(&bad_file, serde_json::to_vec(&bad).expect("json")).expect("write");
    let out = congso(&db, &["import", "directives", bad_file.to_str().expect("path")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("chỉ đạo thứ 2, nhiệm vụ thứ 2") && err.contains("999.99.99.H57"), "{err}");
    let good_file = dir.join("good.json");
    std::fs::write(&good_file, serde_json::to_vec(&good).expect("json")).expect("write");
    let out = congso(&db, &["import", "directives", good_file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout(&out).contains("ok: 2 chỉ đạo, 3 nhiệm vụ"), "nothing of the bad file was kept: {}", stdout(&out));
});
