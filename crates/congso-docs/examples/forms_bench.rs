//! Renders every form with the test samples, writes them to a folder and prints the first
//! (cold) and warm render times and the sizes. Warm runs change the applicant's name each
//! time, so they measure a new dossier, not typst's memoised result of the same input.
//!
//! `cargo run --release -p congso-docs --example forms_bench -- [OUT_DIR] [RUNS]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use congso_docs::forms::{self, FormError};

type Render = Box<dyn Fn(u32) -> Result<Vec<u8>, FormError>>;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let out = std::path::PathBuf::from(args.next().unwrap_or_else(|| "forms-out".into()));
    let runs: u32 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(20);
    std::fs::create_dir_all(&out)?;

    let t = Instant::now();
    forms::warm_up()?;
    println!("warm_up (fonts, templates): {:?}", t.elapsed());

    let (r, s, f, a, c) = (
        common::receipt(),
        common::supplement(),
        common::refusal(),
        common::apology(),
        common::control_sheet(),
    );
    let agency = common::agency();
    let rows = common::tracking_rows();
    let name = |i: u32| format!("{} {i}", common::NAME);
    let jobs: Vec<(&str, &str, Render)> = vec![
        (
            "mau01",
            "pdf",
            Box::new(move |i| {
                let mut r = r.clone();
                r.applicant.name = name(i);
                forms::receipt_01(&r)
            }),
        ),
        (
            "mau02",
            "pdf",
            Box::new(move |i| {
                let mut s = s.clone();
                s.applicant.name = name(i);
                forms::supplement_02(&s)
            }),
        ),
        (
            "mau03",
            "pdf",
            Box::new(move |i| {
                let mut f = f.clone();
                f.applicant.name = name(i);
                forms::refusal_03(&f)
            }),
        ),
        (
            "mau04",
            "pdf",
            Box::new(move |i| {
                let mut a = a.clone();
                a.applicant.name = name(i);
                forms::apology_04(&a)
            }),
        ),
        (
            "mau05",
            "pdf",
            Box::new(move |i| {
                let mut c = c.clone();
                c.applicant.name = name(i);
                forms::control_sheet_05(&c)
            }),
        ),
        (
            "mau06",
            "xlsx",
            Box::new(move |i| {
                let mut rows = rows.clone();
                rows[0].applicant = name(i);
                forms::tracking_book_06(&agency, "Tháng 02 năm 2026", &rows)
            }),
        ),
    ];
    println!(
        "{:<6} {:>12} {:>12} {:>10}",
        "form", "first", "warm (avg)", "bytes"
    );
    for (name, ext, job) in jobs {
        let t = Instant::now();
        let bytes = job(0)?;
        let first = t.elapsed();
        let mut total = Duration::ZERO;
        for i in 1..=runs {
            let t = Instant::now();
            job(i)?;
            total += t.elapsed();
        }
        std::fs::write(out.join(format!("{name}.{ext}")), &bytes)?;
        println!(
            "{name:<6} {:>12?} {:>12?} {:>10}",
            first,
            total / runs.max(1),
            bytes.len()
        );
    }
    println!("written to {}", out.display());
    Ok(())
}
