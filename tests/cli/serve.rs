//! `verbatim serve`: the page in headless Chromium, driven over the DevTools protocol (a small
//! client on `tungstenite`): search, click a hit and hear the audio from its start, the
//! transcript following playback, the claims table and its downloads (the CLI's bytes), the
//! timeline's marks, transcript markup staying text, naming a speaker from the page; and raw
//! HTTP for what a browser would normalise away (`/audio/../../etc/passwd`), unknown ids, range
//! requests, headers, and renames from other origins or with invalid names.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use crate::{repo, Workdir};

/// An imported subtitle file whose text is markup.
const XSS_SRT: &str = "1\n00:00:01,000 --> 00:00:04,000\nThe <script>alert(1)</script> notes \
                       say <img src=x onerror=alert(2)> hello.\n\n2\n00:00:05,000 --> \
                       00:00:07,000\n<b>bold</b> & \"quoted\" text\n\n";

/// One store for every test here: `jfk.wav` transcribed, the claims fixture and a subtitle file
/// full of markup imported.
fn store() -> &'static Workdir {
    static STORE: OnceLock<Workdir> = OnceLock::new();
    STORE.get_or_init(|| {
        let work = Workdir::new();
        let audio = work.copy(&repo().join("tests/data/jfk.wav"), "jfk.wav");
        work.run(&["ingest", audio.to_str().unwrap()]).ok();
        let fixture = repo().join("tests/data/claims/2021-11-03 fixture call.txt");
        work.run(&["import", fixture.to_str().unwrap()]).ok();
        let srt = work.path().join("2021-12-01 markup.srt");
        std::fs::write(&srt, XSS_SRT).unwrap();
        work.run(&["import", srt.to_str().unwrap()]).ok();
        work
    })
}

/// A store of its own (the tests that use it rename its speaker): `jfk.wav` ingested with
/// speakers found by voice (the default). Returns it and the id of its first segment's speaker.
fn diarized_store() -> (Workdir, String) {
    let weights = crate::models_dir().join("resemblyzer-0.1.4-pretrained.pt");
    assert!(
        weights.exists(),
        "{} is missing: run `verbatim models fetch resemblyzer` first",
        weights.display()
    );
    let work = Workdir::new();
    let audio = work.copy(&repo().join("tests/data/jfk.wav"), "jfk.wav");
    work.run(&["ingest", audio.to_str().unwrap()]).ok();
    let transcript = work.run(&["transcript", "jfk", "--format", "json"]).json();
    let id = transcript["transcript"]["segments"][0]["speaker_id"]
        .as_str()
        .expect("jfk.wav's first segment has a speaker id")
        .to_string();
    (work, id)
}

/// A running `verbatim serve`, stopped when dropped.
struct Served {
    child: Child,
    url: String,
}

impl Served {
    fn start(work: &Workdir, addr: &str) -> Served {
        let mut child = work
            .command(&["serve", "--addr", addr])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("verbatim serve starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line.trim().to_string();
        assert!(url.starts_with("http://"), "first line: {line:?}");
        Served { child, url }
    }

    /// `host:port`.
    fn authority(&self) -> &str {
        self.url.trim_start_matches("http://")
    }

    /// Stops the server and returns what it wrote on stderr.
    fn stop(mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            pipe.read_to_string(&mut stderr).unwrap();
        }
        stderr
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A response read off the wire.
#[derive(Debug)]
struct Response {
    status: u16,
    /// Header names lower-cased.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends `target` exactly as given (no client normalises it) with `extra` header lines.
fn raw(authority: &str, method: &str, target: &str, extra: &[&str]) -> Response {
    raw_with_host(authority, authority, method, target, extra)
}

fn raw_with_host(
    authority: &str,
    host: &str,
    method: &str,
    target: &str,
    extra: &[&str],
) -> Response {
    raw_request(authority, host, method, target, extra, b"")
}

/// `application/x-www-form-urlencoded` encoding of one value.
fn form_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            b' ' => "+".to_string(),
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// POSTs `body` to `target` as a url-encoded form, with `Origin: origin` when given.
fn post_form(authority: &str, target: &str, origin: Option<&str>, body: &str) -> Response {
    let length = format!("Content-Length: {}", body.len());
    let origin = origin.map(|origin| format!("Origin: {origin}"));
    let mut extra = vec![
        "Content-Type: application/x-www-form-urlencoded",
        length.as_str(),
    ];
    extra.extend(origin.as_deref());
    raw_request(
        authority,
        authority,
        "POST",
        target,
        &extra,
        body.as_bytes(),
    )
}

fn raw_request(
    authority: &str,
    host: &str,
    method: &str,
    target: &str,
    extra: &[&str],
    body: &[u8],
) -> Response {
    let mut stream = TcpStream::connect(authority).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut request =
        format!("{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for line in extra {
        request.push_str(line);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let mut request = request.into_bytes();
    request.extend_from_slice(body);
    stream.write_all(&request).unwrap();
    // Read the header block, then as many body bytes as Content-Length says (or to the end).
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    let split = loop {
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut buffer).unwrap();
        assert!(n > 0, "the connection closed inside the headers");
        bytes.extend_from_slice(&buffer[..n]);
    };
    let head = String::from_utf8(bytes[..split].to_vec()).unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers: Vec<(String, String)> = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_ascii_lowercase(), value.trim().to_string())
        })
        .collect();
    let mut response = Response {
        status,
        headers,
        body: bytes[split + 4..].to_vec(),
    };
    assert_ne!(response.header("transfer-encoding"), Some("chunked"));
    let length = match response.header("content-length") {
        _ if method == "HEAD" => Some(0),
        Some(length) => Some(length.parse::<usize>().unwrap()),
        None => None,
    };
    loop {
        if length.is_some_and(|length| response.body.len() >= length) {
            break;
        }
        let n = stream.read(&mut buffer).unwrap();
        if n == 0 {
            break;
        }
        response.body.extend_from_slice(&buffer[..n]);
    }
    if let Some(length) = length {
        assert_eq!(
            response.body.len(),
            length,
            "{method} {target}: body length"
        );
    }
    response
}

/// Headless Chromium under the DevTools protocol, killed when dropped.
struct Browser {
    child: Child,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    /// Every protocol event received, in order.
    events: Vec<Value>,
    _profile: tempfile::TempDir,
}

