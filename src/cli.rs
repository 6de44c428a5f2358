//! The command line, declared with clap's derive API. Doc comments here are the help text; no
//! logic lives here.

use std::path::PathBuf;

use std::net::SocketAddr;
use std::str::FromStr;

use clap::{Args, Parser, Subcommand, ValueEnum};
use time::Date;
use verbatim::export::TranscriptFormat;
use verbatim::import::ImportFormat;
use verbatim::transcribe::{ChineseScript, WordTimes};

/// A `YYYY-MM-DD` option value.
fn iso_date(text: &str) -> Result<Date, String> {
    verbatim::model::parse_iso_date(text)
        .ok_or_else(|| format!("{text:?} is not a date in YYYY-MM-DD form"))
}

/// A value of a library type, through its `FromStr` (whose message clap prints).
fn parsed<T: FromStr<Err = String>>(text: &str) -> Result<T, String> {
    text.parse()
}

/// `--format` of `import`: `auto` detects, anything else names a format.
fn import_format(text: &str) -> Result<ImportChoice, String> {
    match text {
        "auto" => Ok(ImportChoice(None)),
        other => other.parse().map(|format| ImportChoice(Some(format))),
    }
}

/// `--addr`: an IP address and port.
fn socket_addr(text: &str) -> Result<SocketAddr, String> {
    text.parse()
        .map_err(|_| format!("{text:?} is not an IP address and port (like 127.0.0.1:7878)"))
}

/// An import format, or none to detect one from each file.
#[derive(Debug, Clone, Copy)]
pub struct ImportChoice(pub Option<ImportFormat>);

/// `--format` of the commands that print a table or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    /// Aligned columns for people.
    Table,
    /// JSON for tools.
    Json,
}

/// `--format` of `search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchFormat {
    /// Aligned columns for people.
    Table,
    /// JSON for tools.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

/// `--sort` of `search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SearchSort {
    /// Best match first.
    Relevance,
    /// Oldest recording first.
    Date,
}

/// `--format` of `claims`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ClaimsFormat {
    /// Aligned columns for people.
    Table,
    /// CSV for spreadsheets.
    Csv,
    /// JSON for tools.
    Json,
    /// A Markdown table.
    #[value(alias = "markdown")]
    Md,
}

/// `--format` of `timeline`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TimelineFormat {
    /// Aligned columns for people.
    Table,
    /// CSV for spreadsheets.
    Csv,
    /// JSON for tools.
    Json,
    /// A drawing of the claims on a calendar.
    Svg,
    /// A page holding the drawing and the table.
    Html,
}

/// What `verbatim rules` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesAction {
    /// Print the rules in force.
    Show,
}

