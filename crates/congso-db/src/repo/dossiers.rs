//! One-stop dossiers: the current-state rows, the daily code sequence, and the inbox queries.

use time::Date;
use uuid::Uuid;

use crate::direct::Binder;
use crate::{DbResult, Ts, Tx, tx_run};

/// The current state of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DossierRow {
    pub id: Uuid,
    pub code: String,
    pub procedure_id: Uuid,
    pub procedure_version: i64,
    pub procedure_code: String,
    pub procedure_name: String,
    pub channel: String,
    pub regime: String,
    pub receiving_unit_id: Uuid,
    pub processing_unit_id: Uuid,
    pub assignee_id: Option<Uuid>,
    pub citizen_id: Option<Uuid>,
    pub status: String,
    pub open: bool,
    pub applicant_name: String,
    pub applicant_folded: String,
    pub applicant_id_number: Option<String>,
    pub applicant_phone: Option<String>,
    pub applicant_email: Option<String>,
    pub applicant_address: Option<String>,
    /// JSON: the documents checklist.
    pub documents: String,
    /// JSON: the legal clock (`congso_calendar::SlaClock`), once started.
    pub clock: Option<String>,
    pub submitted_at: Option<Ts>,
    pub received_at: Option<Ts>,
    pub appointment_at: Option<Ts>,
    pub due_at: Option<Ts>,
    pub paused_since: Option<Ts>,
    pub resume_status: Option<String>,
    pub supplements: i64,
    pub fee_vnd: i64,
    pub amount_due: Option<i64>,
    pub apology_required_at: Option<Ts>,
    pub apology_at: Option<Ts>,
    pub forwarded_at: Option<Ts>,
    pub step_index: i64,
    pub step_started_at: Option<Ts>,
    pub step_escalated: bool,
    pub finished_at: Option<Ts>,
    pub returned_at: Option<Ts>,
    pub result: Option<String>,
    pub outcome: Option<String>,
    pub created_at: Ts,
    pub updated_at: Ts,
}

macro_rules! cols {
    () => {
        "id, code, procedure_id, procedure_version, procedure_code, procedure_name, channel, regime, receiving_unit_id, \
         processing_unit_id, assignee_id, citizen_id, status, open, applicant_name, applicant_folded, applicant_id_number, \
         applicant_phone, applicant_email, applicant_address, documents, clock, submitted_at, received_at, appointment_at, \
         due_at, paused_since, resume_status, supplements, fee_vnd, amount_due, apology_required_at, apology_at, \
         forwarded_at, step_index, step_started_at, step_escalated, finished_at, returned_at, result, outcome, created_at, \
         updated_at"
    };
}

macro_rules! bind_all {
    ($q:expr, $d:expr) => {
        $q.bind($d.id)
            .bind(&$d.code)
            .bind($d.procedure_id)
            .bind($d.procedure_version)
            .bind(&$d.procedure_code)
            .bind(&$d.procedure_name)
            .bind(&$d.channel)
            .bind(&$d.regime)
            .bind($d.receiving_unit_id)
            .bind($d.processing_unit_id)
            .bind($d.assignee_id)
            .bind($d.citizen_id)
            .bind(&$d.status)
            .bind($d.open)
            .bind(&$d.applicant_name)
            .bind(&$d.applicant_folded)
            .bind(&$d.applicant_id_number)
            .bind(&$d.applicant_phone)
            .bind(&$d.applicant_email)
            .bind(&$d.applicant_address)
            .bind(&$d.documents)
            .bind(&$d.clock)
            .bind($d.submitted_at)
            .bind($d.received_at)
            .bind($d.appointment_at)
            .bind($d.due_at)
            .bind($d.paused_since)
            .bind(&$d.resume_status)
            .bind($d.supplements)
            .bind($d.fee_vnd)
            .bind($d.amount_due)
            .bind($d.apology_required_at)
            .bind($d.apology_at)
            .bind($d.forwarded_at)
            .bind($d.step_index)
            .bind($d.step_started_at)
            .bind($d.step_escalated)
            .bind($d.finished_at)
            .bind($d.returned_at)
            .bind(&$d.result)
            .bind(&$d.outcome)
            .bind($d.created_at)
            .bind($d.updated_at)
    };
}

