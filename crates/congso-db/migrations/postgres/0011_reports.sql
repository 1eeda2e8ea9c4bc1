-- The one-stop report (Biểu số II.06a/VPCP/KSTT, domain-rules §1.11) kept as aggregates, so a
-- year over millions of dossiers is read from a few thousand rows.
--
-- Each counted dossier contributes deltas to (its processing unit, its procedure's field, a day
-- in Vietnam time): on the day it was received +1 received (online or counter/post) and +1
-- open; on the day it was resolved +1 in its class (early / on time / late [with an apology];
-- withdrawn, refused and stopped count as on time and also as withdrawn or returned) and -1 open;
-- +1 overdue on the day after its due day while it was not resolved by then (and is not paused
-- for a supplement now), -1 overdue on the day it was resolved after that. Stocks (carried over,
-- in progress, overdue) are prefix sums of the deltas. Not counted: dossiers never received
-- (submitted online and not accepted, status 1) and dossiers refused at intake (status 3).
--
-- The views `report_onestop_dossier` and `report_onestop_contrib` are the ONE definition of a
-- dossier's contribution: the triggers below subtract the old row's deltas and add the new
-- row's, in the writing transaction, so every write path keeps the aggregates exact;
-- `congso report rebuild` recomputes them with one GROUP BY over the same view and compares. (Triggers are the documented exception to the
-- portable subset: ADR 0008.)
-- fillfactor 70: the triggers update rows in place (HOT), so a day's rows stay together.
CREATE TABLE report_onestop_daily (
    day                   DATE NOT NULL,
    unit_id               UUID NOT NULL,
    field_code            TEXT NOT NULL,
    received_online       BIGINT NOT NULL,
    received_offline      BIGINT NOT NULL,
    resolved_early        BIGINT NOT NULL,
    resolved_on_time      BIGINT NOT NULL,
    resolved_late         BIGINT NOT NULL,
    resolved_late_apology BIGINT NOT NULL,
    withdrawn             BIGINT NOT NULL,
    returned              BIGINT NOT NULL,
    open_delta            BIGINT NOT NULL,
    overdue_delta         BIGINT NOT NULL,
    PRIMARY KEY (day, unit_id, field_code)
) WITH (fillfactor = 70);

-- The same sums per month (`month` = its first day), for whole months of a period and of the
-- prefix before it.
CREATE TABLE report_onestop_monthly (
    month                 DATE NOT NULL,
    unit_id               UUID NOT NULL,
    field_code            TEXT NOT NULL,
    received_online       BIGINT NOT NULL,
    received_offline      BIGINT NOT NULL,
    resolved_early        BIGINT NOT NULL,
    resolved_on_time      BIGINT NOT NULL,
    resolved_late         BIGINT NOT NULL,
    resolved_late_apology BIGINT NOT NULL,
    withdrawn             BIGINT NOT NULL,
    returned              BIGINT NOT NULL,
    open_delta            BIGINT NOT NULL,
    overdue_delta         BIGINT NOT NULL,
    PRIMARY KEY (month, unit_id, field_code)
) WITH (fillfactor = 70);

-- One row per counted dossier: its unit, field, days and class.
CREATE VIEW report_onestop_dossier AS
SELECT d.id AS dossier_id, d.processing_unit_id AS unit_id, p.field_code AS field_code,
       ((d.received_at + INTERVAL '7 hours') AT TIME ZONE 'UTC')::date AS received_day,
       CASE WHEN d.channel = 'online' THEN 1 ELSE 0 END AS online,
       CASE WHEN d.status IN ('finished', 'returned', 'withdrawn', 'stopped')
            THEN ((COALESCE(d.finished_at, d.returned_at, d.received_at) + INTERVAL '7 hours') AT TIME ZONE 'UTC')::date
       END AS resolved_day,
       CASE WHEN d.outcome IN ('withdrawn', 'refused', 'stopped') THEN 'on_time'
            WHEN d.result IN ('early', 'late') THEN d.result
            ELSE 'on_time' END AS class,
       d.outcome AS outcome,
       CASE WHEN d.apology_at IS NULL THEN 0 ELSE 1 END AS apology,
       CASE WHEN d.status = 'awaiting_supplement' OR COALESCE(d.due_at, d.appointment_at) IS NULL THEN NULL
            ELSE GREATEST(((COALESCE(d.due_at, d.appointment_at) + INTERVAL '7 hours') AT TIME ZONE 'UTC')::date + 1,
                          ((d.received_at + INTERVAL '7 hours') AT TIME ZONE 'UTC')::date)
       END AS overdue_from
