use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use congso_db::testing::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

pub const PW: &str = "mat-khau-demo-2026";

/// Runs the binary against the test database and its scratch directory.
pub fn congso(db: &TestDb, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_congso"))
        .args(args)
        .arg("--database")
        .arg(&db.url)
        .arg("--data-dir")
        .arg(db.data_dir())
        .env("CONGSO_DEMO_PASSWORD", PW)
        .env_remove("CONGSO_DATABASE_URL")
        .env_remove("CONGSO_DATA_DIR")
        .env("CONGSO_LOG", "warn")
        .output()
        .expect("run congso")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Starts `congso serve` on a free port and waits until it listens.
pub fn spawn_server(db: &TestDb) -> (Child, SocketAddr) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_congso"))
        .arg("serve")
        .args(["--bind", "127.0.0.1:0", "--no-demo", "--database", &db.url])
        .arg("--data-dir")
        .arg(db.data_dir())
        .env("CONGSO_LOG", "warn")
        .env_remove("CONGSO_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn server");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let Some(Ok(line)) = lines.next() else { break };
        if let Some(addr) = line.split("http://").nth(1) {
            let addr: SocketAddr = addr.trim().parse().expect("address");
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines {});
            return (child, addr);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

/// A minimal HTTP/1.1 request over TCP; returns the status code and body.
pub async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&str>,
) -> std::io::Result<(u16, String)> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    let mut req = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    if let Some(t) = token {
        req.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() {
        req.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await?;
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await?;
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("bad response: {text:?}")))?;
    let body = text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    Ok((status, body))
}

/// Runs a test body on SQLite and PostgreSQL with a migrated, demo-seeded database (via the CLI).
#[macro_export]
macro_rules! cli_test {
    (async fn $name:ident($db:ident) $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let $db = congso_db::testing::TestDb::sqlite().await;
                $body
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let Some($db) = congso_db::testing::TestDb::postgres().await else {
                    eprintln!("skipped: CONGSO_TEST_DATABASE_URL not set");
                    return;
                };
                $body
            }
        }
    };
}
