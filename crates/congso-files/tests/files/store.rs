//! Content-addressed storage.

use bytes::Bytes;
use congso_files::{FileError, FileStore, Kind, Policy};
use sha2::{Digest, Sha256};

use crate::fixtures;

fn local() -> (tempfile::TempDir, FileStore) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = FileStore::local(&dir.path().join("data").join("files")).expect("local store");
    (dir, store)
}

/// Every regular file under `dir`, staging files included.
fn files_on_disk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

async fn round_trip(store: &FileStore) {
    let policy = Policy::default();
    for (bytes, kind) in [
        (fixtures::PDF.to_vec(), Kind::Pdf),
        (fixtures::JPEG.to_vec(), Kind::Jpeg),
        (fixtures::PNG.to_vec(), Kind::Png),
        (fixtures::docx(), Kind::Docx),
        (fixtures::xlsx(), Kind::Xlsx),
    ] {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let stored = store
            .put(&policy, Bytes::from(bytes.clone()))
            .await
            .expect("put");
        assert_eq!(stored.kind, kind);
        assert_eq!(stored.size, u64::try_from(bytes.len()).expect("fits"));
        assert_eq!(stored.sha256, sha256);
        assert_eq!(
            stored.key,
            format!("sha256/{}/{}/{sha256}", &sha256[..2], &sha256[2..4])
        );
        assert_eq!(store.get(&stored.key).await.expect("get"), bytes);
    }
    assert_eq!(store.list_keys().await.expect("list").len(), 5);
}

#[tokio::test]
async fn local_round_trip() {
    let (dir, store) = local();
    round_trip(&store).await;
    // Only the five objects are on disk: no staging files left behind.
    assert_eq!(files_on_disk(dir.path()).len(), 5);
}

#[tokio::test]
async fn in_memory_round_trip() {
    round_trip(&FileStore::in_memory()).await;
}

#[test]
fn put_works_outside_a_tokio_runtime() {
    // No runtime: the hashing runs inline. The in-memory store never waits, so polling with a
    // no-op waker completes.
    let (store, policy) = (FileStore::in_memory(), Policy::default());
    let mut put = std::pin::pin!(store.put(&policy, Bytes::from_static(fixtures::PNG)));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    let stored = loop {
        if let std::task::Poll::Ready(result) = put.as_mut().poll(&mut context) {
            break result.expect("put");
        }
        std::thread::yield_now();
    };
    assert_eq!(stored.kind, Kind::Png);
}

#[tokio::test]
async fn same_content_same_key() {
    for (_dir, store) in [
        local(),
        (tempfile::tempdir().expect("dir"), FileStore::in_memory()),
    ] {
        let policy = Policy::default();
        let first = store
            .put(&policy, Bytes::from(fixtures::docx()))
            .await
            .expect("first put");
        let second = store
            .put(&policy, Bytes::from(fixtures::docx()))
            .await
            .expect("second put");
        assert_eq!(first, second);
        assert_eq!(
            store.list_keys().await.expect("list"),
            vec![first.key.clone()]
        );
        let other = store
            .put(&policy, Bytes::from_static(fixtures::PDF))
            .await
            .expect("other put");
        assert_ne!(other.key, first.key);
        assert_eq!(store.list_keys().await.expect("list").len(), 2);
    }
}

#[tokio::test]
async fn concurrent_puts_of_the_same_content_agree() {
    let (_dir, store) = local();
    let docx = Bytes::from(fixtures::docx());
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let (store, docx) = (store.clone(), docx.clone());
            tokio::spawn(async move { store.put(&Policy::default(), docx).await })
        })
        .collect();
    let mut keys = Vec::new();
    for task in tasks {
        keys.push(task.await.expect("task").expect("put").key);
    }
    keys.dedup();
    assert_eq!(keys.len(), 1);
    assert_eq!(store.get(&keys[0]).await.expect("get"), docx);
}

