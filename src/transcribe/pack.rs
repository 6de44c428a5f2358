//! Packing speech for Whisper: the speech spans the voice detector found, each with up to
//! [`KEPT_PAUSE_MS`] of the pause on either side, are laid end to end and decoded as one stream
//! (as faster-whisper does after its VAD), so that Whisper fills each 30-second window with
//! speech and hears every utterance with the one before it as context. A [`Block`] keeps the
//! exact map from the packed stream back to the recording's own times.

use crate::model::Span;

/// Of each pause between two stretches of speech, this much is kept on either side (the real
/// audio, room tone included), so that words keep their onsets and endings and Whisper hears
/// the pause as people make it. Pauses up to twice this are kept whole (faster-whisper keeps
/// silences under 2 s whole). On the English development meetings of `verbatim-bench asr`,
/// 1.5 s made 176 word errors against 189 at 0.5 s, 184 at 1 s and 181 at 2.5 s.
pub const KEPT_PAUSE_MS: u64 = 1_500;
/// The most packed audio decoded in one call: bounds the memory of the packed copy and of
/// Whisper's spectrogram on long recordings (10 min: 38 MB of samples).
pub const MAX_BLOCK_MS: u64 = 600_000;

/// One stretch of the recording inside a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    /// Where it lies in the recording.
    pub source: Span,
    /// Where it starts in the packed stream.
    pub packed_start_ms: u64,
}

/// Stretches of the recording decoded as one stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// In time order, abutting in the packed stream.
    pub pieces: Vec<Piece>,
}

impl Block {
    /// A block of one stretch: the recording's own times, shifted.
    pub fn whole(span: Span) -> Block {
        Block {
            pieces: vec![Piece {
                source: span,
                packed_start_ms: 0,
            }],
        }
    }

    /// The recording's time from its first piece's start to its last piece's end.
    pub fn source_span(&self) -> Span {
        Span {
            start_ms: self.pieces.first().map_or(0, |p| p.source.start_ms),
            end_ms: self.pieces.last().map_or(0, |p| p.source.end_ms),
        }
    }

    /// Length of the packed stream.
    pub fn packed_ms(&self) -> u64 {
        self.pieces
            .last()
            .map_or(0, |p| p.packed_start_ms + p.source.duration_ms())
    }

    /// The packed stream's samples, cut from the recording's 16 kHz samples.
    pub fn samples(&self, recording: &[f32], rate: u64) -> Vec<f32> {
        let at = |ms: u64| ((ms * rate / 1000) as usize).min(recording.len());
        let mut packed = Vec::with_capacity(at(self.packed_ms()));
        for piece in &self.pieces {
            packed
                .extend_from_slice(&recording[at(piece.source.start_ms)..at(piece.source.end_ms)]);
        }
        packed
    }

    /// A start time in the packed stream, in the recording: a time at a join is the later
    /// piece's start.
    pub fn start_ms(&self, packed_ms: u64) -> u64 {
        let i = self
            .pieces
            .partition_point(|p| p.packed_start_ms <= packed_ms)
            .saturating_sub(1);
        self.map(i, packed_ms)
    }

    /// An end time in the packed stream, in the recording: a time at a join is the earlier
    /// piece's end.
    pub fn end_ms(&self, packed_ms: u64) -> u64 {
        let i = self
            .pieces
            .partition_point(|p| p.packed_start_ms < packed_ms)
            .saturating_sub(1);
        self.map(i, packed_ms)
    }

    /// A stretch of the packed stream, in the recording: its end never passes the end of the
    /// piece its start is in, so a word Whisper ends at the next utterance does not swallow the
    /// pause that packing removed.
    pub fn span_ms(&self, packed_start_ms: u64, packed_end_ms: u64) -> (u64, u64) {
        let i = self
            .pieces
            .partition_point(|p| p.packed_start_ms <= packed_start_ms)
            .saturating_sub(1);
        let start = self.map(i, packed_start_ms);
        let end = self
            .end_ms(packed_end_ms.max(packed_start_ms))
            .min(self.pieces.get(i).map_or(start, |p| p.source.end_ms))
            .max(start);
        (start, end)
    }

    fn map(&self, i: usize, packed_ms: u64) -> u64 {
        let Some(piece) = self.pieces.get(i) else {
            return 0;
        };
        let into = packed_ms
            .saturating_sub(piece.packed_start_ms)
            .min(piece.source.duration_ms());
        piece.source.start_ms + into
    }
}

/// Lays `speech` (sorted, apart) end to end, each span widened by up to [`KEPT_PAUSE_MS`] into
/// the pauses beside it (never past the recording's `total_ms` or halfway to the next span),
/// joining what then touches, in blocks of at most `max_block_ms` of packed audio. A span longer
/// than a block is cut across blocks.
pub fn pack(speech: &[Span], total_ms: u64, max_block_ms: u64) -> Vec<Block> {
    blocks(&stretches(speech, total_ms), max_block_ms)
}

/// The stretches of the recording [`pack`] lays end to end: `speech` widened into its pauses,
/// joined where they then touch.
pub fn stretches(speech: &[Span], total_ms: u64) -> Vec<Span> {
    join(&widened(speech, total_ms))
}

/// Each span of `speech` widened by up to [`KEPT_PAUSE_MS`] into the pauses beside it, never
/// past the recording's `total_ms` or halfway to the next span; one for each span, in order.
pub fn widened(speech: &[Span], total_ms: u64) -> Vec<Span> {
    speech
        .iter()
        .enumerate()
        .map(|(i, span)| {
            // room on each side: half the pause to the neighbouring span, or all of the
            // recording before the first span and after the last
            let before = match i.checked_sub(1) {
                Some(j) => span.start_ms.saturating_sub(speech[j].end_ms).div_ceil(2),
                None => span.start_ms,
            };
            let after = match speech.get(i + 1) {
                Some(next) => next.start_ms.saturating_sub(span.end_ms) / 2,
                None => total_ms.saturating_sub(span.end_ms),
            };
            Span {
                start_ms: span.start_ms - KEPT_PAUSE_MS.min(before),
                end_ms: span.end_ms + KEPT_PAUSE_MS.min(after),
            }
        })
        .collect()
}

