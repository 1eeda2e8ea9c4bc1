//! Demo data: Huế City People's Committee as it stands after 1/7/2025 (two-level local government):
//! the Office, the Public Administrative Service Centre, the city departments after the 2025
//! mergers, the 40 commune-level units (21 wards, 19 communes; NQ 1675/NQ-UBTVQH15), and one user
//! per role.
//!
//! The root code `000.00.00.H57` is the real one (TT 10/2016). The codes of the Office, the Centre,
//! the departments and the communes below are **demo codes** in the same format: load the official
//! list before going live.

use congso_db::repo::units as units_repo;
use congso_domain::Role;
use time::macros::date;

use crate::units::{NewUnit, create_unit};
use crate::users::{NewUser, create_user};
use crate::{Actor, App, AppResult};

/// The code of Huế City People's Committee.
pub const ROOT_CODE: &str = "000.00.00.H57";
/// The code of the People's Committee Office (demo).
pub const OFFICE_CODE: &str = "000.00.01.H57";
/// The code of the Public Administrative Service Centre (demo).
pub const CENTRE_CODE: &str = "000.01.01.H57";
/// The code of the Department of Justice (demo).
pub const JUSTICE_CODE: &str = "000.00.04.H57";
/// The code of the Department of Construction (demo; handles most on-site reports).
pub const CONSTRUCTION_CODE: &str = "000.00.05.H57";

/// City departments after the 2025 mergers (code suffix, name, English name, kind).
const DEPARTMENTS: &[(&str, &str, &str, &str)] = &[
    (
        "02",
        "Sở Nội vụ",
        "Department of Home Affairs",
        "department",
    ),
    ("03", "Sở Tài chính", "Department of Finance", "department"),
    ("04", "Sở Tư pháp", "Department of Justice", "department"),
    (
        "05",
        "Sở Xây dựng",
        "Department of Construction",
        "department",
    ),
    (
        "06",
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        "department",
    ),
    (
        "07",
        "Sở Công Thương",
        "Department of Industry and Trade",
        "department",
    ),
    (
        "08",
        "Sở Khoa học và Công nghệ",
        "Department of Science and Technology",
        "department",
    ),
    (
        "09",
        "Sở Giáo dục và Đào tạo",
        "Department of Education and Training",
        "department",
    ),
    ("10", "Sở Y tế", "Department of Health", "department"),
    (
        "11",
        "Sở Văn hóa và Thể thao",
        "Department of Culture and Sports",
        "department",
    ),
    ("12", "Sở Du lịch", "Department of Tourism", "department"),
    (
        "13",
        "Thanh tra thành phố",
        "City Inspectorate",
        "inspectorate",
    ),
];

/// The 21 wards (phường) of Huế from 1/7/2025.
pub const WARDS: &[&str] = &[
    "Phong Điền",
    "Phong Thái",
    "Phong Dinh",
    "Phong Phú",
    "Phong Quảng",
    "Hương Trà",
    "Kim Trà",
    "Kim Long",
    "Hương An",
    "Phú Xuân",
    "Thuận An",
    "Hóa Châu",
    "Mỹ Thượng",
    "Vỹ Dạ",
    "Thuận Hóa",
    "An Cựu",
    "Thủy Xuân",
    "Hương Thủy",
    "Phú Bài",
    "Thanh Thủy",
    "Dương Nỗ",
];

/// The 19 communes (xã) of Huế from 1/7/2025.
pub const COMMUNES: &[&str] = &[
    "Đan Điền",
    "Quảng Điền",
    "Bình Điền",
    "Phú Vinh",
    "Phú Hồ",
    "Phú Vang",
    "Vinh Lộc",
    "Hưng Lộc",
    "Lộc An",
    "Phú Lộc",
    "Chân Mây - Lăng Cô",
    "Long Quảng",
    "Nam Đông",
    "Khe Tre",
    "A Lưới 1",
    "A Lưới 2",
    "A Lưới 3",
    "A Lưới 4",
    "A Lưới 5",
];

/// The demo catalogue: real procedures handled by Huế's departments and communes (see
/// `data/demo-procedures.json`; checked by `scripts/check_procedures.py`).
pub const DEMO_PROCEDURES: &str = include_str!("../data/demo-procedures.json");

/// One demo login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub unit: Option<String>,
    pub full_name: String,
}

/// The demo users: username, full name, role, unit code.
pub const DEMO_USERS: &[(&str, &str, Role, Option<&str>)] = &[
    ("admin", "Quản trị hệ thống", Role::Admin, Some(ROOT_CODE)),
    (
        "motcua",
        "Trần Thị Mai",
        Role::OneStopOfficer,
        Some(CENTRE_CODE),
    ),
    (
        "chuyenvien",
        "Nguyễn Văn Hùng",
        Role::Specialist,
        Some(JUSTICE_CODE),
    ),
    (
        "lanhdao.so",
        "Lê Minh Tuấn",
        Role::UnitHead,
        Some(JUSTICE_CODE),
    ),
    (
        "vanphong",
        "Phạm Thị Lan",
        Role::OfficeStaff,
        Some(OFFICE_CODE),
    ),
    ("lanhdao", "Hoàng Văn Nam", Role::Leader, Some(ROOT_CODE)),
    (
        "hientruong",
        "Võ Văn Thành",
        Role::Specialist,
        Some(CONSTRUCTION_CODE),
    ),
    (
        "lanhdao.xd",
        "Đặng Thị Thu",
        Role::UnitHead,
        Some(CONSTRUCTION_CODE),
    ),
    ("congdan", "Nguyễn Thị Hoa", Role::Citizen, None),
];