const PLACEHOLDERS: &str = "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, \
    $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $37, $38, $39, $40, $41, $42, $43";

/// A dossier's INSERT, every column bound by [`bind_all!`] (the sqlx path and the direct receipt).
static INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        concat!("INSERT INTO dossiers (", cols!(), ") VALUES ({})"),
        PLACEHOLDERS
    )
});

pub async fn insert(tx: &mut Tx, d: &DossierRow) -> DbResult<()> {
    tx_run!(tx, |c| bind_all!(
        sqlx::query(sqlx::AssertSqlSafe(INSERT.as_str())),
        d
    )
    .execute(c)
    .await
    .map(|_| ()))?;
    // A new dossier (a fresh id) has no event chain yet: its first event need not look.
    if let Tx::Sqlite(t) = tx {
        t.remember_head(d.id, None);
    }
    Ok(())
}

/// The UPDATE of the columns a dossier's handling changes (`$1` the id, `$2`–`$24` the values,
/// bound by [`bind_update!`]); [`update`] and the transition writers share it.
macro_rules! update_sql {
    () => {
        "UPDATE dossiers SET processing_unit_id = $2, assignee_id = $3, status = $4, open = $5, \
         clock = $6, received_at = $7, appointment_at = $8, due_at = $9, paused_since = $10, \
         resume_status = $11, supplements = $12, amount_due = $13, apology_required_at = $14, \
         apology_at = $15, forwarded_at = $16, step_index = $17, step_started_at = $18, \
         step_escalated = $19, finished_at = $20, returned_at = $21, result = $22, outcome = $23, \
         updated_at = $24 WHERE id = $1"
    };
}

macro_rules! bind_update {
    ($q:expr, $d:expr) => {
        $q.bind($d.id)
            .bind($d.processing_unit_id)
            .bind($d.assignee_id)
            .bind(&$d.status)
            .bind($d.open)
            .bind(&$d.clock)
            .bind($d.received_at)
            .bind($d.appointment_at)
            .bind($d.due_at)
            .bind($d.paused_since)
            .bind(&$d.resume_status)
            .bind($d.supplements)
            .bind($d.amount_due)
            .bind($d.apology_required_at)
            .bind($d.apology_at)
            .bind($d.forwarded_at)
            .bind($d.step_index)
            .bind($d.step_started_at)
            .bind($d.step_escalated)
            .bind($d.finished_at)
            .bind($d.returned_at)
            .bind(&$d.result)
            .bind(&$d.outcome)
            .bind($d.updated_at)
    };
}

/// Writes the columns a dossier's handling changes. The rest (code, procedure, channel, regime,
/// receiving unit, citizen, applicant, documents, submission and creation times) is fixed when
/// the dossier is created and is not written again: SQLite rewrites every index whose columns
/// appear in an UPDATE's SET list, so naming only these spares the code and citizen indexes on
/// each transition.
pub async fn update(tx: &mut Tx, d: &DossierRow) -> DbResult<()> {
    tx_run!(tx, |c| bind_update!(sqlx::query(update_sql!()), d)
        .execute(c)
        .await
        .map(|_| ()))
}