FROM dossiers d JOIN procedures p ON p.id = d.procedure_id
WHERE d.received_at IS NOT NULL AND d.status <> 'refused_intake';

-- Its deltas: the received day, the resolved day, the day it became overdue.
CREATE VIEW report_onestop_contrib AS
SELECT dossier_id, unit_id, field_code, received_day AS day,
       online AS received_online, 1 - online AS received_offline,
       0 AS resolved_early, 0 AS resolved_on_time, 0 AS resolved_late, 0 AS resolved_late_apology,
       0 AS withdrawn, 0 AS returned, 1 AS open_delta, 0 AS overdue_delta
FROM report_onestop_dossier
UNION ALL
SELECT dossier_id, unit_id, field_code, resolved_day, 0, 0,
       CASE WHEN class = 'early' THEN 1 ELSE 0 END,
       CASE WHEN class = 'on_time' THEN 1 ELSE 0 END,
       CASE WHEN class = 'late' THEN 1 ELSE 0 END,
       CASE WHEN class = 'late' AND apology = 1 THEN 1 ELSE 0 END,
       CASE WHEN outcome = 'withdrawn' THEN 1 ELSE 0 END,
       CASE WHEN outcome IN ('refused', 'stopped') THEN 1 ELSE 0 END,
       -1,
       CASE WHEN overdue_from IS NOT NULL AND resolved_day >= overdue_from THEN -1 ELSE 0 END
FROM report_onestop_dossier WHERE resolved_day IS NOT NULL
UNION ALL
SELECT dossier_id, unit_id, field_code, overdue_from, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1
FROM report_onestop_dossier
WHERE overdue_from IS NOT NULL AND (resolved_day IS NULL OR resolved_day >= overdue_from);

-- The triggers: a dossier's old contribution out (before the update), its new one in (after).
-- They fire only when something the contribution reads changed (a transition inside the
-- processing states, or returning a finished result, changes nothing here).
CREATE FUNCTION report_onestop_subtract() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_onestop_daily (day, unit_id, field_code, received_online, received_offline, resolved_early, resolved_on_time, resolved_late, resolved_late_apology, withdrawn, returned, open_delta, overdue_delta)
    SELECT day, unit_id, field_code, -SUM(received_online), -SUM(received_offline), -SUM(resolved_early), -SUM(resolved_on_time), -SUM(resolved_late), -SUM(resolved_late_apology), -SUM(withdrawn), -SUM(returned), -SUM(open_delta), -SUM(overdue_delta)
    FROM report_onestop_contrib WHERE dossier_id = OLD.id GROUP BY 1, unit_id, field_code ORDER BY 1, unit_id, field_code
    ON CONFLICT (day, unit_id, field_code) DO UPDATE SET
        received_online = report_onestop_daily.received_online + excluded.received_online,
        received_offline = report_onestop_daily.received_offline + excluded.received_offline,
        resolved_early = report_onestop_daily.resolved_early + excluded.resolved_early,
        resolved_on_time = report_onestop_daily.resolved_on_time + excluded.resolved_on_time,
        resolved_late = report_onestop_daily.resolved_late + excluded.resolved_late,
        resolved_late_apology = report_onestop_daily.resolved_late_apology + excluded.resolved_late_apology,
        withdrawn = report_onestop_daily.withdrawn + excluded.withdrawn,
        returned = report_onestop_daily.returned + excluded.returned,
        open_delta = report_onestop_daily.open_delta + excluded.open_delta,
        overdue_delta = report_onestop_daily.overdue_delta + excluded.overdue_delta;
    INSERT INTO report_onestop_monthly (month, unit_id, field_code, received_online, received_offline, resolved_early, resolved_on_time, resolved_late, resolved_late_apology, withdrawn, returned, open_delta, overdue_delta)
    SELECT date_trunc('month', day)::date, unit_id, field_code, -SUM(received_online), -SUM(received_offline), -SUM(resolved_early), -SUM(resolved_on_time), -SUM(resolved_late), -SUM(resolved_late_apology), -SUM(withdrawn), -SUM(returned), -SUM(open_delta), -SUM(overdue_delta)
    FROM report_onestop_contrib WHERE dossier_id = OLD.id GROUP BY 1, unit_id, field_code ORDER BY 1, unit_id, field_code
    ON CONFLICT (month, unit_id, field_code) DO UPDATE SET
        received_online = report_onestop_monthly.received_online + excluded.received_online,
        received_offline = report_onestop_monthly.received_offline + excluded.received_offline,
        resolved_early = report_onestop_monthly.resolved_early + excluded.resolved_early,
        resolved_on_time = report_onestop_monthly.resolved_on_time + excluded.resolved_on_time,
        resolved_late = report_onestop_monthly.resolved_late + excluded.resolved_late,
        resolved_late_apology = report_onestop_monthly.resolved_late_apology + excluded.resolved_late_apology,
        withdrawn = report_onestop_monthly.withdrawn + excluded.withdrawn,
        returned = report_onestop_monthly.returned + excluded.returned,
        open_delta = report_onestop_monthly.open_delta + excluded.open_delta,
        overdue_delta = report_onestop_monthly.overdue_delta + excluded.overdue_delta;
    -- A BEFORE UPDATE trigger must return NEW, or the update writes the old row back.
    IF TG_OP = 'UPDATE' THEN
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$;