/// verbatim: transcribe recordings into citable, hashed, timestamped evidence, offline.
#[derive(Debug, Parser)]
#[command(name = "verbatim", version, about, max_term_width = 100)]
pub struct Cli {
    /// The evidence store folder.
    #[arg(
        long,
        global = true,
        env = "VERBATIM_STORE",
        default_value = ".verbatim"
    )]
    pub store: PathBuf,

    /// Where models live (Whisper, the voice encoder, the sentence model) [default: ./models
    /// when that folder exists, else $XDG_DATA_HOME/verbatim/models, else
    /// ~/.local/share/verbatim/models].
    #[arg(long, global = true, env = "VERBATIM_MODELS")]
    pub models_dir: Option<PathBuf>,

    /// Claim rules (TOML) to use instead of the store's `rules.toml` or the built-in rules.
    #[arg(long, global = true, env = "VERBATIM_RULES")]
    pub rules: Option<PathBuf>,

    /// Labelled example sentences (TOML) that teach the claim classifier, instead of the
    /// store's `examples.toml` or the built-in examples.
    #[arg(long, global = true, env = "VERBATIM_EXAMPLES")]
    pub examples: Option<PathBuf>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Transcribe recordings (files or folders) into the evidence store.
    Ingest(IngestArgs),
    /// Store transcripts made elsewhere (SRT, WebVTT, whisper.cpp or WhisperX JSON, text).
    Import(ImportArgs),
    /// Transcription on many machines through a NATS JetStream server: submit audio, collect
    /// results into this store, see where every job is.
    Queue {
        /// What to do with the queue.
        #[command(subcommand)]
        command: QueueCommand,
    },
    /// Transcribe jobs from a NATS JetStream queue (`verbatim queue submit`), on any number of
    /// machines, and publish the results for `verbatim queue collect`.
    Worker(WorkerArgs),
    /// Merge other stores into this one (made on other machines): recordings by SHA-256,
    /// speakers by voice, second listens, and review entries appended to this log's chain.
    Merge(MergeArgs),
    /// Search every stored segment (tantivy query syntax) with speaker, recording and date filters.
    Search(SearchArgs),
    /// Rebuild the search index from the stored transcripts.
    Reindex(ReindexArgs),
    /// Print a stored transcript.
    Transcript(TranscriptArgs),
    /// List the recordings in the store with their provenance.
    List(ListArgs),
    /// Claims about data (access, denial, storage, authority) with citations.
    Claims(ClaimsArgs),
    /// Claims and the dates they mention, in date order (table, csv, json, svg, html).
    Timeline(TimelineArgs),
    /// Show the claim rules in force.
    Rules(RulesArgs),
    /// Re-hash every source file against the manifest; report missing and changed files.
    Verify(VerifyArgs),
    /// Check a quote (or every quotation in a draft) against the transcripts: where it was
    /// said, how closely, and what differs. Exit 0 when every quote is found exactly.
    Quote(QuoteArgs),
    /// Mark a claim verified, disputed or unclear, in the store's hash-chained review log.
    Review(ReviewArgs),
    /// The review log: each claim's latest review (or every entry with --history).
    Reviews(ReviewsArgs),
    /// Listen again: re-transcribe each claim's audio (plus a margin) with a second model and
    /// flag the claims where it hears other words.
    Relisten(RelistenArgs),
    /// Write an evidence bundle: a zip with the quote table, each claim's audio clip and
    /// transcript excerpt, the recordings' provenance, the rules, the review log and SHA256SUMS.
    Bundle(BundleArgs),
    /// The speakers found by voice across recordings: list, name, merge, split off.
    Speakers {
        /// What to do with speakers.
        #[command(subcommand)]
        command: SpeakersCommand,
    },
    /// A local web page: search, play at the hit, claims table, timeline (read-only).
    Serve(ServeArgs),
    /// Obtain and convert Whisper models.
    Models {
        /// What to do with models.
        #[command(subcommand)]
        command: ModelsCommand,
    },
}

/// `verbatim ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Audio files or folders (folders are walked for audio files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Model name (tiny.en, base) in the models folder, or a path to a ggml file.
    #[arg(long, default_value = "tiny.en")]
    pub model: String,
    /// Spoken language (ISO 639-1), or `auto` to detect (multilingual models only).
    #[arg(long, default_value = "auto")]
    pub language: String,
    /// Translate speech to English (multilingual models only).
    #[arg(long)]
    pub translate: bool,
    /// The characters Chinese speech is written in: `simplified`, `traditional`, or
    /// `as-spoken` (as Whisper wrote it).
    #[arg(long, default_value = "simplified", value_parser = parsed::<ChineseScript>)]
    pub chinese_script: ChineseScript,
    /// Beam width for Whisper's decoder: 1 decodes greedily (the fastest); 2 to 8 search that
    /// many candidate texts at a time, at about that many times the decoder's cost.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=8))]
    pub beam: u16,
    /// Threads for Whisper and for diarization's voice embeddings [default: the cores available].
    #[arg(long, env = "VERBATIM_THREADS")]
    pub threads: Option<usize>,
    /// Recording date (YYYY-MM-DD) for every file in this run; overrides names and tags.
    #[arg(long, value_parser = iso_date)]
    pub date: Option<Date>,
    /// Give Whisper the whole recording instead of only the speech the voice detector finds.
    #[arg(long)]
    pub no_vad: bool,
    /// Where word start times come from: `blend` (midpoint of Whisper's token timestamp and
    /// its DTW alignment time), `dtw`, or `tokens`. DTW needs a model with an alignment-heads
    /// preset (tiny, base, small, medium); others use token timestamps.
    #[arg(long, default_value = "blend", value_parser = parsed::<WordTimes>)]
    pub word_times: WordTimes,
    /// The number of speakers in every file of this run, when known [default: estimated].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub speakers: Option<u16>,
    /// The fewest speakers to find in each file when their number is estimated [default: 1].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64), conflicts_with = "speakers")]
    pub min_speakers: Option<u16>,
    /// The most speakers to find in each file when their number is estimated [default: 12].
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=64), conflicts_with = "speakers")]
    pub max_speakers: Option<u16>,
    /// One speaker per channel: for stereo recordings whose channels carry different people.
    #[arg(long)]
    pub channels: bool,
    /// Do not attribute speakers (no voice model needed).
    #[arg(long, conflicts_with_all = ["speakers", "min_speakers", "max_speakers", "channels", "voiceprints"])]
    pub no_speakers: bool,
    /// Settle who is one person with a second, stronger voice model (ECAPA-TDNN, `verbatim
    /// models fetch ecapa`): clusters of one person recorded in different sessions are merged,
    /// and speakers are matched across recordings by voiceprint. For close-talk recordings of
    /// real people: it cannot tell synthetic (espeak) voices apart, and in far-field recordings
    /// of reverberant rooms it has matched different people. Without it, an installed ECAPA
    /// model only checks whether a recording split in two speakers is one voice.
    #[arg(long, conflicts_with = "channels")]
    pub voiceprints: bool,
}

