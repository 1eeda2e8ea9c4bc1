use std::process::Command;

use crate::cli_test;
use crate::support::{congso, stdout};

fn shipped(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_congso"))
        .args(args)
        .env_remove("CONGSO_DATABASE_URL")
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn lunar_lines_have_the_contract_format() {
    let text = shipped(&[
        "calendar",
        "lunar",
        "--from",
        "2023-03-21",
        "--to",
        "2023-03-23",
    ]);
    assert_eq!(
        text,
        "2023-03-21\t30\t2\t2023\t0\n2023-03-22\t1\t2\t2023\t1\n2023-03-23\t2\t2\t2023\t1\n"
    );
    let tet = shipped(&[
        "calendar",
        "lunar",
        "--from",
        "1985-01-21",
        "--to",
        "1985-01-21",
    ]);
    assert_eq!(
        tet, "1985-01-21\t1\t1\t1985\t0\n",
        "Vietnamese Tết 1985 (China: 20/2)"
    );
}

#[test]
fn due_and_off_days_from_the_shipped_data() {
    assert_eq!(
        shipped(&[
            "calendar",
            "due",
            "--from",
            "2025-01-24",
            "--working-days",
            "10"
        ]),
        "2025-02-14\n"
    );
    assert_eq!(
        shipped(&[
            "calendar",
            "due",
            "--from",
            "2025-08-29",
            "--working-days",
            "1"
        ]),
        "2025-09-03\n"
    );
    assert_eq!(
        shipped(&[
            "calendar",
            "due",
            "--from",
            "2026-03-02T10:00",
            "--working-hours",
            "8"
        ]),
        "2026-03-03T10:00\n"
    );
    let off = shipped(&["calendar", "off-days", "2024"]);
    assert!(off.contains("2024-05-04\tmakeup_workday\t"), "{off}");
    assert!(off.contains("2024-04-29\tswapped\t"));
    assert!(off.lines().all(|l| l.split('\t').count() == 3));
    let none = Command::new(env!("CARGO_BIN_EXE_congso"))
        .args(["calendar", "due", "--from", "2025-01-24"])
        .output()
        .expect("run");
    assert!(!none.status.success(), "a limit is required");
}

cli_test!(async fn the_cli_reads_the_database_calendar_when_given_one(db) {
    // Before any edit, the database holds the shipped data.
    let due = |db: &congso_db::testing::TestDb| stdout(&congso(db, &["calendar", "due", "--from", "2027-02-03", "--working-days", "1"]));
    let rules_only = due(&db);
    let app = congso_app::App::new(db.db.clone(), std::sync::Arc::new(congso_app::SystemClock), congso_app::AppConfig::default());
    app.bootstrap().await.expect("bootstrap");
    let days = congso_app::calendar::parse_decision_text("2027-02-04 | holiday | Tết\n2027-02-05 | holiday | Tết\n2027-02-08 | holiday | Tết").expect("parse");
    congso_app::calendar::set_year(&app, &congso_app::Actor::system(), 2027, days, None).await.expect("set");
    assert_eq!(due(&db), "2027-02-09\n", "the database decision applies (was {rules_only:?})");
    let off = stdout(&congso(&db, &["calendar", "off-days", "2027"]));
    assert_eq!(off.lines().count(), 3, "{off}");
    // Without --database the shipped data (rules for 2027) applies.
    assert_ne!(shipped(&["calendar", "off-days", "2027"]), off);
});
