//! The router as a browser and an operator see it: pages, guards, origin checks, security
//! headers, health, metrics and CSV exports.
use crate::common;
use app::domain::access::UserKind;
use app::error::AppError;
use axum::body::Body;
use axum::http::{Request, header};
use common::{Client, count, make_user};

on_both!(cross_origin_posts_are_refused_and_change_nothing, |db| {
    let c = Client::new(server::testing::state(db.clone()));
    let form = "kind=trader&email=x%40example.com&password=long-enough-pw&first_name=A&last_name=B&country=GB&phone=%2B447700900123&referral_code=";
    for (name, value) in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let req = Request::post("/api/auth/register")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "127.0.0.1:3000")
            .header(name, value)
            .body(Body::from(form))
            .unwrap();
        let r = c.send(req).await;
        assert_eq!(r.status, 403, "{name}");
        assert_eq!(r.error(), AppError::CrossOrigin);
    }
    assert_eq!(count(&db, "users").await, 0);
    assert_eq!(
        c.call("/api/auth/register", form).await.status,
        200,
        "the same request from our own origin works"
    );
});

on_both!(pages_render_on_the_server_and_guards_redirect, |db| {
    let mut c = Client::new(server::testing::state(db.clone()));
    let login = c.get("/login").await;
    assert_eq!(login.status, 200);
    assert!(
        login.body.contains("name=\"email\"") && login.body.contains("name=\"password\""),
        "{}",
        &login.body[..500.min(login.body.len())]
    );
    let csp = login
        .headers
        .get(header::CONTENT_SECURITY_POLICY)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .unwrap()
        .split('\'')
        .next()
        .unwrap();
    assert!(
        login.body.contains(&format!("nonce=\"{nonce}\"")),
        "hydration scripts carry the CSP nonce"
    );
    assert!(csp.contains("frame-ancestors 'none'"));
    assert_eq!(
        login.headers.get(header::X_CONTENT_TYPE_OPTIONS).unwrap(),
        "nosniff"
    );

    let home = c.get("/").await;
    assert_eq!(home.status, 303);
    assert_eq!(home.headers.get(header::LOCATION).unwrap(), "/login?next=/");
    let admin = c.get("/admin/staff").await;
    assert_eq!(
        admin.headers.get(header::LOCATION).unwrap(),
        "/admin/login?next=/admin/staff"
    );

    let trader = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    c.cookie = Some(common::cookie_for(&db, &trader).await);
    let dash = c.get("/").await;
    assert_eq!(dash.status, 200);
    assert!(
        dash.body.contains(&trader.referral_code.clone().unwrap()),
        "the dashboard shows the referral code"
    );
    assert_eq!(
        c.get("/ib").await.headers.get(header::LOCATION).unwrap(),
        "/",
        "traders have no IB area"
    );
    assert_eq!(
        c.get("/admin").await.headers.get(header::LOCATION).unwrap(),
        "/admin/login?next=/admin"
    );
    assert_eq!(
        c.get("/login").await.headers.get(header::LOCATION).unwrap(),
        "/"
    );

    let es = Request::get("/login")
        .header(header::ACCEPT_LANGUAGE, "es-ES,es;q=0.9")
        .body(Body::empty())
        .unwrap();
    let page = Client::new(server::testing::state(db.clone()))
        .send(es)
        .await;
    assert!(
        page.body.contains("lang=\"es\"") && page.body.contains("Iniciar sesión"),
        "Spanish from Accept-Language"
    );
    // The wasm carries no translations: the page preloads the first part of its language's table.
    assert!(
        page.body.contains(
            r#"<link rel="preload" href="/i18n/es.json" as="fetch" crossorigin="anonymous">"#
        ),
        "the Spanish table is preloaded"
    );
});