/// SQLite: the dossier with this code and the head of its event chain (last seq and hash), read
/// outside any write transaction, for [`write_transition`].
pub async fn by_code_with_head(
    tx: &mut Tx,
    code: &str,
) -> DbResult<Option<(DossierRow, Option<(i64, String)>)>> {
    let found = tx_run!(tx, |c| sqlx::query_as::<_, RowWithHead>(concat!(
        "SELECT ",
        cols!(),
        ", (SELECT last_seq FROM event_chains WHERE subject_id = dossiers.id) AS head_seq, \
         (SELECT last_hash FROM event_chains WHERE subject_id = dossiers.id) AS head_hash \
         FROM dossiers WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(c)
    .await)?;
    Ok(found.map(|f| (f.row, f.head_seq.zip(f.head_hash))))
}

/// A dossier read for a transition on SQLite: the row, the head of its event chain and its
/// timeline (for the answer, so that building it after the write needs no second read).
pub type RowHeadHistory = (
    DossierRow,
    Option<(i64, String)>,
    Vec<crate::events::NamedEvent>,
);

/// SQLite: [`by_code_with_head`] with the dossier's timeline as [`crate::events::timeline`]
/// gives it, in one statement on a direct connection ([`crate::direct`]).
pub fn by_code_with_history(db: &crate::Db, code: &str) -> DbResult<Option<RowHeadHistory>> {
    let crate::Db::Sqlite(_, direct) = db else {
        return Err(sqlx::Error::Protocol(
            "by_code_with_history is for SQLite".to_owned(),
        ));
    };
    let found = direct.read(|c| {
        let mut st = c.prepare_cached(concat!(
            "SELECT ",
            cols!(),
            ", (SELECT last_seq FROM event_chains WHERE subject_id = dossiers.id) AS head_seq, \
             (SELECT last_hash FROM event_chains WHERE subject_id = dossiers.id) AS head_hash, \
             (SELECT json_group_array(json_array(e.action, e.payload, e.occurred_at, hex(e.actor_id), \
             u.full_name, n.name) ORDER BY e.seq) FROM events e LEFT JOIN users u ON u.id = e.actor_id \
             LEFT JOIN units n ON n.id = e.unit_id WHERE e.subject_id = dossiers.id) AS history \
             FROM dossiers WHERE code = $1"
        ))?;
        let mut rows = Binder::new(&mut st).bind(code).done()?.raw_query();
        match rows.next()? {
            Some(r) => Ok(Some((
                dossier_from(r)?,
                r.get::<_, Option<i64>>(COLS)?,
                r.get::<_, Option<String>>(COLS + 1)?,
                r.get::<_, String>(COLS + 2)?,
            ))),
            None => Ok(None),
        }
    })?;
    let Some((row, head_seq, head_hash, history)) = found else {
        return Ok(None);
    };
    type Line = (
        String,
        String,
        i64,
        Option<String>,
        Option<String>,
        Option<String>,
    );
    let lines: Vec<Line> = serde_json::from_str(&history)
        .map_err(|e| sqlx::Error::Decode(format!("history of {}: {e}", row.code).into()))?;
    let mut history = Vec::with_capacity(lines.len());
    for (action, payload, at, actor, actor_name, unit_name) in lines {
        history.push(crate::events::NamedEvent {
            action,
            payload,
            occurred_at: Ts::from_unix_micros(at).map_err(|e| sqlx::Error::Decode(e.into()))?,
            actor_id: match actor.filter(|a| !a.is_empty()) {
                Some(hex) => {
                    Some(Uuid::parse_str(&hex).map_err(|e| sqlx::Error::Decode(e.into()))?)
                }
                None => None,
            },
            actor_name,
            unit_name,
        });
    }
    Ok(Some((row, head_seq.zip(head_hash), history)))
}

/// The number of columns in [`cols!`].
const COLS: usize = 43;

/// A [`DossierRow`] from a direct query's first [`COLS`] columns (in [`cols!`] order).
fn dossier_from(r: &rusqlite::Row<'_>) -> rusqlite::Result<DossierRow> {
    Ok(DossierRow {
        id: r.get(0)?,
        code: r.get(1)?,
        procedure_id: r.get(2)?,
        procedure_version: r.get(3)?,
        procedure_code: r.get(4)?,
        procedure_name: r.get(5)?,
        channel: r.get(6)?,
        regime: r.get(7)?,
        receiving_unit_id: r.get(8)?,
        processing_unit_id: r.get(9)?,
        assignee_id: r.get(10)?,
        citizen_id: r.get(11)?,
        status: r.get(12)?,
        open: r.get(13)?,
        applicant_name: r.get(14)?,
        applicant_folded: r.get(15)?,
        applicant_id_number: r.get(16)?,
        applicant_phone: r.get(17)?,
        applicant_email: r.get(18)?,
        applicant_address: r.get(19)?,
        documents: r.get(20)?,
        clock: r.get(21)?,
        submitted_at: r.get(22)?,
        received_at: r.get(23)?,
        appointment_at: r.get(24)?,
        due_at: r.get(25)?,
        paused_since: r.get(26)?,
        resume_status: r.get(27)?,
        supplements: r.get(28)?,
        fee_vnd: r.get(29)?,
        amount_due: r.get(30)?,
        apology_required_at: r.get(31)?,
        apology_at: r.get(32)?,
        forwarded_at: r.get(33)?,
        step_index: r.get(34)?,
        step_started_at: r.get(35)?,
        step_escalated: r.get(36)?,
        finished_at: r.get(37)?,
        returned_at: r.get(38)?,
        result: r.get(39)?,
        outcome: r.get(40)?,
        created_at: r.get(41)?,
        updated_at: r.get(42)?,
    })
}

/// [`update_sql!`] only if the row's `updated_at` is still `$25`, the one read when the
/// transition was decided (bound after [`bind_update!`]).
macro_rules! guarded_update_sql {
    () => {
        concat!(update_sql!(), " AND updated_at = $25")
    };
}

/// The statements that write a decided transition (numbered parameters, see [`bind_transition`]):
/// the dossier's changed columns only if its `updated_at` is still the one read (`$25`); the event
/// only if the dossier was written; the chain head only if that too happened and the head is
/// still the event's predecessor (`$37`). A new event of the same subject meanwhile also collides
/// on `events(subject_id, seq)` (a unique violation).
macro_rules! transition_sql {
    (first) => {
        transition_sql!(@ "INSERT INTO event_chains (subject_id, subject_type, last_seq, last_hash, updated_at) \
             SELECT $28, $27, $29, $36, $34 WHERE $37 = 0 AND changes() = 1")
    };
    (next) => {
        transition_sql!(@ "UPDATE event_chains SET last_seq = $29, last_hash = $36, updated_at = $34 \
             WHERE subject_id = $28 AND last_seq = $37 AND changes() = 1")
    };
    (@ $head:expr) => {
        concat!(
            guarded_update_sql!(),
            "; SELECT changes(); ",
            "INSERT INTO events (id, subject_type, subject_id, seq, unit_id, actor_id, action, payload, \
             occurred_at, prev_hash, hash) SELECT $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36 \
             WHERE changes() = 1; SELECT changes(); ",
            $head,
            "; SELECT changes()"
        )
    };
}

macro_rules! bind_transition {
    ($q:expr, $d:expr, $before:expr, $e:expr) => {
        crate::events::bind_event!(bind_update!($q, $d).bind($before), $e).bind($e.seq - 1)
    };
}

/// SQLite: writes a transition decided from an earlier read (the dossier read with
/// [`by_code_with_head`], the event chained on that head) inside the caller's write transaction,
/// in one command. Returns `false` when the dossier or its chain moved since the read: the caller
/// rolls back and decides again.
pub async fn write_transition(
    tx: &mut Tx,
    d: &DossierRow,
    before: Ts,
    e: &crate::events::EventRow,
) -> DbResult<bool> {
    let Tx::Sqlite(t) = tx else {
        return Err(sqlx::Error::Protocol(
            "write_transition is for SQLite".to_owned(),
        ));
    };
    let sql = if e.seq == 1 {
        concat!(transition_sql!(first))
    } else {
        concat!(transition_sql!(next))
    };
    // `changes()` after each write tells what this command wrote (not counting what triggers
    // wrote): one row each, or nothing when a guard stopped it.
    match bind_transition!(sqlx::query_scalar::<_, i64>(sql), d, before, e)
        .fetch_all(&mut **t)
        .await
    {
        Ok(v) if v == [1, 1, 1] => {
            t.remember_head(e.subject_id, Some((e.seq, e.hash.clone())));
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(err) if crate::is_unique_violation(&err) => Ok(false),
        Err(err) => Err(err),
    }
}

/// SQLite: [`write_transition`] as a whole transaction of its own on the direct writer
/// connection ([`crate::direct`]): `BEGIN IMMEDIATE`, the dossier's changed columns if its
/// `updated_at` is still `before`, the event, the chain head if it is still the event's
/// predecessor, `COMMIT`. SQLite has one writer, so the time this takes bounds the desk's
/// throughput. `false`: the dossier or its chain moved since the read, nothing was written.
pub async fn commit_transition(
    db: &crate::Db,
    d: &DossierRow,
    before: Ts,
    e: &crate::events::EventRow,
) -> DbResult<bool> {
    use crate::events::{bind_event, insert_event, insert_head, update_head};
    let crate::Db::Sqlite(pool, direct) = db else {
        return Err(sqlx::Error::Protocol(
            "commit_transition is for SQLite".to_owned(),
        ));
    };
    let written = direct
        .write(pool, |c| {
            let mut st = c.prepare_cached(guarded_update_sql!())?;
            if bind_update!(Binder::new(&mut st), d)
                .bind(before)
                .done()?
                .raw_execute()?
                != 1
            {
                return Ok(None);
            }
            let mut st = c.prepare_cached(insert_event!())?;
            match bind_event!(Binder::new(&mut st), e).done()?.raw_execute() {
                Ok(_) => {}
                // Another transition's event took this place in the chain.
                Err(err) if unique(&err) => return Ok(None),
                Err(err) => return Err(err),
            }
            let mut st = if e.seq == 1 {
                c.prepare_cached(insert_head!())?
            } else {
                c.prepare_cached(concat!(update_head!(), " AND last_seq = $12"))?
            };
            match bind_event!(Binder::new(&mut st), e)
                .bind(e.seq - 1)
                .done()?
                .raw_execute()
            {
                Ok(1) => Ok(Some(())),
                Ok(_) => Ok(None),
                Err(err) if unique(&err) => Ok(None),
                Err(err) => Err(err),
            }
        })
        .await?;
    Ok(written.is_some())
}

fn unique(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

/// SQLite: a counter receipt as a whole transaction of its own on the direct writer connection
/// ([`crate::direct`]) — `BEGIN IMMEDIATE`, the unit's daily counter, the dossier, its first
/// event and chain head, `COMMIT`. `d.code` comes as the prefix `…-YYMMDD-` and leaves
/// completed with the day's 4-digit number, which is returned. `e` is the dossier's first event
/// (seq 1).
pub async fn commit_receipt(
    db: &crate::Db,
    d: &mut DossierRow,
    day: Date,
    e: &crate::events::EventRow,
) -> DbResult<i64> {
    use crate::events::{bind_event, insert_event, insert_head};
    let crate::Db::Sqlite(pool, direct) = db else {
        return Err(sqlx::Error::Protocol(
            "commit_receipt is for SQLite".to_owned(),
        ));
    };
    if e.seq != 1 || e.subject_id != d.id {
        return Err(sqlx::Error::Protocol(
            "commit_receipt: not the dossier's first event".to_owned(),
        ));
    }
    let prefix = d.code.clone();
    let day = day.to_string();
    let seq = direct
        .write(pool, |c| {
            let seq: i64 = c
                .prepare_cached(
                    "INSERT INTO dossier_counters (unit_id, day, last) VALUES ($1, $2, 1) \
                     ON CONFLICT (unit_id, day) DO UPDATE SET last = dossier_counters.last + 1 \
                     RETURNING last",
                )?
                .query_row((d.receiving_unit_id, &day), |r| r.get(0))?;
            d.code = format!("{prefix}{seq:04}");
            let mut st = c.prepare_cached(&INSERT)?;
            bind_all!(Binder::new(&mut st), d).done()?.raw_execute()?;
            let mut st = c.prepare_cached(insert_event!())?;
            bind_event!(Binder::new(&mut st), e).done()?.raw_execute()?;
            let mut st = c.prepare_cached(insert_head!())?;
            bind_event!(Binder::new(&mut st), e).done()?.raw_execute()?;
            Ok(Some(seq))
        })
        .await;
    match seq {
        Ok(Some(seq)) => Ok(seq),
        Ok(None) => Err(sqlx::Error::Protocol("receipt not written".to_owned())),
        Err(err) => {
            d.code = prefix;
            Err(err)
        }
    }
}

#[derive(sqlx::FromRow)]
struct RowWithHead {
    #[sqlx(flatten)]
    row: DossierRow,
    head_seq: Option<i64>,
    head_hash: Option<String>,
}

/// The dossier with this code, locked for the rest of the transaction on PostgreSQL (SQLite's
/// write transaction already excludes other writers).
pub async fn by_code_for_update(tx: &mut Tx, code: &str) -> DbResult<Option<DossierRow>> {
    match tx {
        Tx::Sqlite(_) => {
            // With the head of its event chain, which the transition's event then need not read.
            let found = by_code_with_head(tx, code).await?;
            Ok(found.map(|(row, head)| {
                if let Tx::Sqlite(t) = tx {
                    t.remember_head(row.id, head);
                }
                row
            }))
        }
        Tx::Postgres(t) => {
            sqlx::query_as::<_, DossierRow>(concat!(
                "SELECT ",
                cols!(),
                " FROM dossiers WHERE code = $1 FOR UPDATE"
            ))
            .bind(code)
            .fetch_optional(&mut **t)
            .await
        }
    }
}

pub async fn by_code(tx: &mut Tx, code: &str) -> DbResult<Option<DossierRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, DossierRow>(concat!(
        "SELECT ",
        cols!(),
        " FROM dossiers WHERE code = $1"
    ))
    .bind(code)
    .fetch_optional(c)
    .await)
}

/// The next number of the day for a receiving unit (1, 2, 3, … with no gap or repeat among
/// committed dossiers: the counter row is locked until the transaction ends).
pub async fn next_sequence(tx: &mut Tx, unit_id: Uuid, day: Date) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "INSERT INTO dossier_counters (unit_id, day, last) VALUES ($1, $2, 1) \
         ON CONFLICT (unit_id, day) DO UPDATE SET last = dossier_counters.last + 1 RETURNING last"
    )
    .bind(unit_id)
    .bind(day)
    .fetch_one(c)
    .await)
}

