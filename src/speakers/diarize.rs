//! Diarization: who speaks when, from voice embeddings.
//!
//! 1. The recording is raised to -30 dBFS if quieter (Resemblyzer's own normalisation).
//! 2. Inside each speech span (the voice activity detector's), windows of 1.6 s (the encoder's
//!    partial length) start every [`DiarizeConfig::step_ms`], the last one aligned to the span's
//!    end; a span shorter than 1.6 s (but at least 0.3 s) is one window of its own length.
//!    Windows never cross a pause, so a window rarely holds two voices.
//! 3. Window embeddings are clustered by auto-tuned spectral clustering ([`super::spectral`],
//!    NME-SC): the number of speakers and the affinity's pruning are read off each recording's
//!    own eigenvalues, within `--min-speakers`..`--max-speakers`, or exactly `--speakers N`. A
//!    recording with more than `MAX_UNITS` windows is first reduced to that many k-means units,
//!    so time and memory stay bounded on long meetings. Clusters holding less than
//!    `MIN_SPEAKER_MS` of speech are folded into their nearest neighbour (never below the
//!    minimum) and near-identical centroids ([`SAME_VOICE`]) are merged. Without the second
//!    voice model (below), when that finds more than one voice, the windows are clustered once
//!    more the same way with the recording's mean embedding taken off each ([`centred`]): what
//!    every window shares (the room, the microphone) then weighs less than what tells the
//!    voices apart. On the real-voice development meetings this took words right
//!    from 0.832 to 0.848 and counts right from 3 to 4 of 6, and on the short synthetic ones
//!    from 0.885 to 0.926 and 4 to 5 of 6; the sample corpus is unchanged. A recording found
//!    to hold one voice is not clustered again: less its mean, one voice's windows are noise
//!    that spectral clustering would split. With `--voiceprints` the first clustering stands,
//!    as its over-split clusters are what the second model joins (centred, the development
//!    meetings fell from 0.971 to 0.930 there).
//! 4. A second, stronger speaker model ([`super::ecapa`], ECAPA-TDNN trained on VoxCeleb) hears
//!    a cluster's speech at once (up to [`VERIFY_MS`]): GE2E's 1.6 s windows split one person
//!    recorded in different sessions or rooms, which a cluster's worth of speech through ECAPA
//!    does not.
//!    - By default (when its weights are installed), what the centred clustering joined is
//!      split again where ECAPA hears different people (`split_different_people`, [`APART`]):
//!      each centred cluster is cut into the parts the first clustering had found, and parts
//!      whose voiceprints score under [`APART`] become speakers of their own. Centring
//!      helps most recordings but can join two people the first clustering told apart (two
//!      audiobook readers, in the development meetings). Then a recording that GE2E split in
//!      two is checked for being one voice (`one_voice`, [`ONE_VOICE`]) and joined if it is.
//!    - With `--voiceprints`, every cluster gets a voiceprint, clusters it judges one person
//!      ([`SAME_PERSON`]) are merged, and the voiceprints are kept for identity across
//!      recordings. ECAPA cannot tell espeak-ng's voices apart (different espeak voices score
//!      up to 0.78), so this is not the default.
//!
//!    Each window is then reassigned to the nearest centroid.
//! 5. Every 10 ms frame gets the speaker that the windows covering it vote for (each window's
//!    vote weighted by a triangle peaking at its centre) and a confidence (the winner's share of
//!    the votes). Turns shorter than [`DiarizeConfig::min_turn_ms`] inside a span are absorbed by
//!    their neighbours, so turns do not flicker, and turns shorter than a window that touch
//!    another speaker's turn are capped at [`SHORT_TURN_CONFIDENCE`].
//! 6. [`attribute`] gives each word the speaker of its own frames, with a confidence, and splits
//!    a segment where the speaker changes.

use rayon::prelude::*;

use crate::model::{Segment, Span, Word};

use super::ecapa;
use super::encoder::{
    cosine, mean_embedding, normalized, Embedding, VoiceEncoder, EMBEDDING, PARTIAL_FRAMES,
};
use super::mel::{normalize_volume, MelFrame, HOP, SAMPLE_RATE};
use super::spectral;
use super::voice::VoiceModel;

/// Frames of 10 ms.
const FRAME_MS: u64 = (HOP * 1000 / SAMPLE_RATE) as u64;
/// Frames within which a word beside speech takes the speech's confidence (0.3 s).
const NEAR_FRAMES: usize = 30;
/// Items spectral clustering sees at most (one eigendecomposition of this size per candidate
/// pruning); recordings with more windows are reduced to this many k-means units first.
const MAX_UNITS: usize = 400;
/// The most speakers estimated unless `--max-speakers` says otherwise.
pub const DEFAULT_MAX_SPEAKERS: usize = 12;
/// A cluster with less speech than this is not a speaker of its own.
pub const MIN_SPEAKER_MS: u64 = 3_000;
/// Spans shorter than this get no window of their own (their frames take their neighbours').
const MIN_WINDOW_FRAMES: usize = 30;
/// Cluster centroids at least this similar are one voice.
pub const SAME_VOICE: f32 = 0.94;
/// Clusters whose voiceprints (ECAPA) are at least this similar are one person. Within the
/// real-voice development meetings, different people's clusters score at most 0.35 and the
/// pieces of one split person 0.42 to 0.82; at 0.5 every split there is joined (pieces merge
/// most alike first, and a merged cluster's voiceprint is the sum of its parts') and no two
/// people are.
pub const SAME_PERSON: f32 = 0.5;
/// A recording that GE2E splits in two whose clusters' voiceprints (ECAPA) are at least this
/// alike holds one voice (`one_voice`, the default when the ECAPA weights are installed). In
/// the real-voice development meetings, one person recorded in several sessions came out of
/// GE2E as two clusters (0.60 alike by ECAPA), where two people score at most 0.35. Joining a
/// recording's voices fuses people if wrong, so this is the store-wide bar for one person
/// across recordings ([`super::registry::MATCH_THRESHOLD`]), not the within-recording
/// [`SAME_PERSON`]. Only recordings split in two are checked: no development recording had one
/// voice split in three or more, and checking every pair would cost a voiceprint per cluster.
pub const ONE_VOICE: f32 = super::registry::MATCH_THRESHOLD;
/// Parts of one cluster whose voiceprints (ECAPA) are less alike than this are different
/// people ([`split_different_people`]). In the real-voice development meetings, different
/// people's parts score at most 0.35 and one person's at least 0.42.
pub const APART: f32 = 0.4;
/// Speech per part [`split_different_people`] hears at most. On the development data, parts
/// heard for 10 s scored within 0.03 of 20 s (one pair 0.06), on the same sides of [`APART`],
/// at half the cost where a part is long.
const PART_MS: u64 = 10_000;
/// Speech per cluster of the quick first listen in [`one_voice`].
const QUICK_MS: u64 = 6_000;
/// The quick listen's bar, a cost gate under the one-voice bar. On the development data
/// (real-voice meetings, short synthetic meetings, the sample corpus), every pair of clusters
/// whose voiceprints reached [`ONE_VOICE`] on 20 s each scored at least 0.43 on 6 s each
/// (the two pieces of the one real person GE2E split: 0.46 on 6 s, 0.60 on 20 s); the corpus's
/// two-voice board call scores 0.32.
pub const QUICK_ONE_VOICE: f32 = 0.35;
/// Speech per cluster the ECAPA model hears at most (evenly spread over the cluster's windows).
pub const VERIFY_MS: u64 = 20_000;
/// The most confidence a turn shorter than a window that touches another speaker's turn gets:
/// under [`crate::model::LOW_SPEAKER_CONFIDENCE`].
pub const SHORT_TURN_CONFIDENCE: f32 = 0.5;
/// Windows embedded in one batch.
const BATCH: usize = 32;

