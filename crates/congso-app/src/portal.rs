//! The citizen portal's use cases: online submission with attachments, the citizen's own
//! dossiers, answering a supplement request online, the electronic result, ratings, drafts and
//! the notification list.
//!
//! Files are checked (size, type by content) and stored before the write transaction (the store is
//! content-addressed, so a retry stores nothing twice); the transaction then records them with the
//! dossier change. If the transaction fails, files no row points at are deleted again.

use bytes::Bytes;
use congso_db::Ts;
use congso_db::repo::dossiers::{self as repo, DossierRow};
use congso_db::repo::portal::{self, AttachmentRow, DraftRow, NotificationRow, RatingRow};
use congso_domain::{ErrorCode, Role};
use congso_files::{FileError, StoredFile};
use serde_json::json;
use uuid::Uuid;

use crate::audit::{self, Subject};
use crate::dossiers::{self, ActionInput, Applicant, DocumentItem, DossierView, NewDossier};
use crate::{Actor, App, AppError, AppResult};

/// A file sent by a citizen or an officer.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The checklist line it answers (empty: the first line without a file).
    pub document_name: String,
    /// The name on the sender's device (only shown, never used as a path).
    pub file_name: String,
    pub bytes: Bytes,
}

/// The three answers of the satisfaction rating.
pub const RATINGS: [&str; 3] = ["hai_long", "chap_nhan", "khong_hai_long"];

fn file_error(e: FileError) -> AppError {
    match e {
        FileError::TooLarge { .. } => {
            AppError::new(ErrorCode::FileTooLarge).with_detail(e.message_vi())
        }
        FileError::Forbidden { .. } | FileError::Empty => {
            AppError::new(ErrorCode::FileTypeNotAllowed).with_detail(e.message_vi())
        }
        FileError::Store(m) => AppError::internal(anyhow::anyhow!(m)),
    }
}

/// Checks and stores files; on the first refusal, removes what this call stored.
pub(crate) async fn store_all(app: &App, uploads: &[Upload]) -> AppResult<Vec<StoredFile>> {
    let mut stored: Vec<StoredFile> = vec![];
    for u in uploads {
        match app.files.put(&app.file_policy, u.bytes.clone()).await {
            Ok(f) => stored.push(f),
            Err(e) => {
                forget(app, &stored).await;
                return Err(file_error(e));
            }
        }
    }
    Ok(stored)
}

/// Deletes stored files that no attachment row points at (after a failed transaction).
pub(crate) async fn forget(app: &App, stored: &[StoredFile]) {
    for f in stored {
        let used = match app.db.begin_read().await {
            Ok(mut tx) => portal::key_uses(&mut tx, &f.key).await.unwrap_or(1),
            Err(_) => 1,
        };
        if used == 0
            && let Err(e) = app.files.delete(&f.key).await
        {
            tracing::warn!(key = %f.key, error = %e, "could not delete an orphan file");
        }
    }
}

fn attachment_row(
    dossier_id: Uuid,
    purpose: &str,
    upload: &Upload,
    f: &StoredFile,
    by: Option<Uuid>,
    now: Ts,
) -> AttachmentRow {
    AttachmentRow {
        id: congso_domain::new_id(),
        dossier_id,
        purpose: purpose.to_owned(),
        document_name: upload.document_name.trim().to_owned(),
        file_name: congso_files::safe_file_name(&upload.file_name, f.kind),
        content_type: f.kind.mime().to_owned(),
        size_bytes: i64::try_from(f.size).unwrap_or(i64::MAX),
        sha256: f.sha256.clone(),
        storage_key: f.key.clone(),
        uploaded_by: by,
        created_at: now,
    }
}

