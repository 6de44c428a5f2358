//! The local web page (`verbatim serve`): search with the CLI's query syntax and filters, a
//! recording's transcript that follows its audio, the claims table with the CLI's CSV and JSON
//! downloads, the timeline chart, and the speakers with a form to name each. Read-only over the
//! store, the index and the exports, except for speaker names.
//!
//! Routes, `GET` (and `HEAD`): `/` search, `/recording/<sha256>` transcript and player,
//! `/audio/<sha256>` the source audio (range requests), `/claims`, `/claims.csv`,
//! `/claims.json`, `/timeline`, `/speakers`, `/assets/app.js`, `/assets/app.css`. The one
//! `POST`: `/speakers/<id>` names a speaker (`pipeline::rename_speaker`, as `verbatim speakers
//! rename`) and answers 303 back to the page the form was on. Anything else is 404 or 405.
//!
//! Safety: audio is served only for recordings the manifest names, found by their full
//! SHA-256; no part of a request ever becomes a file path. Every response carries a
//! Content-Security-Policy without inline script, and `nosniff`. When bound to a loopback
//! address, requests whose `Host` is not a loopback name are refused, and off loopback any
//! `Host` that is a name rather than an IP address (DNS rebinding: a web site that points its
//! name at this machine must not read the store). A rename must come from
//! this server's own pages (its `Origin` is `http://` and the `Host` it was sent to), since any
//! web site may post a form to 127.0.0.1; its body is a small url-encoded form, and the name
//! is validated by the library.

mod pages;

use std::collections::HashSet;
use std::net::{SocketAddr, TcpListener};
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::rejection::{FormRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tower_http::services::ServeFile;

use crate::claims::Rules;
use crate::error::{Error, Result};
use crate::export::claims as claims_export;
use crate::export::csv::Cells;
use crate::model::{parse_iso_date, Recording, SourceKind};
use crate::pipeline::rename_speaker;
use crate::search::meaning::MeaningIndex;
use crate::search::SearchIndex;
use crate::select::{self, Filter, Selection, StoredClaims};
use crate::speakers::registry::Registry;
use crate::store::Store;

/// The address `verbatim serve` listens on unless told otherwise.
pub const DEFAULT_ADDR: &str = "127.0.0.1:7878";

/// The most hits one search shows.
pub const MAX_LIMIT: usize = 1000;

/// The largest rename form accepted (a name is at most 80 characters, 960 bytes encoded).
pub const MAX_FORM_BYTES: usize = 4096;

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
    /// One index for the server's life; its reader reloads when the store changes.
    index: SearchIndex,
    /// The store as last read, kept until its files change.
    snapshot: Mutex<Option<Arc<Snapshot>>>,
}

/// The store's manifest and claims as the pages read them, kept between requests and read
/// again only when a file that holds them changes (another process ingested, imported,
/// renamed a speaker, rescanned claims or verified sources).
struct Snapshot {
    key: ChangeKey,
    store: Store,
    /// Every claim, read on the first request that needs them.
    claims: Mutex<Option<Arc<StoredClaims>>>,
}

/// The change time and length of each file and folder whose change means the store changed:
/// the manifest, the claims folder (claim files are replaced by rename, which touches it), the
/// last verification, and the index's `meta.json` (written on every commit).
#[derive(Debug, Clone, PartialEq, Eq)]
struct ChangeKey(Vec<Option<(std::time::SystemTime, u64)>>);

impl ChangeKey {
    fn read(root: &FsPath) -> ChangeKey {
        let paths = [
            root.join(crate::store::MANIFEST_FILE),
            root.join(crate::claims::CLAIMS_DIR),
            root.join(crate::verify::VERIFY_FILE),
            root.join(crate::search::INDEX_DIR).join("meta.json"),
            // every journaled write (reviews, second listens) rewrites it
            root.join("journal.head.json"),
        ];
        ChangeKey(
            paths
                .iter()
                .map(|p| {
                    let meta = std::fs::metadata(p).ok()?;
                    Some((meta.modified().ok()?, meta.len()))
                })
                .collect(),
        )
    }
}