/// How to diarize.
#[derive(Debug, Clone, PartialEq)]
pub struct DiarizeConfig {
    /// The number of speakers, when known; else it is estimated.
    pub speakers: Option<usize>,
    /// The fewest speakers an estimate may give.
    pub min_speakers: usize,
    /// The most speakers an estimate may give.
    pub max_speakers: usize,
    /// Step between windows inside a span.
    pub step_ms: u64,
    /// Shorter turns are absorbed by their neighbours.
    pub min_turn_ms: u64,
}

impl Default for DiarizeConfig {
    fn default() -> Self {
        DiarizeConfig {
            speakers: None,
            min_speakers: 1,
            max_speakers: DEFAULT_MAX_SPEAKERS,
            step_ms: 800,
            min_turn_ms: 1_000,
        }
    }
}

impl DiarizeConfig {
    /// A note when the settings ask for more speakers than `speech_ms` of speech can hold
    /// (`MIN_SPEAKER_MS` each): `--speakers 30` on an 11-second clip.
    pub fn note(&self, speech_ms: u64, found: usize) -> Option<String> {
        let (asked, flag) = match self.speakers {
            Some(n) => (n, "--speakers"),
            None if self.min_speakers > 1 => (self.min_speakers, "--min-speakers"),
            None => return None,
        };
        let room = (speech_ms / MIN_SPEAKER_MS).max(1) as usize;
        (asked > room || found < asked).then(|| {
            format!(
                "{flag} {asked} asks for more voices than {:.0} s of speech can tell apart \
                 ({} s each at least); found {found}",
                speech_ms as f64 / 1000.0,
                MIN_SPEAKER_MS / 1000
            )
        })
    }

    /// The least and most speakers to find: exactly `speakers` when given.
    pub fn bounds(&self) -> (usize, usize) {
        match self.speakers {
            Some(n) => (n.max(1), n.max(1)),
            None => (
                self.min_speakers.max(1),
                self.max_speakers.max(self.min_speakers.max(1)),
            ),
        }
    }

    /// A one-line description for provenance.
    pub fn describe(&self) -> String {
        let count = match self.speakers {
            Some(n) => format!("{n} speakers (given)"),
            None => format!(
                "{}-{} speakers estimated (spectral clustering, normalised maximum eigengap; \
                 without voiceprints, again less the recording's mean where more than one is \
                 found)",
                self.min_speakers, self.max_speakers
            ),
        };
        format!(
            "{}: 1.6 s windows every {} ms within speech, {count}, turns >= {} ms",
            super::encoder::MODEL_NAME,
            self.step_ms,
            self.min_turn_ms
        )
    }
}

/// One speaker found in a recording.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalSpeaker {
    /// The mean of its windows' embeddings, normalised.
    pub centroid: Embedding,
    /// Speech attributed to it.
    pub speech_ms: u64,
    /// Its voiceprint from the ECAPA model (up to [`VERIFY_MS`] of its speech heard at once,
    /// normalised), for identity across recordings; None without that model.
    pub voiceprint: Option<Vec<f32>>,
}

/// A window that was embedded.
#[derive(Debug, Clone)]
struct Window {
    /// First and one-past-last 10 ms frame.
    frames: (usize, usize),
    embedding: Embedding,
}

/// Who speaks when in one recording.
#[derive(Debug, Clone)]
pub struct Diarization {
    /// The speakers, numbered from 0 by order of first speech.
    pub speakers: Vec<LocalSpeaker>,
    /// Per 10 ms frame: the speaker and the confidence (None outside speech).
    frames: Vec<Option<(usize, f32)>>,
    /// Windows embedded.
    pub windows: usize,
}

impl Diarization {
    /// A diarization in which one speaker (or a channel) says everything in `spans`.
    #[cfg(test)]
    fn from_labels(speakers: Vec<LocalSpeaker>, frames: Vec<Option<(usize, f32)>>) -> Self {
        Diarization {
            speakers,
            frames,
            windows: 0,
        }
    }

    /// The speaker of a stretch of time and the confidence: the speaker with most confident
    /// frames in it. A stretch with no labelled frame takes the nearest labelled frame: within
    /// 0.3 s (about the error of Whisper's word times) at its confidence, within 1 s at half.
    pub fn speaker_of(&self, span: Span) -> Option<(usize, f32)> {
        let first = (span.start_ms / FRAME_MS) as usize;
        let last = (span.end_ms.div_ceil(FRAME_MS) as usize).max(first + 1);
        let mut votes = vec![0f32; self.speakers.len()];
        let mut frames = 0usize;
        for frame in first..last.min(self.frames.len()) {
            if let Some((speaker, confidence)) = self.frames[frame] {
                votes[speaker] += confidence;
                frames += 1;
            }
        }
        if frames > 0 {
            let (best, &weight) = votes.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
            return Some((best, weight / frames as f32));
        }
        let reach = (1_000 / FRAME_MS) as usize;
        (1..=reach).find_map(|d| {
            let before = first
                .checked_sub(d)
                .and_then(|f| self.frames.get(f).copied().flatten());
            let after = self.frames.get(last - 1 + d).copied().flatten();
            let scale = if d <= NEAR_FRAMES { 1.0 } else { 0.5 };
            before
                .or(after)
                .map(|(speaker, confidence)| (speaker, confidence * scale))
        })
    }
}