/// Submits a dossier online from the citizen's account: status 1 "Mới đăng ký", every
/// document of the procedure's checklist answered by at least one file.
pub async fn submit_online(
    app: &App,
    actor: &Actor,
    procedure_code: &str,
    applicant: Applicant,
    mut uploads: Vec<Upload>,
) -> AppResult<DossierView> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let spec = crate::catalogue::published_spec(app, procedure_code).await?;
    if spec.online == congso_domain::procedure::OnlineLevel::None {
        return Err(AppError::new(ErrorCode::ChannelNotOffered).with_detail("online"));
    }
    // Files without a document name answer the first line that has none yet.
    let names: Vec<String> = spec.documents.iter().map(|d| d.name.clone()).collect();
    for i in 0..uploads.len() {
        if uploads[i].document_name.trim().is_empty() {
            let free = names
                .iter()
                .find(|n| !uploads.iter().any(|u| &u.document_name == *n))
                .cloned()
                .unwrap_or_else(|| "Tài liệu khác".to_owned());
            uploads[i].document_name = free;
        }
    }
    if let Some(missing) = names
        .iter()
        .find(|n| !uploads.iter().any(|u| &u.document_name == *n))
    {
        return Err(AppError::new(ErrorCode::DocumentMissing).with_detail(missing.clone()));
    }
    let new = NewDossier {
        procedure_code: procedure_code.trim().to_owned(),
        channel: "online".to_owned(),
        applicant,
        documents: spec
            .documents
            .iter()
            .map(|d| DocumentItem {
                name: d.name.clone(),
                originals: d.originals,
                copies: d.copies,
                provided: true,
            })
            .collect(),
        receiving_unit: None,
        code: None,
        received_at: None,
    };
    let checked = dossiers::check_new(&new)?;
    let stored = store_all(app, &uploads).await?;
    let now = app.now();
    let cal = dossiers::refs(app).await?;
    let result: AppResult<DossierRow> = async {
        let mut tx = app.db.begin_write().await?;
        let row = dossiers::create_in(
            &mut tx,
            app,
            cal.clone(),
            actor,
            &new,
            true,
            now,
            checked,
            false,
        )
        .await?;
        for (u, f) in uploads.iter().zip(stored.iter()) {
            portal::insert_attachment(
                &mut tx,
                &attachment_row(row.id, "document", u, f, Some(user_id), now),
            )
            .await?;
        }
        portal::delete_draft(&mut tx, user_id, procedure_code.trim()).await?;
        tx.commit().await?;
        Ok(row)
    }
    .await;
    match result {
        Ok(row) => dossiers::view_after(app, cal, &row, now).await,
        Err(e) => {
            forget(app, &stored).await;
            Err(e)
        }
    }
}

/// The citizen's own dossier (others' are `dossier_not_found`).
async fn own_row(tx: &mut congso_db::Tx, actor: &Actor, code: &str) -> AppResult<DossierRow> {
    let row = repo::by_code(tx, code.trim())
        .await?
        .ok_or(AppError::new(ErrorCode::DossierNotFound).with_detail(code.to_owned()))?;
    if actor.user_id.is_none() || row.citizen_id != actor.user_id {
        return Err(AppError::new(ErrorCode::DossierNotFound).with_detail(code.to_owned()));
    }
    Ok(row)
}