/// One line of an inbox.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InboxLine {
    pub code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub status: String,
    pub due_at: Option<Ts>,
    pub received_at: Option<Ts>,
    pub assignee_id: Option<Uuid>,
    pub supplements: i64,
    pub processing_unit_id: Uuid,
    pub receiving_unit_id: Uuid,
}

/// Which dossiers an inbox shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Assigned to this user.
    Mine(Uuid),
    /// Being processed in this unit.
    Processing(Uuid),
    /// Received at this unit (the one-stop desk).
    Receiving(Uuid),
}

/// Optional narrowing of an inbox.
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    /// Only dossiers due before this instant (due soon / overdue).
    pub due_before: Option<Ts>,
    pub status: Option<String>,
    /// A code prefix (upper case) …
    pub search_code: Option<String>,
    /// … or words of the applicant's name (folded).
    pub search_name: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// One page of an inbox (open dossiers), most urgent first, and the total.
pub async fn inbox(tx: &mut Tx, scope: Scope, f: &InboxFilter) -> DbResult<(Vec<InboxLine>, i64)> {
    macro_rules! q {
        ($col:literal) => {
            (
                concat!(
                    "SELECT code, procedure_name, applicant_name, status, due_at, received_at, assignee_id, supplements, \
                     processing_unit_id, receiving_unit_id FROM dossiers WHERE ",
                    $col,
                    " = $1 AND open = $2 AND ($3 IS NULL OR due_at < $3) AND ($4 IS NULL OR status = $4) \
                     AND ($5 IS NULL OR code LIKE $5 || '%' OR applicant_folded LIKE '%' || $6 || '%') \
                     ORDER BY due_at, code LIMIT $7 OFFSET $8"
                ),
                concat!(
                    "SELECT COUNT(*) FROM dossiers WHERE ",
                    $col,
                    " = $1 AND open = $2 AND ($3 IS NULL OR due_at < $3) AND ($4 IS NULL OR status = $4) \
                     AND ($5 IS NULL OR code LIKE $5 || '%' OR applicant_folded LIKE '%' || $6 || '%')"
                ),
            )
        };
    }
    let (id, (sql, count_sql)) = match scope {
        Scope::Mine(u) => (u, q!("assignee_id")),
        Scope::Processing(u) => (u, q!("processing_unit_id")),
        Scope::Receiving(u) => (u, q!("receiving_unit_id")),
    };
    let lines = tx_run!(tx, |c| sqlx::query_as::<_, InboxLine>(sql)
        .bind(id)
        .bind(true)
        .bind(f.due_before)
        .bind(&f.status)
        .bind(&f.search_code)
        .bind(&f.search_name)
        .bind(f.limit)
        .bind(f.offset)
        .fetch_all(&mut *c)
        .await)?;
    let total = tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(count_sql)
        .bind(id)
        .bind(true)
        .bind(f.due_before)
        .bind(&f.status)
        .bind(&f.search_code)
        .bind(&f.search_name)
        .fetch_one(&mut *c)
        .await)?;
    Ok((lines, total))
}