/// `verbatim speakers ...`.
#[derive(Debug, Subcommand)]
pub enum SpeakersCommand {
    /// Every speaker: id, name, talk time, recordings, a sample quote.
    List {
        /// table or json.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
    /// Name a speaker; the name reaches transcripts, the index, claims and every export.
    Rename {
        /// The speaker's id (S3) or current name.
        speaker: String,
        /// The new name.
        name: String,
    },
    /// Make two speakers one (one person split in two): OTHER joins SPEAKER.
    Merge {
        /// The speaker that stays (id or name).
        speaker: String,
        /// The speaker that joins it (id or name).
        other: String,
    },
    /// Make a speaker's part in one recording a new speaker (a wrong match across recordings).
    SplitOff {
        /// The speaker (id or name).
        speaker: String,
        /// The recording (name, stem or hash prefix).
        #[arg(long)]
        recording: String,
    },
}

/// `verbatim import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Transcript files or folders (folders are walked for .srt, .vtt, .json, .txt files).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Format: auto, srt, vtt, whisper.cpp, whisperx or txt.
    #[arg(long, default_value = "auto", value_parser = import_format)]
    pub format: ImportChoice,
    /// Recording date (YYYY-MM-DD) for every file in this run; overrides dates in file names.
    #[arg(long, value_parser = iso_date)]
    pub date: Option<Date>,
    /// Text encoding of every file in this run (utf-8, utf-16le, utf-16be, utf-32le, utf-32be,
    /// windows-1252, or another WHATWG label) [default: a byte-order mark's, else UTF-8 when
    /// the bytes are valid UTF-8, else windows-1252].
    #[arg(long)]
    pub encoding: Option<verbatim::import::encoding::TextEncoding>,
}

/// How to reach a NATS server.
#[derive(Debug, Args)]
pub struct NatsArgs {
    /// The server: nats://host:4222, tls://host:4222, or nats://user:password@host:4222.
    #[arg(long = "nats", env = "VERBATIM_NATS")]
    pub url: String,
    /// A credentials file (JWT and nkey seed).
    #[arg(long = "nats-creds", env = "VERBATIM_NATS_CREDS")]
    pub creds: Option<PathBuf>,
    /// A user (with --nats-password).
    #[arg(long = "nats-user", env = "VERBATIM_NATS_USER", requires = "password")]
    pub user: Option<String>,
    /// The user's password.
    #[arg(
        long = "nats-password",
        env = "VERBATIM_NATS_PASSWORD",
        requires = "user"
    )]
    pub password: Option<String>,
    /// A token.
    #[arg(long = "nats-token", env = "VERBATIM_NATS_TOKEN")]
    pub token: Option<String>,
    /// An nkey seed.
    #[arg(long = "nats-nkey", env = "VERBATIM_NATS_NKEY")]
    pub nkey: Option<String>,
    /// A CA certificate to trust (turns TLS on).
    #[arg(long = "nats-tls-ca")]
    pub tls_ca: Option<PathBuf>,
    /// Connect to a server on another machine without credentials.
    #[arg(long = "nats-anonymous")]
    pub anonymous: bool,
}

