//! `congso report one-stop` (console table, the official XLSX, CSV) and `congso report rebuild`
//! (exit 1 and a fix when the kept aggregates differ from the dossiers).

use congso_db::{Db, sqlx};

use crate::cli_test;
use crate::support::{congso, stdout};

cli_test!(async fn the_one_stop_report_and_its_rebuild_from_the_command_line(db) {
    assert!(congso(&db, &["seed-demo"]).status.success());
    let dir = db.dir().to_path_buf();
    let xlsx = dir.join("bieu.xlsx");
    let csv = dir.join("bieu.csv");
    let out = congso(&db, &["report", "one-stop", "--from", "2026-01-01", "--to", "31/03/2026", "--unit", "000.00.04.H57",
        "--xlsx", xlsx.to_str().expect("path"), "--csv", csv.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    assert!(text.contains("Biểu số II.06a/VPCP/KSTT") && text.contains("Tổng cộng") && text.contains("Sở Tư pháp"), "{text}");
    assert!(text.contains("Từ ngày 01/01/2026 đến ngày 31/03/2026"), "{text}");
    assert_eq!(&std::fs::read(&xlsx).expect("xlsx")[..2], b"PK");
    assert!(std::fs::read_to_string(&csv).expect("csv").starts_with("\u{feff}TT,"));
    let bad = congso(&db, &["report", "one-stop", "--from", "2026-03-31", "--to", "2026-01-01"]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid_date_range"));

    let out = congso(&db, &["report", "rebuild"]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).starts_with("ok: aggregates equal the dossiers"), "{}", stdout(&out));
    // A kept row no dossier explains: found, printed, fixed, exit 1; then clean.
    let unit = "000.00.04.H57";
    match &db.db {
        Db::Sqlite(p, _) => sqlx::query("INSERT INTO report_onestop_daily SELECT '2026-02-03', id, 'TN', 1, 0, 0, 0, 0, 0, 0, 0, 1, 0 FROM units WHERE code = $1").bind(unit).execute(p).await.map(|_| ()),
        Db::Postgres(p) => sqlx::query("INSERT INTO report_onestop_daily SELECT DATE '2026-02-03', id, 'TN', 1, 0, 0, 0, 0, 0, 0, 0, 1, 0 FROM units WHERE code = $1").bind(unit).execute(p).await.map(|_| ()),
    }
    .expect("tamper");
    let out = congso(&db, &["report", "rebuild"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("day 2026-02-03 000.00.04.H57 TN: kept [online 1") && text.contains("expected [—]"), "{text}");
    assert!(text.contains("fixed: 1 rows differed"), "{text}");
    let out = congso(&db, &["report", "rebuild"]);
    assert!(out.status.success(), "{}", stdout(&out));
});
