//! `congso serve`: the HTTP server and the background worker in one process.

use std::net::SocketAddr;
use std::process::ExitCode;

use congso_notify::{Mailer, SmtpConfig};
use congso_web::{AppState, WebConfig};
use tokio::sync::watch;

use crate::cli::{app, open, print_logins};
use crate::config::Config;

fn init_tracing(cfg: &Config) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_new(&cfg.log.filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = if cfg.log.format == "json" {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

pub fn mailer(cfg: &Config) -> anyhow::Result<Mailer> {
    if cfg.mail.smtp_host.trim().is_empty() {
        Ok(Mailer::outbox(cfg.data_dir.join("outbox"), &cfg.mail.from)?)
    } else {
        Ok(Mailer::smtp(
            &SmtpConfig {
                host: cfg.mail.smtp_host.clone(),
                port: cfg.mail.smtp_port,
                username: Some(cfg.mail.smtp_username.clone()).filter(|s| !s.is_empty()),
                password: cfg.mail.smtp_password.clone(),
                security: cfg.mail.smtp_security.clone(),
            },
            &cfg.mail.from,
        )?)
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
    tracing::info!("shutting down");
}

pub async fn serve(cfg: Config, no_demo: bool) -> anyhow::Result<ExitCode> {
    init_tracing(&cfg);
    tracing::info!(config = ?cfg, "starting congso {}", env!("CARGO_PKG_VERSION"));
    std::fs::create_dir_all(&cfg.data_dir)?;
    let db = open(&cfg).await?;
    let app = app(db.clone(), &cfg)?;
    app.bootstrap().await.map_err(crate::cli::user_error)?;
    if !no_demo {
        let pw = std::env::var("CONGSO_DEMO_PASSWORD").ok();
        match congso_app::demo::seed(&app, pw.as_deref()).await? {
            Some(logins) => {
                println!("Đã nạp dữ liệu demo / demo data loaded.");
                print_logins(&logins);
            }
            None => {
                let names: Vec<&str> = congso_app::demo::DEMO_USERS.iter().map(|u| u.0).collect();
                println!(
                    "Tài khoản demo / demo logins: {} (mật khẩu như lúc khởi tạo hoặc CONGSO_DEMO_PASSWORD / password as printed at first start or CONGSO_DEMO_PASSWORD)",
                    names.join(", ")
                );
            }
        }
    }
    let state = AppState::new(
        app.clone(),
        WebConfig {
            secure_cookies: cfg.secure_cookies,
            max_body_bytes: cfg.max_body_bytes,
            oidc: cfg.oidc()?,
            ..WebConfig::default()
        },
    )
    .await?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = congso_jobs::Worker::new(app.clone(), mailer(&cfg)?);
    let worker_task = tokio::spawn(worker.run(stop_rx));

    let listener = tokio::net::TcpListener::bind(&cfg.bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", cfg.bind))?;
    let addr = listener.local_addr()?;
    println!("congso đang phục vụ tại / serving at http://{addr}");
    tracing::info!(%addr, "listening");
    axum::serve(
        listener,
        congso_web::router(state).into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    let _ = stop_tx.send(true);
    let _ = worker_task.await;
    db.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}