/// `verbatim queue ...`.
#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Put audio files (or folders of them) on the queue, one job per file, keyed by SHA-256.
    Submit {
        /// The server.
        #[command(flatten)]
        nats: NatsArgs,
        /// Audio files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Recording date (YYYY-MM-DD) for every file; else the file name's or the container's.
        #[arg(long, value_parser = iso_date)]
        date: Option<Date>,
    },
    /// Bring every finished result into this store (`--store`).
    Collect {
        /// The server.
        #[command(flatten)]
        nats: NatsArgs,
    },
    /// Jobs pending, in progress (which worker, since when), done, collected and failed.
    Status {
        /// The server.
        #[command(flatten)]
        nats: NatsArgs,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TableFormat::Table)]
        format: TableFormat,
    },
}

/// `verbatim worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// The server.
    #[command(flatten)]
    pub nats: NatsArgs,
    /// Model name (tiny.en, base) in the models folder, or a path to a ggml file.
    #[arg(long, default_value = "tiny.en")]
    pub model: String,
    /// Threads for Whisper [default: the machine's cores, at most 8].
    #[arg(long, env = "VERBATIM_THREADS")]
    pub threads: Option<usize>,
    /// Stop when no job is waiting, instead of waiting for more.
    #[arg(long)]
    pub exit_when_idle: bool,
    /// A job that fails this many times goes to the dead-letter stream with its error.
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(i64).range(1..))]
    pub max_tries: i64,
}

/// `verbatim merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The stores to merge into this one (`--store`), each a store's folder.
    #[arg(required = true)]
    pub stores: Vec<PathBuf>,
}

/// `verbatim search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query: words, "a phrase", "a phrase"~N, word~N (fuzzy), AND/OR/NOT, pre*; with
    /// --meaning, a question or description in plain words.
    pub query: String,
    /// Rank segments by similarity of meaning to the query (the sentence model) instead of
    /// by the words they share.
    #[arg(long)]
    pub meaning: bool,
    /// Which segments.
    #[command(flatten)]
    pub filters: Filters,
    /// At most this many hits.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// relevance or date.
    #[arg(long, value_enum, default_value_t = SearchSort::Relevance)]
    pub sort: SearchSort,
    /// Neighbouring segments to show before and after each hit.
    #[arg(long, default_value_t = 0)]
    pub context: usize,
    /// table, json or csv.
    #[arg(long, short, value_enum, default_value_t = SearchFormat::Table)]
    pub format: SearchFormat,
    /// With `--format csv`: write cells exactly as spoken. By default a cell that a spreadsheet
    /// would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
    /// leading apostrophe.
    #[arg(long)]
    pub csv_raw: bool,
}

/// Filters shared by `search`, `claims` and `timeline`.
#[derive(Debug, Args)]
pub struct Filters {
    /// Only claims of this kind (search: segments quoted by such a claim).
    #[arg(long)]
    pub kind: Option<String>,
    /// Only this speaker (case-insensitive, whole label).
    #[arg(long)]
    pub speaker: Option<String>,
    /// Only this recording (file name, stem or hash prefix).
    #[arg(long)]
    pub recording: Option<String>,
    /// Only recordings dated on or after this day (YYYY-MM-DD).
    #[arg(long, value_parser = iso_date)]
    pub from: Option<Date>,
    /// Only recordings dated on or before this day (YYYY-MM-DD).
    #[arg(long, value_parser = iso_date)]
    pub to: Option<Date>,
}