CREATE FUNCTION report_onestop_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO report_onestop_daily (day, unit_id, field_code, received_online, received_offline, resolved_early, resolved_on_time, resolved_late, resolved_late_apology, withdrawn, returned, open_delta, overdue_delta)
    SELECT day, unit_id, field_code, SUM(received_online), SUM(received_offline), SUM(resolved_early), SUM(resolved_on_time), SUM(resolved_late), SUM(resolved_late_apology), SUM(withdrawn), SUM(returned), SUM(open_delta), SUM(overdue_delta)
    FROM report_onestop_contrib WHERE dossier_id = NEW.id GROUP BY 1, unit_id, field_code ORDER BY 1, unit_id, field_code
    ON CONFLICT (day, unit_id, field_code) DO UPDATE SET
        received_online = report_onestop_daily.received_online + excluded.received_online,
        received_offline = report_onestop_daily.received_offline + excluded.received_offline,
        resolved_early = report_onestop_daily.resolved_early + excluded.resolved_early,
        resolved_on_time = report_onestop_daily.resolved_on_time + excluded.resolved_on_time,
        resolved_late = report_onestop_daily.resolved_late + excluded.resolved_late,
        resolved_late_apology = report_onestop_daily.resolved_late_apology + excluded.resolved_late_apology,
        withdrawn = report_onestop_daily.withdrawn + excluded.withdrawn,
        returned = report_onestop_daily.returned + excluded.returned,
        open_delta = report_onestop_daily.open_delta + excluded.open_delta,
        overdue_delta = report_onestop_daily.overdue_delta + excluded.overdue_delta;
    INSERT INTO report_onestop_monthly (month, unit_id, field_code, received_online, received_offline, resolved_early, resolved_on_time, resolved_late, resolved_late_apology, withdrawn, returned, open_delta, overdue_delta)
    SELECT date_trunc('month', day)::date, unit_id, field_code, SUM(received_online), SUM(received_offline), SUM(resolved_early), SUM(resolved_on_time), SUM(resolved_late), SUM(resolved_late_apology), SUM(withdrawn), SUM(returned), SUM(open_delta), SUM(overdue_delta)
    FROM report_onestop_contrib WHERE dossier_id = NEW.id GROUP BY 1, unit_id, field_code ORDER BY 1, unit_id, field_code
    ON CONFLICT (month, unit_id, field_code) DO UPDATE SET
        received_online = report_onestop_monthly.received_online + excluded.received_online,
        received_offline = report_onestop_monthly.received_offline + excluded.received_offline,
        resolved_early = report_onestop_monthly.resolved_early + excluded.resolved_early,
        resolved_on_time = report_onestop_monthly.resolved_on_time + excluded.resolved_on_time,
        resolved_late = report_onestop_monthly.resolved_late + excluded.resolved_late,
        resolved_late_apology = report_onestop_monthly.resolved_late_apology + excluded.resolved_late_apology,
        withdrawn = report_onestop_monthly.withdrawn + excluded.withdrawn,
        returned = report_onestop_monthly.returned + excluded.returned,
        open_delta = report_onestop_monthly.open_delta + excluded.open_delta,
        overdue_delta = report_onestop_monthly.overdue_delta + excluded.overdue_delta;
    RETURN NEW;
