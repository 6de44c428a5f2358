//! The local web page (`verbatim serve`): search with the CLI's query syntax and filters, a
//! recording's transcript that follows its audio, the claims table with the CLI's CSV and JSON
//! downloads, and the timeline chart. Read-only over the store, the index and the exports.
//!
//! Routes, all `GET` (and `HEAD`): `/` search, `/recording/<sha256>` transcript and player,
//! `/audio/<sha256>` the source audio (range requests), `/claims`, `/claims.csv`,
//! `/claims.json`, `/timeline`, `/assets/app.js`, `/assets/app.css`. Anything else is 404.
//!
//! Safety: audio is served only for recordings the manifest names, found by their full
//! SHA-256; no part of a request ever becomes a file path. Every response carries a
//! Content-Security-Policy without inline script, and `nosniff`. When bound to a loopback
//! address, requests whose `Host` is not a loopback name are refused (DNS rebinding: a web
//! site that points its name at 127.0.0.1 must not read the store).

mod pages;

use std::collections::HashSet;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tower_http::services::ServeFile;

use crate::claims::Rules;
use crate::error::{Error, Result};
use crate::export::claims as claims_export;
use crate::model::{parse_iso_date, Recording, SourceKind};
use crate::search::SearchIndex;
use crate::select::{self, Filter, Selection};
use crate::store::Store;

/// The address `verbatim serve` listens on unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7878";

/// The most hits one search shows.
pub const MAX_LIMIT: usize = 1000;

const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// Scripts and styles from this server only, no inline script or style, media and
/// connections to this server only, no framing.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
                   media-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; \
                   frame-ancestors 'none'";

/// What every request reads.
struct AppState {
    store_root: PathBuf,
    rules: Rules,
    /// Bound to a loopback address: only loopback host names are served.
    loopback: bool,
}

type Shared = Arc<AppState>;

/// A bound, not yet running, server.
pub struct Server {
    listener: TcpListener,
    addr: SocketAddr,
    state: Shared,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port) to serve the store at `store_root` with `rules`
    /// (the rules in force: their kinds fill the menus, their colours the timeline). Indexes
    /// any stored recording the index lacks first, as `verbatim search` does.
    pub fn bind(addr: SocketAddr, store_root: &FsPath, rules: Rules) -> Result<Server> {
        let store = Store::open(store_root)?;
        SearchIndex::open(store_root)?.sync(&store)?;
        let listener = TcpListener::bind(addr).map_err(|source| Error::Listen { addr, source })?;
        let listen = |source| Error::Listen { addr, source };
        listener.set_nonblocking(true).map_err(listen)?;
        let bound = listener.local_addr().map_err(listen)?;
        Ok(Server {
            listener,
            addr: bound,
            state: Arc::new(AppState {
                store_root: store_root.to_path_buf(),
                rules,
                loopback: addr.ip().is_loopback(),
            }),
        })
    }

    /// The address actually bound (with the port the system chose for port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process ends.
    pub fn run(self) -> Result<()> {
        let addr = self.addr;
        let listen = |source| Error::Listen { addr, source };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(listen)?;
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener).map_err(listen)?;
            axum::serve(listener, router(self.state))
                .await
                .map_err(listen)
        })
    }
}

fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(search))
        .route("/recording/{sha256}", get(recording))
        .route("/audio/{sha256}", get(audio))
        .route("/claims", get(claims))
        .route("/claims.csv", get(claims_csv))
        .route("/claims.json", get(claims_json))
        .route("/timeline", get(timeline))
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Refuses foreign host names on a loopback server; adds the security headers to every
/// response.
async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let mut response = if state.loopback && !loopback_host(request.headers()) {
        page(
            StatusCode::FORBIDDEN,
            pages::error("This server answers only to localhost, 127.0.0.1 and [::1]."),
        )
    } else {
        next.run(request).await
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// True when the request names a loopback host (or, like HTTP/1.0, none).
fn loopback_host(headers: &HeaderMap) -> bool {
    let Some(host) = headers.get(header::HOST) else {
        return true;
    };
    let Ok(host) = host.to_str() else {
        return false;
    };
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The query string of the search, claims and timeline pages (every field optional; empty
/// means not given, as a submitted form sends it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Params {
    /// The search query.
    pub q: String,
    /// Claim kind.
    pub kind: String,
    /// Speaker label.
    pub speaker: String,
    /// Recording: SHA-256, hash prefix, name or stem.
    pub recording: String,
    /// First day, `YYYY-MM-DD`.
    pub from: String,
    /// Last day, `YYYY-MM-DD`.
    pub to: String,
    /// `relevance` or `date`.
    pub sort: String,
    /// At most this many hits.
    pub limit: String,
}

impl Params {
    /// The library filter these fields describe; a malformed date is refused.
    fn filter(&self) -> Result<Filter> {
        let given = |text: &str| {
            let text = text.trim();
            (!text.is_empty()).then(|| text.to_string())
        };
        let date = |text: &str, name: &str| -> Result<_> {
            given(text)
                .map(|d| {
                    parse_iso_date(&d).ok_or_else(|| {
                        Error::Invalid(format!("{name} date {d:?} is not YYYY-MM-DD"))
                    })
                })
                .transpose()
        };
        Ok(Filter {
            kind: given(&self.kind),
            speaker: given(&self.speaker),
            recording: given(&self.recording),
            from: date(&self.from, "from")?,
            to: date(&self.to, "to")?,
        })
    }

    /// The filter fields as a URL query string (for the download links).
    pub fn filter_query(&self) -> String {
        [
            ("kind", &self.kind),
            ("speaker", &self.speaker),
            ("recording", &self.recording),
            ("from", &self.from),
            ("to", &self.to),
        ]
        .iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .map(|(name, value)| format!("{name}={}", url_encode(value)))
        .collect::<Vec<_>>()
        .join("&")
    }
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

/// An HTML response.
fn page(status: StatusCode, html: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        html,
    )
        .into_response()
}

/// The status a library error deserves: the request's fault, or the store's.
fn status_of(error: &Error) -> StatusCode {
    match error {
        Error::Invalid(_) | Error::UnknownRecording(_) | Error::AmbiguousRecording { .. } => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn error_page(error: &Error) -> Response {
    page(status_of(error), pages::error(&error.to_string()))
}

/// Runs store and index work off the async threads; a panic becomes a 500 page, never a
/// dropped connection.
async fn blocking(work: impl FnOnce() -> Response + Send + 'static) -> Response {
    tokio::task::spawn_blocking(work).await.unwrap_or_else(|_| {
        page(
            StatusCode::INTERNAL_SERVER_ERROR,
            pages::error("internal error"),
        )
    })
}

fn params(query: std::result::Result<Query<Params>, QueryRejection>) -> Result<Params> {
    query
        .map(|Query(params)| params)
        .map_err(|e| Error::Invalid(format!("bad query string: {e}")))
}

async fn not_found() -> Response {
    page(StatusCode::NOT_FOUND, pages::error("Not found."))
}

async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

async fn app_css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        text,
    )
        .into_response()
}

/// True when `text` is a whole SHA-256 in lower-case hex, the only form a route accepts.
fn is_sha256(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The source audio of a stored recording, if it can be played: transcribed audio whose file
/// is still where it was ingested, with the recorded size. Nothing from a request reaches the
/// file system: the path is the manifest's.
fn audio_path(recording: &Recording) -> Option<PathBuf> {
    if recording.source != SourceKind::Audio {
        return None;
    }
    let path = PathBuf::from(&recording.source_path);
    let metadata = std::fs::metadata(&path).ok()?;
    (metadata.is_file() && metadata.len() == recording.size_bytes).then_some(path)
}

/// The recordings whose audio can be played, by SHA-256.
fn playable(store: &Store) -> HashSet<&str> {
    store
        .recordings()
        .iter()
        .filter(|r| audio_path(r).is_some())
        .map(|r| r.sha256.as_str())
        .collect()
}

async fn search(
    State(state): State<Shared>,
    query: std::result::Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(move || {
        let params = match params(query) {
            Ok(params) => params,
            Err(e) => return error_page(&e),
        };
        let store = match Store::open(&state.store_root) {
            Ok(store) => store,
            Err(e) => return error_page(&e),
        };
        let choices = pages::Choices {
            rules: &state.rules,
            recordings: store.recordings(),
        };
        let (status, outcome) = if params.q.trim().is_empty() {
            (StatusCode::OK, pages::SearchOutcome::Empty)
        } else {
            match run_search(&state, &store, &params) {
                Ok(hits) => (StatusCode::OK, pages::SearchOutcome::Hits(hits)),
                Err(e) => (status_of(&e), pages::SearchOutcome::Refused(e.to_string())),
            }
        };
        page(status, pages::search(&params, &choices, &outcome))
    })
    .await
}

/// The search `verbatim search` runs for the same query, filters, sort and limit.
fn run_search(state: &AppState, store: &Store, params: &Params) -> Result<Vec<crate::search::Hit>> {
    let by_date = match params.sort.as_str() {
        "" | "relevance" => false,
        "date" => true,
        other => {
            return Err(Error::Invalid(format!(
                "unknown sort {other:?} (relevance, date)"
            )))
        }
    };
    let limit = match params.limit.trim() {
        "" => 20,
        text => text
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "limit {text:?} is not a number from 1 to {MAX_LIMIT}"
                ))
            })?,
    };
    let query = params
        .filter()?
        .search_query(store, &params.q, limit, by_date)?;
    let index = SearchIndex::open(&state.store_root)?;
    index.sync(store)?;
    index.search(&query)
}

