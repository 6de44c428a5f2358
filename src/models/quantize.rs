//! 8-bit weights for a ggml Whisper file (`verbatim models quantize`): every 2-D weight of an
//! f16 file (the linear layers and the token embedding) written as ggml's `q8_0`, blocks of 32
//! values sharing one f16 scale, as whisper.cpp's own `quantize` tool writes them. The
//! convolutions stay f16 and the biases, norms and positional embeddings f32, as whisper.cpp
//! expects of a quantized file. Offered beside the f16 model, never instead of it: its words
//! and speed are in README ("Figures").

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

use super::convert::{scan_ggml, GgmlType, TensorEntry};

/// Values per q8_0 block.
const BLOCK: usize = 32;
/// Bytes per q8_0 block: the f16 scale, then 32 signed bytes.
const BLOCK_BYTES: usize = 2 + BLOCK;
/// ggml's type id of q8_0.
const Q8_0: i32 = 8;
/// The file's `ftype` for "mostly q8_0" (ggml's `GGML_FTYPE_MOSTLY_Q8_0`, 7), carrying the
/// quantization version (2) as whisper.cpp reads it: `version * 1000 + ftype`.
const FTYPE_Q8_0: i32 = 2 * 1000 + 7;
/// The `ftype` of an f16 file, the only kind quantized here.
const FTYPE_F16: i32 = 1;
/// Where `ftype` lies in the header: after the magic and ten hyperparameters.
const FTYPE_OFFSET: usize = 4 + 10 * 4;

/// What [`quantize_q8_0`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuantizeReport {
    /// The q8_0 file.
    pub output: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Tensors written as q8_0.
    pub quantized: usize,
    /// Tensors in the file.
    pub tensors: usize,
}

/// The name of the q8_0 copy of the ggml file `input`: `ggml-tiny.en.bin` ->
/// `ggml-tiny.en-q8_0.bin`, in the same folder (so `--model tiny.en-q8_0` finds it).
pub fn q8_0_path(input: &Path) -> PathBuf {
    let stem = input
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    input.with_file_name(format!("{stem}-q8_0.bin"))
}