/// What the second voice model (ECAPA) does in [`diarize`].
#[derive(Clone, Copy)]
pub enum Verifier<'a> {
    /// Not loaded: GE2E alone.
    Off,
    /// The default when its weights are installed: it only decides whether a recording that
    /// GE2E splits holds one voice.
    OneVoice(&'a VoiceModel),
    /// `--voiceprints`: it merges the clusters it judges one person, and every speaker keeps
    /// its voiceprint.
    Voiceprints(&'a VoiceModel),
}

/// Diarizes 16 kHz mono samples whose speech spans are known.
pub fn diarize(
    encoder: &VoiceEncoder,
    verifier: Verifier<'_>,
    samples: &[f32],
    speech: &[Span],
    config: &DiarizeConfig,
) -> Diarization {
    let mut audio = samples.to_vec();
    normalize_volume(&mut audio);
    let n_frames = audio.len() / HOP + 1;
    let windows = embed_windows(encoder, &audio, speech, config.step_ms);
    if windows.is_empty() {
        return Diarization {
            speakers: Vec::new(),
            frames: vec![None; n_frames],
            windows: 0,
        };
    }
    let embeddings: Vec<Embedding> = windows.iter().map(|w| w.embedding).collect();
    let weights: Vec<f32> = windows
        .iter()
        .map(|w| (w.frames.1 - w.frames.0) as f32)
        .collect();
    let (min, max) = config.bounds();
    let mut labels = cluster_windows(&embeddings, &weights, min, max);
    if config.speakers.is_none() {
        fold_small_clusters(&windows, &mut labels, min);
        merge_close_centroids(&windows, &mut labels, min);
        // without voiceprints, more than one voice found: cluster again on the windows less
        // the recording's mean (see the module's notes)
        let with_voiceprints = matches!(verifier, Verifier::Voiceprints(_));
        if !with_voiceprints && labels.iter().any(|&l| l > 0) {
            let centred = centred(&embeddings);
            let first =
                std::mem::replace(&mut labels, cluster_windows(&centred, &weights, min, max));
            fold_small_clusters(&windows, &mut labels, min);
            merge_close_centroids(&windows, &mut labels, min);
            // what centring joined, the second model may hear as different people
            if let Verifier::OneVoice(model) = verifier {
                let print = |speech: &[f32]| voiceprint(model, speech);
                let apart = model.bars().apart;
                split_different_people(print, &audio, &windows, &first, &mut labels, max, apart);
            }
        }
        // GE2E splits one voice recorded in different sessions or rooms in two (see
        // [`ONE_VOICE`])
        let two = labels.iter().max() == Some(&1);
        if let Verifier::OneVoice(model) = verifier {
            if min <= 1 && two && one_voice(model, &audio, &windows, &labels) {
                labels.fill(0);
            }
        }
    }
    let mut voiceprints = match verifier {
        Verifier::Voiceprints(model) => voiceprints_of(model, &audio, &windows, &labels),
        Verifier::Off | Verifier::OneVoice(_) => {
            vec![None; labels.iter().max().map_or(0, |m| m + 1)]
        }
    };
    if let (None, Verifier::Voiceprints(model)) = (config.speakers, verifier) {
        merge_same_person(&mut labels, &mut voiceprints, min, model.bars().same_person);
    }
    let centroids = reassign(&embeddings, &mut labels);
    let mut frames = vote_frames(&windows, &labels, n_frames);
    smooth_turns(&mut frames, config.min_turn_ms);
    doubt_short_turns(&mut frames);
    renumber(centroids, voiceprints, frames, windows.len())
}

/// The embedded windows of a recording (volume normalised as [`diarize`] does), each with the
/// stretch of time it covers: for tuning aids that study the clustering offline.
pub fn speech_windows(
    encoder: &VoiceEncoder,
    samples: &[f32],
    speech: &[Span],
    step_ms: u64,
) -> Vec<(Span, Embedding)> {
    let mut audio = samples.to_vec();
    normalize_volume(&mut audio);
    embed_windows(encoder, &audio, speech, step_ms)
        .into_iter()
        .map(|w| {
            let span = Span {
                start_ms: w.frames.0 as u64 * FRAME_MS,
                end_ms: w.frames.1 as u64 * FRAME_MS,
            };
            (span, w.embedding)
        })
        .collect()
}

/// One speaker per channel: each 10 ms frame of speech goes to the loudest channel, with
/// that channel's share of the frame's energy as confidence; short turns are smoothed as in
/// [`diarize`]. Each channel's centroid (for matching across recordings) is embedded from its own
/// signal over the frames it won.
pub fn by_channels(
    encoder: &VoiceEncoder,
    channels: &[Vec<f32>],
    speech: &[Span],
    config: &DiarizeConfig,
) -> Diarization {
    let n_frames = channels.iter().map(Vec::len).max().unwrap_or(0) / HOP + 1;
    let mut frames: Vec<Option<(usize, f32)>> = vec![None; n_frames];
    for span in speech {
        let first = (span.start_ms / FRAME_MS) as usize;
        let last = (span.end_ms / FRAME_MS) as usize;
        for (f, frame) in frames
            .iter_mut()
            .enumerate()
            .take(last.min(n_frames))
            .skip(first)
        {
            let energy: Vec<f32> = channels
                .iter()
                .map(|c| {
                    let end = ((f + 1) * HOP).min(c.len());
                    c.get(f * HOP..end)
                        .map_or(0.0, |s| s.iter().map(|x| x * x).sum())
                })
                .collect();
            let total: f32 = energy.iter().sum();
            if total <= 0.0 {
                continue;
            }
            let (best, loudest) = energy
                .iter()
                .enumerate()
                .max_by(|a, b| a.1.total_cmp(b.1))
                .expect("at least one channel");
            *frame = Some((best, loudest / total));
        }
    }
    smooth_turns(&mut frames, config.min_turn_ms);
    let centroids: Vec<Embedding> = channels
        .iter()
        .enumerate()
        .map(|(c, samples)| {
            let mut runs: Vec<Span> = Vec::new();
            for (f, frame) in frames.iter().enumerate() {
                let ms = f as u64 * FRAME_MS;
                match (frame, runs.last_mut()) {
                    (Some((s, _)), Some(run)) if *s == c && run.end_ms == ms => {
                        run.end_ms = ms + FRAME_MS
                    }
                    (Some((s, _)), _) if *s == c => runs.push(Span {
                        start_ms: ms,
                        end_ms: ms + FRAME_MS,
                    }),
                    _ => {}
                }
            }
            let mut audio = samples.clone();
            normalize_volume(&mut audio);
            let windows = embed_windows(encoder, &audio, &runs, config.step_ms);
            let embeddings: Vec<Embedding> = windows.iter().map(|w| w.embedding).collect();
            mean_embedding(&embeddings)
        })
        .collect();
    let voiceprints = vec![None; centroids.len()];
    renumber(centroids, voiceprints, frames, 0)
}

/// Embeds windows inside the speech spans.
fn embed_windows(
    encoder: &VoiceEncoder,
    audio: &[f32],
    speech: &[Span],
    step_ms: u64,
) -> Vec<Window> {
    let step = ((step_ms / FRAME_MS) as usize).max(1);
    let mut pending: Vec<(usize, usize, Vec<MelFrame>)> = Vec::new();
    let mut windows = Vec::new();
    for span in speech {
        let start = (span.start_ms as usize * SAMPLE_RATE / 1000).min(audio.len());
        let end = (span.end_ms as usize * SAMPLE_RATE / 1000).min(audio.len());
        if end <= start {
            continue;
        }
        let mel = encoder.front_end().mel(&audio[start..end]);
        // mel frame i of the span is centred on sample start + 160 i
        let offset = start / HOP;
        let usable = mel.len().saturating_sub(1);
        if usable < MIN_WINDOW_FRAMES {
            continue;
        }
        if usable <= PARTIAL_FRAMES {
            pending.push((offset, offset + usable, mel[..usable].to_vec()));
            continue;
        }
        let mut starts: Vec<usize> = (0..=usable - PARTIAL_FRAMES).step_by(step).collect();
        if starts.last() != Some(&(usable - PARTIAL_FRAMES)) {
            starts.push(usable - PARTIAL_FRAMES);
        }
        for s in starts {
            pending.push((
                offset + s,
                offset + s + PARTIAL_FRAMES,
                mel[s..s + PARTIAL_FRAMES].to_vec(),
            ));
        }
    }
    // same-length windows share batches
    pending.sort_by_key(|(start, end, _)| (std::cmp::Reverse(end - start), *start));
    let batches: Vec<&[(usize, usize, Vec<MelFrame>)]> = pending
        .chunk_by(|a, b| a.2.len() == b.2.len())
        .flat_map(|group| group.chunks(BATCH))
        .collect();
    // batches are independent: rayon spreads them over the threads of the pool this runs in
    // (the ingester's, sized by --threads; ingest diarizes after Whisper is done)
    windows.par_extend(batches.par_iter().flat_map_iter(|batch| {
        let mels: Vec<&[MelFrame]> = batch.iter().map(|(_, _, m)| m.as_slice()).collect();
        batch
            .iter()
            .zip(encoder.embed_windows(&mels))
            .map(|((start, end, _), embedding)| Window {
                frames: (*start, *end),
                embedding,
            })
            .collect::<Vec<_>>()
    }));
    windows.sort_by_key(|w| w.frames);
    windows
}

/// The embeddings less their mean, each normalised to unit length again.
fn centred(embeddings: &[Embedding]) -> Vec<Embedding> {
    let mut mean = [0f32; EMBEDDING];
    for e in embeddings {
        for (m, x) in mean.iter_mut().zip(e) {
            *m += x / embeddings.len() as f32;
        }
    }
    embeddings
        .iter()
        .map(|e| {
            let mut c = *e;
            for (x, m) in c.iter_mut().zip(&mean) {
                *x -= m;
            }
            normalized(&c)
        })
        .collect()
}

/// Spectral clustering of the windows into `min..=max` speakers (through at most `MAX_UNITS`
/// k-means units).
fn cluster_windows(
    embeddings: &[Embedding],
    weights: &[f32],
    min: usize,
    max: usize,
) -> Vec<usize> {
    let (units, _, unit_of) = spectral::reduce(embeddings, weights, MAX_UNITS);
    let found = spectral::cluster(&units, min, max);
    unit_of.into_iter().map(|u| found.labels[u]).collect()
}

/// Folds clusters with less than `MIN_SPEAKER_MS` of windows into the nearest other cluster,
/// while more than `min` are left.
fn fold_small_clusters(windows: &[Window], labels: &mut [usize], min: usize) {
    loop {
        let k = labels.iter().max().map_or(0, |m| m + 1);
        if k <= min.max(1) {
            return;
        }
        let speech: Vec<u64> = (0..k)
            .map(|c| speech_ms(windows, labels.iter().map(|&l| l == c)))
            .collect();
        let Some(small) = (0..k)
            .filter(|&l| speech[l] < MIN_SPEAKER_MS)
            .min_by_key(|&l| speech[l])
        else {
            return;
        };
        let centroids = centroids_of(windows, labels, k);
        let nearest = (0..k)
            .filter(|&l| l != small)
            .max_by(|&a, &b| {
                cosine(&centroids[small], &centroids[a])
                    .total_cmp(&cosine(&centroids[small], &centroids[b]))
            })
            .expect("k > 1");
        for l in labels.iter_mut() {
            if *l == small {
                *l = nearest;
            } else if *l > small {
                *l -= 1;
            }
        }
    }
}

/// The speech the windows picked by `chosen` cover, each frame counted once where windows
/// overlap.
fn speech_ms(windows: &[Window], chosen: impl Iterator<Item = bool>) -> u64 {
    let mut spans: Vec<(usize, usize)> = windows
        .iter()
        .zip(chosen)
        .filter(|(_, c)| *c)
        .map(|(w, _)| w.frames)
        .collect();
    spans.sort_unstable();
    let mut end = 0;
    let mut frames = 0;
    for (s, e) in spans {
        let s = s.max(end);
        if e > s {
            frames += e - s;
        }
        end = end.max(e);
    }
    frames as u64 * FRAME_MS
}

/// Merges clusters whose centroids are at least [`SAME_VOICE`] similar, while more than `min`
/// are left.
fn merge_close_centroids(windows: &[Window], labels: &mut [usize], min: usize) {
    loop {
        let k = labels.iter().max().map_or(0, |m| m + 1);
        if k <= min.max(1) {
            return;
        }
        let centroids = centroids_of(windows, labels, k);
        let mut best = (SAME_VOICE, None);
        for a in 0..k {
            for b in a + 1..k {
                let s = cosine(&centroids[a], &centroids[b]);
                if s >= best.0 {
                    best = (s, Some((a, b)));
                }
            }
        }
        let Some((a, b)) = best.1 else {
            return;
        };
        for l in labels.iter_mut() {
            if *l == b {
                *l = a;
            } else if *l > b {
                *l -= 1;
            }
        }
    }
}

/// Each cluster's voiceprint: the ECAPA embedding of up to [`VERIFY_MS`] of its speech,
/// normalised (None for a cluster with too little speech to embed).
fn voiceprints_of(
    verifier: &VoiceModel,
    audio: &[f32],
    windows: &[Window],
    labels: &[usize],
) -> Vec<Option<Vec<f32>>> {
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let speech: Vec<Vec<f32>> = (0..k)
        .map(|c| cluster_speech(audio, windows, labels, c, VERIFY_MS))
        .collect();
    speech.par_iter().map(|s| voiceprint(verifier, s)).collect()
}

/// The normalised ECAPA embedding of `speech`; None when it is too short to embed.
fn voiceprint(model: &VoiceModel, speech: &[f32]) -> Option<Vec<f32>> {
    (speech.len() >= model.min_samples()).then(|| ecapa::normalised(model.embed(speech)))
}

/// Whether the ECAPA model hears one person in both clusters of a recording that GE2E split
/// in two: their voiceprints at least [`ONE_VOICE`] alike. A quick listen first
/// ([`QUICK_MS`] of each, which must reach [`QUICK_ONE_VOICE`]) ends most checks of two people
/// at about a third of the cost.
fn one_voice(model: &VoiceModel, audio: &[f32], windows: &[Window], labels: &[usize]) -> bool {
    let bars = model.bars();
    let alike = |cap_ms: u64| {
        let print =
            |c: usize| voiceprint(model, &cluster_speech(audio, windows, labels, c, cap_ms));
        match rayon::join(|| print(0), || print(1)) {
            (Some(x), Some(y)) => ecapa::cosine(&x, &y),
            _ => f32::NEG_INFINITY,
        }
    };
    alike(QUICK_MS) >= bars.quick_one_voice && alike(VERIFY_MS) >= bars.one_voice
}

/// Splits what centring joined where the second model hears different people. Each cluster of
/// the centred clustering is cut into parts by the first clustering (the windows of both a
/// centred cluster and a first one, where they hold at least `MIN_SPEAKER_MS` of speech);
/// each part gets a voiceprint, parts at least [`APART`] alike are joined (most alike first,
/// as in [`merge_same_person`]), and each group but the largest becomes a speaker of its own,
/// while fewer than `max` are found. Windows of small parts stay where they were.
fn split_different_people(
    print: impl Fn(&[f32]) -> Option<Vec<f32>> + Sync,
    audio: &[f32],
    windows: &[Window],
    first: &[usize],
    labels: &mut [usize],
    max: usize,
    apart: f32,
) {
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let k_first = first.iter().max().map_or(0, |m| m + 1);
    let mut next = k;
    for c in 0..k {
        let in_part = |f: usize| {
            labels
                .iter()
                .zip(first)
                .map(move |(&l, &g)| l == c && g == f)
        };
        let parts: Vec<usize> = (0..k_first)
            .filter(|&f| speech_ms(windows, in_part(f)) >= MIN_SPEAKER_MS)
            .collect();
        if parts.len() < 2 || next >= max {
            continue;
        }
        // each window's part (usize::MAX: not in one)
        let tags: Vec<usize> = labels
            .iter()
            .zip(first)
            .map(|(&l, g)| {
                (l == c)
                    .then(|| parts.iter().position(|f| f == g))
                    .flatten()
                    .unwrap_or(usize::MAX)
            })
            .collect();
        let mut prints: Vec<Option<Vec<f32>>> = (0..parts.len())
            .into_par_iter()
            .map(|p| print(&cluster_speech(audio, windows, &tags, p, PART_MS)))
            .collect();
        if prints.iter().any(Option::is_none) {
            continue;
        }
        let mut group: Vec<usize> = (0..parts.len()).collect();
        merge_same_person(&mut group, &mut prints, 1, apart);
        let groups = prints.len();
        if groups < 2 {
            continue;
        }
        // the group with the most speech keeps the cluster's number
        let speech: Vec<u64> = (0..groups)
            .map(|g| {
                speech_ms(
                    windows,
                    tags.iter().map(|&t| t != usize::MAX && group[t] == g),
                )
            })
            .collect();
        let kept = (0..groups).max_by_key(|&g| speech[g]).expect("groups >= 2");
        let mut number = vec![c; groups];
        for (g, n) in number.iter_mut().enumerate() {
            if g != kept && next < max {
                *n = next;
                next += 1;
            }
        }
        for (l, &t) in labels.iter_mut().zip(&tags) {
            if t != usize::MAX {
                *l = number[group[t]];
            }
        }
    }
}

/// Merges clusters whose voiceprints the ECAPA model judges one person (cosine at least `bar`:
/// [`SAME_PERSON`] between clusters, [`APART`] between the parts of one), most similar first,
/// while more than `min` are left, and renumbers the clusters left. A merged cluster's voiceprint is the normalised sum of its parts'.
fn merge_same_person(
    labels: &mut [usize],
    voiceprints: &mut Vec<Option<Vec<f32>>>,
    min: usize,
    bar: f32,
) {
    let k = voiceprints.len();
    let mut alive = k;
    while alive > min.max(1) {
        let mut best: Option<(f32, usize, usize)> = None;
        for a in 0..k {
            for b in a + 1..k {
                let (Some(ea), Some(eb)) = (&voiceprints[a], &voiceprints[b]) else {
                    continue;
                };
                let s = ecapa::cosine(ea, eb);
                if s >= bar && best.is_none_or(|(t, _, _)| s > t) {
                    best = Some((s, a, b));
                }
            }
        }
        let Some((_, a, b)) = best else {
            break;
        };
        let merged: Vec<f32> = voiceprints[a]
            .as_ref()
            .zip(voiceprints[b].as_ref())
            .map(|(x, y)| x.iter().zip(y).map(|(p, q)| p + q).collect())
            .expect("both embedded");
        voiceprints[a] = Some(ecapa::normalised(merged));
        voiceprints[b] = None;
        for l in labels.iter_mut() {
            if *l == b {
                *l = a;
            }
        }
        alive -= 1;
    }
    // number the clusters left 0.. in their old order
    let mut map = vec![usize::MAX; k];
    let mut kept = Vec::new();
    for c in 0..k {
        if labels.contains(&c) {
            map[c] = kept.len();
            kept.push(voiceprints[c].take());
        }
    }
    for l in labels.iter_mut() {
        *l = map[*l];
    }
    *voiceprints = kept;
}

/// Up to [`VERIFY_MS`] of a cluster's speech: the frames its windows cover (each once, in time
/// order), taken as 2 s pieces spread evenly over them when there is more.
fn cluster_speech(
    audio: &[f32],
    windows: &[Window],
    labels: &[usize],
    cluster: usize,
    cap_ms: u64,
) -> Vec<f32> {
    let mut spans: Vec<(usize, usize)> = windows
        .iter()
        .zip(labels)
        .filter(|(_, &l)| l == cluster)
        .map(|(w, _)| w.frames)
        .collect();
    spans.sort_unstable();
    let mut joined: Vec<(usize, usize)> = Vec::new();
    for (s, e) in spans {
        match joined.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => joined.push((s, e)),
        }
    }
    let mut samples: Vec<f32> = Vec::new();
    for (s, e) in joined {
        let (s, e) = ((s * HOP).min(audio.len()), (e * HOP).min(audio.len()));
        samples.extend_from_slice(&audio[s..e]);
    }
    let cap = (cap_ms as usize) * SAMPLE_RATE / 1000;
    if samples.len() <= cap {
        return samples;
    }
    let piece = 2 * SAMPLE_RATE;
    let pieces = cap / piece;
    let stride = (samples.len() - piece) / (pieces - 1).max(1);
    (0..pieces)
        .flat_map(|i| samples[i * stride..i * stride + piece].iter().copied())
        .collect()
}

