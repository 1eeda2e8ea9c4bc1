//! Random secrets, their digests, and the server's signing key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use congso_db::{Db, Ts, repo::settings};
use sha2::{Digest, Sha256};

use crate::AppResult;

/// A random 256-bit secret as URL-safe base64 (43 characters).
pub fn random_token() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// SHA-256 (hex) of a secret: what the database stores instead of the secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// The deployment's signing key (CSRF tokens, signed links), created once and kept in the
/// database so that every server of a deployment shares it. Never in the repository.
pub async fn server_key(db: &Db, now: Ts) -> AppResult<Vec<u8>> {
    let mut tx = db.begin_write().await?;
    let fresh = random_token();
    let stored = settings::get_or_insert(&mut tx, "server_key", &fresh, now).await?;
    tx.commit().await?;
    URL_SAFE_NO_PAD
        .decode(stored.as_bytes())
        .map_err(crate::AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_digests_stable() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(
            digest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