// Each language's table for the browser, in two parts: JSON of every key, in brotli or gzip when
// accepted, a 304 while unchanged, and nothing for a language or part that does not exist.
on_both!(translations_are_served_per_language, |db| {
    use app::i18n::{Locale, Part, table_json};
    use std::collections::HashMap;
    use std::io::Read;
    let app = server::router(server::testing::state(db.clone()));
    let (status, head, body) = fetch(&app, "/i18n/es.json", &[]).await;
    assert_eq!(status, 200);
    assert_eq!(head[header::CONTENT_TYPE], "application/json");
    let first: HashMap<String, String> = serde_json::from_slice(&body).unwrap();
    assert_eq!(first["auth.sign_in"], "Iniciar sesión");
    let (status, _, rest) = fetch(&app, "/i18n/es-rest.json", &[]).await;
    assert_eq!(status, 200);
    let rest: HashMap<String, String> = serde_json::from_slice(&rest).unwrap();
    assert_eq!(rest["settings.tab_rates"], "Tipos de cambio");
    assert!(!first.contains_key("settings.tab_rates") && !rest.contains_key("auth.sign_in"));
    let keys = |part| {
        serde_json::from_str::<HashMap<String, String>>(&table_json(Locale::En, part))
            .unwrap()
            .len()
    };
    assert_eq!(
        (first.len(), rest.len()),
        (keys(Part::First), keys(Part::Rest)),
        "both languages have every key"
    );

    let (status, head, gz) = fetch(&app, "/i18n/es.json", &[("accept-encoding", "gzip")]).await;
    assert_eq!(status, 200);
    assert_eq!(head[header::CONTENT_ENCODING], "gzip");
    let mut unzipped = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, body);

    let (status, head, br) = fetch(&app, "/i18n/es.json", &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(status, 200);
    assert_eq!(head[header::CONTENT_ENCODING], "br");
    assert!(
        br.len() < gz.len(),
        "brotli {} B, gzip {} B",
        br.len(),
        gz.len()
    );
    let mut unbrotlied = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut unbrotlied)
        .unwrap();
    assert_eq!(unbrotlied, body);

    let etag = head[header::ETAG].to_str().unwrap().to_string();
    let (status, _, body) = fetch(&app, "/i18n/es.json", &[("if-none-match", &etag)]).await;
    assert_eq!((status.as_u16(), body.len()), (304, 0));
    for other in ["/i18n/en.json", "/i18n/es-rest.json"] {
        let (_, other_head, _) = fetch(&app, other, &[]).await;
        assert_ne!(other_head[header::ETAG].to_str().unwrap(), etag, "{other}");
    }

    for path in [
        "/i18n/fr.json",
        "/i18n/es",
        "/i18n/es.json.gz",
        "/i18n/es-more.json",
        "/i18n/-rest.json",
        "/i18n/",
    ] {
        assert_eq!(fetch(&app, path, &[]).await.0, 404, "{path}");
    }
});

// The pages' stylesheet (style/pages.css), which cargo-leptos does not process: minified, with
// every selector of the file kept, compressed when accepted, a 304 while unchanged.
on_both!(pages_stylesheet_is_minified_whole, |db| {
    use std::io::Read;
    let app = server::router(server::testing::state(db.clone()));
    let url = app::ui::pages_style::URL;
    let (status, head, css) = fetch(&app, url, &[]).await;
    assert_eq!(status, 200);
    assert_eq!(head[header::CONTENT_TYPE], "text/css; charset=utf-8");
    let css = String::from_utf8(css).unwrap();
    let source = include_str!("../../../style/pages.css");
    assert!(
        css.len() * 10 < source.len() * 9 && !css.contains("/*"),
        "minified: {} B of {} B",
        css.len(),
        source.len()
    );
    let classes = |text: &str| -> std::collections::BTreeSet<String> {
        text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.'))
            .filter_map(|word| word.strip_prefix('.'))
            .filter(|class| class.starts_with(|c: char| c.is_ascii_alphabetic()))
            .map(|class| class.split('.').next().unwrap_or(class).to_string())
            .collect()
    };
    let uncommented: String = source
        .split("/*")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once("*/").map_or("", |(_, rest)| rest)
            }
        })
        .collect();
    assert_eq!(
        classes(&css),
        classes(&uncommented),
        "every class the file styles"
    );
    assert!(css.contains("@layer components{"), "{}", &css[..80]);

    let (_, head, gz) = fetch(&app, url, &[("accept-encoding", "gzip")]).await;
    assert_eq!(head[header::CONTENT_ENCODING], "gzip");
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_string(&mut unzipped)
        .unwrap();
    assert_eq!(unzipped, css);
    let (_, head, br) = fetch(&app, url, &[("accept-encoding", "gzip, br")]).await;
    assert_eq!(head[header::CONTENT_ENCODING], "br");
    let mut unbrotlied = String::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_string(&mut unbrotlied)
        .unwrap();
    assert_eq!(unbrotlied, css);
    let etag = head[header::ETAG].to_str().unwrap().to_string();
    let (status, _, body) = fetch(&app, url, &[("if-none-match", &etag)]).await;
    assert_eq!((status.as_u16(), body.len()), (304, 0));
});

