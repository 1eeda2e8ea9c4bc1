-- Directive tracking: leaders' directives (from a conclusion notice, a directive document, meeting
-- minutes or an assignment slip) and the tasks they give to units. A task's status in reports is
-- computed from its dates (deadline, completed_on); `state` is its place in the workflow.
CREATE TABLE directives (
    id            UUID PRIMARY KEY NOT NULL,
    unit_id       UUID NOT NULL REFERENCES units(id),
    source_kind   TEXT NOT NULL,
    source_number TEXT,
    source_date   DATE,
    leader_id     UUID REFERENCES users(id),
    content       TEXT NOT NULL,
    created_by    UUID REFERENCES users(id),
    created_at    TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL
);
CREATE INDEX directives_created ON directives(created_at);

CREATE TABLE tasks (
    id                 UUID PRIMARY KEY NOT NULL,
    directive_id       UUID NOT NULL REFERENCES directives(id),
    lead_unit_id       UUID NOT NULL REFERENCES units(id),
    coordinating       TEXT NOT NULL,
    content            TEXT NOT NULL,
    priority           TEXT NOT NULL,
    recurrence         TEXT,
    state              TEXT NOT NULL,
    resume_state       TEXT,
    original_deadline  DATE,
    deadline           DATE,
    requested_deadline DATE,
    assignee_id        UUID REFERENCES users(id),
    progress           BIGINT NOT NULL,
    completed_on       DATE,
    cancelled          BOOLEAN NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX tasks_directive ON tasks(directive_id);
CREATE INDEX tasks_lead ON tasks(lead_unit_id, deadline);
CREATE INDEX tasks_deadline ON tasks(deadline);
CREATE INDEX tasks_created ON tasks(created_at);

-- Files attached to progress reports and completion (evidence).
CREATE TABLE task_attachments (
    id           UUID PRIMARY KEY NOT NULL,
    task_id      UUID NOT NULL REFERENCES tasks(id),
    action       TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    storage_key  TEXT NOT NULL,
    uploaded_by  UUID REFERENCES users(id),
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX task_attachments_task ON task_attachments(task_id, created_at);