/// Open dossiers whose clock runs and whose due moment is before `before`, with no apology
/// obligation yet (the deadline sweep).
pub async fn due_without_obligation(
    tx: &mut Tx,
    before: Ts,
    limit: i64,
) -> DbResult<Vec<DossierRow>> {
    tx_run!(tx, |c| {
        sqlx::query_as::<_, DossierRow>(concat!(
        "SELECT ", cols!(), " FROM dossiers WHERE open = $1 AND due_at <= $2 AND apology_required_at IS NULL \
         AND apology_at IS NULL AND finished_at IS NULL AND paused_since IS NULL ORDER BY due_at LIMIT $3"
    ))
    .bind(true)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await
    })
}

/// Open dossiers in a step that started before `before` and has not been escalated.
pub async fn steps_started_before(
    tx: &mut Tx,
    before: Ts,
    limit: i64,
) -> DbResult<Vec<DossierRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, DossierRow>(concat!(
        "SELECT ",
        cols!(),
        " FROM dossiers WHERE open = $1 AND step_escalated = $2 AND step_started_at < $3 \
         AND finished_at IS NULL AND paused_since IS NULL ORDER BY step_started_at LIMIT $4"
    ))
    .bind(true)
    .bind(false)
    .bind(before)
    .bind(limit)
    .fetch_all(c)
    .await)
}

