//! Content-addressed storage of accepted files.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::local::LocalFileSystem;
use object_store::memory::InMemory;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutPayload};
use sha2::{Digest, Sha256};

use crate::{FileError, Kind, Policy, check};

/// A stored file. Keep these in the metadata row (with the original name and who uploaded it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// `sha256/ab/cd/<64 hex digits>`: a function of the content only.
    pub key: String,
    /// The SHA-256 of the content, 64 lower-case hex digits.
    pub sha256: String,
    /// The size in bytes.
    pub size: u64,
    pub kind: Kind,
}

/// Where accepted files live. Cheap to clone (an `Arc`).
#[derive(Clone, Debug)]
pub struct FileStore {
    inner: Arc<dyn ObjectStore>,
}

impl FileStore {
    /// Files under `dir` (created if missing), e.g. `data/files/`. Writes are atomic (a staged
    /// file then a link) and synced to disk before `put` returns.
    pub fn local(dir: &std::path::Path) -> Result<FileStore, FileError> {
        std::fs::create_dir_all(dir).map_err(|e| {
            FileError::Store(format!("cannot create directory {}: {e}", dir.display()))
        })?;
        let store = LocalFileSystem::new_with_prefix(dir)
            .map_err(store_error)?
            .with_automatic_cleanup(true)
            .with_fsync(true);
        Ok(FileStore::from_object_store(Arc::new(store)))
    }

    /// Files in memory (tests, demos).
    pub fn in_memory() -> FileStore {
        FileStore::from_object_store(Arc::new(InMemory::new()))
    }

    /// Files in any object store, e.g. an S3-compatible one built by the binary with
    /// `object_store`'s `aws` feature.
    pub fn from_object_store(store: Arc<dyn ObjectStore>) -> FileStore {
        FileStore { inner: store }
    }

    /// Checks `bytes` against `policy` (nothing is written when refused), then stores them under
    /// their content-addressed key. Storing the same content again is harmless and returns the
    /// same key.
    pub async fn put(&self, policy: &Policy, bytes: Bytes) -> Result<StoredFile, FileError> {
        // Sniffing is cheap but hashing 10 MiB is not: keep it off the async workers.
        let policy = policy.clone();
        let (bytes, kind, sha256) = blocking(move || {
            let kind = check(&policy, &bytes)?;
            let sha256 = hex::encode(Sha256::digest(&bytes));
            Ok((bytes, kind, sha256))
        })
        .await?;
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        let key = key_for(&sha256);
        let path = Path::from(key.as_str());

        let created = self
            .inner
            .put_opts(
                &path,
                PutPayload::from(bytes.clone()),
                PutMode::Create.into(),
            )
            .await;
        match created {
            Ok(_) => {}
            Err(object_store::Error::AlreadyExists { .. }) => {
                // Same key, same content. Rewrite only if what is there is not whole.
                let whole = matches!(self.inner.head(&path).await, Ok(meta) if meta.size == size);
                if !whole {
                    self.inner
                        .put(&path, PutPayload::from(bytes))
                        .await
                        .map_err(store_error)?;
                }
            }
            Err(e) => return Err(store_error(e)),
        }
        Ok(StoredFile {
            key,
            sha256,
            size,
            kind,
        })
    }

    /// The content stored under `key`, checked against the hash the key names.
    pub async fn get(&self, key: &str) -> Result<Bytes, FileError> {
        let (path, sha256) = parse_key(key)?;
        let bytes = self
            .inner
            .get(&path)
            .await
            .map_err(store_error)?
            .bytes()
            .await
            .map_err(store_error)?;
        let (bytes, actual) = blocking(move || {
            let actual = hex::encode(Sha256::digest(&bytes));
            Ok((bytes, actual))
        })
        .await?;
        if actual != sha256 {
            return Err(FileError::Store(format!(
                "{key}: content does not match its hash (found {actual})"
            )));
        }
        Ok(bytes)
    }

    /// Removes `key`; a missing object is fine. For cleaning up after a failed transaction.
    ///
    /// Keys are shared by identical content: delete only when no metadata row (committed by
    /// anyone) names the key, or another dossier's copy of the same file goes with it.
    pub async fn delete(&self, key: &str) -> Result<(), FileError> {
        let (path, _) = parse_key(key)?;
        match self.inner.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(store_error(e)),
        }
    }

    /// Every stored key, sorted (for sweeping orphans against the metadata rows, and tests).
    pub async fn list_keys(&self) -> Result<Vec<String>, FileError> {
        let mut keys: Vec<String> = self
            .inner
            .list(None)
            .map_ok(|meta| meta.location.to_string())
            .try_collect()
            .await
            .map_err(store_error)?;
        keys.sort();
        Ok(keys)
    }
}

fn key_for(sha256: &str) -> String {
    let a = sha256.get(..2).unwrap_or_default();
    let b = sha256.get(2..4).unwrap_or_default();
    format!("sha256/{a}/{b}/{sha256}")
}

/// The object path and hash of a well-formed key; anything else is refused (no path tricks).
fn parse_key(key: &str) -> Result<(Path, String), FileError> {
    let invalid = || FileError::Store(format!("invalid file key {key:?}"));
    let sha256 = key.strip_prefix("sha256/").ok_or_else(invalid)?;
    let sha256 = sha256.rsplit('/').next().ok_or_else(invalid)?;
    let well_formed = sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && key_for(sha256) == key;
    if !well_formed {
        return Err(invalid());
    }
    Ok((Path::from(key), sha256.to_owned()))
}

fn store_error(e: object_store::Error) -> FileError {
    FileError::Store(e.to_string())
}

/// Runs CPU-heavy work on tokio's blocking pool when inside a runtime, inline otherwise.
async fn blocking<T, F>(work: F) -> Result<T, FileError>
where
    F: FnOnce() -> Result<T, FileError> + Send + 'static,
    T: Send + 'static,
{
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => runtime
            .spawn_blocking(work)
            .await
            .map_err(|e| FileError::Store(format!("hashing task failed: {e}")))?,
        Err(_) => work(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_checked() {
        let hex = "ab".repeat(32);
        let key = key_for(&hex);
        assert_eq!(key, format!("sha256/ab/ab/{hex}"));
        assert!(parse_key(&key).is_ok());
        for bad in [
            String::new(),
            "sha256/".to_owned(),
            format!("sha256/ab/ac/{hex}"),
            format!("sha256/AB/AB/{}", hex.to_uppercase()),
            format!("sha256/ab/ab/../{hex}"),
            format!("/sha256/ab/ab/{hex}"),
            format!("sha256/ab/ab/{hex}/"),
            "sha256/../../etc/passwd".to_owned(),
        ] {
            assert!(parse_key(&bad).is_err(), "{bad}");
        }
    }
}
