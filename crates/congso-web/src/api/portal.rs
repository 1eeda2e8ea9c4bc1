//! The citizen portal API (`/api/v1/portal/…`): a citizen's own dossiers only. Anything else —
//! another citizen's code, an attachment id of another dossier — is `dossier_not_found` /
//! `not_found`, so nothing can be reached by guessing.

use axum::Json;
use axum::extract::{Multipart, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use congso_app::dossiers::{Applicant, DossierView};
use congso_app::portal::{self, Upload};
use congso_db::repo::dossiers::DossierRow;
use congso_db::repo::portal::{AttachmentRow, RatingRow};
use congso_domain::ErrorCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::ErrorBody;
use crate::api::dossiers::{StatusDto, iso_vn};
use crate::ctx::Ctx;
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentDto {
    pub id: String,
    /// `document`, `supplement` or `result`.
    pub purpose: String,
    pub document_name: String,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_at: String,
    /// Where to download it (the citizen's session or bearer token).
    pub url: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingDto {
    /// `hai_long`, `chap_nhan` or `khong_hai_long`.
    pub rating: String,
    pub comment: Option<String>,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    pub action: String,
    pub at: String,
    pub unit: Option<String>,
    pub note: Option<String>,
}

/// A citizen's own dossier.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalDossierDto {
    pub code: String,
    pub status: StatusDto,
    pub procedure_code: String,
    pub procedure_name: String,
    pub submitted_at: Option<String>,
    pub received_at: Option<String>,
    pub appointment_at: Option<String>,
    pub due_at: Option<String>,
    pub finished_at: Option<String>,
    pub returned_at: Option<String>,
    /// `early`, `on_time` or `late` once finished.
    pub result: Option<String>,
    /// `granted`, `refused`, `withdrawn` or `stopped`.
    pub outcome: Option<String>,
    pub supplements: i64,
    /// Whether the dossier waits for the citizen's supplement.
    pub awaiting_supplement: bool,
    pub steps: Vec<StepDto>,
    pub attachments: Vec<AttachmentDto>,
    pub rating: Option<RatingDto>,
}

/// One line of the citizen's list.
#[derive(Debug, Serialize, ToSchema)]
pub struct PortalLineDto {
    pub code: String,
    pub procedure_name: String,
    pub status: StatusDto,
    pub submitted_at: Option<String>,
    pub appointment_at: Option<String>,
}

pub fn attachment_dto(code: &str, a: &AttachmentRow) -> AttachmentDto {
    AttachmentDto {
        id: a.id.to_string(),
        purpose: a.purpose.clone(),
        document_name: a.document_name.clone(),
        file_name: a.file_name.clone(),
        content_type: a.content_type.clone(),
        size_bytes: a.size_bytes,
        uploaded_at: iso_vn(a.created_at),
        url: format!("/api/v1/portal/dossiers/{code}/files/{}", a.id),
    }
}

fn rating_dto(r: &RatingRow) -> RatingDto {
    RatingDto {
        rating: r.rating.clone(),
        comment: r.comment.clone(),
        at: iso_vn(r.created_at),
    }
}

fn dto(v: DossierView, files: &[AttachmentRow], rating: Option<&RatingRow>) -> PortalDossierDto {
    PortalDossierDto {
        awaiting_supplement: v.status.state == "awaiting_supplement",
        attachments: files.iter().map(|a| attachment_dto(&v.code, a)).collect(),
        rating: rating.map(rating_dto),
        steps: v
            .events
            .iter()
            .map(|e| StepDto {
                action: e.action.clone(),
                at: iso_vn(e.at),
                unit: e.unit.clone(),
                note: e.note.clone(),
            })
            .collect(),
        code: v.code,
        status: StatusDto {
            code: v.status.code,
            name: v.status.name,
            state: v.status.state,
        },
        procedure_code: v.procedure_code,
        procedure_name: v.procedure_name,
        submitted_at: v.row.submitted_at.map(iso_vn),
        received_at: v.received_at.map(iso_vn),
        appointment_at: v.appointment_at.map(iso_vn),
        due_at: v.due_at.map(iso_vn),
        finished_at: v.finished_at.map(iso_vn),
        returned_at: v.returned_at.map(iso_vn),
        result: v.result,
        outcome: v.outcome,
        supplements: v.supplements,
    }
}

pub fn line_dto(r: &DossierRow) -> PortalLineDto {
    let state = congso_domain::dossier::DOSSIER.state(&r.status);
    PortalLineDto {
        code: r.code.clone(),
        procedure_name: r.procedure_name.clone(),
        status: StatusDto {
            code: state.map_or(0, |s| s.portal_code),
            name: state.map(|s| s.name_vi()).unwrap_or_default().to_owned(),
            state: r.status.clone(),
        },
        submitted_at: r.submitted_at.map(iso_vn),
        appointment_at: r.appointment_at.map(iso_vn),
    }
}

/// What a multipart submission carried.
#[derive(Debug, Default)]
pub struct Parts {
    pub fields: std::collections::HashMap<String, String>,
    pub files: Vec<Upload>,
}

/// Reads a multipart body: text fields, and every part named `files` (or `files[<document>]`,
/// naming the checklist line it answers) as an upload. Empty file inputs are skipped.
pub async fn read_parts(mut mp: Multipart) -> WebResult<Parts> {
    let mut parts = Parts::default();
    while let Some(field) = mp.next_field().await.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            WebError::from(ErrorCode::PayloadTooLarge)
        } else {
            WebError::from(ErrorCode::InvalidInput)
        }
    })? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "files" || name.starts_with("files[") || field.file_name().is_some() {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let document_name = name
                .strip_prefix("files[")
                .and_then(|n| n.strip_suffix(']'))
                .unwrap_or_default()
                .to_owned();
            let bytes: Bytes = field
                .bytes()
                .await
                .map_err(|_| WebError::from(ErrorCode::PayloadTooLarge))?;
            if bytes.is_empty() && file_name.is_empty() {
                continue;
            }
            parts.files.push(Upload {
                document_name,
                file_name,
                bytes,
            });
        } else {
            let text = field
                .text()
                .await
                .map_err(|_| WebError::from(ErrorCode::InvalidInput))?;
            parts.fields.insert(name, text);
        }
    }
    Ok(parts)
}