impl Browser {
    fn launch() -> Browser {
        let profile = tempfile::tempdir().unwrap();
        let child = Command::new(crate::claims::chromium())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--mute-audio",
                "--autoplay-policy=no-user-gesture-required",
                "--no-first-run",
                "--window-size=1200,900",
                "--remote-debugging-port=0",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromium starts");
        // Chromium writes the port it chose to the profile folder.
        let port_file = profile.path().join("DevToolsActivePort");
        let deadline = Instant::now() + Duration::from_secs(30);
        let port = loop {
            if let Some(port) = std::fs::read_to_string(&port_file)
                .ok()
                .and_then(|text| text.lines().next().map(str::to_string))
                .filter(|line| !line.is_empty())
            {
                break port;
            }
            assert!(Instant::now() < deadline, "Chromium wrote no DevTools port");
            std::thread::sleep(Duration::from_millis(100));
        };
        let authority = format!("127.0.0.1:{port}");
        let targets: Value =
            serde_json::from_slice(&raw(&authority, "GET", "/json/list", &[]).body).unwrap();
        let page = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .expect("a page target");
        let (socket, _) =
            tungstenite::connect(page["webSocketDebuggerUrl"].as_str().unwrap()).unwrap();
        if let MaybeTlsStream::Plain(stream) = socket.get_ref() {
            stream
                .set_read_timeout(Some(Duration::from_secs(60)))
                .unwrap();
        }
        let mut browser = Browser {
            child,
            socket,
            next_id: 0,
            events: Vec::new(),
            _profile: profile,
        };
        browser.call("Page.enable", json!({}));
        browser.call("Runtime.enable", json!({}));
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": false}),
        );
        browser
    }

    fn receive(&mut self) -> Value {
        loop {
            match self.socket.read().expect("a DevTools message") {
                Message::Text(text) => return serde_json::from_str(text.as_str()).unwrap(),
                Message::Close(_) => panic!("Chromium closed the DevTools socket"),
                _ => continue,
            }
        }
    }

    /// Sends a command and returns its result; events that arrive meanwhile are kept.
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({"id": id, "method": method, "params": params});
        self.socket
            .send(Message::Text(message.to_string().into()))
            .unwrap();
        loop {
            let message = self.receive();
            if message["id"] == id {
                assert!(message.get("error").is_none(), "{method}: {message}");
                return message["result"].clone();
            }
            self.events.push(message);
        }
    }

    /// Evaluates JavaScript in the page (awaiting a promise); an exception gives `None`.
    fn eval(&mut self, expression: &str) -> Option<Value> {
        let result = self.call(
            "Runtime.evaluate",
            json!({"expression": expression, "returnByValue": true, "awaitPromise": true}),
        );
        if result.get("exceptionDetails").is_some() {
            return None;
        }
        Some(result["result"]["value"].clone())
    }

    /// Evaluates until the value is truthy (or 20 s pass) and returns it.
    fn wait_for(&mut self, expression: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(value) = self.eval(expression) {
                let truthy = !matches!(value, Value::Null | Value::Bool(false))
                    && value != json!(0)
                    && value != json!("");
                if truthy {
                    return value;
                }
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {expression}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits for the load event of a page that started loading after `mark` events.
    fn wait_for_load(&mut self, mark: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.events[mark..]
            .iter()
            .any(|e| e["method"] == "Page.loadEventFired")
        {
            assert!(Instant::now() < deadline, "the page did not load");
            let message = self.receive();
            self.events.push(message);
        }
    }

    fn goto(&mut self, url: &str) {
        let mark = self.events.len();
        self.call("Page.navigate", json!({"url": url}));
        self.wait_for_load(mark);
    }

    /// A real mouse click in the middle of the element `selector` finds (scrolled into view).
    fn click(&mut self, selector: &str) {
        let point = self
            .eval(&format!(
                "(() => {{ const e = document.querySelector({}); e.scrollIntoView({{block: 'center'}}); \
                 const r = e.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()",
                json!(selector)
            ))
            .unwrap_or_else(|| panic!("no element {selector}"));
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": point[0], "y": point[1], "button": "left", "clickCount": 1}),
            );
        }
    }

    /// Clicks a link and waits for the page it opens.
    fn click_to_load(&mut self, selector: &str) {
        let mark = self.events.len();
        self.click(selector);
        self.wait_for_load(mark);
    }

    fn screenshot(&mut self, name: &str) -> PathBuf {
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let folder = repo().join("target/test-output");
        std::fs::create_dir_all(&folder).unwrap();
        let path = folder.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// True when the page opened a JavaScript dialog (`alert`) at any point.
    fn saw_dialog(&self) -> bool {
        self.events
            .iter()
            .any(|e| e["method"] == "Page.javascriptDialogOpening")
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sha256_of_name(work: &Workdir, name: &str) -> String {
    work.manifest()["recordings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("{name} is stored"))["sha256"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_search_hit_plays_its_recording_from_the_hit_and_the_transcript_follows() {
    let work = store();
    let hit = work
        .run(&["search", "\"ask not\"", "--format", "json"])
        .json();
    let hit = &hit[0];
    assert_eq!(hit["recording"], "jfk.wav");
    let start_s = hit["start_ms"].as_f64().unwrap() / 1000.0;
    let served = Served::start(work, "127.0.0.1:0");
    let mut browser = Browser::launch();
    browser.goto(&served.url);

    // Type the query into the search box and submit it, as a person would.
    browser.click("input[name=q]");
    browser.call("Input.insertText", json!({"text": "\"ask not\""}));
    browser.click_to_load("button[type=submit]");
    let hits = browser.wait_for(
        "Array.from(document.querySelectorAll('li.hit')).map(h => ({
            marks: Array.from(h.querySelectorAll('mark')).map(m => m.textContent),
            text: h.querySelector('.text').textContent,
            meta: h.querySelector('.meta').textContent,
            href: h.querySelector('a').getAttribute('href')}))",
    );
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0]["marks"], json!(["ask", "not"]));
    assert_eq!(hits[0]["text"], hit["text"]);
    let meta = hits[0]["meta"].as_str().unwrap();
    let speaker = hit["speaker"]
        .as_str()
        .expect("jfk.wav's speech has a speaker");
    for part in ["undated", "00:00:00", speaker, "jfk.wav"] {
        assert!(meta.contains(part), "{meta}");
    }

    // Click the hit: the recording's page opens and plays from the hit's start.
    browser.click_to_load("li.hit a");
    let path = browser.eval("location.pathname").unwrap();
    assert_eq!(
        path,
        format!("/recording/{}", hit["sha256"].as_str().unwrap())
    );
    browser.wait_for(
        "(() => { const p = document.getElementById('player'); \
         return !p.paused && p.played.length > 0 && p.currentTime > p.played.start(0); })()",
    );
    let began = browser
        .eval("document.getElementById('player').played.start(0)")
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        (began - start_s).abs() < 0.5,
        "playback began at {began} s, the hit starts at {start_s} s"
    );
    let first = browser
        .eval("document.getElementById('player').currentTime")
        .unwrap()
        .as_f64()
        .unwrap();
    std::thread::sleep(Duration::from_millis(600));
    let (later, paused) = {
        let state = browser
            .eval("(() => { const p = document.getElementById('player'); return [p.currentTime, p.paused]; })()")
            .unwrap();
        (state[0].as_f64().unwrap(), state[1].as_bool().unwrap())
    };
    assert!(!paused);
    assert!(
        later > first,
        "currentTime did not advance: {first} then {later}"
    );
    assert_eq!(
        browser.eval("document.querySelector('.segment.current').id"),
        Some(json!(format!("seg-{}", hit["segment"])))
    );

    // A later segment's time link seeks there, and the highlight follows playback.
    let transcript = work.run(&["transcript", "jfk", "--format", "json"]).json();
    let second = &transcript["transcript"]["segments"][1];
    let second_s = second["start_ms"].as_f64().unwrap() / 1000.0;
    browser.click("#seg-1 a.time");
    let now = browser
        .wait_for(&format!(
            "(() => {{ const p = document.getElementById('player'); \
             return (!p.paused || p.ended) && p.currentTime >= {} && p.currentTime; }})()",
            second_s - 0.5
        ))
        .as_f64()
        .unwrap();
    assert!(
        (now - second_s).abs() < 1.0,
        "at {now} s after seeking to {second_s} s"
    );
    browser.wait_for("document.querySelector('.segment.current').id === 'seg-1'");
    assert_eq!(
        browser.eval("location.search + location.hash"),
        Some(json!(format!("?t={}#seg-1", second["start_ms"])))
    );

    assert!(!browser.saw_dialog());
}