async fn recording(
    State(state): State<Shared>,
    sha256: std::result::Result<Path<String>, PathRejection>,
) -> Response {
    let Ok(Path(sha256)) = sha256 else {
        return not_found().await;
    };
    if !is_sha256(&sha256) {
        return not_found().await;
    }
    blocking(move || {
        let store = match Store::open(&state.store_root) {
            Ok(store) => store,
            Err(e) => return error_page(&e),
        };
        let Some(recording) = store.find_by_sha256(&sha256) else {
            return page(
                StatusCode::NOT_FOUND,
                pages::error("No such recording in the store."),
            );
        };
        match store.transcript(recording) {
            Ok(transcript) => page(
                StatusCode::OK,
                pages::recording(recording, &transcript, audio_path(recording).is_some()),
            ),
            Err(e) => error_page(&e),
        }
    })
    .await
}

async fn audio(
    State(state): State<Shared>,
    sha256: std::result::Result<Path<String>, PathRejection>,
    request: Request,
) -> Response {
    let Ok(Path(sha256)) = sha256 else {
        return not_found().await;
    };
    if !is_sha256(&sha256) {
        return not_found().await;
    }
    let path = tokio::task::spawn_blocking(move || {
        let store = Store::open(&state.store_root).ok()?;
        audio_path(store.find_by_sha256(&sha256)?)
    })
    .await
    .ok()
    .flatten();
    let Some(path) = path else {
        return not_found().await;
    };
    match ServeFile::new(path)
        .ignore_multi_range_requests(true)
        .try_call(request)
        .await
    {
        Ok(response) => response.map(Body::new),
        Err(_) => not_found().await,
    }
}

/// The claims the page's filters select, or the reason they cannot be.
fn select_claims(state: &AppState, store: &Store, params: &Params) -> Result<Selection> {
    select::claims(store, &state.rules, &params.filter()?)
}