/// Writes `output` (atomically) as the q8_0 version of the f16 ggml Whisper file `input`. The
/// input is checked as [`super::convert::validate_ggml`] checks it; a file that is not f16, or
/// whose 2-D weights have rows that do not split into blocks of 32, is refused before anything
/// is written.
pub fn quantize_q8_0(input: &Path, output: &Path) -> Result<QuantizeReport> {
    let scan = scan_ggml(input)?;
    let refuse = |reason: String| Error::Model {
        path: input.to_path_buf(),
        reason,
    };
    if scan.hparams.ftype != FTYPE_F16 {
        return Err(refuse(format!(
            "ftype {}: only an f16 model (ftype 1, as `verbatim models fetch` writes) can be \
             quantized",
            scan.hparams.ftype
        )));
    }
    let chosen: Vec<bool> = scan.tensors.iter().map(is_weight).collect();
    if let Some(t) = scan
        .tensors
        .iter()
        .zip(&chosen)
        .find(|(t, &c)| c && t.dims[0] % BLOCK as u64 != 0)
    {
        return Err(refuse(format!(
            "tensor {}: rows of {} values do not split into q8_0 blocks of {BLOCK}",
            t.0.name, t.0.dims[0]
        )));
    }
    let Some(first) = scan.tensors.first() else {
        return Err(refuse("no tensors".into()));
    };
    let mut file = File::open(input).map_err(|e| Error::io(input, e))?;
    let mut header = vec![0u8; first.header_offset as usize];
    file.read_exact(&mut header)
        .map_err(|e| Error::io(input, e))?;
    header[FTYPE_OFFSET..FTYPE_OFFSET + 4].copy_from_slice(&FTYPE_Q8_0.to_le_bytes());
    let bytes = crate::files::write_atomic_with(output, |w| {
        w.write_all(&header)?;
        for (tensor, &quantize) in scan.tensors.iter().zip(&chosen) {
            let mut raw =
                vec![0u8; (tensor.offset + tensor.data_len - tensor.header_offset) as usize];
            file.seek(SeekFrom::Start(tensor.header_offset))?;
            file.read_exact(&mut raw)?;
            if !quantize {
                w.write_all(&raw)?;
                continue;
            }
            let data_at = (tensor.offset - tensor.header_offset) as usize;
            let (head, data) = raw.split_at_mut(data_at);
            // n_dims, name length, then the type
            head[8..12].copy_from_slice(&Q8_0.to_le_bytes());
            w.write_all(head)?;
            let values: Vec<f32> = data
                .chunks_exact(2)
                .map(|b| half::f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect();
            let mut out = Vec::with_capacity(values.len() / BLOCK * BLOCK_BYTES);
            for block in values.chunks_exact(BLOCK) {
                out.extend_from_slice(&q8_0_block(block));
            }
            w.write_all(&out)?;
        }
        Ok(())
    })?;
    Ok(QuantizeReport {
        output: output.to_path_buf(),
        bytes,
        quantized: chosen.iter().filter(|&&c| c).count(),
        tensors: scan.tensors.len(),
    })
}

/// The tensors whisper.cpp gives the file's weight type: the 2-D f16 ones (linear layers and
/// the token embedding; the convolutions are 3-D, the positional embeddings f32).
fn is_weight(tensor: &TensorEntry) -> bool {
    tensor.ty == GgmlType::F16 && tensor.dims.len() == 2
}

/// One q8_0 block of 32 values: the scale `max |x| / 127` as f16, then each value over the
/// scale rounded to the nearest integer (halves away from zero), as ggml's
/// `quantize_row_q8_0_ref`.
fn q8_0_block(values: &[f32]) -> [u8; BLOCK_BYTES] {
    let max = values.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let scale = max / 127.0;
    let inverse = if scale > 0.0 { 1.0 / scale } else { 0.0 };
    let mut block = [0u8; BLOCK_BYTES];
    block[..2].copy_from_slice(&half::f16::from_f32(scale).to_le_bytes());
    for (b, v) in block[2..].iter_mut().zip(values) {
        *b = ((v * inverse).round() as i8) as u8;
    }
    block
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::convert::tests::{
        synthetic_model, synthetic_model_of_width, write_model_dir,
    };
    use crate::models::convert::{convert_ct2_to_ggml, validate_ggml};

    fn dequantize(block: &[u8]) -> Vec<f32> {
        let scale = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
        block[2..]
            .iter()
            .map(|&q| f32::from(q as i8) * scale)
            .collect()
    }

    /// How far a value may come back from a block whose (f16) scale is `step`: half a step of
    /// rounding, plus the scale's own f16 rounding (relative 2^-11) times up to 127 steps.
    fn tolerance(step: f32) -> f32 {
        step * 0.5 + 127.0 * step / 2048.0 + 1e-6
    }

    #[test]
    fn a_block_keeps_each_value_within_half_a_step() {
        let values: Vec<f32> = (0..32).map(|k| (k as f32 - 13.5) * 0.037).collect();
        let block = q8_0_block(&values);
        let step = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
        // the largest magnitude is the last value, 17.5 * 0.037
        assert!((step - 17.5 * 0.037 / 127.0).abs() < 1e-5, "scale {step}");
        assert_eq!(block[BLOCK_BYTES - 1] as i8, 127);
        assert_eq!(block[2] as i8, -98); // -13.5 / 17.5 * 127 = -97.97
        for (x, y) in values.iter().zip(dequantize(&block)) {
            assert!((x - y).abs() <= tolerance(step), "{x} came back as {y}");
        }
        // an all-zero block has scale 0 and zeros
        assert!(q8_0_block(&[0.0; 32]).iter().all(|&b| b == 0));
    }

    #[test]
    fn an_f16_model_becomes_q8_0_in_its_weights_only() {
        let dir = tempfile::tempdir().unwrap();
        let model = synthetic_model_of_width(32);
        write_model_dir(dir.path(), &model);
        let f16 = dir.path().join("ggml-synthetic.bin");
        convert_ct2_to_ggml(dir.path(), &f16).unwrap();
        let out = q8_0_path(&f16);
        assert_eq!(out, dir.path().join("ggml-synthetic-q8_0.bin"));
        let report = quantize_q8_0(&f16, &out).unwrap();
        let before = scan_ggml(&f16).unwrap();
        let after = scan_ggml(&out).unwrap();
        assert_eq!(validate_ggml(&out).unwrap().tensors, before.tensors.len());
        assert_eq!(after.hparams.ftype, FTYPE_Q8_0);
        assert_eq!(after.vocab, before.vocab);
        // 2-D f16 tensors: 6 per encoder block, 10 per decoder block (2), the token embedding
        assert_eq!(report.quantized, 6 + 2 * 10 + 1);
        assert_eq!(report.tensors, before.tensors.len());
        let bytes = std::fs::read(&out).unwrap();
        for (b, a) in before.tensors.iter().zip(&after.tensors) {
            assert_eq!(a.name, b.name);
            assert_eq!(a.dims, b.dims);
            if is_weight(b) {
                assert_eq!(a.ty.id(), Q8_0, "{}", a.name);
                let elements: u64 = a.dims.iter().product();
                assert_eq!(a.data_len, elements / 32 * 34);
            } else {
                assert_eq!(a.ty, b.ty, "{}", a.name);
            }
        }
        // the token embedding comes back within half a step of each block's scale
        let embedding = after
            .tensors
            .iter()
            .find(|t| t.name == "decoder.token_embedding.weight")
            .unwrap();
        let data =
            &bytes[embedding.offset as usize..(embedding.offset + embedding.data_len) as usize];
        let restored: Vec<f32> = data
            .chunks_exact(BLOCK_BYTES)
            .flat_map(dequantize)
            .collect();
        let original = &model.values["decoder/embeddings/weight"];
        assert_eq!(restored.len(), original.len());
        for (block, values) in data.chunks_exact(BLOCK_BYTES).zip(original.chunks(32)) {
            let step = half::f16::from_le_bytes([block[0], block[1]]).to_f32();
            for (x, y) in values.iter().zip(dequantize(block)) {
                assert!((x - y).abs() <= tolerance(step), "{x} came back as {y}");
            }
        }
    }

    #[test]
    fn a_model_whose_rows_do_not_fill_blocks_is_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        write_model_dir(dir.path(), &synthetic_model());
        let f16 = dir.path().join("ggml-synthetic.bin");
        convert_ct2_to_ggml(dir.path(), &f16).unwrap();
        let out = q8_0_path(&f16);
        let error = quantize_q8_0(&f16, &out).unwrap_err().to_string();
        assert!(
            error.contains("do not split into q8_0 blocks of 32"),
            "{error}"
        );
        assert!(error.contains("ggml-synthetic.bin"), "{error}");
        assert!(!out.exists());
    }

    #[test]
    fn only_an_f16_model_is_quantized() {
        let dir = tempfile::tempdir().unwrap();
        write_model_dir(dir.path(), &synthetic_model_of_width(32));
        let f16 = dir.path().join("ggml-synthetic.bin");
        convert_ct2_to_ggml(dir.path(), &f16).unwrap();
        let once = q8_0_path(&f16);
        quantize_q8_0(&f16, &once).unwrap();
        let twice = q8_0_path(&once);
        let error = quantize_q8_0(&once, &twice).unwrap_err().to_string();
        assert!(error.contains("ftype 2007: only an f16 model"), "{error}");
        assert!(!twice.exists());
    }
}