/// The applicant of an online submission: the form's fields, else the citizen's profile.
pub async fn applicant_from(
    st: &AppState,
    actor: &congso_app::Actor,
    fields: &std::collections::HashMap<String, String>,
) -> WebResult<Applicant> {
    let p = congso_app::accounts::profile(&st.app, actor).await?;
    let pick = |key: &str, fallback: Option<String>| {
        fields
            .get(key)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .or(fallback)
    };
    Ok(Applicant {
        name: pick("name", Some(p.user.full_name.clone())).unwrap_or_default(),
        id_number: pick("id_number", p.profile.id_number.clone()),
        phone: pick("phone", p.user.phone.clone()),
        email: pick("email", p.user.email.clone()),
        address: pick("address", p.profile.address.clone()),
    })
}

/// Multipart form of an online submission (for the API description).
#[derive(Debug, ToSchema)]
#[allow(dead_code)]
pub struct SubmitForm {
    pub procedure_code: String,
    /// Defaults to the profile's values.
    pub name: Option<String>,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    /// One part per file, named `files` (answering the checklist in order) or
    /// `files[<document name>]`.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub files: Vec<Vec<u8>>,
}

/// Submits a dossier online (citizen): status 1 "Mới đăng ký" until the desk accepts it.
#[utoipa::path(
    post, path = "/portal/dossiers", tag = "portal",
    request_body(content = SubmitForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, body = PortalDossierDto),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn submit(
    State(st): State<AppState>,
    ctx: Ctx,
    mp: Multipart,
) -> WebResult<(StatusCode, Json<PortalDossierDto>)> {
    let actor = ctx.user()?;
    let parts = read_parts(mp).await?;
    let procedure = parts
        .fields
        .get("procedure_code")
        .cloned()
        .unwrap_or_default();
    let applicant = applicant_from(&st, actor, &parts.fields).await?;
    let v = portal::submit_online(&st.app, actor, &procedure, applicant, parts.files).await?;
    let (v, files, rating) = portal::my_dossier(&st.app, actor, &v.code).await?;
    Ok((StatusCode::CREATED, Json(dto(v, &files, rating.as_ref()))))
}

