use serde_json::json;

use crate::cli_test;
use crate::support::{congso, stdout};

cli_test!(async fn import_and_export_procedures_from_the_command_line(db) {
    assert!(congso(&db, &["seed-demo"]).status.success());
    let dir = db.dir().to_path_buf();
    // Export both formats; re-importing changes nothing.
    for ext in ["json", "xlsx"] {
        let file = dir.join(format!("catalogue.{ext}"));
        let out = congso(&db, &["export", "procedures", file.to_str().expect("path")]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let back = congso(&db, &["import", "procedures", file.to_str().expect("path")]);
        let text = stdout(&back);
        assert!(back.status.success(), "{}", String::from_utf8_lossy(&back.stderr));
        assert!(text.contains("0 mới / created, 0 cập nhật / updated"), "{ext}: {text}");
        assert!(String::from_utf8_lossy(&back.stderr).contains("100%"), "progress is shown");
    }
    // A file with a bad second row imports nothing and names the row and field.
    let exported: Vec<serde_json::Value> = serde_json::from_slice(&std::fs::read(dir.join("catalogue.json")).expect("read")).expect("json");
    let mut changed = exported[0].clone();
    changed["name"] = json!("Tên sửa đổi");
    let mut bad = exported[1].clone();
    bad["documents"] = json!([]);
    let file = dir.join("bad.json");
    std::fs::write(&file, serde_json::to_vec(&json!([changed, bad])).expect("json")).expect("write");
    let out = congso(&db, &["import", "procedures", file.to_str().expect("path")]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("import_failed") && err.contains("dòng/row 2") && err.contains("documents"), "{err}");
    let again = congso(&db, &["export", "procedures", dir.join("after.json").to_str().expect("path")]);
    assert!(again.status.success());
    assert_eq!(std::fs::read(dir.join("after.json")).expect("read"), std::fs::read(dir.join("catalogue.json")).expect("read"), "nothing changed");
    let wrong = congso(&db, &["import", "procedures", dir.join("x.csv").to_str().expect("path")]);
    assert!(!wrong.status.success());
});