#[test]
fn the_claims_table_sorts_plays_and_downloads_the_clis_exports() {
    let work = store();
    let expected = work.run(&["claims", "--format", "json"]).json();
    let expected = expected.as_array().unwrap();
    assert_eq!(expected.len(), 4);
    let served = Served::start(work, "127.0.0.1:0");
    let mut browser = Browser::launch();
    browser.goto(&format!("{}/claims", served.url));
    let rows = browser.wait_for(
        "Array.from(document.querySelectorAll('table.claims tbody tr')).map(r => ({
            cells: Array.from(r.cells).map(c => c.textContent),
            play: r.querySelector('a.play').getAttribute('href')}))",
    );
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), expected.len());
    for (row, claim) in rows.iter().zip(expected) {
        let cells = &row["cells"];
        assert_eq!(cells[0], claim["kind"]);
        assert_eq!(cells[1], claim["quote"]);
        assert_eq!(cells[2], claim["speaker"]);
        assert_eq!(cells[3], claim["recording_date"]);
        assert!(
            cells[6].as_str().unwrap().starts_with("unreviewed"),
            "{cells}"
        );
        assert_eq!(cells[7], claim["citation"]);
        assert_eq!(
            row["play"],
            format!(
                "/recording/{}?t={}#seg-{}",
                claim["sha256"].as_str().unwrap(),
                claim["start_ms"],
                claim["segments"][0]
            )
        );
    }
    // The markup in a quote is text.
    assert!(rows.iter().any(|r| r["cells"][1]
        == "The <script>alert(1)</script> team in Shanghai can query the user records."));

    // Sorting by a column, both ways.
    let kinds = "Array.from(document.querySelectorAll('table.claims tbody tr')).map(r => r.cells[0].textContent)";
    browser.click("table.claims th:nth-child(1) button");
    assert_eq!(
        browser.eval(kinds),
        Some(json!(["access", "authority", "denial", "storage"]))
    );
    browser.click("table.claims th:nth-child(1) button");
    assert_eq!(
        browser.eval(kinds),
        Some(json!(["storage", "denial", "authority", "access"]))
    );

    // A play link opens the quote's recording at the quote (an imported transcript: no audio).
    browser.click_to_load("table.claims tbody tr:first-child a.play");
    assert_eq!(
        browser.eval("document.querySelector(':target').classList.contains('segment')"),
        Some(json!(true))
    );

    // Downloads are the CLI's exports of the same selection, byte for byte.
    browser.goto(&format!(
        "{}/claims?kind=access&speaker=analyst&from=2021-11-01",
        served.url
    ));
    let links = browser.wait_for(
        "Array.from(document.querySelectorAll('a[download]')).map(a => a.getAttribute('href'))",
    );
    assert_eq!(
        links,
        json!([
            "/claims.csv?kind=access&speaker=analyst&from=2021-11-01",
            "/claims.json?kind=access&speaker=analyst&from=2021-11-01"
        ])
    );
    let filters = [
        "--kind",
        "access",
        "--speaker",
        "analyst",
        "--from",
        "2021-11-01",
    ];
    for (link, format) in links.as_array().unwrap().iter().zip(["csv", "json"]) {
        let mut args = vec!["claims", "--format", format];
        args.extend_from_slice(&filters);
        let cli = work.run(&args).ok();
        let download = raw(served.authority(), "GET", link.as_str().unwrap(), &[]);
        assert_eq!(download.status, 200);
        assert_eq!(String::from_utf8_lossy(&download.body), cli, "{link}");
        assert!(download
            .header("content-disposition")
            .unwrap()
            .contains(&format!("claims.{format}")));
    }
    let all = raw(served.authority(), "GET", "/claims.csv", &[]);
    assert_eq!(
        String::from_utf8(all.body).unwrap(),
        work.run(&["claims", "--format", "csv"]).ok()
    );
    let bad = raw(served.authority(), "GET", "/claims.csv?kind=gossip", &[]);
    assert_eq!(bad.status, 400);
    assert!(String::from_utf8(bad.body)
        .unwrap()
        .contains("unknown kind"));
    assert!(!browser.saw_dialog());
}

