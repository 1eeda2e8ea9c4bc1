//! `congso admin open311-key create --name NAME`: the api_key is printed on the last line, only its
//! digest is stored, and the running server accepts it for an Open311 POST (and refuses others).

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::cli_test;
use crate::support::{congso, spawn_server, stdout};

async fn post_form(addr: std::net::SocketAddr, path: &str, body: &str) -> (u16, String) {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.expect("read");
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (
        status,
        text.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned(),
    )
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

cli_test!(async fn open311_key_create_prints_the_key_last(db) {
    assert!(congso(&db, &["seed-demo"]).status.success());
    let out = congso(&db, &["admin", "open311-key", "create", "--name", "Ứng dụng Hue-S"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    let key = text.lines().last().expect("a last line").trim().to_owned();
    assert_eq!(key.len(), 43, "a 256-bit key in URL-safe base64: {text}");
    assert!(!congso(&db, &["admin", "open311-key", "create", "--name", " "]).status.success());

    let (mut child, addr) = spawn_server(&db);
    let form = |k: &str| {
        [
            ("api_key", k),
            ("service_code", "o-ga-mat-duong"),
            ("lat", "16.4637"),
            ("long", "107.5909"),
            ("description", "Ổ gà lớn giữa đường"),
        ]
        .iter()
        .map(|(n, v)| format!("{n}={}", encode(v)))
        .collect::<Vec<_>>()
        .join("&")
    };
    let (status, body) = post_form(addr, "/open311/v2/requests.json", &form(&key)).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("service_request_id"), "{body}");
    let (status, body) = post_form(addr, "/open311/v2/requests.json", &form("not-a-key")).await;
    assert_eq!(status, 403, "{body}");
    let _ = child.kill();
    let _ = child.wait();
    // The filed report's event chain (and the key's) verifies.
    let out = congso(&db, &["audit", "verify"]);
    assert!(out.status.success() && stdout(&out).starts_with("ok "), "{}", stdout(&out));
});