/// `verbatim claims`.
#[derive(Debug, Args)]
pub struct ClaimsArgs {
    /// Which claims.
    #[command(flatten)]
    pub filters: Filters,
    /// table, csv, json or md.
    #[arg(long, short, value_enum, default_value_t = ClaimsFormat::Table)]
    pub format: ClaimsFormat,
    /// Extract every recording's claims again with the rules in force (after editing rules).
    #[arg(long)]
    pub rescan: bool,
    /// Only claims whose latest review is verified, disputed or unclear (and not stale), whose
    /// review is stale, or that are unreviewed (see `verbatim review`).
    #[arg(long, value_parser = parsed::<verbatim::review::ReviewFilter>)]
    pub review: Option<verbatim::review::ReviewFilter>,
    /// Show claims only the sentence model found (flag `model_only`) when they score at least
    /// this (0 to 1) [default: 0.6]. Lower finds more leads, higher fewer false ones.
    #[arg(long)]
    pub min_score: Option<f32>,
    /// With `--format csv`: write cells exactly as spoken. By default a cell that a spreadsheet
    /// would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
    /// leading apostrophe.
    #[arg(long)]
    pub csv_raw: bool,
}

/// `verbatim timeline`.
#[derive(Debug, Args)]
pub struct TimelineArgs {
    /// Which claims.
    #[command(flatten)]
    pub filters: Filters,
    /// table, csv, json, svg or html.
    #[arg(long, short, value_enum, default_value_t = TimelineFormat::Table)]
    pub format: TimelineFormat,
    /// Claims only the sentence model found must score at least this (0 to 1) [default: 0.6].
    #[arg(long)]
    pub min_score: Option<f32>,
    /// With `--format csv`: write cells exactly as spoken. By default a cell that a spreadsheet
    /// would run as a formula (it starts with =, +, -, @, a tab or a carriage return) gets a
    /// leading apostrophe.
    #[arg(long)]
    pub csv_raw: bool,
}

/// `verbatim rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// `show`: print the rules in force.
    #[arg(value_enum, default_value_t = RulesAction::Show)]
    pub action: RulesAction,
    /// Print the built-in rules whatever is in force (a starting point for your own).
    #[arg(long)]
    pub default: bool,
}

/// `verbatim verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Resolve relative source paths against this folder [default: the current folder].
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// Transcribe these recordings again (all when none is named) from their sources, with
    /// the model (found by its SHA-256 in the models folder) and the settings their provenance
    /// records, and compare word for word with the stored transcripts.
    #[arg(long, num_args = 0.., value_name = "RECORDING")]
    pub reproduce: Option<Vec<String>>,
    /// With --reproduce: run Whisper on this many threads instead of the recorded number (to
    /// see what a different thread count changes).
    #[arg(long, requires = "reproduce")]
    pub threads: Option<usize>,
    /// table or json.
    #[arg(long, short, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// `verbatim serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address and port to listen on; port 0 picks a free one. Anything but a loopback
    /// address (127.0.0.1, ::1) lets other machines read the store, and prints a warning.
    #[arg(long, default_value = verbatim::web::DEFAULT_ADDR, value_parser = socket_addr)]
    pub addr: SocketAddr,
}

/// `verbatim reindex`.
#[derive(Debug, Args)]
pub struct ReindexArgs {}

/// `verbatim transcript`.
#[derive(Debug, Args)]
pub struct TranscriptArgs {
    /// The recording: its file name, its stem, or a prefix of its SHA-256.
    pub recording: String,
    /// Output format: txt, srt, vtt or json.
    #[arg(long, short, default_value = "txt", value_parser = parsed::<TranscriptFormat>)]
    pub format: TranscriptFormat,
}

/// `verbatim quote`.
#[derive(Debug, Args)]
pub struct QuoteArgs {
    /// The quote to look for.
    #[arg(required_unless_present = "draft", conflicts_with = "draft")]
    pub text: Option<String>,
    /// Check every quotation (in straight or curly double quotes) of a draft story: .txt,
    /// .md or .docx.
    #[arg(long)]
    pub draft: Option<PathBuf>,
    /// Only this recording: its file name, its stem, or a prefix of its SHA-256.
    #[arg(long)]
    pub recording: Option<String>,
    /// The similarity (0 to 1: 1 minus the words changed, added or dropped over the quote's
    /// length) a stretch of transcript must reach to be reported.
    #[arg(long, default_value_t = verbatim::quote::DEFAULT_THRESHOLD)]
    pub threshold: f64,
    /// Output format: table or json.
    #[arg(long, short, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// `verbatim review`.
#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The claim's id, or a prefix of it that only one claim has.
    pub claim: String,
    /// The verdict: verified, disputed or unclear.
    #[arg(long, value_parser = parsed::<verbatim::review::Verdict>)]
    pub status: verbatim::review::Verdict,
    /// What the reviewer heard, or why.
    #[arg(long, default_value = "")]
    pub note: String,
    /// Who reviewed.
    #[arg(long)]
    pub by: String,
}