#[test]
fn timeline_marks_open_their_quotes_and_markup_in_transcripts_stays_text() {
    let work = store();
    let served = Served::start(work, "127.0.0.1:0");
    let mut browser = Browser::launch();

    browser.goto(&format!("{}/timeline", served.url));
    let marks = browser
        .wait_for("document.querySelectorAll('figure.timeline svg a circle').length")
        .as_u64()
        .unwrap();
    let rows = work.run(&["timeline", "--format", "json"]).json();
    assert_eq!(marks as usize, rows.as_array().unwrap().len());
    // Marks can overlap: whichever is on top of the click, its quote is the target.
    browser.click("figure.timeline svg a circle");
    let claim_id = browser.wait_for("location.hash.slice(1)");
    let target = browser
        .eval("(() => { const t = document.querySelector(':target'); return [t.tagName, t.querySelector('.quote').textContent]; })()")
        .unwrap();
    assert_eq!(target[0], "TR");
    let quote = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["claim_id"] == claim_id)
        .unwrap_or_else(|| panic!("no row of claim {claim_id}"))["quote"]
        .clone();
    assert_eq!(target[1], quote);

    // The imported subtitles' markup is text: no script, image or bold element came of it.
    let sha256 = sha256_of_name(work, "2021-12-01 markup.srt");
    browser.goto(&format!("{}/recording/{sha256}", served.url));
    let page = browser
        .eval(
            "({ first: document.querySelector('#seg-0 .text').textContent,
                second: document.querySelector('#seg-1 .text').textContent,
                scripts: Array.from(document.scripts).map(s => s.getAttribute('src')),
                images: document.images.length,
                bold: document.querySelectorAll('main b').length,
                player: document.getElementById('player') !== null })",
        )
        .unwrap();
    assert_eq!(
        page["first"],
        "The <script>alert(1)</script> notes say <img src=x onerror=alert(2)> hello."
    );
    assert_eq!(page["second"], "<b>bold</b> & \"quoted\" text");
    assert_eq!(page["scripts"], json!(["/assets/app.js"]));
    assert_eq!(page["images"], 0);
    assert_eq!(page["bold"], 0);
    assert_eq!(page["player"], false, "an imported transcript has no audio");

    // The same text in a search hit, with the matched word marked.
    browser.goto(&format!("{}/?q=alert", served.url));
    let hits = browser
        .wait_for("Array.from(document.querySelectorAll('li.hit .text')).map(t => t.textContent)");
    assert!(hits.as_array().unwrap().iter().any(
        |t| t == "The <script>alert(1)</script> notes say <img src=x onerror=alert(2)> hello."
    ));
    assert_eq!(
        browser.eval("Array.from(document.scripts).length"),
        Some(json!(1))
    );
    assert!(!browser.saw_dialog(), "an alert opened");
}

#[test]
fn audio_is_served_only_by_recorded_hash_with_ranges_and_every_response_is_locked_down() {
    let work = store();
    let served = Served::start(work, "127.0.0.1:0");
    let at = served.authority();
    let wav = std::fs::read(work.path().join("jfk.wav")).unwrap();
    let sha256 = sha256_of_name(work, "jfk.wav");
    let audio = format!("/audio/{sha256}");

    let whole = raw(at, "GET", &audio, &[]);
    assert_eq!(whole.status, 200);
    assert_eq!(whole.header("accept-ranges"), Some("bytes"));
    assert_eq!(whole.body, wav);

    let part = raw(at, "GET", &audio, &["Range: bytes=1000-1999"]);
    assert_eq!(part.status, 206);
    assert_eq!(
        part.header("content-range"),
        Some(format!("bytes 1000-1999/{}", wav.len()).as_str())
    );
    assert_eq!(part.body, &wav[1000..2000]);
    let tail = raw(at, "GET", &audio, &["Range: bytes=-100"]);
    assert_eq!(tail.status, 206);
    assert_eq!(tail.body, &wav[wav.len() - 100..]);
    let open = raw(at, "GET", &audio, &["Range: bytes=352000-"]);
    assert_eq!(open.status, 206);
    assert_eq!(open.body, &wav[352_000..]);
    let beyond = raw(
        at,
        "GET",
        &audio,
        &[&format!("Range: bytes={}-", wav.len() + 10)],
    );
    assert_eq!(beyond.status, 416);
    assert_eq!(
        beyond.header("content-range"),
        Some(format!("bytes */{}", wav.len()).as_str())
    );
    let head = raw(at, "HEAD", &audio, &[]);
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("content-length"),
        Some(wav.len().to_string().as_str())
    );

    // Nothing else reaches a file: traversal, encoded traversal, unknown and partial ids, an
    // imported transcript (its "source" is a text file, not audio).
    let transcript = sha256_of_name(work, "2021-12-01 markup.srt");
    for target in [
        "/audio/../../etc/passwd".to_string(),
        "/audio/..%2F..%2Fetc%2Fpasswd".to_string(),
        "/audio/%2Fetc%2Fpasswd".to_string(),
        format!("/audio/{}", "0".repeat(64)),
        format!("/audio/{}", &sha256[..12]),
        format!("/audio/{}", sha256.to_uppercase()),
        format!("/audio/{transcript}"),
        "/audio/".to_string(),
        "/../../etc/passwd".to_string(),
        "/assets/../../Cargo.toml".to_string(),
        format!("/recording/{}", "0".repeat(64)),
    ] {
        let response = raw(at, "GET", &target, &[]);
        assert_eq!(response.status, 404, "{target}");
        assert!(
            !String::from_utf8_lossy(&response.body).contains("root:"),
            "{target}"
        );
    }

    // Read-only: other methods are refused.
    for method in ["POST", "PUT", "DELETE"] {
        assert_eq!(
            raw(at, method, "/", &["Content-Length: 0"]).status,
            405,
            "{method}"
        );
    }

    // A web site that points its own name at 127.0.0.1 (DNS rebinding) is refused.
    assert_eq!(
        raw_with_host(at, "evil.example:7878", "GET", "/", &[]).status,
        403
    );
    assert_eq!(
        raw_with_host(at, "localhost:7878", "GET", "/", &[]).status,
        200
    );

    // Every response, pages, assets, audio and errors alike, carries the policy.
    for target in [
        "/",
        "/claims",
        "/timeline",
        "/speakers",
        "/assets/app.js",
        &audio,
        "/nowhere",
    ] {
        let response = raw(at, "GET", target, &[]);
        let csp = response.header("content-security-policy").unwrap_or("");
        assert!(csp.contains("script-src 'self'"), "{target}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{target}: {csp}");
        assert_eq!(
            response.header("x-content-type-options"),
            Some("nosniff"),
            "{target}"
        );
        // Other sites get no referrer; the page's own form posts keep their Origin.
        assert_eq!(
            response.header("referrer-policy"),
            Some("same-origin"),
            "{target}"
        );
    }
    let js = raw(at, "GET", "/assets/app.js", &[]);
    assert!(js
        .header("content-type")
        .unwrap()
        .starts_with("text/javascript"));
    assert!(!String::from_utf8(js.body).unwrap().contains("innerHTML"));
}