impl AppState {
    /// The store as it is now: the kept snapshot while nothing changed, else read again (and
    /// the index reader reloaded).
    fn snapshot(&self) -> Result<Arc<Snapshot>> {
        let key = ChangeKey::read(&self.store_root);
        let mut kept = self.snapshot.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(snapshot) = kept.as_ref().filter(|s| s.key == key) {
            return Ok(Arc::clone(snapshot));
        }
        let store = Store::open(&self.store_root)?;
        self.index.refresh()?;
        let snapshot = Arc::new(Snapshot {
            key,
            store,
            claims: Mutex::new(None),
        });
        *kept = Some(Arc::clone(&snapshot));
        Ok(snapshot)
    }
}

impl Snapshot {
    /// Every stored claim; a recording whose claims are missing is extracted for the answer
    /// and never written (the server only reads).
    fn claims(&self, rules: &Rules) -> Result<Arc<StoredClaims>> {
        let mut kept = self.claims.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(claims) = kept.as_ref() {
            return Ok(Arc::clone(claims));
        }
        let claims = Arc::new(select::stored_claims(
            &self.store,
            rules,
            |_| true,
            select::Missing::ExtractOnly,
        )?);
        *kept = Some(Arc::clone(&claims));
        Ok(claims)
    }
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
    /// (the rules in force: their kinds fill the menus, their colours the timeline). First
    /// mends what a crash left (`pipeline::sync`: unfinished speaker changes, missing claims,
    /// recordings the index lacks), as the other commands do.
    pub fn bind(addr: SocketAddr, store_root: &FsPath, rules: Rules) -> Result<Server> {
        let store = Store::open(store_root)?;
        crate::pipeline::sync(&store, &rules)?;
        let listener = TcpListener::bind(addr).map_err(|source| Error::Listen { addr, source })?;
        let listen = |source| Error::Listen { addr, source };
        listener.set_nonblocking(true).map_err(listen)?;
        let bound = listener.local_addr().map_err(listen)?;
        let state = Arc::new(AppState {
            store_root: store_root.to_path_buf(),
            rules,
            loopback: addr.ip().is_loopback(),
            index: SearchIndex::open(store_root)?,
            snapshot: Mutex::new(None),
        });
        // read the claims now, so the first claims page does not wait for them
        state.snapshot()?.claims(&state.rules)?;
        Ok(Server {
            listener,
            addr: bound,
            state,
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
        .route("/speakers", get(speakers))
        .route("/quote", get(quote_page))
        .route(
            "/speakers/{id}",
            post(rename).layer(DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route(
            "/claims/{id}/review",
            post(review_claim).layer(DefaultBodyLimit::max(MAX_FORM_BYTES)),
        )
        .route("/assets/app.js", get(app_js))
        .route("/assets/app.css", get(app_css))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Refuses foreign host names on a loopback server; adds the security headers to every
/// response.
async fn guard(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let mut response = if !allowed_host(request.headers(), state.loopback) {
        page(
            StatusCode::FORBIDDEN,
            pages::error(if state.loopback {
                "This server answers only to localhost, 127.0.0.1 and [::1]."
            } else {
                "This server answers only to its IP address or localhost, not to a host name \
                 (a web site can point its own name at this machine)."
            }),
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
    // Not `no-referrer`: under it a browser sends `Origin: null` with the page's own form
    // posts, and the rename route needs the real origin. Other sites still get no referrer.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}

/// True when the request's `Host` (none, as in HTTP/1.0, passes) is `localhost` or an IP
/// address: a loopback one on a loopback server. A host name is refused either way, since a
/// web site can point its own name at this machine (DNS rebinding) and then read the store
/// from the user's browser; the IP address of a server bound off loopback still works.
fn allowed_host(headers: &HeaderMap, loopback: bool) -> bool {
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
            .is_ok_and(|ip| ip.is_loopback() || !loopback)
}

/// True when a request comes from this server's own pages: its `Origin` is `http://` and the
/// `Host` it was sent to. A form another site posts to this server carries that site's origin
/// (or `null`), and a request without `Origin` is not a browser's form post, so both are
/// refused.
fn same_origin(headers: &HeaderMap) -> bool {
    let (Some(origin), Some(host)) = (headers.get(header::ORIGIN), headers.get(header::HOST))
    else {
        return false;
    };
    let (Ok(origin), Ok(host)) = (origin.to_str(), host.to_str()) else {
        return false;
    };
    !host.is_empty()
        && origin
            .strip_prefix("http://")
            .is_some_and(|authority| authority.eq_ignore_ascii_case(host))
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
    /// Non-empty: rank by meaning (the sentence model) instead of by words.
    pub meaning: String,
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
                    parse_iso_date(&d)
                        .ok_or_else(|| Error::Usage(format!("{name} date {d:?} is not YYYY-MM-DD")))
                })
                .transpose()
        };
        Ok(Filter {
            kind: given(&self.kind),
            speaker: given(&self.speaker),
            recording: given(&self.recording),
            from: date(&self.from, "from")?,
            to: date(&self.to, "to")?,
            min_score: None,
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
        .into_iter()
        .filter(|(_, value)| !value.trim().is_empty())
        .fold(
            form_urlencoded::Serializer::new(String::new()),
            |mut query, (name, value)| {
                query.append_pair(name, value);
                query
            },
        )
        .finish()
    }
}

/// The rename form: the new name, and the page to return to. Other fields are ignored; a field
/// given twice is refused.
#[derive(Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
struct RenameForm {
    name: String,
    back: String,
}

/// Where a rename returns to: the recording page it was sent from, else the speakers page.
/// Nothing else (another site, `//host`, a path this server does not serve) is followed.
fn back_path(back: &str) -> String {
    match back.strip_prefix("/recording/") {
        Some(sha256) if is_sha256(sha256) => back.to_string(),
        _ => "/speakers".to_string(),
    }
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
        Error::Usage(_) | Error::UnknownRecording(_) | Error::AmbiguousRecording { .. } => {
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
        .map_err(|e| Error::Usage(format!("bad query string: {e}")))
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

/// True when `text` is a speaker id as the registry writes it: `S` and a number.
fn is_speaker_id(text: &str) -> bool {
    text.strip_prefix('S').is_some_and(|number| {
        (1..=9).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit())
    })
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
        let snapshot = match state.snapshot() {
            Ok(snapshot) => snapshot,
            Err(e) => return error_page(&e),
        };
        let store = &snapshot.store;
        let choices = pages::Choices {
            rules: &state.rules,
            recordings: store.recordings(),
        };
        let (status, outcome) = if params.q.trim().is_empty() {
            (StatusCode::OK, pages::SearchOutcome::Empty)
        } else {
            match run_search(&state, store, &params) {
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
            return Err(Error::Usage(format!(
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
                Error::Usage(format!(
                    "limit {text:?} is not a number from 1 to {MAX_LIMIT}"
                ))
            })?,
    };
    let query = params
        .filter()?
        .search_query(store, &params.q, limit, by_date)?;
    if !params.meaning.is_empty() {
        // read-only: `bind` embedded what was missing, and ingest embeds what it stores
        let Some(model) = &state.rules.meaning else {
            return Err(Error::Usage(
                "search by meaning needs the sentence model: run `verbatim models fetch \
                 minilm`, then restart `verbatim serve`"
                    .into(),
            ));
        };
        let encoder = model.encoder()?;
        let mut hits = MeaningIndex::load(store, &query)?.search(store, &encoder, &query)?;
        if by_date {
            crate::search::sort_by_date(&mut hits);
        }
        return Ok(hits);
    }
    // read-only: `bind` indexed what was missing, and ingest indexes what it stores
    state.index.search(&query)
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
        let snapshot = match state.snapshot() {
            Ok(snapshot) => snapshot,
            Err(e) => return error_page(&e),
        };
        let store = &snapshot.store;
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
        let snapshot = state.snapshot().ok()?;
        audio_path(snapshot.store.find_by_sha256(&sha256)?)
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

/// Every speaker in the store, with a form to name each.
async fn speakers(State(state): State<Shared>) -> Response {
    blocking(move || {
        let listed = Store::open(&state.store_root).and_then(|store| {
            let registry = Registry::load(store.root())?;
            Ok((store, registry))
        });
        let (store, registry) = match listed {
            Ok(listed) => listed,
            Err(e) => return error_page(&e),
        };
        let rows: Vec<pages::SpeakerRow> = registry
            .speakers
            .iter()
            .map(|speaker| pages::SpeakerRow {
                id: &speaker.id,
                name: speaker.name.as_deref(),
                speech_ms: speaker.speech_ms(),
                recordings: speaker
                    .recordings()
                    .into_iter()
                    .filter_map(|sha256| store.find_by_sha256(sha256))
                    .collect(),
            })
            .collect();
        page(StatusCode::OK, pages::speakers(&rows))
    })
    .await
}

/// `POST /speakers/<id>`: names a speaker, as `verbatim speakers rename` does, and sends the
/// browser back (303) to the page the form was on. Refused: another origin (403), an unknown
/// id (404), a body that is not a url-encoded form (415) or is too large (413), an invalid
/// name (400, with the library's reason; nothing is changed).
async fn rename(
    State(state): State<Shared>,
    id: std::result::Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    form: std::result::Result<Form<RenameForm>, FormRejection>,
) -> Response {
    if !same_origin(&headers) {
        return page(
            StatusCode::FORBIDDEN,
            pages::error(
                "Speakers are named only from this server's own pages (the request's Origin \
                 is missing or another site's).",
            ),
        );
    }
    let id = match id {
        Ok(Path(id)) if is_speaker_id(&id) => id,
        _ => return not_found().await,
    };
    let form = match read_form(form) {
        Ok(form) => form,
        Err((status, message)) => return page(status, pages::error(&message)),
    };
    let back = back_path(&form.back);
    blocking(move || {
        let store = match Store::open(&state.store_root) {
            Ok(store) => store,
            Err(e) => return error_page(&e),
        };
        // Ids are never removed (a merged id resolves to the speaker it joined), so a known id
        // stays known until the rename below runs under the speakers lock.
        match Registry::load(store.root()) {
            Ok(registry) if registry.get(&id).is_some() => {}
            Ok(_) => {
                return page(
                    StatusCode::NOT_FOUND,
                    pages::error(&format!("No speaker {id} in the store.")),
                )
            }
            Err(e) => return error_page(&e),
        }
        match rename_speaker(&store, &state.rules, &id, &form.name) {
            Ok(renamed) => Redirect::to(&format!("{back}#speaker-{}", renamed.id)).into_response(),
            Err(e) => page(
                status_of(&e),
                pages::refused("Name refused", &e.to_string(), &back),
            ),
        }
    })
    .await
}

/// A posted form, or the status and message that say why it cannot be read.
fn read_form<T>(
    form: std::result::Result<Form<T>, FormRejection>,
) -> std::result::Result<T, (StatusCode, String)> {
    match form {
        Ok(Form(form)) => Ok(form),
        Err(rejection) => {
            let status = rejection.status();
            let message = match &rejection {
                FormRejection::InvalidFormContentType(_) => {
                    "A form is sent as application/x-www-form-urlencoded.".to_string()
                }
                _ if status == StatusCode::PAYLOAD_TOO_LARGE => {
                    format!("The form is larger than {MAX_FORM_BYTES} bytes.")
                }
                _ => format!("The form could not be read: {}", rejection.body_text()),
            };
            // a form that is not one (a field twice) is the request's fault, as a bad name is
            let status = if status.is_client_error()
                && status != StatusCode::PAYLOAD_TOO_LARGE
                && status != StatusCode::UNSUPPORTED_MEDIA_TYPE
            {
                StatusCode::BAD_REQUEST
            } else {
                status
            };
            Err((status, message))
        }
    }
}

/// The review form of the claims page.
#[derive(Debug, serde::Deserialize)]
struct ReviewForm {
    status: String,
    by: String,
    #[serde(default)]
    note: String,
}

/// Appends a review of claim `id` to the review log, as `verbatim review` does, and returns to
/// the claim's row on the claims page.
async fn review_claim(
    State(state): State<Shared>,
    id: std::result::Result<Path<String>, PathRejection>,
    headers: HeaderMap,
    form: std::result::Result<Form<ReviewForm>, FormRejection>,
) -> Response {
    if !same_origin(&headers) {
        return page(
            StatusCode::FORBIDDEN,
            pages::error(
                "Claims are reviewed only from this server's own pages (the request's Origin \
                 is missing or another site's).",
            ),
        );
    }
    let id = match id {
        Ok(Path(id)) if is_claim_id(&id) => id,
        _ => return not_found().await,
    };
    let form = match read_form(form) {
        Ok(form) => form,
        Err((status, message)) => return page(status, pages::error(&message)),
    };
    blocking(move || {
        let refused = |message: &str| {
            page(
                StatusCode::BAD_REQUEST,
                pages::refused("Review refused", message, "/claims"),
            )
        };
        let status: crate::review::Verdict = match form.status.parse() {
            Ok(status) => status,
            Err(message) => return refused(&message),
        };
        if form.by.trim().is_empty() {
            return refused("Say who reviewed: the reviewer's name is empty.");
        }
        let snapshot = match state.snapshot() {
            Ok(snapshot) => snapshot,
            Err(e) => return error_page(&e),
        };
        let claims = match snapshot.claims(&state.rules) {
            Ok(claims) => claims,
            Err(e) => return error_page(&e),
        };
        let Some(claim) = claims.claims.iter().find(|c| c.id == id) else {
            return page(
                StatusCode::NOT_FOUND,
                pages::error(&format!("No claim {id} in the store.")),
            );
        };
        match crate::review::append(&snapshot.store, claim, status, form.by.trim(), &form.note) {
            Ok(_) => Redirect::to(&format!("/claims#{id}")).into_response(),
            Err(e) => error_page(&e),
        }
    })
    .await
}

/// The query of the "check a quote" page.
#[derive(Debug, Default, serde::Deserialize)]
struct QuoteParams {
    #[serde(default)]
    q: String,
}

/// The "check a quote" page: the quote aligned against every stored transcript, as
/// `verbatim quote` does.
async fn quote_page(
    State(state): State<Shared>,
    query: std::result::Result<Query<QuoteParams>, QueryRejection>,
) -> Response {
    blocking(move || {
        let Ok(Query(QuoteParams { q })) = query else {
            return page(
                StatusCode::BAD_REQUEST,
                pages::error("The quote could not be read from the address."),
            );
        };
        if q.trim().is_empty() {
            return page(StatusCode::OK, pages::quote("", None));
        }
        let count = crate::quote::words(&q).len();
        let refuse = |message: String| {
            page(
                StatusCode::BAD_REQUEST,
                pages::quote(&q, Some(Err(message))),
            )
        };
        if count == 0 {
            return refuse("The quote has no words to look for.".into());
        }
        if count > crate::quote::MAX_QUOTE_WORDS {
            return refuse(format!(
                "The quote has {count} words; at most {} are checked at once: split it.",
                crate::quote::MAX_QUOTE_WORDS
            ));
        }
        let snapshot = match state.snapshot() {
            Ok(snapshot) => snapshot,
            Err(e) => return error_page(&e),
        };
        let store = &snapshot.store;
        let transcripts: Result<Vec<_>> = store
            .recordings()
            .iter()
            .map(|r| store.transcript(r).map(|t| (r, t)))
            .collect();
        let transcripts = match transcripts {
            Ok(transcripts) => transcripts,
            Err(e) => return error_page(&e),
        };
        let pairs: Vec<_> = transcripts.iter().map(|(r, t)| (*r, t)).collect();
        let matches = crate::quote::find(&q, &pairs, crate::quote::DEFAULT_THRESHOLD);
        page(StatusCode::OK, pages::quote(&q, Some(Ok(&matches))))
    })
    .await
}

/// True for a claim id as `claims` makes them: `c` and 12 lower-case hex digits.
fn is_claim_id(text: &str) -> bool {
    text.strip_prefix('c').is_some_and(|hex| {
        hex.len() == 12
            && hex
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// The first `most` claims the page's filters select (with their total), or the reason they
/// cannot be.
fn select_claims(
    state: &AppState,
    snapshot: &Snapshot,
    params: &Params,
    most: usize,
) -> Result<Selection> {
    let filter = params.filter()?;
    snapshot
        .claims(&state.rules)?
        .select_first(&snapshot.store, &state.rules, &filter, most)
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
    let snapshot = match state.snapshot() {
        Ok(snapshot) => snapshot,
        Err(e) => return error_page(&e),
    };
    let choices = pages::Choices {
        rules: &state.rules,
        recordings: snapshot.store.recordings(),
    };
    let audio = playable(&snapshot.store);
    match select_claims(state, &snapshot, &params, pages::MAX_ROWS) {
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
        let snapshot = state.snapshot()?;
        select_claims(state, &snapshot, &params, usize::MAX)
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
            |claims| claims_export::csv(claims, Cells::Safe),
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
    use axum::extract::FromRequest;

    #[test]
    fn only_loopback_host_names_pass_on_a_loopback_server_and_no_host_names_off_it() {
        let host = |value: &str, loopback: bool| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(value).unwrap());
            allowed_host(&headers, loopback)
        };
        for loopback in [true, false] {
            assert!(host("127.0.0.1:7878", loopback));
            assert!(host("localhost:7878", loopback));
            assert!(host("LOCALHOST", loopback));
            assert!(host("[::1]:7878", loopback));
            assert!(host("127.0.0.2", loopback));
            assert!(!host("evil.example:7878", loopback));
            assert!(!host("localhost.evil.example", loopback));
            assert!(allowed_host(&HeaderMap::new(), loopback));
        }
        assert!(!host("192.168.1.4:7878", true));
        assert!(host("192.168.1.4:7878", false));
        assert!(host("[fe80::1]:7878", false));
        assert!(!host("laptop.local:7878", false));
    }

    #[test]
    fn only_whole_lower_case_hashes_name_a_recording() {
        assert!(is_sha256(&"0a".repeat(32)));
        assert!(!is_sha256(&"0A".repeat(32)));
        assert!(!is_sha256("../../etc/passwd"));
        assert!(!is_sha256(&"0a".repeat(31)));
    }

    #[test]
    fn a_rename_must_come_from_the_origin_it_was_sent_to() {
        let request = |origin: Option<&str>, host: Option<&str>| {
            let mut headers = HeaderMap::new();
            for (name, value) in [(header::ORIGIN, origin), (header::HOST, host)] {
                if let Some(value) = value {
                    headers.insert(name, HeaderValue::from_str(value).unwrap());
                }
            }
            same_origin(&headers)
        };
        assert!(request(
            Some("http://127.0.0.1:7878"),
            Some("127.0.0.1:7878")
        ));
        assert!(request(
            Some("http://LOCALHOST:7878"),
            Some("localhost:7878")
        ));
        assert!(request(Some("http://[::1]:7878"), Some("[::1]:7878")));
        assert!(!request(None, Some("127.0.0.1:7878")));
        assert!(!request(Some("null"), Some("127.0.0.1:7878")));
        assert!(!request(
            Some("http://evil.example"),
            Some("127.0.0.1:7878")
        ));
        assert!(!request(
            Some("http://127.0.0.1:9999"),
            Some("127.0.0.1:7878")
        ));
        assert!(!request(
            Some("https://127.0.0.1:7878"),
            Some("127.0.0.1:7878")
        ));
        assert!(!request(Some("http://127.0.0.1:7878"), None));
    }

    /// The rename form as the handler receives it: through axum's `Form` extractor.
    fn rename_form(content_type: &str, body: &'static [u8]) -> Result<RenameForm, StatusCode> {
        let request = Request::builder()
            .method("POST")
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime
            .block_on(Form::<RenameForm>::from_request(request, &()))
            .map(|Form(form)| form)
            .map_err(|rejection| rejection.status())
    }

    #[test]
    fn rename_forms_are_decoded_and_only_known_pages_are_returned_to() {
        const FORM: &str = "application/x-www-form-urlencoded";
        let form = rename_form(
            FORM,
            b"back=%2Frecording%2Fab&name=Ada+L%C3%B6velace+%26+co&other=x&flag",
        )
        .unwrap();
        assert_eq!(form.name, "Ada Lövelace & co");
        assert_eq!(form.back, "/recording/ab");
        assert_eq!(rename_form(FORM, b"").unwrap(), RenameForm::default());
        let charset = rename_form(
            "application/x-www-form-urlencoded; charset=UTF-8",
            b"name=A",
        );
        assert_eq!(charset.unwrap().name, "A");
        assert!(rename_form(FORM, b"name=a&name=b").is_err());
        for other in [
            "multipart/form-data; boundary=x",
            "text/plain",
            "application/json",
        ] {
            assert_eq!(
                rename_form(other, b"name=a").unwrap_err(),
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "{other}"
            );
        }
        // bytes that are not UTF-8 arrive as U+FFFD, which no speaker name may contain
        let lossy = rename_form(FORM, b"name=%ff").unwrap();
        assert!(crate::speakers::registry::validate_name(&lossy.name).is_err());

        let recording = format!("/recording/{}", "0a".repeat(32));
        assert_eq!(back_path(&recording), recording);
        for elsewhere in [
            "",
            "http://evil.example/",
            "//evil.example/",
            "/recording/../../x",
            "/recording/abc",
            "/claims",
        ] {
            assert_eq!(back_path(elsewhere), "/speakers", "{elsewhere:?}");
        }
    }

    #[test]
    fn speaker_ids_are_recognised() {
        assert!(is_speaker_id("S1"));
        assert!(is_speaker_id("S123"));
        for not in ["S", "s1", "S1a", "1", "S-1", "S1234567890", "Ada"] {
            assert!(!is_speaker_id(not), "{not}");
        }
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
