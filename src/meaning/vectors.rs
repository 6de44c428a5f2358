//! Segment embeddings as the store keeps them (`embeddings/<sha256>.vec`, derived data) and the
//! brute-force similarity search over them. A vector is kept as 384 signed bytes and one scale
//! (`x ≈ scale · q`), a quarter of f32's size: reading and scoring 100,000 segments touches
//! 39 MB. The rounding moves a cosine by under 0.002, well below the gaps that decide a ranking.
//!
//! File layout, little-endian: magic `VBVEC001`, the encoder weights' SHA-256 as 64 ASCII hex
//! digits, u32 dimensions, u32 rows, then per row a u32 segment index, an f32 scale and the
//! signed bytes.

use super::encoder::DIM;

const MAGIC: &[u8; 8] = b"VBVEC001";
const HEADER: usize = 8 + 64 + 4 + 4;
const ROW: usize = 4 + 4 + DIM;

/// The folder of segment embeddings in a store.
pub const EMBEDDINGS_DIR: &str = "embeddings";
/// The extension of an embeddings file.
pub const EXTENSION: &str = "vec";

/// One recording's segment embeddings.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentVectors {
    /// SHA-256 of the encoder weights that made them.
    pub model_sha256: String,
    /// Segment indices, one per row.
    pub segments: Vec<u32>,
    scales: Vec<f32>,
    values: Vec<i8>,
}

impl SegmentVectors {
    /// Quantises `(segment, unit vector)` rows.
    pub fn new(model_sha256: &str, rows: &[(usize, Vec<f32>)]) -> SegmentVectors {
        let mut out = SegmentVectors {
            model_sha256: model_sha256.to_string(),
            segments: Vec::with_capacity(rows.len()),
            scales: Vec::with_capacity(rows.len()),
            values: Vec::with_capacity(rows.len() * DIM),
        };
        for (segment, vector) in rows {
            let max = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
            let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
            out.segments.push(*segment as u32);
            out.scales.push(scale);
            out.values.extend(
                (0..DIM).map(|i| (vector.get(i).copied().unwrap_or(0.0) / scale).round() as i8),
            );
        }
        out
    }

    /// Rows held.
    pub fn len(&self) -> usize {
        self.segments.len()
    }