fn centroids_of(windows: &[Window], labels: &[usize], k: usize) -> Vec<Embedding> {
    (0..k)
        .map(|c| {
            let members: Vec<Embedding> = windows
                .iter()
                .zip(labels)
                .filter(|(_, &l)| l == c)
                .map(|(w, _)| w.embedding)
                .collect();
            mean_embedding(&members)
        })
        .collect()
}

/// Moves each window to its nearest centroid (one pass) and returns the centroids after.
fn reassign(embeddings: &[Embedding], labels: &mut [usize]) -> Vec<Embedding> {
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let centroid = |labels: &[usize], c: usize| {
        let members: Vec<Embedding> = embeddings
            .iter()
            .zip(labels)
            .filter(|(_, &l)| l == c)
            .map(|(e, _)| *e)
            .collect();
        mean_embedding(&members)
    };
    let before: Vec<Embedding> = (0..k).map(|c| centroid(labels, c)).collect();
    for (label, e) in labels.iter_mut().zip(embeddings) {
        *label = (0..k)
            .max_by(|&a, &b| cosine(e, &before[a]).total_cmp(&cosine(e, &before[b])))
            .unwrap_or(0);
    }
    (0..k).map(|c| centroid(labels, c)).collect()
}

/// Per frame, the speaker the covering windows vote for (triangular weights) and its share.
fn vote_frames(windows: &[Window], labels: &[usize], n_frames: usize) -> Vec<Option<(usize, f32)>> {
    let k = labels.iter().max().map_or(0, |m| m + 1);
    let mut votes = vec![0f32; n_frames * k];
    for (w, &l) in windows.iter().zip(labels) {
        let (s, e) = (w.frames.0, w.frames.1.min(n_frames));
        let half = (e - s) as f32 / 2.0;
        for f in s..e {
            let from_centre = (f as f32 + 0.5 - s as f32 - half).abs();
            votes[f * k + l] += 1.0 - from_centre / (half + 1.0);
        }
    }
    (0..n_frames)
        .map(|f| {
            let row = &votes[f * k..(f + 1) * k];
            let total: f32 = row.iter().sum();
            if total <= 0.0 {
                return None;
            }
            let (best, weight) = row.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1))?;
            Some((best, weight / total))
        })
        .collect()
}

