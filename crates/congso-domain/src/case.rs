//! The case engine's vocabulary: a case kind declares its states and transitions as data.
//!
//! A [`Transition`] says which action moves a case from which states to which state, who may do
//! it (roles, checked against one side's unit: where the case was received or where it is
//! processed), and which inputs it needs. The application layer looks the transition up
//! ([`CaseKind::transition`]), checks the actor, applies the kind's effects, and records the
//! event — in one transaction. Dossiers are the first kind; directive tasks and petitions reuse it.

use crate::Role;

/// How a state affects the legal clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockEffect {
    /// Not started yet (e.g. an online submission waiting for acceptance).
    NotStarted,
    /// Time counts.
    Running,
    /// Time does not count (waiting for the applicant).
    Paused,
    /// The clock stopped for good (finished, refused, withdrawn, stopped).
    Stopped,
}

/// One state of a case kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub code: &'static str,
    pub label_vi: &'static str,
    pub label_en: &'static str,
    /// The national portal's status code (TrangThaiHoSo), for dossiers.
    pub portal_code: u8,
    pub terminal: bool,
    pub clock: ClockEffect,
}

impl State {
    /// The short Vietnamese name (the label without its parenthesised explanation), as the
    /// national portal shows it.
    pub fn name_vi(&self) -> &'static str {
        self.label_vi.split(" (").next().unwrap_or(self.label_vi)
    }
}

/// Whose unit an action is checked against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The unit that received the case (the one-stop desk).
    Receiving,
    /// The unit processing the case now.
    Processing,
    /// Either side may act.
    Either,
}

/// Where a transition leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    State(&'static str),
    /// Stays in the same state (e.g. an apology, a re-assignment).
    Same,
    /// Back to the state before the pause (after a supplement or a payment).
    Resume,
}

/// One allowed action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transition {
    pub action: &'static str,
    pub from: &'static [&'static str],
    pub to: Target,
    pub roles: &'static [Role],
    pub side: Side,
    /// Input fields the action requires.
    pub needs: &'static [&'static str],
    pub label_vi: &'static str,
    pub label_en: &'static str,
}

/// A transition, for the tables of the case kinds.
#[allow(clippy::too_many_arguments)]
pub const fn tr(
    action: &'static str,
    from: &'static [&'static str],
    to: Target,
    roles: &'static [Role],
    side: Side,
    needs: &'static [&'static str],
    label_vi: &'static str,
    label_en: &'static str,
) -> Transition {
    Transition {
        action,
        from,
        to,
        roles,
        side,
        needs,
        label_vi,
        label_en,
    }
}

/// A kind of case: its states and transitions.
#[derive(Debug)]
pub struct CaseKind {
    pub name: &'static str,
    pub states: &'static [State],
    pub transitions: &'static [Transition],
}

/// Why an action cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransitionError {
    /// No such action for this kind.
    UnknownAction(String),
    /// The action exists but not from the current state.
    Illegal { action: String, state: String },
}

impl CaseKind {
    pub fn state(&self, code: &str) -> Option<&'static State> {
        self.states.iter().find(|s| s.code == code)
    }

    /// The transition for `action` from `state`.
    pub fn transition(
        &self,
        action: &str,
        state: &str,
    ) -> Result<&'static Transition, TransitionError> {
        let mut known = false;
        for t in self.transitions {
            if t.action == action {
                known = true;
                if t.from.contains(&state) {
                    return Ok(t);
                }
            }
        }
        if known {
            Err(TransitionError::Illegal {
                action: action.to_owned(),
                state: state.to_owned(),
            })
        } else {
            Err(TransitionError::UnknownAction(action.to_owned()))
        }
    }

    /// The actions possible from `state` (for showing buttons; permissions are checked apart).
    pub fn actions_from(&self, state: &str) -> Vec<&'static Transition> {
        self.transitions
            .iter()
            .filter(|t| t.from.contains(&state))
            .collect()
    }

    /// Consistency of the definition: every state named exists, terminal states have no exit.
    pub fn check(&self) -> Result<(), String> {
        for t in self.transitions {
            for f in t.from {
                let s = self
                    .state(f)
                    .ok_or_else(|| format!("{}: unknown from-state {f}", t.action))?;
                if s.terminal {
                    return Err(format!("{}: leaves terminal state {f}", t.action));
                }
            }
            if let Target::State(to) = t.to
                && self.state(to).is_none()
            {
                return Err(format!("{}: unknown target {to}", t.action));
            }
            if t.roles.is_empty() {
                return Err(format!("{}: nobody may do it", t.action));
            }
        }
        Ok(())
    }
}
