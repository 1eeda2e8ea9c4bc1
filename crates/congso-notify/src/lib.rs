//! Email delivery.
//!
//! - [`Mailer::Outbox`] (the default): every message is written as an RFC 5322 `.eml` file to
//!   `<data-dir>/outbox/`, so the demo needs no mail server and an operator can read what was sent.
//! - [`Mailer::Smtp`]: SMTP with STARTTLS (or plain on loopback), when configured.
//! - [`Mailer::Memory`]: kept in memory, for tests.
//!
//! Messages are multipart (plain text, plus HTML when given) in UTF-8.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use lettre::message::{Mailbox, MultiPart, SinglePart, header::ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::{ExposeSecret, SecretString};

/// A message to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
}

/// SMTP settings.
#[derive(Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    /// `starttls` (default), `tls` (implicit, port 465) or `none` (loopback relays only).
    pub security: String,
}

impl std::fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("security", &self.security)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("invalid address {0:?}")]
    Address(String),
    #[error("could not build the message: {0}")]
    Build(String),
    #[error("could not deliver: {0}")]
    Transport(String),
}

/// Where mail goes.
#[derive(Clone)]
pub enum Mailer {
    Outbox {
        dir: PathBuf,
        from: Mailbox,
    },
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Memory {
        sent: Arc<Mutex<Vec<Mail>>>,
        from: Mailbox,
    },
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Outbox { dir, .. } => write!(f, "Mailer::Outbox({})", dir.display()),
            Mailer::Smtp { .. } => write!(f, "Mailer::Smtp"),
            Mailer::Memory { .. } => write!(f, "Mailer::Memory"),
        }
    }
}

fn mailbox(s: &str) -> Result<Mailbox, MailError> {
    s.parse().map_err(|_| MailError::Address(s.to_owned()))
}

impl Mailer {
    /// Writes `.eml` files into `dir` (created if missing).
    pub fn outbox(dir: PathBuf, from: &str) -> Result<Mailer, MailError> {
        Ok(Mailer::Outbox {
            dir,
            from: mailbox(from)?,
        })
    }

    /// Sends through an SMTP server.
    pub fn smtp(cfg: &SmtpConfig, from: &str) -> Result<Mailer, MailError> {
        let builder = match cfg.security.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&cfg.host),
            "none" => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                &cfg.host,
            )),
            _ => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&cfg.host),
        }
        .map_err(|e| MailError::Transport(e.to_string()))?;
        let mut builder = builder.port(cfg.port);
        if let (Some(u), Some(p)) = (&cfg.username, &cfg.password) {
            builder =
                builder.credentials(Credentials::new(u.clone(), p.expose_secret().to_owned()));
        }
        Ok(Mailer::Smtp {
            transport: builder.build(),
            from: mailbox(from)?,
        })
    }

    /// Keeps messages in memory (tests).
    pub fn memory() -> Mailer {
        Mailer::Memory {
            sent: Arc::new(Mutex::new(vec![])),
            from: Mailbox::new(
                None,
                lettre::Address::new("no-reply", "congso.test").expect("a valid static address"),
            ),
        }
    }

    /// Messages sent so far (memory mailer only).
    pub fn sent(&self) -> Vec<Mail> {
        match self {
            Mailer::Memory { sent, .. } => sent.lock().map(|v| v.clone()).unwrap_or_default(),
            _ => vec![],
        }
    }

    fn from(&self) -> &Mailbox {
        match self {
            Mailer::Outbox { from, .. }
            | Mailer::Smtp { from, .. }
            | Mailer::Memory { from, .. } => from,
        }
    }

    /// Builds the RFC 5322 message.
    pub fn build(&self, mail: &Mail) -> Result<Message, MailError> {
        let builder = Message::builder()
            .from(self.from().clone())
            .to(mailbox(&mail.to)?)
            .subject(mail.subject.clone());
        let text = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(mail.text.clone());
        let msg = match &mail.html {
            Some(html) => builder.multipart(
                MultiPart::alternative().singlepart(text).singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html.clone()),
                ),
            ),
            None => builder.singlepart(text),
        };
        msg.map_err(|e| MailError::Build(e.to_string()))
    }

    /// Sends (or writes) one message.
    pub async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        match self {
            Mailer::Memory { sent, .. } => {
                self.build(mail)?;
                sent.lock()
                    .map_err(|_| MailError::Transport("poisoned".into()))?
                    .push(mail.clone());
                Ok(())
            }
            Mailer::Outbox { dir, .. } => {
                let msg = self.build(mail)?;
                tokio::fs::create_dir_all(dir)
                    .await
                    .map_err(|e| MailError::Transport(e.to_string()))?;
                AsyncFileTransport::<Tokio1Executor>::new(dir)
                    .send(msg)
                    .await
                    .map(|_| ())
                    .map_err(|e| MailError::Transport(e.to_string()))
            }
            Mailer::Smtp { transport, .. } => {
                let msg = self.build(mail)?;
                transport
                    .send(msg)
                    .await
                    .map(|_| ())
                    .map_err(|e| MailError::Transport(e.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outbox_writes_utf8_eml() {
        let dir = tempfile::tempdir().expect("tmp");
        let m = Mailer::outbox(
            dir.path().join("outbox"),
            "Cổng dịch vụ công <no-reply@hue.gov.vn>",
        )
        .expect("mailer");
        m.send(&Mail {
            to: "congdan@example.vn".into(),
            subject: "Hồ sơ đã được tiếp nhận".into(),
            text: "Kính gửi ông/bà, hồ sơ của quý vị đã được tiếp nhận.".into(),
            html: Some("<p>Hồ sơ đã được tiếp nhận</p>".into()),
        })
        .await
        .expect("send");
        let files: Vec<_> = std::fs::read_dir(dir.path().join("outbox"))
            .expect("dir")
            .collect();
        assert_eq!(files.len(), 1);
        let path = files[0].as_ref().expect("entry").path();
        assert_eq!(path.extension().and_then(|e| e.to_str()), Some("eml"));
        let raw = std::fs::read_to_string(&path).expect("read");
        assert!(raw.contains("To: congdan@example.vn"), "{raw}");
        assert!(raw.contains("multipart/alternative"));
        // The subject is encoded (RFC 2047) because it is not ASCII.
        assert!(raw.contains("Subject: =?utf-8?"), "{raw}");
    }

    #[tokio::test]
    async fn bad_address_is_an_error() {
        let m = Mailer::memory();
        let err = m
            .send(&Mail {
                to: "not an address".into(),
                subject: "x".into(),
                text: "y".into(),
                html: None,
            })
            .await
            .expect_err("invalid");
        assert!(matches!(err, MailError::Address(_)));
        assert!(m.sent().is_empty());
    }
}