/// Whether the database holds no organisation unit yet.
pub async fn is_empty(app: &App) -> AppResult<bool> {
    let mut tx = app.db.begin_read().await?;
    let n = units_repo::count(&mut tx).await?;
    tx.commit().await?;
    Ok(n == 0)
}

/// Seeds the demo into an empty database and returns the logins (`None` if it was not empty).
/// Every user gets `password`, or a fresh random one each when `None`.
pub async fn seed(app: &App, password: Option<&str>) -> AppResult<Option<Vec<DemoLogin>>> {
    if !is_empty(app).await? {
        return Ok(None);
    }
    let system = Actor::system();
    let unit =
        |code: String, name: &str, en: &str, kind: &str, parent: Option<&str>, from| NewUnit {
            code,
            name: name.to_owned(),
            name_en: Some(en.to_owned()),
            kind: kind.to_owned(),
            parent_code: parent.map(str::to_owned),
            valid_from: Some(from),
            address: None,
            office_hours: None,
        };
    let mut root = unit(
        ROOT_CODE.to_owned(),
        "Ủy ban nhân dân thành phố Huế",
        "Huế City People's Committee",
        "provincial_committee",
        None,
        date!(2025 - 01 - 01),
    );
    root.address = Some("16 Lê Lợi, phường Thuận Hóa, thành phố Huế".to_owned());
    create_unit(app, &system, root).await?;
    create_unit(
        app,
        &system,
        unit(
            OFFICE_CODE.to_owned(),
            "Văn phòng Ủy ban nhân dân thành phố Huế",
            "Office of Huế City People's Committee",
            "office",
            Some(ROOT_CODE),
            date!(2025 - 01 - 01),
        ),
    )
    .await?;
    let mut centre = unit(
        CENTRE_CODE.to_owned(),
        "Trung tâm Phục vụ hành chính công thành phố Huế",
        "Huế City Public Administrative Service Centre",
        "service_centre",
        Some(OFFICE_CODE),
        date!(2025 - 01 - 01),
    );
    centre.address = Some("01 Lê Lai, phường Thuận Hóa, thành phố Huế".to_owned());
    create_unit(app, &system, centre).await?;
    for (suffix, name, en, kind) in DEPARTMENTS {
        create_unit(
            app,
            &system,
            unit(
                format!("000.00.{suffix}.H57"),
                name,
                en,
                kind,
                Some(ROOT_CODE),
                date!(2025 - 03 - 01),
            ),
        )
        .await?;
    }
    let locals = WARDS
        .iter()
        .map(|n| (*n, "ward_committee", "Ủy ban nhân dân phường", "Ward"))
        .chain(
            COMMUNES
                .iter()
                .map(|n| (*n, "commune_committee", "Ủy ban nhân dân xã", "Commune")),
        );
    for (i, (name, kind, prefix, en)) in locals.enumerate() {
        create_unit(
            app,
            &system,
            unit(
                format!("000.00.{:02}.H57", 21 + i),
                &format!("{prefix} {name}"),
                &format!("{name} {en} People's Committee"),
                kind,
                Some(ROOT_CODE),
                date!(2025 - 07 - 01),
            ),
        )
        .await?;
    }
    let specs: Vec<congso_domain::procedure::ProcedureSpec> =
        serde_json::from_str(DEMO_PROCEDURES).map_err(crate::AppError::internal)?;
    crate::catalogue::import(app, &system, specs, &|_, _| {}).await?;
    let mut logins = vec![];
    for (username, full_name, role, unit) in DEMO_USERS {
        let pw = password
            .map(str::to_owned)
            .unwrap_or_else(|| crate::secrets::random_token()[..16].to_owned());
        create_user(
            app,
            &system,
            NewUser {
                username: (*username).to_owned(),
                password: pw.clone(),
                full_name: (*full_name).to_owned(),
                email: Some(format!("{}@demo.congso.vn", username.replace('.', "-"))),
                phone: None,
                role: role.as_str().to_owned(),
                unit_code: unit.map(str::to_owned),
            },
        )
        .await?;
        logins.push(DemoLogin {
            username: (*username).to_owned(),
            password: pw,
            role: *role,
            unit: unit.map(str::to_owned),
            full_name: (*full_name).to_owned(),
        });
    }
    crate::site_reports::seed_demo(app).await?;
    crate::targets::seed_demo(app).await?;
    Ok(Some(logins))
}