#[test]
fn serve_prints_its_url_warns_off_loopback_and_refuses_bad_addresses() {
    let work = store();
    let open = Served::start(work, "0.0.0.0:0");
    assert!(open.url.starts_with("http://0.0.0.0:"), "{}", open.url);
    let port = open.url.rsplit(':').next().unwrap().to_string();
    assert_ne!(port, "0");
    let page = raw(&format!("127.0.0.1:{port}"), "GET", "/", &[]);
    assert_eq!(page.status, 200);
    // off loopback too, a host name is refused (a rebinding web site's name)
    let rebound = raw_with_host(
        &format!("127.0.0.1:{port}"),
        &format!("evil.example:{port}"),
        "GET",
        "/",
        &[],
    );
    assert_eq!(rebound.status, 403);
    let stderr = open.stop();
    assert!(stderr.contains("WARNING"), "{stderr}");
    assert!(stderr.contains("not a loopback address"), "{stderr}");

    let quiet = Served::start(work, "127.0.0.1:0");
    assert!(quiet.url.starts_with("http://127.0.0.1:"));
    assert!(!quiet.stop().contains("WARNING"));

    let bad = work.run(&["serve", "--addr", "localhost"]);
    assert_eq!(bad.code(), 2);
    assert!(
        bad.stderr()
            .contains("'--addr <ADDR>': \"localhost\" is not an IP address and port"),
        "{}",
        bad.stderr()
    );

    let empty = Workdir::new();
    let none = empty.run(&["serve", "--addr", "127.0.0.1:0"]);
    assert_eq!(none.code(), 2);
    assert!(
        none.stderr().contains("no evidence store"),
        "{}",
        none.stderr()
    );
}

#[test]
fn the_sample_corpus_plays_compressed_audio_at_its_hits_and_every_audio_claim_has_a_play_button() {
    let work = crate::ingest::corpus_store();
    let served = Served::start(work, "127.0.0.1:0");
    let mut browser = Browser::launch();

    let query = "\"see everything\" OR \"master admin\"";
    let hits = work
        .run(&["search", query, "--sort", "date", "--format", "json"])
        .json();
    assert!(hits.as_array().unwrap().len() >= 2, "{hits}");
    browser.goto(&format!(
        "{}/?q=%22see+everything%22+OR+%22master+admin%22&sort=date",
        served.url
    ));
    let shown = browser.wait_for(
        "Array.from(document.querySelectorAll('li.hit a')).map(a => a.getAttribute('href'))",
    );
    let expected: Vec<String> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "/recording/{}?t={}#seg-{}",
                h["sha256"].as_str().unwrap(),
                h["start_ms"],
                h["segment"]
            )
        })
        .collect();
    assert_eq!(shown, json!(expected));
    browser.screenshot("serve-search.png");

    // The MP3 meeting's hit plays from its start (a compressed file, seeked by range requests).
    let (index, hit) = hits
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .find(|(_, h)| h["recording"].as_str().unwrap().ends_with(".mp3"))
        .expect("a hit in the MP3 meeting");
    let start_s = hit["start_ms"].as_f64().unwrap() / 1000.0;
    browser.click_to_load(&format!("li.hit:nth-child({}) a", index + 1));
    browser.wait_for(
        "(() => { const p = document.getElementById('player'); \
         return !p.paused && p.played.length > 0 && p.currentTime > p.played.start(0); })()",
    );
    let began = browser
        .eval("document.getElementById('player').played.start(0)")
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(
        (began - start_s).abs() < 0.5,
        "playback began at {began} s, the hit starts at {start_s} s"
    );
    browser.screenshot("serve-recording.png");

    // Every claim of transcribed audio offers its audio.
    let claims = work.run(&["claims", "--format", "json"]).json();
    browser.goto(&format!("{}/claims", served.url));
    let links = browser.wait_for(
        "Array.from(document.querySelectorAll('table.claims tbody tr a.play')).map(a => a.textContent)",
    );
    assert_eq!(
        links.as_array().unwrap().len(),
        claims.as_array().unwrap().len()
    );
    assert!(
        links.as_array().unwrap().iter().all(|l| l == "▶ play"),
        "{links}"
    );
    browser.screenshot("serve-claims.png");

    browser.goto(&format!("{}/timeline", served.url));
    browser.wait_for("document.querySelectorAll('figure.timeline svg a').length > 0");
    browser.screenshot("serve-timeline.png");
    assert!(!browser.saw_dialog());
}