/// Building a router lists the app's routes; before that was done once per process, a page render
/// meanwhile on another thread could park a resource forever (leptos-rs/leptos#4773) and the
/// response never ended. Each render here must finish while other routers are being built.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_render_while_other_routers_are_built() {
    let (db, url) = common::fresh_db_with_url(common::Backend::Sqlite).await;
    let trader = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    let mut c = Client::new(server::testing::state(db.clone()));
    c.cookie = Some(common::cookie_for(&db, &trader).await);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let builder = std::thread::spawn({
        let (stop, state) = (stop.clone(), server::testing::state(db.clone()));
        move || {
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                drop(server::router(state.clone()));
            }
        }
    });
    for i in 0..40 {
        let page = tokio::time::timeout(std::time::Duration::from_secs(20), c.get("/")).await;
        let page = page.unwrap_or_else(|_| panic!("render {i} never finished"));
        assert_eq!(page.status, 200);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    builder.join().unwrap();
    server::testing::discard(&url).await;
}

on_both!(health_metrics_and_exports, |db| {
    let mut c = Client::new(server::testing::state(db.clone()));
    let h = c.get("/healthz").await;
    assert_eq!(
        (h.status.as_u16(), h.json()["database"].as_str()),
        (200, Some("ok"))
    );
    c.get("/login").await;
    let m = c.get("/metrics").await;
    assert!(m.body.contains("http_requests_total"), "{}", m.body);
    assert!(m.body.contains("http_request_duration_seconds_bucket"));

    assert_eq!(c.get("/export/staff.csv").await.status, 401);
    let trader = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    c.cookie = Some(common::cookie_for(&db, &trader).await);
    assert_eq!(c.get("/export/staff.csv").await.status, 403);
    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    c.cookie = Some(common::cookie_for(&db, &admin).await);
    let csv = c
        .get("/export/clients.csv?sort=email&desc=false&q=t%40&filter=trader")
        .await;
    assert_eq!(csv.status, 200);
    assert!(
        csv.headers
            .get(header::CONTENT_DISPOSITION)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let lines: Vec<&str> = csv.body.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.body);
    assert!(lines[0].starts_with("id,kind,email") && lines[1].contains("t@example.com"));
    assert_eq!(c.get("/export/nothing.csv").await.status, 404);
});

// Staff open the KYC documents and receipts they review; the owner opens their own; anyone else
// is refused, and an anonymous caller gets 401 rather than a redirect to a sign-in page.
on_both!(uploaded_files_open_for_staff_and_their_owner_only, |db| {
    let state = server::testing::state(db.clone());
    let owner = make_user(&db, UserKind::Trader, "owner@example.com", None).await;
    let file = app::server::infra::uploads::store(
        &db,
        &state.config.upload_dir,
        owner.id,
        "kyc",
        "passport.pdf",
        b"%PDF-1.4 passport",
    )
    .await
    .unwrap();
    let path = format!("/files/{}", file.id);
    let mut c = Client::new(state);
    assert_eq!(c.get(&path).await.status, 401);

    let admin = make_user(
        &db,
        UserKind::Staff,
        "admin@example.com",
        Some("Administrator"),
    )
    .await;
    c.cookie = Some(common::cookie_for(&db, &admin).await);
    let seen = c.get(&path).await;
    assert_eq!(seen.status, 200, "{}", seen.body);
    assert_eq!(
        seen.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/pdf"
    );
    assert!(seen.body.starts_with("%PDF-1.4 passport"));

    c.cookie = Some(common::cookie_for(&db, &owner).await);
    assert_eq!(c.get(&path).await.status, 200);
    let other = make_user(&db, UserKind::Trader, "other@example.com", None).await;
    c.cookie = Some(common::cookie_for(&db, &other).await);
    assert_eq!(c.get(&path).await.status, 404);
});