END;
$$;

CREATE TRIGGER report_onestop_insert AFTER INSERT ON dossiers
    FOR EACH ROW EXECUTE FUNCTION report_onestop_add();
CREATE TRIGGER report_onestop_update_old BEFORE UPDATE ON dossiers FOR EACH ROW WHEN (
    OLD.processing_unit_id IS DISTINCT FROM NEW.processing_unit_id
    OR OLD.procedure_id IS DISTINCT FROM NEW.procedure_id
    OR OLD.channel IS DISTINCT FROM NEW.channel
    OR OLD.received_at IS DISTINCT FROM NEW.received_at
    OR OLD.finished_at IS DISTINCT FROM NEW.finished_at
    OR (OLD.returned_at IS DISTINCT FROM NEW.returned_at AND NEW.finished_at IS NULL)
    OR OLD.result IS DISTINCT FROM NEW.result
    OR OLD.outcome IS DISTINCT FROM NEW.outcome
    OR OLD.apology_at IS DISTINCT FROM NEW.apology_at
    OR OLD.due_at IS DISTINCT FROM NEW.due_at
    OR OLD.appointment_at IS DISTINCT FROM NEW.appointment_at
    OR (OLD.status IN ('finished', 'returned', 'withdrawn', 'stopped')) IS DISTINCT FROM (NEW.status IN ('finished', 'returned', 'withdrawn', 'stopped'))
    OR (OLD.status = 'awaiting_supplement') IS DISTINCT FROM (NEW.status = 'awaiting_supplement')
    OR (OLD.status = 'refused_intake') IS DISTINCT FROM (NEW.status = 'refused_intake')
) EXECUTE FUNCTION report_onestop_subtract();
CREATE TRIGGER report_onestop_update_new AFTER UPDATE ON dossiers FOR EACH ROW WHEN (
    OLD.processing_unit_id IS DISTINCT FROM NEW.processing_unit_id
    OR OLD.procedure_id IS DISTINCT FROM NEW.procedure_id
    OR OLD.channel IS DISTINCT FROM NEW.channel
    OR OLD.received_at IS DISTINCT FROM NEW.received_at
    OR OLD.finished_at IS DISTINCT FROM NEW.finished_at
    OR (OLD.returned_at IS DISTINCT FROM NEW.returned_at AND NEW.finished_at IS NULL)
    OR OLD.result IS DISTINCT FROM NEW.result
    OR OLD.outcome IS DISTINCT FROM NEW.outcome
    OR OLD.apology_at IS DISTINCT FROM NEW.apology_at
    OR OLD.due_at IS DISTINCT FROM NEW.due_at
    OR OLD.appointment_at IS DISTINCT FROM NEW.appointment_at
    OR (OLD.status IN ('finished', 'returned', 'withdrawn', 'stopped')) IS DISTINCT FROM (NEW.status IN ('finished', 'returned', 'withdrawn', 'stopped'))
    OR (OLD.status = 'awaiting_supplement') IS DISTINCT FROM (NEW.status = 'awaiting_supplement')
    OR (OLD.status = 'refused_intake') IS DISTINCT FROM (NEW.status = 'refused_intake')
) EXECUTE FUNCTION report_onestop_add();
CREATE TRIGGER report_onestop_delete BEFORE DELETE ON dossiers
    FOR EACH ROW EXECUTE FUNCTION report_onestop_subtract();