/// A citizen's own dossiers (submitted online from their account), newest first.
pub async fn of_citizen(tx: &mut Tx, user_id: Uuid, limit: i64) -> DbResult<Vec<DossierRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, DossierRow>(concat!(
        "SELECT ",
        cols!(),
        " FROM dossiers WHERE citizen_id = $1 ORDER BY created_at DESC, code DESC LIMIT $2"
    ))
    .bind(user_id)
    .bind(limit)
    .fetch_all(c)
    .await)
}

/// Dossiers received by a unit in `[from, to)`, in order of receipt (the tracking book).
pub async fn received_between(
    tx: &mut Tx,
    unit_id: Uuid,
    from: Ts,
    to: Ts,
    limit: i64,
) -> DbResult<Vec<DossierRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, DossierRow>(concat!(
        "SELECT ",
        cols!(),
        " FROM dossiers WHERE receiving_unit_id = $1 AND received_at >= $2 AND received_at < $3 \
         ORDER BY received_at, code LIMIT $4"
    ))
    .bind(unit_id)
    .bind(from)
    .bind(to)
    .bind(limit)
    .fetch_all(c)
    .await)
}

/// Open dossiers processed by a unit (for moving them to a successor unit).
pub async fn open_processed_by(tx: &mut Tx, unit_id: Uuid) -> DbResult<Vec<DossierRow>> {
    tx_run!(tx, |c| sqlx::query_as::<_, DossierRow>(concat!(
        "SELECT ",
        cols!(),
        " FROM dossiers WHERE processing_unit_id = $1 AND open = $2 ORDER BY code"
    ))
    .bind(unit_id)
    .bind(true)
    .fetch_all(c)
    .await)
}

pub async fn count(tx: &mut Tx) -> DbResult<i64> {
    tx_run!(tx, |c| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM dossiers"
    )
    .fetch_one(c)
    .await)
}