/// Absorbs turns shorter than `min_turn_ms` inside a run of speech into the neighbouring turn
/// (the longer neighbour when both differ), shortest first.
fn smooth_turns(frames: &mut [Option<(usize, f32)>], min_turn_ms: u64) {
    let min_frames = (min_turn_ms / FRAME_MS) as usize;
    loop {
        // runs of labelled frames: (start, end, speaker)
        let mut runs: Vec<(usize, usize, usize)> = Vec::new();
        for (f, frame) in frames.iter().enumerate() {
            match (frame, runs.last_mut()) {
                (Some((s, _)), Some(run)) if run.1 == f && run.2 == *s => run.1 = f + 1,
                (Some((s, _)), _) => runs.push((f, f + 1, *s)),
                (None, _) => {}
            }
        }
        let candidate = runs
            .iter()
            .enumerate()
            .filter(|(i, run)| {
                let touches_before = *i > 0 && runs[i - 1].1 == run.0;
                let touches_after = runs.get(i + 1).is_some_and(|next| next.0 == run.1);
                run.1 - run.0 < min_frames && (touches_before || touches_after)
            })
            .min_by_key(|(_, run)| run.1 - run.0);
        let Some((i, &(start, end, _))) = candidate else {
            return;
        };
        let before = (i > 0 && runs[i - 1].1 == start).then(|| runs[i - 1]);
        let after = runs.get(i + 1).filter(|next| next.0 == end).copied();
        let into = match (before, after) {
            (Some(b), Some(a)) => {
                if b.1 - b.0 >= a.1 - a.0 {
                    b.2
                } else {
                    a.2
                }
            }
            (Some(b), None) => b.2,
            (None, Some(a)) => a.2,
            (None, None) => return,
        };
        for (speaker, confidence) in frames[start..end].iter_mut().flatten() {
            *speaker = into;
            // the frame's own vote went elsewhere
            *confidence = (1.0 - *confidence).max(0.0);
        }
    }
}