/// Sorted spans, those that touch or overlap joined into one.
pub fn join(spans: &[Span]) -> Vec<Span> {
    let mut joined: Vec<Span> = Vec::new();
    for span in spans {
        match joined.last_mut() {
            Some(last) if span.start_ms <= last.end_ms => {
                last.end_ms = last.end_ms.max(span.end_ms)
            }
            _ => joined.push(*span),
        }
    }
    joined
}

/// `stretches` end to end, in blocks of at most `max_block_ms` of packed audio; a stretch longer
/// than a block is cut across blocks.
pub fn blocks(stretches: &[Span], max_block_ms: u64) -> Vec<Block> {
    let max_block_ms = max_block_ms.max(1);
    let mut blocks: Vec<Block> = Vec::new();
    let mut current = Block { pieces: Vec::new() };
    for stretch in stretches {
        let mut start = stretch.start_ms;
        while start < stretch.end_ms {
            let room = max_block_ms - current.packed_ms();
            let end = stretch.end_ms.min(start + room);
            current.pieces.push(Piece {
                source: Span {
                    start_ms: start,
                    end_ms: end,
                },
                packed_start_ms: current.packed_ms(),
            });
            start = end;
            if current.packed_ms() >= max_block_ms {
                blocks.push(std::mem::replace(
                    &mut current,
                    Block { pieces: Vec::new() },
                ));
            }
        }
    }
    if !current.pieces.is_empty() {
        blocks.push(current);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(start_ms: u64, end_ms: u64) -> Span {
        Span { start_ms, end_ms }
    }

    #[test]
    fn speech_is_packed_with_up_to_one_and_a_half_seconds_of_each_pause_and_times_map_back() {
        // speech at 10-12 s and 30-33 s of a 60 s recording; 0.6 s between 33 and 33.6
        let speech = [
            span(10_000, 12_000),
            span(30_000, 33_000),
            span(33_600, 35_000),
        ];
        let blocks = pack(&speech, 60_000, MAX_BLOCK_MS);
        assert_eq!(blocks.len(), 1);
        let block = &blocks[0];
        let sources: Vec<Span> = block.pieces.iter().map(|p| p.source).collect();
        // widened by 1.5 s into long pauses; the 0.6 s pause is kept whole and joins its sides
        assert_eq!(sources, [span(8_500, 13_500), span(28_500, 36_500)]);
        assert_eq!(block.packed_ms(), 5_000 + 8_000);
        assert_eq!(block.source_span(), span(8_500, 36_500));
        // inside pieces, times shift; at the join a start is the later piece's, an end the earlier's
        assert_eq!(block.start_ms(1_500), 10_000);
        assert_eq!(block.start_ms(5_000), 28_500);
        assert_eq!(block.end_ms(5_000), 13_500);
        assert_eq!(block.end_ms(6_500), 30_000);
        // a stretch ending past its piece ends with the piece
        assert_eq!(block.span_ms(4_800, 5_400), (13_300, 13_500));
        assert_eq!(block.span_ms(5_100, 5_400), (28_600, 28_900));
        assert_eq!(block.span_ms(5_400, 5_100), (28_900, 28_900));
        // past the end stays at the end
        assert_eq!(block.end_ms(99_000), 36_500);
        assert_eq!(block.start_ms(0), 8_500);
    }

    #[test]
    fn the_recordings_edges_bound_the_widening_and_blocks_bound_the_length() {
        let blocks = pack(
            &[span(200, 1_000), span(59_900, 60_000)],
            60_000,
            MAX_BLOCK_MS,
        );
        let sources: Vec<Span> = blocks[0].pieces.iter().map(|p| p.source).collect();
        assert_eq!(sources, [span(0, 2_500), span(58_400, 60_000)]);
        // two spans 2 s apart: each keeps half the pause, so the pause is kept whole
        let blocks = pack(
            &[span(5_000, 6_000), span(8_000, 9_000)],
            20_000,
            MAX_BLOCK_MS,
        );
        let sources: Vec<Span> = blocks[0].pieces.iter().map(|p| p.source).collect();
        assert_eq!(sources, [span(3_500, 10_500)]);
        // a 25-minute monologue in 10-minute blocks, mapped back seamlessly
        let blocks = pack(&[span(0, 1_500_000)], 1_500_000, MAX_BLOCK_MS);
        let lengths: Vec<u64> = blocks.iter().map(Block::packed_ms).collect();
        assert_eq!(lengths, [600_000, 600_000, 300_000]);
        assert_eq!(blocks[1].start_ms(0), 600_000);
        assert_eq!(blocks[2].end_ms(300_000), 1_500_000);
        assert!(pack(&[], 10_000, MAX_BLOCK_MS).is_empty());
    }

    #[test]
    fn packed_samples_are_the_pieces_end_to_end() {
        let recording: Vec<f32> = (0..100).map(|i| i as f32).collect();
        let block = Block {
            pieces: vec![
                Piece {
                    source: span(1, 3),
                    packed_start_ms: 0,
                },
                Piece {
                    source: span(7, 8),
                    packed_start_ms: 2,
                },
            ],
        };
        // at 10 samples a millisecond
        let samples = block.samples(&recording, 10_000);
        let expected: Vec<f32> = (10..30).chain(70..80).map(|i| i as f32).collect();
        assert_eq!(samples, expected);
    }
}