#[test]
fn a_speaker_named_on_the_recording_page_is_named_everywhere() {
    let (work, id) = diarized_store();
    let sha256 = sha256_of_name(&work, "jfk.wav");
    let served = Served::start(&work, "127.0.0.1:0");
    let mut browser = Browser::launch();
    let labels = format!(
        "Array.from(document.querySelectorAll('.segment[data-speaker-id=\"{id}\"] .speaker, \
         #speaker-{id} .speaker')).map(s => s.textContent)"
    );

    browser.goto(&format!("{}/recording/{sha256}", served.url));
    let before = browser.wait_for(&labels);
    assert!(before.as_array().unwrap().len() >= 2, "{before}");
    assert!(
        before.as_array().unwrap().iter().all(|l| *l == id),
        "{before}"
    );
    assert_eq!(
        browser.eval(&format!(
            "document.querySelector('#speaker-{id} input[name=name]').value"
        )),
        Some(json!(""))
    );

    // Type a name into the speaker's box and save it, as a person would.
    let name = "John F. Kennedy";
    browser.click(&format!("#speaker-{id} input[name=name]"));
    browser.call("Input.insertText", json!({ "text": name }));
    browser.click_to_load(&format!("#speaker-{id} button[type=submit]"));
    assert_eq!(
        browser.eval("location.pathname + location.hash"),
        Some(json!(format!("/recording/{sha256}#speaker-{id}")))
    );
    let after = browser.eval(&labels).unwrap();
    assert_eq!(
        after.as_array().unwrap().len(),
        before.as_array().unwrap().len()
    );
    assert!(
        after.as_array().unwrap().iter().all(|l| l == name),
        "{after}"
    );
    assert_eq!(
        browser.eval(&format!(
            "document.querySelector('#speaker-{id} input[name=name]').value"
        )),
        Some(json!(name))
    );

    // The CLI sees the same name: the transcript, search by speaker, the speakers list.
    assert!(work.run(&["transcript", "jfk"]).ok().contains(name));
    let transcript = work.run(&["transcript", "jfk", "--format", "json"]).json();
    for segment in transcript["transcript"]["segments"].as_array().unwrap() {
        if segment["speaker_id"] == id.as_str() {
            assert_eq!(segment["speaker"], name, "{segment}");
        }
    }
    let hits = work
        .run(&[
            "search",
            "country",
            "--speaker",
            "john f. kennedy",
            "--format",
            "json",
        ])
        .json();
    let hits = hits.as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h["speaker"] == name), "{hits:?}");
    let listed = work.run(&["speakers", "list", "--format", "json"]).json();
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["name"], name);

    // The speakers page lists it; a name that is markup, saved there, stays text everywhere.
    browser.goto(&format!("{}/speakers", served.url));
    let row = browser
        .eval(&format!(
            "(() => {{ const r = document.getElementById('speaker-{id}'); \
             return [r.querySelector('.speaker').textContent, r.querySelector('a').textContent]; }})()"
        ))
        .unwrap();
    assert_eq!(row, json!([name, "jfk.wav"]));
    let markup = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    browser.eval(&format!(
        "document.querySelector('#speaker-{id} input[name=name]').select()"
    ));
    browser.call("Input.insertText", json!({ "text": markup }));
    browser.click_to_load(&format!("#speaker-{id} button[type=submit]"));
    assert_eq!(
        browser.eval("location.pathname + location.hash"),
        Some(json!(format!("/speakers#speaker-{id}")))
    );
    assert_eq!(
        browser.eval(&format!(
            "document.querySelector('#speaker-{id} .speaker').textContent"
        )),
        Some(json!(markup))
    );
    browser.goto(&format!("{}/recording/{sha256}", served.url));
    let shown = browser.eval(&labels).unwrap();
    assert!(
        shown.as_array().unwrap().iter().all(|l| l == markup),
        "{shown}"
    );
    assert_eq!(
        browser.eval("[document.scripts.length, document.images.length]"),
        Some(json!([1, 0]))
    );
    browser.goto(&format!("{}/?q=country", served.url));
    assert_eq!(
        browser.wait_for("document.querySelector('li.hit .speaker').textContent"),
        json!(markup)
    );
    assert!(!browser.saw_dialog(), "an alert opened");
}