/// Answers a supplement request online: the files are recorded and the clock resumes.
pub async fn supplement_online(
    app: &App,
    actor: &Actor,
    code: &str,
    uploads: Vec<Upload>,
) -> AppResult<DossierView> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    {
        let mut tx = app.db.begin_read().await?;
        let row = own_row(&mut tx, actor, code).await?;
        tx.commit().await?;
        if row.status != "awaiting_supplement" {
            return Err(AppError::new(ErrorCode::IllegalTransition)
                .with_detail(format!("supplement_received from {}", row.status)));
        }
    }
    if uploads.is_empty() {
        return Err(AppError::new(ErrorCode::DocumentMissing).with_detail("files"));
    }
    let stored = store_all(app, &uploads).await?;
    let now = app.now();
    let cal = dossiers::refs(app).await?;
    let result: AppResult<DossierRow> = async {
        let mut tx = app.db.begin_write().await?;
        own_row(&mut tx, actor, code).await?;
        let input = ActionInput {
            action: "supplement_received".to_owned(),
            note: Some(format!("{} tệp bổ sung trực tuyến", uploads.len())),
            ..ActionInput::default()
        };
        let row =
            dossiers::act_in(&mut tx, app, cal.clone(), actor, code, &input, now, false).await?;
        for (u, f) in uploads.iter().zip(stored.iter()) {
            let mut u = u.clone();
            if u.document_name.trim().is_empty() {
                u.document_name = "Hồ sơ bổ sung".to_owned();
            }
            portal::insert_attachment(
                &mut tx,
                &attachment_row(row.id, "supplement", &u, f, Some(user_id), now),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(row)
    }
    .await;
    match result {
        Ok(row) => dossiers::view_after(app, cal, &row, now).await,
        Err(e) => {
            forget(app, &stored).await;
            Err(e)
        }
    }
}

/// The officer finishes a dossier and attaches the electronic result (a PDF) in one step.
pub async fn finish_with_result(
    app: &App,
    actor: &Actor,
    code: &str,
    input: ActionInput,
    result: Option<Upload>,
) -> AppResult<DossierView> {
    let uploads: Vec<Upload> = result.into_iter().collect();
    let stored = store_all(app, &uploads).await?;
    if let Some(f) = stored.first()
        && f.kind != congso_files::Kind::Pdf
    {
        forget(app, &stored).await;
        return Err(
            AppError::new(ErrorCode::FileTypeNotAllowed).with_detail("kết quả điện tử phải là PDF")
        );
    }
    let now = app.now();
    let cal = dossiers::refs(app).await?;
    let outcome: AppResult<DossierRow> = async {
        let mut tx = app.db.begin_write().await?;
        let row =
            dossiers::act_in(&mut tx, app, cal.clone(), actor, code, &input, now, false).await?;
        for (u, f) in uploads.iter().zip(stored.iter()) {
            let mut u = u.clone();
            u.document_name = "Kết quả giải quyết".to_owned();
            portal::insert_attachment(
                &mut tx,
                &attachment_row(row.id, "result", &u, f, actor.user_id, now),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(row)
    }
    .await;
    match outcome {
        Ok(row) => dossiers::view_after(app, cal, &row, now).await,
        Err(e) => {
            forget(app, &stored).await;
            Err(e)
        }
    }
}

/// The files of a dossier, for someone allowed to see it (officers of its units, its
/// applicant; others get `dossier_not_found`).
pub async fn attachments(app: &App, actor: &Actor, code: &str) -> AppResult<Vec<AttachmentRow>> {
    let mut tx = app.db.begin_read().await?;
    let row = repo::by_code(&mut tx, code.trim())
        .await?
        .ok_or(AppError::new(ErrorCode::DossierNotFound).with_detail(code.to_owned()))?;
    if !dossiers::may_see(&mut tx, actor, &row).await? {
        return Err(AppError::new(ErrorCode::DossierNotFound).with_detail(code.to_owned()));
    }
    let rows = portal::attachments_of(&mut tx, row.id).await?;
    tx.commit().await?;
    Ok(rows)
}

/// One file of a dossier with its bytes, for someone allowed to see the dossier.
pub async fn attachment(
    app: &App,
    actor: &Actor,
    code: &str,
    id: Uuid,
) -> AppResult<(AttachmentRow, Bytes)> {
    file_bytes(app, attachments(app, actor, code).await?, id).await
}

/// One file of the citizen's own dossier (the portal's paths: own dossiers only).
pub async fn own_attachment(
    app: &App,
    actor: &Actor,
    code: &str,
    id: Uuid,
) -> AppResult<(AttachmentRow, Bytes)> {
    let mut tx = app.db.begin_read().await?;
    let row = own_row(&mut tx, actor, code).await?;
    let rows = portal::attachments_of(&mut tx, row.id).await?;
    tx.commit().await?;
    file_bytes(app, rows, id).await
}

/// Fails with `dossier_not_found` unless the dossier is the citizen's own.
pub async fn ensure_own(app: &App, actor: &Actor, code: &str) -> AppResult<()> {
    let mut tx = app.db.begin_read().await?;
    own_row(&mut tx, actor, code).await?;
    tx.commit().await?;
    Ok(())
}

async fn file_bytes(
    app: &App,
    rows: Vec<AttachmentRow>,
    id: Uuid,
) -> AppResult<(AttachmentRow, Bytes)> {
    let row = rows
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::new(ErrorCode::NotFound))?;
    let bytes = app
        .files
        .get(&row.storage_key)
        .await
        .map_err(|e| AppError::internal(anyhow::anyhow!(e.to_string())))?;
    Ok((row, bytes))
}

/// The procedures the citizen has drafts for: (procedure code, name), newest first.
pub async fn drafts(app: &App, actor: &Actor) -> AppResult<Vec<(String, String)>> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let mut tx = app.db.begin_read().await?;
    let mut out = vec![];
    for d in portal::drafts_of(&mut tx, user_id).await? {
        let name = congso_db::repo::procedures::by_code(&mut tx, &d.procedure_code)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        out.push((d.procedure_code, name));
    }
    tx.commit().await?;
    Ok(out)
}

/// Rates the service once the result is ready (finished or returned), once per dossier.
pub async fn rate(
    app: &App,
    actor: &Actor,
    code: &str,
    rating: &str,
    comment: Option<&str>,
) -> AppResult<RatingRow> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let rating = rating.trim();
    if !RATINGS.contains(&rating) {
        return Err(AppError::new(ErrorCode::InvalidInput).with_detail("rating"));
    }
    let comment = comment
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(|c| c.chars().take(2000).collect::<String>());
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let row = own_row(&mut tx, actor, code).await?;
    if !matches!(row.status.as_str(), "finished" | "returned") {
        return Err(AppError::new(ErrorCode::IllegalTransition).with_detail("rate"));
    }
    if portal::rating_of(&mut tx, row.id).await?.is_some() {
        return Err(AppError::new(ErrorCode::AlreadyRated));
    }
    let r = RatingRow {
        dossier_id: row.id,
        user_id,
        rating: rating.to_owned(),
        comment,
        created_at: now,
    };
    portal::insert_rating(&mut tx, &r).await?;
    audit::record(
        &mut tx,
        actor,
        Subject {
            kind: "dossier",
            id: row.id,
            unit_id: Some(row.receiving_unit_id),
        },
        "rated",
        json!({ "rating": r.rating }),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(r)
}

/// The citizen's own dossiers, newest first.
pub async fn my_dossiers(app: &App, actor: &Actor) -> AppResult<Vec<DossierRow>> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let mut tx = app.db.begin_read().await?;
    let rows = repo::of_citizen(&mut tx, user_id, 500).await?;
    tx.commit().await?;
    Ok(rows)
}