#[tokio::test]
async fn refused_files_leave_nothing() {
    let (dir, local) = local();
    for store in [local, FileStore::in_memory()] {
        let small = Policy {
            max_bytes: 100,
            allowed: Kind::ALL.to_vec(),
        };
        let refusals = [
            (
                Policy::default(),
                Bytes::from_static(b"<html><body>hi</body></html>"),
            ),
            (Policy::default(), Bytes::from_static(b"MZ\x90\x00")),
            (Policy::default(), Bytes::new()),
            (
                Policy::default(),
                Bytes::from(fixtures::zip(&[("a.txt", b"a")])),
            ),
            (small, Bytes::from_static(fixtures::PDF)),
            (
                Policy {
                    max_bytes: Policy::DEFAULT_MAX_BYTES,
                    allowed: vec![Kind::Pdf],
                },
                Bytes::from_static(fixtures::PNG),
            ),
        ];
        for (policy, bytes) in refusals {
            let error = store.put(&policy, bytes).await.expect_err("refused");
            assert!(
                matches!(
                    error,
                    FileError::Forbidden { .. } | FileError::TooLarge { .. } | FileError::Empty
                ),
                "{error:?}"
            );
        }
        assert_eq!(store.list_keys().await.expect("list"), Vec::<String>::new());
    }
    assert_eq!(files_on_disk(dir.path()), Vec::<std::path::PathBuf>::new());
}

#[tokio::test]
async fn delete_removes_and_tolerates_missing() {
    let (dir, store) = local();
    let stored = store
        .put(&Policy::default(), Bytes::from_static(fixtures::PDF))
        .await
        .expect("put");
    store.delete(&stored.key).await.expect("delete");
    assert!(matches!(
        store.get(&stored.key).await,
        Err(FileError::Store(_))
    ));
    store.delete(&stored.key).await.expect("delete again");
    assert!(store.list_keys().await.expect("list").is_empty());
    assert!(files_on_disk(dir.path()).is_empty());
    // Storing it again after the cleanup works.
    store
        .put(&Policy::default(), Bytes::from_static(fixtures::PDF))
        .await
        .expect("put again");

    let memory = FileStore::in_memory();
    memory.delete(&stored.key).await.expect("missing is fine");
}

#[tokio::test]
async fn get_detects_a_changed_file() {
    let (dir, store) = local();
    let stored = store
        .put(&Policy::default(), Bytes::from_static(fixtures::PDF))
        .await
        .expect("put");
    let on_disk = files_on_disk(dir.path());
    assert_eq!(on_disk.len(), 1);
    assert!(on_disk[0].ends_with(&stored.sha256));
    std::fs::write(&on_disk[0], b"%PDF-1.4 edited").expect("tamper");
    let error = store.get(&stored.key).await.expect_err("tampered");
    assert!(
        matches!(&error, FileError::Store(m) if m.contains("does not match")),
        "{error}"
    );

    // A truncated copy is repaired by storing the same content again.
    std::fs::write(&on_disk[0], &fixtures::PDF[..10]).expect("truncate");
    store
        .put(&Policy::default(), Bytes::from_static(fixtures::PDF))
        .await
        .expect("put again");
    assert_eq!(
        store.get(&stored.key).await.expect("repaired"),
        fixtures::PDF
    );
}

#[tokio::test]
async fn malformed_keys_are_refused() {
    let (_dir, store) = local();
    for key in [
        "../../etc/passwd",
        "sha256/../../etc/passwd",
        "sha256/ab/cd/not-hex",
        "",
    ] {
        assert!(
            matches!(store.get(key).await, Err(FileError::Store(_))),
            "{key}"
        );
        assert!(
            matches!(store.delete(key).await, Err(FileError::Store(_))),
            "{key}"
        );
    }
}

#[tokio::test]
async fn local_creates_its_directory() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("a").join("b").join("c");
    let store = FileStore::local(&nested).expect("local store");
    assert!(nested.is_dir());
    let stored = store
        .put(&Policy::default(), Bytes::from_static(fixtures::JPEG))
        .await
        .expect("put");
    assert!(nested.join(&stored.key).is_file());
    // Opening the same directory again sees the same files.
    let again = FileStore::local(&nested).expect("reopen");
    assert_eq!(again.get(&stored.key).await.expect("get"), fixtures::JPEG);
}