#[test]
fn renames_need_this_pages_origin_a_valid_name_and_a_known_speaker() {
    let (work, id) = diarized_store();
    let sha256 = sha256_of_name(&work, "jfk.wav");
    let served = Served::start(&work, "127.0.0.1:0");
    let at = served.authority();
    let origin = format!("http://{at}");
    let port = at.rsplit(':').next().unwrap();
    let rename = format!("/speakers/{id}");
    let state = || {
        (
            std::fs::read(work.store().join("speakers.json")).unwrap(),
            work.run(&["transcript", "jfk", "--format", "json"]).ok(),
        )
    };
    let before = state();

    // A form posted by another site (or by no browser at all) is refused.
    let localhost = format!("http://localhost:{port}");
    for from in [
        None,
        Some("null"),
        Some("http://evil.example"),
        Some(localhost.as_str()),
        Some("https://127.0.0.1"),
    ] {
        let response = post_form(at, &rename, from, "name=Mallory");
        assert_eq!(response.status, 403, "Origin {from:?}");
    }

    // Invalid names are refused with the library's reason, escaped; nothing changes.
    let long = "x".repeat(200);
    let markup_long = format!("<i>{}", "x".repeat(90));
    for (name, reason) in [
        ("S12", "looks like a speaker id"),
        ("s7", "looks like a speaker id"),
        ("", "is empty"),
        ("   ", "is empty"),
        (long.as_str(), "is longer than 80 characters"),
        ("a\u{7}b", "contains control characters"),
        (markup_long.as_str(), "&lt;i&gt;xxx"),
    ] {
        let body = format!("name={}&back=%2Fspeakers", form_encode(name));
        let response = post_form(at, &rename, Some(&origin), &body);
        let page = String::from_utf8(response.body).unwrap();
        assert_eq!(response.status, 400, "{name:?}: {page}");
        assert!(page.contains(reason), "{name:?}: {page}");
        assert!(!page.contains("<i>"), "{page}");
        assert!(page.contains("<a href=\"/speakers\">Back</a>"), "{page}");
    }
    assert_eq!(
        post_form(at, &rename, Some(&origin), "back=%2Fspeakers").status,
        400,
        "no name at all"
    );

    // Unknown and malformed ids, bodies that are not a small url-encoded form.
    for target in [
        "/speakers/S99",
        "/speakers/s1",
        "/speakers/..%2Fmanifest.json",
        "/speakers/S1%2F..",
        "/speakers/",
    ] {
        let response = post_form(at, target, Some(&origin), "name=Ada");
        assert_eq!(response.status, 404, "{target}");
    }
    let json_body = br#"{"name":"Ada"}"#;
    let json_length = format!("Content-Length: {}", json_body.len());
    let origin_line = format!("Origin: {origin}");
    let not_a_form = raw_request(
        at,
        at,
        "POST",
        &rename,
        &["Content-Type: application/json", &json_length, &origin_line],
        json_body,
    );
    assert_eq!(not_a_form.status, 415);
    // The limit is 4 KiB (`web::MAX_FORM_BYTES`).
    let huge = format!("name={}", "x".repeat(5000));
    assert_eq!(post_form(at, &rename, Some(&origin), &huge).status, 413);
    assert_eq!(state(), before, "a refused rename changed the store");

    // GET pages still answer nothing else, and the rename route only POST.
    for (method, target) in [
        ("GET", rename.as_str()),
        ("PUT", rename.as_str()),
        ("DELETE", rename.as_str()),
        ("POST", "/"),
        ("POST", "/claims"),
        ("POST", "/speakers"),
        ("PUT", "/speakers"),
    ] {
        let response = raw(at, method, target, &["Content-Length: 0", &origin_line]);
        assert_eq!(response.status, 405, "{method} {target}");
    }
    assert_eq!(state(), before);

    // A name that is markup is a valid name: saved, then shown as text.
    let markup = "<script>alert(1)</script>";
    let back = format!("/recording/{sha256}");
    let body = format!("back={}&name={}", form_encode(&back), form_encode(markup));
    let saved = post_form(at, &rename, Some(&origin), &body);
    assert_eq!(saved.status, 303);
    assert_eq!(
        saved.header("location"),
        Some(format!("{back}#speaker-{id}").as_str())
    );
    for target in [back.as_str(), "/speakers", "/?q=country"] {
        let page = String::from_utf8(raw(at, "GET", target, &[]).body).unwrap();
        assert!(
            page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{target}: {page}"
        );
        assert_eq!(page.matches("<script").count(), 1, "{target}: only app.js");
    }
    let transcript = work.run(&["transcript", "jfk", "--format", "json"]).json();
    assert_eq!(transcript["transcript"]["segments"][0]["speaker"], markup);

    // A page to return to that is not this server's recording page becomes the speakers page.
    for back in ["http://evil.example/", "//evil.example/", "/claims"] {
        let body = format!("back={}&name=Ada", form_encode(back));
        let saved = post_form(at, &rename, Some(&origin), &body);
        assert_eq!(saved.status, 303, "{back}");
        assert_eq!(
            saved.header("location"),
            Some(format!("/speakers#speaker-{id}").as_str()),
            "{back}"
        );
    }
    let renamed = raw_with_host(at, &format!("localhost:{port}"), "GET", "/speakers", &[]);
    assert!(String::from_utf8(renamed.body).unwrap().contains(">Ada<"));
}

/// The "by meaning" switch ranks by the sentence model, shows each hit's similarity and keeps
/// the box ticked; keyword search without it is unchanged.
#[test]
fn the_search_page_searches_by_meaning() {
    let work = store();
    let served = Served::start(work, "127.0.0.1:0");
    let at = served.authority();
    let target = format!(
        "/?q={}&meaning=on",
        form_encode("which office abroad could look at the customer tables")
    );
    let page = raw(at, "GET", &target, &[]);
    assert_eq!(page.status, 200);
    let html = String::from_utf8_lossy(&page.body);
    assert!(
        html.contains("name=\"meaning\" value=\"on\" checked"),
        "{html}"
    );
    let first = html.split("<li class=\"hit\">").nth(1).expect("a hit");
    assert!(first.contains("similarity 0."), "{first}");
    assert!(
        first.contains("Engineers in Dublin cannot access the customer tables"),
        "{first}"
    );
    let words = raw(at, "GET", &format!("/?q={}", form_encode("Dublin")), &[]);
    let html = String::from_utf8_lossy(&words.body);
    assert!(!html.contains("class=\"similarity\""));
    assert!(html.contains("<mark>Dublin</mark>"), "{html}");
}

/// Tests that need no model, no transcription and no browser: `make test-fast` runs them.
mod fast {
    use super::*;

    /// Every file in the store with its length and change time.
    fn listing(dir: &std::path::Path) -> Vec<(String, u64, std::time::SystemTime)> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let meta = entry.metadata().unwrap();
            if meta.is_dir() {
                out.extend(listing(&entry.path()));
            } else {
                out.push((
                    entry.path().display().to_string(),
                    meta.len(),
                    meta.modified().unwrap(),
                ));
            }
        }
        out.sort();
        out
    }

    /// The server keeps its index and store between requests, yet shows what another process
    /// stores while it runs; and reading pages writes nothing, even where claims are missing.
    #[test]
    fn the_server_sees_new_recordings_and_reading_pages_writes_nothing() {
        let work = Workdir::new();
        let fixture = repo().join("tests/data/claims/2021-11-03 fixture call.txt");
        work.run(&["import", fixture.to_str().unwrap()]).ok();
        let served = Served::start(&work, "127.0.0.1:0");
        let body = |target: &str| {
            let response = raw(served.authority(), "GET", target, &[]);
            assert_eq!(response.status, 200, "{target}");
            String::from_utf8(response.body).unwrap()
        };
        let claims_before = body("/claims.json");
        let count = |json: &str| {
            serde_json::from_str::<serde_json::Value>(json)
                .unwrap()
                .as_array()
                .unwrap()
                .len()
        };
        assert!(count(&claims_before) > 0);
        assert!(!body("/?q=zanzibar").contains("Zanzibar"));

        // another process imports while the server runs
        let srt = work.path().join("2021-12-01 later call.srt");
        std::fs::write(
            &srt,
            "1\n00:00:01,000 --> 00:00:05,000\nAna: The team in Zanzibar can see all user data.\n\n",
        )
        .unwrap();
        work.run(&["import", srt.to_str().unwrap()]).ok();
        assert!(body("/?q=zanzibar").contains("Zanzibar"), "a new hit");
        assert_eq!(count(&body("/claims.json")), count(&claims_before) + 1);

        // a recording's claims lost (as after a crash): shown, extracted, never written back
        let claims_dir = work.store().join("claims");
        let lost = std::fs::read_dir(&claims_dir)
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        std::fs::remove_file(&lost).unwrap();
        let before = listing(&work.store());
        for target in ["/", "/?q=user+data", "/claims", "/claims.csv", "/timeline"] {
            body(target);
        }
        assert_eq!(count(&body("/claims.json")), count(&claims_before) + 1);
        assert!(!lost.exists(), "the server wrote claims back");
        assert_eq!(
            listing(&work.store()),
            before,
            "reading pages wrote to the store"
        );
        served.stop();
    }
}