/// The citizen's own dossiers, newest first.
#[utoipa::path(
    get, path = "/portal/dossiers", tag = "portal",
    responses((status = 200, body = Vec<PortalLineDto>), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(State(st): State<AppState>, ctx: Ctx) -> WebResult<Json<Vec<PortalLineDto>>> {
    let actor = ctx.user()?;
    let rows = portal::my_dossiers(&st.app, actor).await?;
    Ok(Json(rows.iter().map(line_dto).collect()))
}

/// One of the citizen's own dossiers, with its files and rating.
#[utoipa::path(
    get, path = "/portal/dossiers/{code}", tag = "portal",
    params(("code" = String, Path)),
    responses((status = 200, body = PortalDossierDto), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
) -> WebResult<Json<PortalDossierDto>> {
    let actor = ctx.user()?;
    let (v, files, rating) = portal::my_dossier(&st.app, actor, &code).await?;
    Ok(Json(dto(v, &files, rating.as_ref())))
}

/// Answers a supplement request with files (multipart, parts named `files`): the clock resumes.
#[utoipa::path(
    post, path = "/portal/dossiers/{code}/supplement", tag = "portal",
    params(("code" = String, Path)),
    request_body(content = SubmitForm, content_type = "multipart/form-data"),
    responses(
        (status = 200, body = PortalDossierDto),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 415, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn supplement(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    mp: Multipart,
) -> WebResult<Json<PortalDossierDto>> {
    let actor = ctx.user()?;
    let parts = read_parts(mp).await?;
    portal::supplement_online(&st.app, actor, &code, parts.files).await?;
    let (v, files, rating) = portal::my_dossier(&st.app, actor, &code).await?;
    Ok(Json(dto(v, &files, rating.as_ref())))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RatingRequest {
    /// `hai_long` (satisfied), `chap_nhan` (acceptable) or `khong_hai_long` (not satisfied).
    pub rating: String,
    pub comment: Option<String>,
}

/// Rates the service once the result is ready (once per dossier).
#[utoipa::path(
    post, path = "/portal/dossiers/{code}/rating", tag = "portal",
    params(("code" = String, Path)),
    request_body = RatingRequest,
    responses(
        (status = 201, body = RatingDto),
        (status = 400, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn rate(
    State(st): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Json(req): Json<RatingRequest>,
) -> WebResult<(StatusCode, Json<RatingDto>)> {
    let actor = ctx.user()?;
    let r = portal::rate(&st.app, actor, &code, &req.rating, req.comment.as_deref()).await?;
    Ok((StatusCode::CREATED, Json(rating_dto(&r))))
}

/// Downloads a file of the citizen's own dossier (the electronic result among them).
#[utoipa::path(
    get, path = "/portal/dossiers/{code}/files/{id}", tag = "portal",
    params(("code" = String, Path), ("id" = String, Path)),
    responses((status = 200, description = "The file"), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn download(
    State(st): State<AppState>,
    ctx: Ctx,
    Path((code, id)): Path<(String, String)>,
) -> WebResult<Response> {
    let actor = ctx.user()?;
    let id = Uuid::parse_str(id.trim()).map_err(|_| WebError::from(ErrorCode::NotFound))?;
    let (row, bytes) = portal::own_attachment(&st.app, actor, &code, id).await?;
    Ok(attachment_response(
        &row.file_name,
        &row.content_type,
        bytes,
    ))
}

/// A file of a dossier as an attachment download, for anyone allowed to see the dossier.
/// A stored file as a download: `attachment` with an ASCII fallback name and the UTF-8 name,
/// `nosniff`, never cached by shared caches.
pub fn attachment_response(file_name: &str, content_type: &str, bytes: Bytes) -> Response {
    let ascii: String = file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let encoded: String = file_name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b".-_".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response()
}