/// The claims or timeline page.
fn claims_view(
    state: &AppState,
    query: std::result::Result<Query<Params>, QueryRejection>,
    render: fn(&Params, &pages::Choices, pages::Selected, &HashSet<&str>) -> String,
) -> Response {
    let params = match params(query) {
        Ok(params) => params,
        Err(e) => return error_page(&e),
    };
    let store = match Store::open(&state.store_root) {
        Ok(store) => store,
        Err(e) => return error_page(&e),
    };
    let choices = pages::Choices {
        rules: &state.rules,
        recordings: store.recordings(),
    };
    let audio = playable(&store);
    match select_claims(state, &store, &params) {
        Ok(selection) => page(
            StatusCode::OK,
            render(&params, &choices, Ok(&selection), &audio),
        ),
        Err(e) => page(
            status_of(&e),
            render(&params, &choices, Err(e.to_string()), &audio),
        ),
    }
}

async fn claims(
    State(state): State<Shared>,
    query: std::result::Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(move || claims_view(&state, query, pages::claims)).await
}

async fn timeline(
    State(state): State<Shared>,
    query: std::result::Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(move || claims_view(&state, query, pages::timeline)).await
}

/// A download of the selected claims in one of the CLI's export formats.
fn claims_download(
    state: &AppState,
    query: std::result::Result<Query<Params>, QueryRejection>,
    content_type: &'static str,
    disposition: &'static str,
    render: fn(&[crate::claims::Claim]) -> Result<String>,
) -> Response {
    let selection = params(query).and_then(|params| {
        let store = Store::open(&state.store_root)?;
        select_claims(state, &store, &params)
    });
    match selection.and_then(|selection| render(&selection.claims)) {
        Ok(text) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            text,
        )
            .into_response(),
        Err(e) => (
            status_of(&e),
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{e}\n"),
        )
            .into_response(),
    }
}

async fn claims_csv(
    State(state): State<Shared>,
    query: std::result::Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(move || {
        claims_download(
            &state,
            query,
            "text/csv; charset=utf-8",
            "attachment; filename=\"claims.csv\"",
            claims_export::csv,
        )
    })
    .await
}

async fn claims_json(
    State(state): State<Shared>,
    query: std::result::Result<Query<Params>, QueryRejection>,
) -> Response {
    blocking(move || {
        claims_download(
            &state,
            query,
            "application/json",
            "attachment; filename=\"claims.json\"",
            |claims| Ok(claims_export::json(claims)),
        )
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_host_names_pass_on_a_loopback_server() {
        let host = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(value).unwrap());
            loopback_host(&headers)
        };
        assert!(host("127.0.0.1:7878"));
        assert!(host("localhost:7878"));
        assert!(host("LOCALHOST"));
        assert!(host("[::1]:7878"));
        assert!(host("127.0.0.2"));
        assert!(!host("evil.example:7878"));
        assert!(!host("localhost.evil.example"));
        assert!(!host("192.168.1.4:7878"));
        assert!(loopback_host(&HeaderMap::new()));
    }

    #[test]
    fn only_whole_lower_case_hashes_name_a_recording() {
        assert!(is_sha256(&"0a".repeat(32)));
        assert!(!is_sha256(&"0A".repeat(32)));
        assert!(!is_sha256("../../etc/passwd"));
        assert!(!is_sha256(&"0a".repeat(31)));
    }

    #[test]
    fn filters_become_a_query_string_and_bad_dates_are_refused() {
        let params = Params {
            kind: "access".into(),
            speaker: "Security Lead & co".into(),
            from: "2021-09-01".into(),
            ..Params::default()
        };
        assert_eq!(
            params.filter_query(),
            "kind=access&speaker=Security+Lead+%26+co&from=2021-09-01"
        );
        let filter = params.filter().unwrap();
        assert_eq!(filter.from, Some(time::macros::date!(2021 - 09 - 01)));
        assert_eq!(filter.to, None);
        let bad = Params {
            to: "31/12/2021".into(),
            ..Params::default()
        };
        assert!(bad.filter().unwrap_err().to_string().contains("to date"));
    }
}
