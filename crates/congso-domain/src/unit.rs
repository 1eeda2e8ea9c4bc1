//! Organisation units (cơ quan, đơn vị) and their identifiers.
//!
//! Units are temporal: each row is valid on `[valid_from, valid_to)` and is never deleted, only
//! closed. Reorganisations (rename, merge, split, transfer of area, abolition) link predecessor and
//! successor rows, so that history keeps its original names and in-flight cases can move on.

use serde::{Deserialize, Serialize};

use crate::ErrorCode;

/// The kind of an organisation unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// UBND tỉnh / thành phố trực thuộc trung ương.
    ProvincialCommittee,
    /// Văn phòng UBND (the People's Committee Office).
    Office,
    /// Sở, ban, ngành (a department).
    Department,
    /// Trung tâm Phục vụ hành chính công (Public Administrative Service Centre).
    ServiceCentre,
    /// Thanh tra (inspectorate).
    Inspectorate,
    /// UBND quận / huyện / thị xã (district level; exists only before 1/7/2025).
    DistrictCommittee,
    /// UBND phường (ward).
    WardCommittee,
    /// UBND xã (commune).
    CommuneCommittee,
    /// Đơn vị sự nghiệp or another body.
    Other,
}

impl UnitKind {
    pub const ALL: [UnitKind; 9] = [
        UnitKind::ProvincialCommittee,
        UnitKind::Office,
        UnitKind::Department,
        UnitKind::ServiceCentre,
        UnitKind::Inspectorate,
        UnitKind::DistrictCommittee,
        UnitKind::WardCommittee,
        UnitKind::CommuneCommittee,
        UnitKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::ProvincialCommittee => "provincial_committee",
            UnitKind::Office => "office",
            UnitKind::Department => "department",
            UnitKind::ServiceCentre => "service_centre",
            UnitKind::Inspectorate => "inspectorate",
            UnitKind::DistrictCommittee => "district_committee",
            UnitKind::WardCommittee => "ward_committee",
            UnitKind::CommuneCommittee => "commune_committee",
            UnitKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Result<UnitKind, ErrorCode> {
        UnitKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or(ErrorCode::InvalidInput)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            UnitKind::ProvincialCommittee => "UBND cấp tỉnh",
            UnitKind::Office => "Văn phòng",
            UnitKind::Department => "Sở, ban, ngành",
            UnitKind::ServiceCentre => "Trung tâm Phục vụ hành chính công",
            UnitKind::Inspectorate => "Thanh tra",
            UnitKind::DistrictCommittee => "UBND cấp huyện",
            UnitKind::WardCommittee => "UBND phường",
            UnitKind::CommuneCommittee => "UBND xã",
            UnitKind::Other => "Đơn vị khác",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            UnitKind::ProvincialCommittee => "Provincial People's Committee",
            UnitKind::Office => "Office",
            UnitKind::Department => "Department",
            UnitKind::ServiceCentre => "Public Administrative Service Centre",
            UnitKind::Inspectorate => "Inspectorate",
            UnitKind::DistrictCommittee => "District People's Committee",
            UnitKind::WardCommittee => "Ward People's Committee",
            UnitKind::CommuneCommittee => "Commune People's Committee",
            UnitKind::Other => "Other body",
        }
    }
}

/// How a closed unit relates to the unit that continues its work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationKind {
    /// Same body, new name (and possibly new code).
    Rename,
    /// Several bodies merged into the successor.
    Merge,
    /// The body was split; each successor takes part of it.
    Split,
    /// Part of the territory or tasks moved to the successor.
    TransferArea,
    /// Abolished; the successor takes over its pending work.
    Abolish,
}

impl RelationKind {
    pub const ALL: [RelationKind; 5] = [
        RelationKind::Rename,
        RelationKind::Merge,
        RelationKind::Split,
        RelationKind::TransferArea,
        RelationKind::Abolish,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RelationKind::Rename => "rename",
            RelationKind::Merge => "merge",
            RelationKind::Split => "split",
            RelationKind::TransferArea => "transfer_area",
            RelationKind::Abolish => "abolish",
        }
    }

    pub fn parse(s: &str) -> Result<RelationKind, ErrorCode> {
        RelationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or(ErrorCode::InvalidInput)
    }
}

/// An agency identifier under TT 10/2016/TT-BTTTT: `V1V2V3.Z1Z2.Y1Y2.MX1X2`, e.g. `000.00.00.H57`
/// (Huế People's Committee) or `000.00.12.H57` (a department).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

impl AgencyCode {
    pub fn parse(s: &str) -> Result<AgencyCode, ErrorCode> {
        let s = s.trim().to_ascii_uppercase();
        let parts: Vec<&str> = s.split('.').collect();
        let ok = parts.len() == 4
            && parts[0].len() == 3
            && parts[0].bytes().all(|b| b.is_ascii_digit())
            && parts[1].len() == 2
            && parts[1].bytes().all(|b| b.is_ascii_digit())
            && parts[2].len() == 2
            && parts[2].bytes().all(|b| b.is_ascii_digit())
            && parts[3].len() == 3
            && parts[3].as_bytes()[0].is_ascii_uppercase()
            && parts[3].as_bytes()[1..].iter().all(|b| b.is_ascii_digit());
        if ok {
            Ok(AgencyCode(s))
        } else {
            Err(ErrorCode::InvalidUnitCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level-1 (province/ministry) segment, e.g. `H57`.
    pub fn root(&self) -> &str {
        self.0.rsplit('.').next().unwrap_or_default()
    }
}

impl TryFrom<String> for AgencyCode {
    type Error = ErrorCode;
    fn try_from(s: String) -> Result<Self, ErrorCode> {
        AgencyCode::parse(&s)
    }
}

impl From<AgencyCode> for String {
    fn from(c: AgencyCode) -> String {
        c.0
    }
}

impl std::fmt::Display for AgencyCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agency_codes() {
        let c = AgencyCode::parse("000.00.00.h57").expect("valid");
        assert_eq!(c.as_str(), "000.00.00.H57");
        assert_eq!(c.root(), "H57");
        for bad in [
            "",
            "000.00.00",
            "000.00.00.57",
            "00.00.00.H57",
            "000.0a.00.H57",
            "000.00.00.H5",
        ] {
            assert_eq!(
                AgencyCode::parse(bad),
                Err(ErrorCode::InvalidUnitCode),
                "{bad}"
            );
        }
    }

    #[test]
    fn kinds_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Ok(k));
        }
        for k in RelationKind::ALL {
            assert_eq!(RelationKind::parse(k.as_str()), Ok(k));
        }
    }
}