/// Caps the confidence of turns shorter than one window (1.6 s) that touch another speaker's
/// turn at [`SHORT_TURN_CONFIDENCE`]: every window that heard them also heard the neighbour, so
/// the voice evidence for them is mixed whatever the vote says, and a claim quoting them must
/// say `uncertain_speaker`. A short turn between pauses keeps its confidence: its own window
/// heard it alone.
fn doubt_short_turns(frames: &mut [Option<(usize, f32)>]) {
    let mut f = 0;
    while f < frames.len() {
        let Some((speaker, _)) = frames[f] else {
            f += 1;
            continue;
        };
        let start = f;
        while frames
            .get(f)
            .is_some_and(|x| x.is_some_and(|(s, _)| s == speaker))
        {
            f += 1;
        }
        let touches = (start > 0 && frames[start - 1].is_some())
            || frames.get(f).is_some_and(Option::is_some);
        if f - start < PARTIAL_FRAMES && touches {
            for (_, confidence) in frames[start..f].iter_mut().flatten() {
                *confidence = confidence.min(SHORT_TURN_CONFIDENCE);
            }
        }
    }
}

/// Numbers speakers by first speech, drops those left without frames, and totals their speech.
fn renumber(
    centroids: Vec<Embedding>,
    mut voiceprints: Vec<Option<Vec<f32>>>,
    mut frames: Vec<Option<(usize, f32)>>,
    windows: usize,
) -> Diarization {
    let mut order: Vec<Option<usize>> = vec![None; centroids.len()];
    let mut speakers: Vec<LocalSpeaker> = Vec::new();
    for (speaker, _) in frames.iter_mut().flatten() {
        let new = *order[*speaker].get_or_insert_with(|| {
            speakers.push(LocalSpeaker {
                centroid: centroids[*speaker],
                speech_ms: 0,
                voiceprint: voiceprints.get_mut(*speaker).and_then(Option::take),
            });
            speakers.len() - 1
        });
        *speaker = new;
        speakers[new].speech_ms += FRAME_MS;
    }
    Diarization {
        speakers,
        frames,
        windows,
    }
}