/// The log lines written while `body` runs on this thread (the test's runtime is single-threaded).
async fn logged<F: std::future::Future>(body: F) -> (F::Output, String) {
    #[derive(Clone, Default)]
    struct Sink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(move || writer.clone())
        .finish();
    let out = {
        let _guard = tracing::subscriber::set_default(subscriber);
        body.await
    };
    let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    (out, text)
}

// A 500 tells the caller nothing of its cause, but the log does: the cause, the place in the
// code, and the id of the request that the response carries.
on_both!(an_internal_error_logs_its_cause_with_the_request_id, |db| {
    use app::server::entity::challenge;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let now = chrono::Utc::now();
    challenge::ActiveModel {
        name: Set("Broken".into()),
        status: Set("published".into()),
        published: Set(Some("{not json".into())),
        version: Set(1),
        position: Set(0),
        created_at: Set(now),
        updated_at: Set(now),
        published_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&db)
    .await
    .unwrap();
    let mut c = Client::new(server::testing::state(db.clone()));
    let trader = make_user(&db, UserKind::Trader, "t@example.com", None).await;
    c.cookie = Some(common::cookie_for(&db, &trader).await);

    let (r, log) = logged(c.call("/api/prop/challenges", "")).await;
    assert_eq!(r.status, 500);
    assert_eq!(r.error(), AppError::Internal);
    assert!(
        !r.body.contains("json"),
        "the cause stays out of the answer"
    );
    let id = r.headers.get("x-request-id").unwrap().to_str().unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("internal error"))
        .unwrap_or_else(|| panic!("no internal error logged:\n{log}"));
    assert!(line.contains(&format!("id={id}")), "{line}");
    assert!(
        line.contains("decoding a stored challenge definition: key must be a string"),
        "{line}"
    );
    assert!(line.contains("prop/challenges.rs:"), "{line}");

    // A proxy's plain id is kept; anything else is replaced.
    let req = |id: &str| {
        Request::get("/healthz")
            .header(header::HOST, "127.0.0.1:3000")
            .header("x-request-id", id)
            .body(Body::empty())
            .unwrap()
    };
    let kept = c.send(req("edge-42.a_b")).await;
    assert_eq!(kept.headers.get("x-request-id").unwrap(), "edge-42.a_b");
    let replaced = c.send(req("a b\"<script>")).await;
    let fresh = replaced
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap();
    assert_eq!(fresh.len(), 36, "a UUID: {fresh}");
});

async fn fetch(
    app: &axum::Router,
    path: &str,
    headers: &[(&str, &str)],
) -> (axum::http::StatusCode, axum::http::HeaderMap, Vec<u8>) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let mut req = Request::get(path).header(header::HOST, "127.0.0.1:3000");
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = app
        .clone()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let (status, head) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, head, bytes)
}