#[test]
fn a_review_made_on_the_claims_page_and_one_made_on_the_command_line_meet_in_the_log() {
    let work = Workdir::new();
    let fixture = repo().join("tests/data/claims/2021-11-03 fixture call.txt");
    work.run(&["import", fixture.to_str().unwrap()]).ok();
    let claims = work.run(&["claims", "--format", "json"]).json();
    let ids: Vec<String> = claims
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.len() >= 2);
    // one review on the command line
    work.run(&[
        "review", &ids[0], "--status", "verified", "--by", "Ana", "--note", "heard it",
    ])
    .ok();

    let served = Served::start(&work, "127.0.0.1:0");
    let mut browser = Browser::launch();
    browser.goto(&format!("{}/claims", served.url));
    let verdict = |browser: &mut Browser, id: &str| {
        browser.wait_for(&format!(
            "(document.querySelector('#{id} .review .verdict') || {{}}).textContent"
        ))
    };
    let first = verdict(&mut browser, &ids[0]);
    assert!(
        first.as_str().unwrap().starts_with("verified by Ana, "),
        "{first}"
    );

    // one on the page, as a person would: open the form, choose, type, save
    let id = &ids[1];
    browser.click(&format!("#{id} details.review summary"));
    browser.eval(&format!(
        "document.querySelector('#{id} select[name=status]').value = 'disputed'"
    ));
    browser.click(&format!("#{id} input[name=by]"));
    browser.call("Input.insertText", json!({ "text": "Bo" }));
    browser.click(&format!("#{id} input[name=note]"));
    browser.call(
        "Input.insertText",
        json!({ "text": "another word at 00:00:12" }),
    );
    browser.click_to_load(&format!("#{id} form.review button[type=submit]"));
    assert_eq!(
        browser.eval("location.pathname + location.hash"),
        Some(json!(format!("/claims#{id}")))
    );
    let second = verdict(&mut browser, id);
    assert!(
        second.as_str().unwrap().starts_with("disputed by Bo, "),
        "{second}"
    );

    // a post from elsewhere, or with a bad verdict, is refused and writes nothing
    let target = format!("/claims/{id}/review");
    let foreign = post_form(
        served.authority(),
        &target,
        Some("http://evil.example"),
        "status=verified&by=Eve",
    );
    assert_eq!(foreign.status, 403);
    let origin = served.url.clone();
    let bad = post_form(
        served.authority(),
        &target,
        Some(&origin),
        "status=maybe&by=Eve",
    );
    assert_eq!(bad.status, 400);
    drop(browser);
    served.stop();

    // the command line sees both, in one intact chain
    let log = work
        .run(&["reviews", "--history", "--format", "json"])
        .json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    assert_eq!(log[1]["review"]["by"], "Bo");
    assert_eq!(log[1]["review"]["note"], "another word at 00:00:12");
    let disputed = work
        .run(&["claims", "--review", "disputed", "--format", "json"])
        .json();
    assert_eq!(disputed[0]["id"], id.as_str());
    assert_eq!(disputed[0]["review"]["status"], "disputed");
    let out = work.run(&["verify"]).ok();
    assert!(out.contains("review log  2 entries, chain intact"), "{out}");
    assert!(out.contains("0 changed outside verbatim"), "{out}");
    // and the exports carry the verdicts
    let csv = work.run(&["claims", "--format", "csv"]).ok();
    assert!(csv
        .lines()
        .next()
        .unwrap()
        .ends_with("review,reviewed_by,second_listen"));
    assert!(csv.contains(",verified,Ana,"), "{csv}");
    let timeline = work.run(&["timeline", "--format", "csv"]).ok();
    assert!(timeline.contains("disputed by Bo, "), "{timeline}");
}

#[test]
fn the_check_a_quote_page_finds_a_quote_as_the_command_line_does() {
    let work = store();
    let served = Served::start(work, "127.0.0.1:0");
    let mut browser = Browser::launch();
    browser.goto(&format!("{}/quote", served.url));
    // typed into the box, as a person would, in other words than were said
    browser.click("input[name=q]");
    browser.call(
        "Input.insertText",
        json!({ "text": "ask not what your nation can do for you" }),
    );
    browser.click_to_load("form[action='/quote'] button[type=submit]");
    let found = browser.wait_for(
        "Array.from(document.querySelectorAll('ol.quote-matches li')).map(li => ({
            verdict: li.querySelector('.verdict').textContent,
            citation: li.querySelector('code').textContent,
            diff: (li.querySelector('.diff') || {}).textContent}))",
    );
    let cli = work
        .run(&[
            "quote",
            "ask not what your nation can do for you",
            "--format",
            "json",
        ])
        .output;
    let cli: Value = serde_json::from_slice(&cli.stdout).unwrap();
    let found = found.as_array().unwrap();
    assert_eq!(found.len(), cli.as_array().unwrap().len(), "{found:?}");
    assert!(!found.is_empty());
    assert!(
        found[0]["verdict"]
            .as_str()
            .unwrap()
            .starts_with("approximate"),
        "{found:?}"
    );
    assert_eq!(found[0]["citation"], cli[0]["citation"]);
    assert!(
        found[0]["diff"]
            .as_str()
            .unwrap()
            .contains("\"country\" -> \"nation\""),
        "{found:?}"
    );
    // never said: not found; no words: refused
    let never = raw(
        served.authority(),
        "GET",
        "/quote?q=engineers+in+Paris+read+every+message",
        &[],
    );
    assert_eq!(never.status, 200);
    assert!(String::from_utf8_lossy(&never.body).contains("Not found"));
    let empty = raw(served.authority(), "GET", "/quote?q=%21%3F", &[]);
    assert_eq!(empty.status, 400);
    assert!(String::from_utf8_lossy(&empty.body).contains("no words"));
}