/// Gives every word the speaker of its own time span, settles each sentence on one speaker
/// where the voice evidence allows (`settle_sentences`), and splits segments where the
/// speaker changes. Returns the new segments (renumbered) with, per segment, its speaker (None
/// when no speech was attributed anywhere near it). Words get `speaker_confidence`.
pub fn attribute(segments: &[Segment], diarization: &Diarization) -> Vec<(Segment, Option<usize>)> {
    // per segment, per word: the speaker and confidence from the voice alone
    let mut attributed: Vec<Vec<(Option<usize>, f32)>> = segments
        .iter()
        .map(|segment| {
            if segment.words.is_empty() || !segment.is_speech() {
                return Vec::new();
            }
            let attributions: Vec<Option<(usize, f32)>> = segment
                .words
                .iter()
                .map(|w| {
                    diarization.speaker_of(Span {
                        start_ms: w.start_ms,
                        end_ms: w.end_ms.max(w.start_ms + 1),
                    })
                })
                .collect();
            fill_unknown(&attributions)
        })
        .collect();
    settle_sentences(segments, &mut attributed);

    let mut out: Vec<(Segment, Option<usize>)> = Vec::new();
    for (segment, resolved) in segments.iter().zip(attributed) {
        if resolved.is_empty() {
            let who = diarization.speaker_of(segment.span()).map(|a| a.0);
            out.push((segment.clone(), who));
            continue;
        }
        let mut pieces: Vec<(Vec<Word>, Option<usize>)> = Vec::new();
        for (word, (speaker, confidence)) in segment.words.iter().zip(resolved) {
            let mut word = word.clone();
            word.speaker_confidence = speaker.map(|_| round3(confidence));
            match pieces.last_mut() {
                Some((words, who)) if *who == speaker => words.push(word),
                _ => pieces.push((vec![word], speaker)),
            }
        }
        if pieces.len() == 1 {
            let (words, who) = pieces.pop().expect("one piece");
            let mut whole = segment.clone();
            whole.words = words;
            out.push((whole, who));
            continue;
        }
        for (words, who) in pieces {
            let mut piece = segment.clone();
            piece.start_ms = words.first().map_or(segment.start_ms, |w| w.start_ms);
            piece.end_ms = words.last().map_or(segment.end_ms, |w| w.end_ms);
            piece.text = words
                .iter()
                .map(|w| w.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            piece.words = words;
            out.push((piece, who));
        }
    }
    for (i, (segment, _)) in out.iter_mut().enumerate() {
        segment.index = i;
    }
    out
}

/// A sentence whose main speaker holds at least this share of its voice evidence is that
/// speaker's throughout.
const SENTENCE_MAJORITY: f32 = 2.0 / 3.0;
/// Sentences longer than this (Whisper left out the full stops) are not settled.
const SENTENCE_MAX_WORDS: usize = 40;

/// Turns rarely change inside a sentence, but the voice evidence blurs at every turn (1.6 s
/// windows, word times off by about 0.2 s), so the first or last words of a turn often go to
/// the neighbouring speaker: "security stand | up.". Within each sentence (words up to a `.`,
/// `?` or `!`, as [`crate::sentence::split`] splits them; at most 40 words) that has more
/// than one speaker:
/// - when one speaker holds at least `SENTENCE_MAJORITY` of the voice evidence (the sum of
///   the words' confidences), every word becomes that speaker's: the words it had keep their
///   confidence up to that share, the words moved to it take that share;
/// - otherwise the words keep their speakers, each at no more than its speaker's share, so a
///   claim quoting them is flagged `uncertain_speaker`.
fn settle_sentences(segments: &[Segment], attributed: &mut [Vec<(Option<usize>, f32)>]) {
    // the words of speech segments, as (segment, word) positions
    let positions: Vec<(usize, usize)> = segments
        .iter()
        .enumerate()
        .filter(|(s, _)| !attributed[*s].is_empty())
        .flat_map(|(s, segment)| (0..segment.words.len()).map(move |w| (s, w)))
        .collect();
    let words: Vec<&crate::model::Word> = positions
        .iter()
        .map(|&(s, w)| &segments[s].words[w])
        .collect();
    for range in crate::sentence::split(&words) {
        settle(&positions[range], attributed);
    }
}

fn settle(sentence: &[(usize, usize)], attributed: &mut [Vec<(Option<usize>, f32)>]) {
    if sentence.len() > SENTENCE_MAX_WORDS {
        return;
    }
    let mut evidence: Vec<(usize, f32)> = Vec::new();
    for &(s, w) in sentence {
        if let (Some(speaker), confidence) = attributed[s][w] {
            match evidence.iter_mut().find(|(who, _)| *who == speaker) {
                Some((_, total)) => *total += confidence,
                None => evidence.push((speaker, confidence)),
            }
        }
    }
    let total: f32 = evidence.iter().map(|(_, e)| e).sum();
    if evidence.len() < 2 || total <= 0.0 {
        return;
    }
    let share = |speaker: usize| {
        evidence
            .iter()
            .find(|(who, _)| *who == speaker)
            .map_or(0.0, |(_, e)| e / total)
    };
    let (main, main_evidence) = evidence
        .iter()
        .copied()
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .expect("two speakers");
    let settled = main_evidence / total >= SENTENCE_MAJORITY;
    for &(s, w) in sentence {
        let (speaker, confidence) = &mut attributed[s][w];
        if settled && *speaker != Some(main) {
            *speaker = Some(main);
            *confidence = main_evidence / total;
        } else if let Some(who) = *speaker {
            *confidence = confidence.min(share(who));
        }
    }
}

/// Words with no voice evidence take the speaker of the nearest word that has some, at
/// confidence 0.
fn fill_unknown(attributions: &[Option<(usize, f32)>]) -> Vec<(Option<usize>, f32)> {
    (0..attributions.len())
        .map(|i| match attributions[i] {
            Some((speaker, confidence)) => (Some(speaker), confidence),
            None => {
                let near = (1..attributions.len()).find_map(|d| {
                    let before = i.checked_sub(d).and_then(|j| attributions[j]);
                    let after = attributions.get(i + d).copied().flatten();
                    before.or(after)
                });
                (near.map(|(speaker, _)| speaker), 0.0)
            }
        })
        .collect()
}

fn round3(x: f32) -> f32 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(values: &[(usize, f32)]) -> Embedding {
        let mut e = [0f32; 256];
        for &(i, v) in values {
            e[i] = v;
        }
        super::super::encoder::normalized(&e)
    }

    fn print(values: &[f32]) -> Option<Vec<f32>> {
        Some(ecapa::normalised(values.to_vec()))
    }

    #[test]
    fn clusters_one_voiceprint_apart_merge_most_alike_first_and_never_below_the_minimum() {
        // clusters 0 and 2 are one person (cosine 0.8), 1 another, 3 too short to embed
        let mut labels = vec![0, 1, 2, 3, 2, 0];
        let mut prints = vec![
            print(&[1.0, 0.0, 0.0]),
            print(&[0.0, 1.0, 0.0]),
            print(&[0.8, 0.0, 0.6]),
            None,
        ];
        merge_same_person(&mut labels, &mut prints, 1, SAME_PERSON);
        assert_eq!(labels, vec![0, 1, 0, 2, 0, 0]);
        assert_eq!(prints.len(), 3);
        assert!(prints[2].is_none());
        let merged = prints[0].as_ref().unwrap();
        assert!((merged[0] - 0.9487).abs() < 1e-3 && (merged[2] - 0.3162).abs() < 1e-3);
        // with a minimum of 3 nothing may merge
        let mut labels = vec![0, 1, 2];
        let mut prints = vec![print(&[1.0, 0.0]), print(&[0.0, 1.0]), print(&[1.0, 0.1])];
        merge_same_person(&mut labels, &mut prints, 3, SAME_PERSON);
        assert_eq!(labels, vec![0, 1, 2]);
        // below SAME_PERSON: kept apart
        let mut labels = vec![0, 1];
        let mut prints = vec![print(&[1.0, 0.0]), print(&[0.45, 0.893])];
        merge_same_person(&mut labels, &mut prints, 1, SAME_PERSON);
        assert_eq!(labels, vec![0, 1]);
    }

    /// Windows of 1.6 s side by side, one per label of `first`; each window's audio holds the
    /// value `voice[w]`, which the fake voiceprint below reads back.
    fn split_case(first: &[usize], voice: &[f32]) -> (Vec<Window>, Vec<f32>) {
        let windows: Vec<Window> = (0..first.len())
            .map(|w| Window {
                frames: (w * 160, w * 160 + 160),
                embedding: unit(&[(first[w], 1.0)]),
            })
            .collect();
        let audio: Vec<f32> = voice
            .iter()
            .flat_map(|&v| std::iter::repeat_n(v, 160 * HOP))
            .collect();
        (windows, audio)
    }

    /// A voiceprint at the angle the audio's mean value gives (in turns of a quarter circle):
    /// 0.0 and 1.0 are orthogonal (cosine 0), 0.0 and 0.2 alike (cosine 0.95).
    fn fake_print(speech: &[f32]) -> Option<Vec<f32>> {
        let mean = speech.iter().sum::<f32>() / speech.len() as f32;
        let angle = mean * std::f32::consts::FRAC_PI_2;
        Some(vec![angle.cos(), angle.sin()])
    }

    #[test]
    fn what_centring_joined_is_split_where_the_voiceprints_are_apart() {
        // the first clustering found three voices in 4 + 3 + 1 windows; centring joined them all
        let first = [0, 0, 0, 0, 1, 1, 1, 2];
        // voices 0 and 1 are different people (cosine 0), window 7 is too short to count
        let (windows, audio) = split_case(&first, &[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
        let mut labels = vec![0; 8];
        split_different_people(fake_print, &audio, &windows, &first, &mut labels, 4, APART);
        // the larger part keeps the number, the other is a new speaker; the short part stays
        assert_eq!(labels, vec![0, 0, 0, 0, 1, 1, 1, 0]);
        // one person (cosine 0.95): kept together
        let (windows, audio) = split_case(&first, &[0.0, 0.0, 0.0, 0.0, 0.2, 0.2, 0.2, 0.2]);
        let mut labels = vec![0; 8];
        split_different_people(fake_print, &audio, &windows, &first, &mut labels, 4, APART);
        assert_eq!(labels, vec![0; 8]);
        // never past the most speakers asked for
        let (windows, audio) = split_case(&first, &[0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0]);
        let mut labels = vec![0; 8];
        split_different_people(fake_print, &audio, &windows, &first, &mut labels, 1, APART);
        assert_eq!(labels, vec![0; 8]);
        // only within a cluster: parts already in clusters of their own are left alone
        let mut labels = vec![0, 0, 0, 0, 1, 1, 1, 1];
        split_different_people(fake_print, &audio, &windows, &first, &mut labels, 4, APART);
        assert_eq!(labels, vec![0, 0, 0, 0, 1, 1, 1, 1]);
    }

    #[test]
    fn centring_takes_off_what_every_window_shares() {
        // two voices whose windows share a strong common part (cosine 0.9 between them)
        let a = unit(&[(0, 3.0), (1, 1.0)]);
        let b = unit(&[(0, 3.0), (2, 1.0)]);
        assert!((cosine(&a, &b) - 0.9).abs() < 1e-4);
        let centred = centred(&[a, a, b, b]);
        for e in &centred {
            let norm: f32 = e.iter().map(|x| x * x).sum::<f32>().sqrt();
            assert!((norm - 1.0).abs() < 1e-4, "unit length, got {norm}");
        }
        // the shared part is gone: the voices now point opposite ways, each voice's windows alike
        assert!((cosine(&centred[0], &centred[2]) + 1.0).abs() < 1e-4);
        assert!((cosine(&centred[0], &centred[1]) - 1.0).abs() < 1e-4);
        assert!(centred[0][0].abs() < 1e-4);
    }

    #[test]
    fn a_clusters_speech_is_capped_and_spread_over_its_windows() {
        let audio: Vec<f32> = (0..SAMPLE_RATE * 60).map(|i| i as f32).collect();
        // cluster 0: two overlapping windows 0-2 s and 1-3 s; cluster 1: every 1.6 s window of
        // the minute from 10 s on
        let mut windows = vec![
            Window {
                frames: (0, 200),
                embedding: unit(&[(0, 1.0)]),
            },
            Window {
                frames: (100, 300),
                embedding: unit(&[(0, 1.0)]),
            },
        ];
        let mut labels = vec![0, 0];
        for start in (1000..5840).step_by(160) {
            windows.push(Window {
                frames: (start, start + 160),
                embedding: unit(&[(1, 1.0)]),
            });
            labels.push(1);
        }
        let short = cluster_speech(&audio, &windows, &labels, 0, VERIFY_MS);
        assert_eq!(short.len(), 3 * SAMPLE_RATE);
        assert_eq!(
            (short[0], short[short.len() - 1]),
            (0.0, (3 * SAMPLE_RATE - 1) as f32)
        );
        let long = cluster_speech(&audio, &windows, &labels, 1, VERIFY_MS);
        assert_eq!(long.len(), VERIFY_MS as usize * SAMPLE_RATE / 1000);
        // 2 s pieces from its first sample to its last (within the stride's rounding)
        assert_eq!(long[0], (10 * SAMPLE_RATE) as f32);
        let end = (5960 * HOP) as f32;
        let last = *long.last().unwrap();
        assert!(last < end && end - last <= 10.0, "{last}");
        assert_eq!(
            long[2 * SAMPLE_RATE - 1] + 1.0,
            long[0] + (2 * SAMPLE_RATE) as f32
        );
    }

    #[test]
    fn turns_shorter_than_a_window_beside_another_voice_are_doubted() {
        let mut frames: Vec<Option<(usize, f32)>> = [
            vec![Some((0, 0.9)); 300],
            vec![Some((1, 0.8)); 120], // between speaker 0's turns: doubted
            vec![Some((0, 0.9)); 300],
            vec![None; 50],
            vec![Some((1, 0.9)); 100], // alone between pauses: kept
            vec![None; 50],
            vec![Some((1, 0.9)); 200], // as long as a window and more: kept
            vec![Some((0, 0.7)); 50],  // a short turn at the end touching speaker 1: doubted
        ]
        .concat();
        doubt_short_turns(&mut frames);
        let confidence = |f: usize| frames[f].unwrap().1;
        assert_eq!(confidence(0), 0.9);
        assert_eq!(confidence(300), SHORT_TURN_CONFIDENCE);
        assert_eq!(confidence(419), SHORT_TURN_CONFIDENCE);
        assert_eq!(confidence(420), 0.9);
        assert_eq!(confidence(770), 0.9);
        assert_eq!(confidence(920), 0.9);
        assert_eq!(confidence(1120), SHORT_TURN_CONFIDENCE);
        assert_eq!(frames[1110].unwrap(), (1, 0.9));
        const { assert!(SHORT_TURN_CONFIDENCE < crate::model::LOW_SPEAKER_CONFIDENCE) };
    }

    #[test]
    fn short_turns_are_absorbed_and_long_ones_kept() {
        let mut frames: Vec<Option<(usize, f32)>> = [
            vec![Some((0, 0.9)); 300],
            vec![Some((1, 0.6)); 50],
            vec![Some((0, 0.9)); 200],
            vec![None; 20],
            vec![Some((1, 0.9)); 150],
        ]
        .concat();
        smooth_turns(&mut frames, 1_000);
        assert!(frames[..550].iter().all(|f| f.unwrap().0 == 0));
        assert!((frames[320].unwrap().1 - 0.4).abs() < 1e-6);
        assert!(frames[550..570].iter().all(Option::is_none));
        assert!(frames[570..].iter().all(|f| f.unwrap().0 == 1));
    }

    fn word(text: &str, start_ms: u64, end_ms: u64) -> Word {
        Word {
            text: text.into(),
            start_ms,
            end_ms,
            probability: 0.9,
            speaker_confidence: None,
        }
    }

    #[test]
    fn a_segment_spanning_a_change_of_speaker_is_split_between_words() {
        // speaker 0 until 2 s, nothing until 2.5 s, speaker 1 after
        let frames = [
            vec![Some((0, 1.0)); 200],
            vec![None; 50],
            vec![Some((1, 0.8)); 250],
        ]
        .concat();
        let segment = segment(
            0,
            vec![
                word("Is", 500, 700),
                word("it", 700, 900),
                word("stored?", 900, 1900),
                word("Yes,", 2600, 3000),
                word("in", 3000, 3200),
                word("Virginia.", 3200, 4000),
            ],
        );
        let out = attribute(&[segment], &two_speakers(frames));
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].0.text, "Is it stored?");
        assert_eq!((out[0].0.start_ms, out[0].0.end_ms), (500, 1900));
        assert_eq!(out[0].1, Some(0));
        assert_eq!(out[1].0.text, "Yes, in Virginia.");
        assert_eq!((out[1].0.index, out[1].1), (1, Some(1)));
        assert_eq!(out[1].0.words[0].speaker_confidence, Some(0.8));
        assert_eq!(out[0].0.words[0].speaker_confidence, Some(1.0));
    }

    /// Speakers 0 and 1 with these 10 ms frames.
    fn two_speakers(frames: Vec<Option<(usize, f32)>>) -> Diarization {
        let speech_ms = |who: usize| {
            FRAME_MS * frames.iter().flatten().filter(|(s, _)| *s == who).count() as u64
        };
        let speakers = (0..2)
            .map(|who| LocalSpeaker {
                centroid: unit(&[(who, 1.0)]),
                speech_ms: speech_ms(who),
                voiceprint: None,
            })
            .collect();
        Diarization::from_labels(speakers, frames)
    }

    /// Speaker 0 until 2 s, speaker 1 from 2 s to 5 s, both at full confidence.
    fn two_turns() -> Diarization {
        two_speakers([vec![Some((0, 1.0)); 200], vec![Some((1, 1.0)); 300]].concat())
    }

    fn segment(index: usize, words: Vec<Word>) -> Segment {
        Segment::of_words(index, words)
    }

    #[test]
    fn a_sentence_edge_across_a_turn_stays_with_its_sentence() {
        // "up." is heard after the turn changed, in a segment of its own
        let segments = [
            segment(
                0,
                vec![
                    word("Let's", 200, 500),
                    word("start", 500, 900),
                    word("the", 900, 1100),
                    word("stand", 1100, 1900),
                ],
            ),
            segment(
                1,
                vec![
                    word("up.", 2100, 2400),
                    word("Morning.", 2600, 3000),
                    word("Hi", 3100, 3300),
                ],
            ),
        ];
        let out = attribute(&segments, &two_turns());
        let texts: Vec<(&str, Option<usize>)> =
            out.iter().map(|(s, w)| (s.text.as_str(), *w)).collect();
        assert_eq!(
            texts,
            vec![
                ("Let's start the stand", Some(0)),
                ("up.", Some(0)),
                ("Morning. Hi", Some(1))
            ]
        );
        // the moved word takes the sentence's share of the evidence: 4 of 5 words
        assert_eq!(out[1].0.words[0].speaker_confidence, Some(0.8));
        assert_eq!(out[0].0.words[0].speaker_confidence, Some(0.8));
        assert_eq!(out[2].0.words[0].speaker_confidence, Some(1.0));
    }

    #[test]
    fn a_sentence_split_evenly_between_voices_keeps_both_but_uncertain() {
        let segments = [segment(
            0,
            vec![
                word("She", 800, 1200),
                word("quoted", 1200, 1900),
                word("everything", 2100, 2600),
                word("seen.", 2600, 3000),
            ],
        )];
        let out = attribute(&segments, &two_turns());
        assert_eq!(out.len(), 2);
        assert_eq!((out[0].0.text.as_str(), out[0].1), ("She quoted", Some(0)));
        assert_eq!(
            (out[1].0.text.as_str(), out[1].1),
            ("everything seen.", Some(1))
        );
        for (segment, _) in &out {
            for word in &segment.words {
                assert_eq!(word.speaker_confidence, Some(0.5));
            }
        }
        const { assert!(0.5 < crate::model::LOW_SPEAKER_CONFIDENCE) };
    }

    #[test]
    fn a_word_in_a_pause_takes_the_nearest_speech_at_lower_confidence() {
        let frames = [vec![Some((0, 0.9)); 100], vec![None; 200]].concat();
        let diarization = Diarization::from_labels(
            vec![LocalSpeaker {
                centroid: unit(&[(0, 1.0)]),
                speech_ms: 1000,
                voiceprint: None,
            }],
            frames,
        );
        let near = diarization.speaker_of(Span {
            start_ms: 1500,
            end_ms: 1700,
        });
        assert_eq!(near, Some((0, 0.45)));
        let beside = diarization.speaker_of(Span {
            start_ms: 1200,
            end_ms: 1300,
        });
        assert_eq!(beside, Some((0, 0.9)));
        let far = diarization.speaker_of(Span {
            start_ms: 2500,
            end_ms: 2700,
        });
        assert_eq!(far, None);
    }
}