// The front end's files: the release build's brotli or gzip copy to a browser that takes it while
// that is newer than its file, else gzipped once and sent so to a browser that accepts gzip, whole to one
// that does not, a 304 while unchanged, compressed afresh once rebuilt, and nothing outside pkg/.
on_both!(front_end_files_are_compressed_and_revalidated, |db| {
    use std::io::Read;
    static RUN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let site = std::env::temp_dir().join(format!(
        "pd_site_{}_{}",
        std::process::id(),
        RUN.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    std::fs::write(site.join("secret.txt"), "not for the web").unwrap();
    let wasm: Vec<u8> = (0..100_000u32)
        .flat_map(|i| (i % 251).to_le_bytes())
        .collect();
    let file = site.join("pkg/propdesk.wasm");
    std::fs::write(&file, &wasm).unwrap();
    let mut state = server::testing::state(db.clone());
    state.leptos_options.site_root = site.to_string_lossy().into();
    let app = server::router(state);
    let gunzip = |b: &[u8]| {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(b)
            .read_to_end(&mut out)
            .unwrap();
        out
    };

    let gz = [("accept-encoding", "gzip, deflate, br")];
    let (status, head, body) = fetch(&app, "/pkg/propdesk.wasm", &gz).await;
    assert_eq!(status, 200);
    assert_eq!(head[header::CONTENT_ENCODING], "gzip");
    assert_eq!(head[header::CONTENT_TYPE], "application/wasm");
    assert_eq!(head[header::CACHE_CONTROL], "no-cache");
    assert!(body.len() < wasm.len() / 4, "{} bytes gzipped", body.len());
    assert_eq!(gunzip(&body), wasm);
    let etag = head[header::ETAG].to_str().unwrap().to_string();

    let (status, head, body) = fetch(&app, "/pkg/propdesk.wasm", &[]).await;
    assert_eq!((status.as_u16(), body == wasm), (200, true));
    assert!(head.get(header::CONTENT_ENCODING).is_none());

    let (status, _, body) = fetch(
        &app,
        "/pkg/propdesk.wasm",
        &[("accept-encoding", "gzip"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!((status.as_u16(), body.len()), (304, 0));

    // The copies `propdesk precompress` writes beside the file, sent as they are: brotli to a
    // browser that takes it, zopfli's gzip to one that takes only gzip.
    assert_eq!(
        server::precompress::run(&site.join("pkg"))
            .unwrap()
            .compressed,
        1
    );
    for (accept, coding, extension) in [("gzip, deflate, br", "br", "br"), ("gzip", "gzip", "gz")] {
        let (status, head, body) =
            fetch(&app, "/pkg/propdesk.wasm", &[("accept-encoding", accept)]).await;
        assert_eq!(status, 200);
        assert_eq!(head[header::CONTENT_ENCODING], coding);
        assert_eq!(head[header::CONTENT_TYPE], "application/wasm");
        assert_eq!(head[header::ETAG].to_str().unwrap(), etag);
        let copy = std::fs::read(site.join(format!("pkg/propdesk.wasm.{extension}"))).unwrap();
        assert_eq!(body, copy, "{coding}");
        let mut decoded = Vec::new();
        if coding == "br" {
            brotli::Decompressor::new(&body[..], 4096)
                .read_to_end(&mut decoded)
                .unwrap();
        } else {
            decoded = gunzip(&body);
        }
        assert_eq!(decoded, wasm, "{coding}");
    }

    // A rebuild: another length and time, so neither the old gzip nor the older copies are sent.
    let rebuilt: Vec<u8> = wasm.iter().rev().copied().chain([7, 7, 7]).collect();
    std::fs::write(&file, &rebuilt).unwrap();
    let built = std::fs::metadata(&file).unwrap().modified().unwrap();
    for extension in ["br", "gz"] {
        std::fs::File::options()
            .write(true)
            .open(site.join(format!("pkg/propdesk.wasm.{extension}")))
            .unwrap()
            .set_modified(built - std::time::Duration::from_secs(60))
            .unwrap();
    }
    let (_, head, body) = fetch(&app, "/pkg/propdesk.wasm", &gz).await;
    assert_eq!(head[header::CONTENT_ENCODING], "gzip");
    assert_eq!(gunzip(&body), rebuilt);
    let (status, head, body) = fetch(
        &app,
        "/pkg/propdesk.wasm",
        &[("accept-encoding", "gzip"), ("if-none-match", &etag)],
    )
    .await;
    assert_eq!(status, 200);
    assert_ne!(head[header::ETAG].to_str().unwrap(), etag);
    assert_eq!(gunzip(&body), rebuilt);

    for path in [
        "/pkg/missing.js",
        "/pkg/.hidden",
        "/pkg/..%2Fsecret.txt",
        "/pkg/",
    ] {
        let (status, _, body) = fetch(&app, path, &gz).await;
        assert_eq!(status, 404, "{path}");
        assert!(
            !String::from_utf8_lossy(&body).contains("not for the web"),
            "{path}"
        );
    }
    std::fs::remove_dir_all(&site).ok();
});