    /// True when no segment is held.
    pub fn is_empty(&self) -> bool {
        self.segments.is_empty()
    }

    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(HEADER + self.len() * ROW);
        out.extend_from_slice(MAGIC);
        let mut sha = self.model_sha256.as_bytes().to_vec();
        sha.resize(64, b'0');
        out.extend_from_slice(&sha);
        out.extend_from_slice(&(DIM as u32).to_le_bytes());
        out.extend_from_slice(&(self.len() as u32).to_le_bytes());
        for (row, (segment, scale)) in self.segments.iter().zip(&self.scales).enumerate() {
            out.extend_from_slice(&segment.to_le_bytes());
            out.extend_from_slice(&scale.to_le_bytes());
            out.extend(
                self.values[row * DIM..(row + 1) * DIM]
                    .iter()
                    .map(|&v| v as u8),
            );
        }
        out
    }

    /// Reads a file's bytes; `Err` says what is wrong with them.
    pub fn from_bytes(bytes: &[u8]) -> std::result::Result<SegmentVectors, String> {
        if bytes.len() < HEADER || &bytes[..8] != MAGIC {
            return Err("not a verbatim embeddings file".into());
        }
        let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4"));
        let model_sha256 = String::from_utf8_lossy(&bytes[8..72]).into_owned();
        let dim = u32_at(72) as usize;
        let rows = u32_at(76) as usize;
        if dim != DIM {
            return Err(format!("{dim} dimensions, not {DIM}"));
        }
        if bytes.len() != HEADER + rows * ROW {
            return Err(format!(
                "{} bytes for {rows} rows; {} expected (truncated?)",
                bytes.len(),
                HEADER + rows * ROW
            ));
        }
        let mut out = SegmentVectors {
            model_sha256,
            segments: Vec::with_capacity(rows),
            scales: Vec::with_capacity(rows),
            values: Vec::with_capacity(rows * DIM),
        };
        for row in 0..rows {
            let at = HEADER + row * ROW;
            out.segments.push(u32_at(at));
            out.scales.push(f32::from_le_bytes(
                bytes[at + 4..at + 8].try_into().expect("4"),
            ));
            out.values
                .extend(bytes[at + 8..at + ROW].iter().map(|&b| b as i8));
        }
        Ok(out)
    }

    /// Coarse cosines of every row with the unit vector `query`, in row order: the query is
    /// quantised like the rows and the dot products are taken in integers (which the compiler
    /// vectorises), so each is within about 0.005 of the true cosine. Rank with these, then
    /// score the best rows with [`similarity`](Self::similarity).
    pub fn coarse_similarities(&self, query: &[f32]) -> Vec<f32> {
        let max = query.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        let query_scale = if max > 0.0 { max / 127.0 } else { 1.0 };
        let quantised: Vec<i16> = (0..DIM)
            .map(|i| (query.get(i).copied().unwrap_or(0.0) / query_scale).round() as i16)
            .collect();
        self.values
            .chunks_exact(DIM)
            .zip(&self.scales)
            .map(|(row, scale)| {
                let dot: i32 = row
                    .iter()
                    .zip(&quantised)
                    .map(|(&v, &q)| i32::from(v) * i32::from(q))
                    .sum();
                dot as f32 * scale * query_scale
            })
            .collect()
    }

    /// The cosine of row `row` with the unit vector `query` (the row's rounding aside: within
    /// 0.002).
    pub fn similarity(&self, row: usize, query: &[f32]) -> f32 {
        let values = &self.values[row * DIM..(row + 1) * DIM];
        let sum: f32 = values.iter().zip(query).map(|(&v, &x)| v as f32 * x).sum();
        sum * self.scales[row]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::meaning::encoder::normalised;

    fn vector(seed: u32) -> Vec<f32> {
        // a deterministic pseudo-random unit vector
        let mut state = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
        normalised(
            (0..DIM)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 17;
                    state ^= state << 5;
                    (state % 2000) as f32 / 1000.0 - 1.0
                })
                .collect(),
        )
    }

    #[test]
    fn a_file_round_trips_and_quantised_cosines_stay_close() {
        let rows: Vec<(usize, Vec<f32>)> = (0..20).map(|i| (i * 3, vector(i as u32))).collect();
        let vectors = SegmentVectors::new(&"ab".repeat(32), &rows);
        let read = SegmentVectors::from_bytes(&vectors.to_bytes()).unwrap();
        assert_eq!(read, vectors);
        assert_eq!(read.segments[19], 57);
        let query = vector(7);
        let coarse = read.coarse_similarities(&query);
        for (i, (row, vector)) in rows.iter().enumerate() {
            let exact: f32 = vector.iter().zip(&query).map(|(a, b)| a * b).sum();
            let fine = read.similarity(i, &query);
            assert!((fine - exact).abs() < 0.002, "{row}: {fine} vs {exact}");
            assert!(
                (coarse[i] - exact).abs() < 0.005,
                "{row}: {} vs {exact}",
                coarse[i]
            );
        }
    }

    #[test]
    fn truncated_or_foreign_files_are_refused() {
        let vectors = SegmentVectors::new(&"0".repeat(64), &[(0, vector(1))]);
        let bytes = vectors.to_bytes();
        let cut = SegmentVectors::from_bytes(&bytes[..bytes.len() - 1]).unwrap_err();
        assert!(cut.contains("truncated"), "{cut}");
        assert!(SegmentVectors::from_bytes(b"{\"json\": true}").is_err());
        assert!(SegmentVectors::from_bytes(&[]).is_err());
    }
}
