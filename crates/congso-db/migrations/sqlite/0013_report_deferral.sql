-- Deferred aggregate maintenance for bulk writes (ADR 0008, "Bulk imports").
--
-- The legacy importer writes thousands of dossiers, each with several transitions, in ONE
-- transaction (all or nothing). With the triggers of 0011 every write of every dossier upserted
-- the same few aggregate rows again; on PostgreSQL each of those updates adds a row version
-- that cannot be pruned before the transaction ends, so every later update walks a longer chain
-- (the import slowed down as it went). Now a transaction that holds the sentinel row of
-- `report_deferred` (the nil id) writes dossiers without the triggers, adds the contributions of
-- the dossiers it wrote with one GROUP BY at its end and removes the sentinel before it commits
-- (`repo::reports::defer` / `settle`). The row is never committed, so no other transaction sees
-- it and every other writer keeps the triggers.

CREATE TABLE report_deferred (
    dossier_id BLOB PRIMARY KEY
) WITHOUT ROWID;

DROP TRIGGER report_onestop_insert;
CREATE TRIGGER report_onestop_insert AFTER INSERT ON dossiers WHEN
    NOT EXISTS (SELECT 1 FROM report_deferred WHERE dossier_id = X'00000000000000000000000000000000')
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
    SELECT substr(day, 1, 7) || '-01', unit_id, field_code, SUM(received_online), SUM(received_offline), SUM(resolved_early), SUM(resolved_on_time), SUM(resolved_late), SUM(resolved_late_apology), SUM(withdrawn), SUM(returned), SUM(open_delta), SUM(overdue_delta)
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
END;

DROP TRIGGER report_onestop_update_old;
CREATE TRIGGER report_onestop_update_old BEFORE UPDATE ON dossiers WHEN (
    OLD.processing_unit_id IS NOT NEW.processing_unit_id
    OR OLD.procedure_id IS NOT NEW.procedure_id
    OR OLD.channel IS NOT NEW.channel
    OR OLD.received_at IS NOT NEW.received_at
    OR OLD.finished_at IS NOT NEW.finished_at
    OR (OLD.returned_at IS NOT NEW.returned_at AND NEW.finished_at IS NULL)
    OR OLD.result IS NOT NEW.result
    OR OLD.outcome IS NOT NEW.outcome
    OR OLD.apology_at IS NOT NEW.apology_at
    OR OLD.due_at IS NOT NEW.due_at
    OR OLD.appointment_at IS NOT NEW.appointment_at
    OR ((OLD.status = 'finished' OR OLD.status = 'returned' OR OLD.status = 'withdrawn' OR OLD.status = 'stopped')) IS NOT ((NEW.status = 'finished' OR NEW.status = 'returned' OR NEW.status = 'withdrawn' OR NEW.status = 'stopped'))
    OR (OLD.status = 'awaiting_supplement') IS NOT (NEW.status = 'awaiting_supplement')
    OR (OLD.status = 'refused_intake') IS NOT (NEW.status = 'refused_intake')
    ) AND NOT EXISTS (SELECT 1 FROM report_deferred WHERE dossier_id = X'00000000000000000000000000000000')
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
    SELECT substr(day, 1, 7) || '-01', unit_id, field_code, -SUM(received_online), -SUM(received_offline), -SUM(resolved_early), -SUM(resolved_on_time), -SUM(resolved_late), -SUM(resolved_late_apology), -SUM(withdrawn), -SUM(returned), -SUM(open_delta), -SUM(overdue_delta)
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
END;

DROP TRIGGER report_onestop_update_new;
CREATE TRIGGER report_onestop_update_new AFTER UPDATE ON dossiers WHEN (
    OLD.processing_unit_id IS NOT NEW.processing_unit_id
    OR OLD.procedure_id IS NOT NEW.procedure_id
    OR OLD.channel IS NOT NEW.channel
    OR OLD.received_at IS NOT NEW.received_at
    OR OLD.finished_at IS NOT NEW.finished_at
    OR (OLD.returned_at IS NOT NEW.returned_at AND NEW.finished_at IS NULL)
    OR OLD.result IS NOT NEW.result
    OR OLD.outcome IS NOT NEW.outcome
    OR OLD.apology_at IS NOT NEW.apology_at
    OR OLD.due_at IS NOT NEW.due_at
    OR OLD.appointment_at IS NOT NEW.appointment_at
    OR ((OLD.status = 'finished' OR OLD.status = 'returned' OR OLD.status = 'withdrawn' OR OLD.status = 'stopped')) IS NOT ((NEW.status = 'finished' OR NEW.status = 'returned' OR NEW.status = 'withdrawn' OR NEW.status = 'stopped'))
    OR (OLD.status = 'awaiting_supplement') IS NOT (NEW.status = 'awaiting_supplement')
    OR (OLD.status = 'refused_intake') IS NOT (NEW.status = 'refused_intake')
    ) AND NOT EXISTS (SELECT 1 FROM report_deferred WHERE dossier_id = X'00000000000000000000000000000000')
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
    SELECT substr(day, 1, 7) || '-01', unit_id, field_code, SUM(received_online), SUM(received_offline), SUM(resolved_early), SUM(resolved_on_time), SUM(resolved_late), SUM(resolved_late_apology), SUM(withdrawn), SUM(returned), SUM(open_delta), SUM(overdue_delta)
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
END;

DROP TRIGGER report_onestop_delete;
CREATE TRIGGER report_onestop_delete BEFORE DELETE ON dossiers WHEN
    NOT EXISTS (SELECT 1 FROM report_deferred WHERE dossier_id = X'00000000000000000000000000000000')
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
    SELECT substr(day, 1, 7) || '-01', unit_id, field_code, -SUM(received_online), -SUM(received_offline), -SUM(resolved_early), -SUM(resolved_on_time), -SUM(resolved_late), -SUM(resolved_late_apology), -SUM(withdrawn), -SUM(returned), -SUM(open_delta), -SUM(overdue_delta)
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
END;