/// `verbatim bundle`.
#[derive(Debug, Args)]
pub struct BundleArgs {
    /// The zip to write.
    pub out: PathBuf,
    /// Which claims.
    #[command(flatten)]
    pub filters: Filters,
    /// Only claims whose latest review is verified, disputed or unclear (and not stale), whose
    /// review is stale, or that are unreviewed.
    #[arg(long, value_parser = parsed::<verbatim::review::ReviewFilter>)]
    pub review: Option<verbatim::review::ReviewFilter>,
    /// Folder that relative source paths in the manifest are resolved against (default: the
    /// current folder), as for `verify`.
    #[arg(long)]
    pub root: Option<PathBuf>,
}

/// `verbatim relisten`.
#[derive(Debug, Args)]
pub struct RelistenArgs {
    /// Claim ids, or prefixes of them that only one claim has.
    #[arg(required_unless_present = "all", conflicts_with = "all")]
    pub claims: Vec<String>,
    /// Every claim.
    #[arg(long)]
    pub all: bool,
    /// The second model: a name in the models folder (base, small, ...) or a path to a ggml
    /// file. It should differ from the one that made the transcript.
    #[arg(long, default_value = "base")]
    pub model: String,
    /// Beam width for the second listen.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(1..=8))]
    pub beam: u16,
    /// Whisper threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Folder that relative source paths in the manifest are resolved against (default: the
    /// current folder), as for `verify`.
    #[arg(long)]
    pub root: Option<PathBuf>,
    /// table or json.
    #[arg(long, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// `--format` of `reviews`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReviewsFormat {
    /// Aligned columns for people.
    Table,
    /// JSON for tools.
    Json,
    /// CSV for spreadsheets.
    Csv,
}

/// `verbatim reviews`.
#[derive(Debug, Args)]
pub struct ReviewsArgs {
    /// Every entry in log order, not only each claim's latest.
    #[arg(long)]
    pub history: bool,
    /// table, json or csv.
    #[arg(long, short, value_enum, default_value_t = ReviewsFormat::Table)]
    pub format: ReviewsFormat,
}

/// `verbatim list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Output format: table or json.
    #[arg(long, short, value_enum, default_value_t = TableFormat::Table)]
    pub format: TableFormat,
}

/// `verbatim models ...`.
#[derive(Debug, Subcommand)]
pub enum ModelsCommand {
    /// Put a model in the models folder: a Whisper model (tiny.en or base), the voice encoder
    /// that tells speakers apart (resemblyzer), the speaker model that settles who is one
    /// person (ecapa), the second voice detector that confirms gap markers (silero) or the
    /// sentence model (minilm).
    Fetch {
        /// tiny.en, base, resemblyzer, ecapa, campplus, silero or minilm.
        name: String,
    },
    /// The models folder in force and which models it holds.
    List,
    /// Write an 8-bit (q8_0) copy of a Whisper model beside it: `tiny.en` becomes
    /// `ggml-tiny.en-q8_0.bin`, used with `--model tiny.en-q8_0`. Smaller, faster on CPUs with
    /// AVX-512 VNNI, slightly less accurate (README, "Figures"); the f16 model stays the default.
    Quantize {
        /// A model name in the models folder (tiny.en, base) or a path to an f16 ggml file.
        model: String,
    },
    /// Convert a CTranslate2 / faster-whisper Whisper model folder to a ggml file.
    ConvertCt2 {
        /// The folder holding model.bin and vocabulary.txt.
        dir: PathBuf,
        /// The ggml file to write.
        out: PathBuf,
    },
}
