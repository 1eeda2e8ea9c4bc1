//! Vietnamese legal calendar for congso: lunar calendar, public holidays, working-day
//! deadline arithmetic and the SLA clock of a case. Pure and deterministic: no IO, no
//! clock reads (callers pass `now`), no time zones other than Vietnam's UTC+7 wall time.
//!
//! * [`lunar`] — the Vietnamese lunar calendar at UTC+7 (true new moons and solar terms
//!   after Meeus), Tết and Giỗ Tổ Hùng Vương.
//! * [`holidays`] — Labor Code 2019 Art. 111–112 holidays, substitute days, and the
//!   yearly civil-servant decisions as data ([`CalendarData`]).
//! * [`working`] — working days and office hours, Civil Code 2015 Art. 147–148 counting
//!   ([`WorkingCalendar`], [`TimeLimit`], [`OfficeHours`]).
//! * [`clock`] — the SLA clock of a case: pauses, extensions, status, timeliness.
//! * [`regime`] — which one-stop decree (NĐ 61/2018, NĐ 107/2021, NĐ 118/2025) applies.
//!
//! ```
//! use congso_calendar::{CalendarData, WorkingCalendar};
//! use time::macros::date;
//!
//! let cal = WorkingCalendar::new(&CalendarData::shipped());
//! // Received Friday 13/02/2026, 5 working days; Tết 16–20/02 → Friday 27/02/2026.
//! assert_eq!(cal.add_working_days(date!(2026 - 02 - 13), 5), date!(2026 - 02 - 27));
//! ```

pub mod clock;
pub mod holidays;
pub mod lunar;
pub mod regime;
pub mod working;

pub use clock::{
    ClockPolicy, ClockStatus, Pause, PauseReason, SlaClock, StepBudget, StepBudgetError, StepDue,
    Timeliness,
};
pub use holidays::{
    Adjacent, CalendarData, CalendarDataError, HolidayRules, OffDay, OffDayKind,
    rule_based_off_days,
};
pub use lunar::{LunarDate, hung_kings, leap_month, lunar_to_solar, solar_to_lunar, tet};
pub use regime::Regime;
pub use working::{OfficeHours, OfficeHoursError, TimeLimit, WorkingCalendar};
