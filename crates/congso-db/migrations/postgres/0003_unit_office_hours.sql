-- Office hours per unit (e.g. "07:00-11:30,13:30-17:00"); NULL means the default hours.
ALTER TABLE units ADD COLUMN office_hours TEXT;
