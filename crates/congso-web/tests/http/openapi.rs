//! The OpenAPI document is a contract: any change shows up in the snapshot.

#[test]
fn openapi_document_snapshot() {
    let doc: serde_json::Value = serde_json::from_str(&congso_web::openapi_json()).expect("json");
    for path in [
        "/api/v1/units",
        "/api/v1/units/{code}/close",
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/users",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    insta::assert_json_snapshot!("openapi", doc);
}