/// The citizen's own dossier with its files and rating.
pub async fn my_dossier(
    app: &App,
    actor: &Actor,
    code: &str,
) -> AppResult<(DossierView, Vec<AttachmentRow>, Option<RatingRow>)> {
    {
        let mut tx = app.db.begin_read().await?;
        own_row(&mut tx, actor, code).await?;
        tx.commit().await?;
    }
    let d = dossiers::get(app, actor, code).await?;
    let mut tx = app.db.begin_read().await?;
    let files = portal::attachments_of(&mut tx, d.row.id).await?;
    let rating = portal::rating_of(&mut tx, d.row.id).await?;
    tx.commit().await?;
    Ok((d, files, rating))
}

/// The notification list (newest first) and how many were unread; marks them read.
pub async fn notifications(app: &App, actor: &Actor) -> AppResult<(Vec<NotificationRow>, i64)> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    let list = portal::notifications_of(&mut tx, user_id, 100).await?;
    let unread = portal::mark_notifications_read(&mut tx, user_id, now).await?;
    tx.commit().await?;
    Ok((list, i64::try_from(unread).unwrap_or(i64::MAX)))
}

/// Saves the citizen's draft of an online submission (answers so far, as JSON).
pub async fn save_draft(
    app: &App,
    actor: &Actor,
    procedure_code: &str,
    data: &serde_json::Value,
) -> AppResult<()> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    if !actor.grants.iter().any(|g| g.role == Role::Citizen) {
        return Err(AppError::forbidden());
    }
    let text = data.to_string();
    if text.len() > 256 * 1024 {
        return Err(AppError::new(ErrorCode::PayloadTooLarge));
    }
    let now = app.now();
    let mut tx = app.db.begin_write().await?;
    portal::save_draft(
        &mut tx,
        &DraftRow {
            id: congso_domain::new_id(),
            user_id,
            procedure_code: procedure_code.trim().to_owned(),
            data: text,
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The citizen's draft for a procedure, if any.
pub async fn draft(
    app: &App,
    actor: &Actor,
    procedure_code: &str,
) -> AppResult<Option<serde_json::Value>> {
    let user_id = actor
        .user_id
        .ok_or(AppError::new(ErrorCode::Unauthenticated))?;
    let mut tx = app.db.begin_read().await?;
    let d = portal::draft(&mut tx, user_id, procedure_code.trim()).await?;
    tx.commit().await?;
    Ok(d.and_then(|d| serde_json::from_str(&d.data).ok()))
}

/// Stores one file for a draft (before submission) and returns what to keep in the draft.
pub async fn store_draft_file(app: &App, bytes: Bytes) -> AppResult<StoredFile> {
    app.files
        .put(&app.file_policy, bytes)
        .await
        .map_err(file_error)
}
