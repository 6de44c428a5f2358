//! Converting CTranslate2 Whisper weights to whisper.cpp's ggml format, and checking a ggml file's
//! structure before whisper.cpp (which does little checking of its own) reads it.
//!
//! Both directions share one description of the ggml tensors (`layout`): the converter fills it
//! from CTranslate2 variables, the validator checks a file against it.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The magic number that opens a ggml Whisper file ("ggml" as a little-endian u32).
const GGML_MAGIC: u32 = 0x6767_6d6c;
/// Whisper's audio front end: 16 kHz, 25 ms FFT window.
const N_FFT: usize = 400;
/// whisper.cpp treats vocabularies this large or larger as multilingual.
const MULTILINGUAL_VOCAB: usize = 51_865;

/// What [`convert_ct2_to_ggml`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertReport {
    /// The ggml file.
    pub output: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// How many tensors it holds.
    pub tensors: usize,
    /// The vocabulary size (rows of the token embedding).
    pub n_vocab: u32,
    /// True for multilingual models.
    pub multilingual: bool,
}

/// The facts [`validate_ggml`] establishes about a ggml Whisper file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GgmlInfo {
    /// The vocabulary size.
    pub n_vocab: u32,
    /// The width of the model (encoder and decoder).
    pub n_audio_state: u32,
    /// Encoder blocks.
    pub n_audio_layer: u32,
    /// Decoder blocks.
    pub n_text_layer: u32,
    /// True for multilingual models.
    pub multilingual: bool,
    /// How many tensors the file holds.
    pub tensors: usize,
}

/// Converts a CTranslate2 Whisper model directory (model.bin, vocabulary.txt; config.json
/// optional) to whisper.cpp's ggml format, writing `out` atomically (temp file in the same dir +
/// rename).
///
/// The hyperparameters come from the tensors themselves; float16 and float32 models are
/// accepted, quantized (int8/int16) ones are refused.
pub fn convert_ct2_to_ggml(model_dir: &Path, out: &Path) -> Result<ConvertReport> {
    let model = Ct2Model::read(&model_dir.join("model.bin"))?;
    let hparams = model.hparams()?;
    let plan = layout(&hparams);
    // Check every source before writing a byte, so a bad model leaves no partial output.
    let sources = plan
        .iter()
        .map(|tensor| model.check_source(tensor))
        .collect::<Result<Vec<_>>>()?;
    let vocab = read_vocabulary(&model_dir.join("vocabulary.txt"), hparams.n_vocab)?;
    let filters = crate::dsp::mel_filters(crate::dsp::SAMPLE_RATE, N_FFT, hparams.n_mels);

    let bytes = crate::files::write_atomic_with(out, |writer| {
        write_header(writer, &hparams, &filters, &vocab)?;
        for (tensor, var) in plan.iter().zip(&sources) {
            model.write_tensor(writer, tensor, var)?;
        }
        Ok(())
    })?;
    Ok(ConvertReport {
        output: out.to_path_buf(),
        bytes,
        tensors: plan.len(),
        n_vocab: hparams.n_vocab as u32,
        multilingual: hparams.n_vocab >= MULTILINGUAL_VOCAB,
    })
}

/// Structural check of a ggml Whisper file before whisper.cpp sees it: magic, hparams sane, mel
/// filters, vocab, every tensor header and its data within the file length. Truncated, corrupt
/// or wrong-magic files give [`Error::Model`] with a precise reason (e.g. "truncated: tensor
/// decoder.blocks.3.mlp.0.weight needs 1179648 bytes at offset N, file has M").
///
/// Every tensor whisper.cpp expects for the file's hyperparameters must be present exactly once
/// with the expected shape, and no other tensor may appear (whisper.cpp refuses both).
pub fn validate_ggml(path: &Path) -> Result<GgmlInfo> {
    scan_ggml(path).map(|scan| scan.info)
}

// ---------------------------------------------------------------------------------------------
// The ggml layout shared by the converter and the validator.

/// whisper.cpp's hyperparameters, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Hparams {
    n_vocab: usize,
    n_audio_ctx: usize,
    n_audio_state: usize,
    n_audio_head: usize,
    n_audio_layer: usize,
    n_text_ctx: usize,
    n_text_state: usize,
    n_text_head: usize,
    n_text_layer: usize,
    n_mels: usize,
    pub(super) ftype: i32,
}

/// ggml tensor types: the two the converter writes, and the others a downloaded ggml Whisper file
/// may use, with their block sizes so the validator can size their data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GgmlType {
    F32,
    F16,
    Other(i32),
}

impl GgmlType {
    pub(super) fn id(self) -> i32 {
        match self {
            GgmlType::F32 => 0,
            GgmlType::F16 => 1,
            GgmlType::Other(id) => id,
        }
    }

    fn from_id(id: i32) -> Option<GgmlType> {
        match id {
            0 => Some(GgmlType::F32),
            1 => Some(GgmlType::F16),
            _ if Self::block(id).is_some() => Some(GgmlType::Other(id)),
            _ => None,
        }
    }

    /// (elements per block, bytes per block) of ggml's types that Whisper files use.
    fn block(id: i32) -> Option<(u64, u64)> {
        Some(match id {
            0 => (1, 4),
            1 | 30 => (1, 2), // f16, bf16
            2 => (32, 18),    // q4_0
            3 => (32, 20),    // q4_1
            6 => (32, 22),    // q5_0
            7 => (32, 24),    // q5_1
            8 => (32, 34),    // q8_0
            9 => (32, 36),    // q8_1
            10 => (256, 84),  // q2_K
            11 => (256, 110), // q3_K
            12 => (256, 144), // q4_K
            13 => (256, 176), // q5_K
            14 => (256, 210), // q6_K
            15 => (256, 292), // q8_K
            _ => return None,
        })
    }

    /// The data size of a tensor whose innermost dimension is `row` and that has `elements` in
    /// all, or `None` when rows do not split into whole blocks.
    fn data_bytes(self, row: u64, elements: u64) -> Option<u64> {
        let (block, bytes) = Self::block(self.id())?;
        row.is_multiple_of(block).then(|| elements / block * bytes)
    }
}

/// Where a ggml tensor's data comes from in a CTranslate2 model: part `part` of `parts` equal
/// slices (along the outer axis) of variable `var`, whose full shape must be `shape`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Source {
    var: String,
    shape: Vec<usize>,
    part: usize,
    parts: usize,
}

/// One tensor of the ggml file: its name, shape (outermost first, as in PyTorch), stored type and
/// CTranslate2 source.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Planned {
    name: String,
    shape: Vec<usize>,
    ty: GgmlType,
    source: Source,
}

/// Builds the tensor list in the order of the PyTorch state dict (which whisper.cpp's own
/// converter follows); whisper.cpp itself looks tensors up by name.
struct Layout {
    tensors: Vec<Planned>,
}

impl Layout {
    fn push(&mut self, name: String, shape: Vec<usize>, ty: GgmlType, source: Source) {
        self.tensors.push(Planned {
            name,
            shape,
            ty,
            source,
        });
    }

    /// A whole CTranslate2 variable stored as is (2-D and larger as f16, 1-D as f32).
    fn whole(&mut self, name: String, var: String, shape: Vec<usize>) {
        let ty = if shape.len() >= 2 {
            GgmlType::F16
        } else {
            GgmlType::F32
        };
        self.push(name, shape.clone(), ty, source(var, shape, 0, 1));
    }

    /// `ggml.weight` (and `ggml.bias` when `bias`) from part `part` of `parts` of a CTranslate2
    /// linear layer `ct2` with `rows * parts` outputs and `cols` inputs.
    #[allow(clippy::too_many_arguments)]
    fn linear(
        &mut self,
        ggml: &str,
        ct2: &str,
        rows: usize,
        cols: usize,
        part: usize,
        parts: usize,
        bias: bool,
    ) {
        self.push(
            format!("{ggml}.weight"),
            vec![rows, cols],
            GgmlType::F16,
            source(
                format!("{ct2}/weight"),
                vec![rows * parts, cols],
                part,
                parts,
            ),
        );
        if bias {
            self.push(
                format!("{ggml}.bias"),
                vec![rows],
                GgmlType::F32,
                source(format!("{ct2}/bias"), vec![rows * parts], part, parts),
            );
        }
    }

    fn layer_norm(&mut self, ggml: &str, ct2: &str, width: usize) {
        self.whole(
            format!("{ggml}.weight"),
            format!("{ct2}/gamma"),
            vec![width],
        );
        self.whole(format!("{ggml}.bias"), format!("{ct2}/beta"), vec![width]);
    }

    /// Self-attention: CTranslate2 fuses q, k, v into `linear_0`; k has no bias in Whisper.
    fn self_attention(&mut self, ggml: &str, ct2: &str, width: usize) {
        let fused = format!("{ct2}/self_attention/linear_0");
        self.linear(
            &format!("{ggml}.attn.query"),
            &fused,
            width,
            width,
            0,
            3,
            true,
        );
        self.linear(
            &format!("{ggml}.attn.key"),
            &fused,
            width,
            width,
            1,
            3,
            false,
        );
        self.linear(
            &format!("{ggml}.attn.value"),
            &fused,
            width,
            width,
            2,
            3,
            true,
        );
        let out = format!("{ct2}/self_attention/linear_1");
        self.linear(&format!("{ggml}.attn.out"), &out, width, width, 0, 1, true);
        let norm = format!("{ct2}/self_attention/layer_norm");
        self.layer_norm(&format!("{ggml}.attn_ln"), &norm, width);
    }

    /// Cross-attention: q in `linear_0`, k and v fused in `linear_1`, output in `linear_2`.
    fn cross_attention(&mut self, ggml: &str, ct2: &str, width: usize) {
        let attn = format!("{ggml}.cross_attn");
        let query = format!("{ct2}/attention/linear_0");
        self.linear(&format!("{attn}.query"), &query, width, width, 0, 1, true);
        let fused = format!("{ct2}/attention/linear_1");
        self.linear(&format!("{attn}.key"), &fused, width, width, 0, 2, false);
        self.linear(&format!("{attn}.value"), &fused, width, width, 1, 2, true);
        let out = format!("{ct2}/attention/linear_2");
        self.linear(&format!("{attn}.out"), &out, width, width, 0, 1, true);
        let norm = format!("{ct2}/attention/layer_norm");
        self.layer_norm(&format!("{ggml}.cross_attn_ln"), &norm, width);
    }

    fn mlp(&mut self, ggml: &str, ct2: &str, width: usize) {
        let hidden = 4 * width;
        let first = format!("{ct2}/ffn/linear_0");
        self.linear(&format!("{ggml}.mlp.0"), &first, hidden, width, 0, 1, true);
        let second = format!("{ct2}/ffn/linear_1");
        self.linear(&format!("{ggml}.mlp.2"), &second, width, hidden, 0, 1, true);
        self.layer_norm(
            &format!("{ggml}.mlp_ln"),
            &format!("{ct2}/ffn/layer_norm"),
            width,
        );
    }

    /// Positional embeddings and conv biases stay f32, as whisper.cpp expects.
    fn f32_tensor(&mut self, name: &str, var: &str, shape: Vec<usize>, ct2_shape: Vec<usize>) {
        let src = source(var.to_string(), ct2_shape, 0, 1);
        self.push(name.to_string(), shape, GgmlType::F32, src);
    }
}

fn source(var: String, shape: Vec<usize>, part: usize, parts: usize) -> Source {
    Source {
        var,
        shape,
        part,
        parts,
    }
}

/// Every tensor whisper.cpp loads for these hyperparameters, with its CTranslate2 source.
fn layout(hp: &Hparams) -> Vec<Planned> {
    let mut out = Layout {
        tensors: Vec::new(),
    };
    let audio = hp.n_audio_state;
    let text = hp.n_text_state;

    let pe = "encoder/position_encodings/encodings";
    let shape = vec![hp.n_audio_ctx, audio];
    out.f32_tensor("encoder.positional_embedding", pe, shape.clone(), shape);
    for (conv, inputs) in [(1, hp.n_mels), (2, audio)] {
        let ct2 = format!("encoder/conv{conv}");
        let shape = vec![audio, inputs, 3];
        out.whole(
            format!("encoder.conv{conv}.weight"),
            format!("{ct2}/weight"),
            shape,
        );
        // whisper.cpp wants the conv biases as [n, 1] f32 tensors.
        let name = format!("encoder.conv{conv}.bias");
        out.f32_tensor(&name, &format!("{ct2}/bias"), vec![audio, 1], vec![audio]);
    }
    for i in 0..hp.n_audio_layer {
        let (ggml, ct2) = (format!("encoder.blocks.{i}"), format!("encoder/layer_{i}"));
        out.self_attention(&ggml, &ct2, audio);
        out.mlp(&ggml, &ct2, audio);
    }
    out.layer_norm("encoder.ln_post", "encoder/layer_norm", audio);

    let pe = "decoder/position_encodings/encodings";
    let shape = vec![hp.n_text_ctx, text];
    out.f32_tensor("decoder.positional_embedding", pe, shape.clone(), shape);
    out.whole(
        "decoder.token_embedding.weight".into(),
        "decoder/embeddings/weight".into(),
        vec![hp.n_vocab, text],
    );
    for i in 0..hp.n_text_layer {
        let (ggml, ct2) = (format!("decoder.blocks.{i}"), format!("decoder/layer_{i}"));
        out.self_attention(&ggml, &ct2, text);
        out.cross_attention(&ggml, &ct2, text);
        out.mlp(&ggml, &ct2, text);
    }
    out.layer_norm("decoder.ln", "decoder/layer_norm", text);
    out.tensors
}

// ---------------------------------------------------------------------------------------------
// Reading CTranslate2's model.bin.

/// CTranslate2's data types, by their id in model.bin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ct2Dtype {
    F32,
    I8,
    I16,
    I32,
    F16,
    Bf16,
}

impl Ct2Dtype {
    fn from_id(id: u8) -> Option<Ct2Dtype> {
        Some(match id {
            0 => Ct2Dtype::F32,
            1 => Ct2Dtype::I8,
            2 => Ct2Dtype::I16,
            3 => Ct2Dtype::I32,
            4 => Ct2Dtype::F16,
            5 => Ct2Dtype::Bf16,
            _ => return None,
        })
    }

    fn size(self) -> usize {
        match self {
            Ct2Dtype::I8 => 1,
            Ct2Dtype::I16 | Ct2Dtype::F16 | Ct2Dtype::Bf16 => 2,
            Ct2Dtype::F32 | Ct2Dtype::I32 => 4,
        }
    }

    fn is_float(self) -> bool {
        matches!(self, Ct2Dtype::F32 | Ct2Dtype::F16 | Ct2Dtype::Bf16)
    }

    fn name(self) -> &'static str {
        match self {
            Ct2Dtype::F32 => "float32",
            Ct2Dtype::I8 => "int8",
            Ct2Dtype::I16 => "int16",
            Ct2Dtype::I32 => "int32",
            Ct2Dtype::F16 => "float16",
            Ct2Dtype::Bf16 => "bfloat16",
        }
    }
}

/// One variable of model.bin: shape, type and where its data lies in the file's bytes.
#[derive(Debug, Clone)]
struct Ct2Var {
    shape: Vec<usize>,
    dtype: Ct2Dtype,
    offset: usize,
    len: usize,
}

/// A model.bin's variables by name, and its aliases (alias -> target name).
type Ct2Contents = (HashMap<String, Ct2Var>, HashMap<String, String>);

/// A CTranslate2 model.bin held in memory.
struct Ct2Model {
    path: PathBuf,
    bytes: Vec<u8>,
    vars: HashMap<String, Ct2Var>,
    aliases: HashMap<String, String>,
}

/// A bounds-checked little-endian cursor over a byte slice.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn take(
        &mut self,
        n: usize,
        what: &dyn Fn() -> String,
    ) -> std::result::Result<&'a [u8], String> {
        match self.pos.checked_add(n) {
            Some(end) if end <= self.bytes.len() => {
                let slice = &self.bytes[self.pos..end];
                self.pos = end;
                Ok(slice)
            }
            _ => Err(format!(
                "truncated: {} needs {n} bytes at offset {}, file has {}",
                what(),
                self.pos,
                self.bytes.len()
            )),
        }
    }

    fn u8(&mut self, what: &dyn Fn() -> String) -> std::result::Result<u8, String> {
        Ok(self.take(1, what)?[0])
    }

    fn u16(&mut self, what: &dyn Fn() -> String) -> std::result::Result<u16, String> {
        let b = self.take(2, what)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&mut self, what: &dyn Fn() -> String) -> std::result::Result<u32, String> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// CTranslate2's string: u16 length, then the bytes with a trailing NUL.
    fn string(&mut self, what: &dyn Fn() -> String) -> std::result::Result<String, String> {
        let len = self.u16(what)? as usize;
        let raw = self.take(len, what)?;
        let raw = raw.strip_suffix(&[0]).unwrap_or(raw);
        String::from_utf8(raw.to_vec()).map_err(|_| format!("{} is not valid UTF-8", what()))
    }
}

impl Ct2Model {
    fn read(path: &Path) -> Result<Ct2Model> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        let (vars, aliases) = Self::parse(&bytes).map_err(|reason| model_error(path, reason))?;
        let model = Ct2Model {
            path: path.to_path_buf(),
            bytes,
            vars,
            aliases,
        };
        model.refuse_quantized()?;
        Ok(model)
    }

    fn parse(bytes: &[u8]) -> std::result::Result<Ct2Contents, String> {
        if bytes.is_empty() {
            return Err("empty file (0 bytes)".into());
        }
        let mut cur = Cursor { bytes, pos: 0 };
        let version = cur.u32(&|| "the format version".into())?;
        if !(4..=6).contains(&version) {
            return Err(format!(
                "not a CTranslate2 model.bin this converter reads (format version {version}, \
                 expected 4 to 6)"
            ));
        }
        let spec = cur.string(&|| "the model spec name".into())?;
        if spec != "WhisperSpec" {
            return Err(format!("not a Whisper model (CTranslate2 spec {spec:?})"));
        }
        cur.u32(&|| "the spec revision".into())?;
        let count = cur.u32(&|| "the variable count".into())?;
        let mut vars = HashMap::new();
        for index in 0..count {
            let header = || format!("the header of variable #{index}");
            let name = cur.string(&header)?;
            let named = || format!("the header of variable {name}");
            let rank = cur.u8(&named)? as usize;
            let mut shape = Vec::with_capacity(rank);
            for _ in 0..rank {
                shape.push(cur.u32(&named)? as usize);
            }
            let type_id = cur.u8(&named)?;
            let dtype = Ct2Dtype::from_id(type_id)
                .ok_or_else(|| format!("variable {name} has unknown data type id {type_id}"))?;
            let len = cur.u32(&named)? as usize;
            let expected = shape
                .iter()
                .try_fold(dtype.size(), |acc, &d| acc.checked_mul(d))
                .ok_or_else(|| format!("variable {name} has an impossible shape {shape:?}"))?;
            if len != expected {
                return Err(format!(
                    "variable {name} holds {len} bytes, but shape {shape:?} of {} needs {expected}",
                    dtype.name()
                ));
            }
            let offset = cur.pos;
            cur.take(len, &|| format!("variable {name}"))?;
            vars.insert(
                name,
                Ct2Var {
                    shape,
                    dtype,
                    offset,
                    len,
                },
            );
        }
        let alias_count = cur.u32(&|| "the alias count".into())?;
        let mut aliases = HashMap::new();
        for index in 0..alias_count {
            let what = || format!("alias #{index}");
            let alias = cur.string(&what)?;
            let target = cur.string(&what)?;
            aliases.insert(alias, target);
        }
        if cur.pos != bytes.len() {
            return Err(format!(
                "{} unexpected bytes after the last alias at offset {}",
                bytes.len() - cur.pos,
                cur.pos
            ));
        }
        Ok((vars, aliases))
    }

    /// Quantized models store integer weights plus scales; converting them would need the
    /// scales applied, which whisper.cpp's f16 layout has no use for.
    fn refuse_quantized(&self) -> Result<()> {
        let mut names: Vec<&String> = self.vars.keys().collect();
        names.sort();
        for name in names {
            let var = &self.vars[name];
            if name.ends_with("weight_scale") || (var.shape.len() >= 2 && !var.dtype.is_float()) {
                return Err(self.error(format!(
                    "quantized CTranslate2 models are not supported ({name} is {}); use a model \
                     converted with --quantization float16 or float32, or a ggml file",
                    var.dtype.name()
                )));
            }
        }
        Ok(())
    }

    fn error(&self, reason: String) -> Error {
        model_error(&self.path, reason)
    }

    /// A variable by name, following aliases.
    fn var(&self, name: &str) -> Result<&Ct2Var> {
        let mut name = name;
        for _ in 0..=self.aliases.len() {
            if let Some(var) = self.vars.get(name) {
                return Ok(var);
            }
            match self.aliases.get(name) {
                Some(target) => name = target,
                None => break,
            }
        }
        Err(self.error(format!("variable {name} is missing")))
    }

    /// A 2-D (or larger) variable's shape, checked to have `rank` axes.
    fn shape(&self, name: &str, rank: usize) -> Result<&[usize]> {
        let var = self.var(name)?;
        if var.shape.len() != rank {
            return Err(self.error(format!(
                "variable {name} has shape {:?}, expected {rank} axes",
                var.shape
            )));
        }
        Ok(&var.shape)
    }

    /// An integer scalar such as `encoder/num_heads`.
    fn scalar(&self, name: &str) -> Result<usize> {
        let var = self.var(name)?;
        let data = &self.bytes[var.offset..var.offset + var.len];
        let value = match (var.dtype, data) {
            (Ct2Dtype::I8, [a]) => i64::from(*a as i8),
            (Ct2Dtype::I16, [a, b]) => i64::from(i16::from_le_bytes([*a, *b])),
            (Ct2Dtype::I32, [a, b, c, d]) => i64::from(i32::from_le_bytes([*a, *b, *c, *d])),
            _ => {
                return Err(self.error(format!(
                    "variable {name} should be an integer scalar, found {} of shape {:?}",
                    var.dtype.name(),
                    var.shape
                )))
            }
        };
        usize::try_from(value)
            .ok()
            .filter(|&v| v > 0)
            .ok_or_else(|| self.error(format!("variable {name} is {value}, expected > 0")))
    }

    /// How many `{prefix}/layer_{i}/...` blocks exist, counting up from 0.
    fn count_layers(&self, prefix: &str) -> usize {
        (0..)
            .take_while(|i| {
                let start = format!("{prefix}/layer_{i}/");
                self.vars.keys().any(|name| name.starts_with(&start))
            })
            .count()
    }

    /// Whisper's hyperparameters, read off the tensors.
    fn hparams(&self) -> Result<Hparams> {
        let embeddings = self.shape("decoder/embeddings/weight", 2)?;
        let conv1 = self.shape("encoder/conv1/weight", 3)?;
        let audio_pe = self.shape("encoder/position_encodings/encodings", 2)?;
        let text_pe = self.shape("decoder/position_encodings/encodings", 2)?;
        let hp = Hparams {
            n_vocab: embeddings[0],
            n_audio_ctx: audio_pe[0],
            n_audio_state: conv1[0],
            n_audio_head: self.scalar("encoder/num_heads")?,
            n_audio_layer: self.count_layers("encoder"),
            n_text_ctx: text_pe[0],
            n_text_state: embeddings[1],
            n_text_head: self.scalar("decoder/num_heads")?,
            n_text_layer: self.count_layers("decoder"),
            n_mels: conv1[1],
            ftype: 1,
        };
        check_hparams(&hp).map_err(|reason| self.error(reason))?;
        Ok(hp)
    }

    /// Checks that the planned tensor's source exists with the expected shape and a float type.
    fn check_source(&self, tensor: &Planned) -> Result<&Ct2Var> {
        let src = &tensor.source;
        let var = self.var(&src.var)?;
        if var.shape != src.shape {
            return Err(self.error(format!(
                "variable {} has shape {:?}, expected {:?} (for {})",
                src.var, var.shape, src.shape, tensor.name
            )));
        }
        if !var.dtype.is_float() {
            return Err(self.error(format!(
                "variable {} is {}, expected float16 or float32",
                src.var,
                var.dtype.name()
            )));
        }
        Ok(var)
    }

    /// Writes one ggml tensor: header, then its slice of the source converted to its type.
    fn write_tensor(
        &self,
        w: &mut dyn Write,
        tensor: &Planned,
        var: &Ct2Var,
    ) -> std::io::Result<()> {
        let src = &tensor.source;
        let part_len = var.len / src.parts;
        let start = var.offset + src.part * part_len;
        let data = &self.bytes[start..start + part_len];

        let mut header = Vec::with_capacity(12 + 4 * tensor.shape.len() + tensor.name.len());
        header.extend_from_slice(&(tensor.shape.len() as i32).to_le_bytes());
        header.extend_from_slice(&(tensor.name.len() as i32).to_le_bytes());
        header.extend_from_slice(&tensor.ty.id().to_le_bytes());
        for &dim in tensor.shape.iter().rev() {
            header.extend_from_slice(&(dim as i32).to_le_bytes());
        }
        header.extend_from_slice(tensor.name.as_bytes());
        w.write_all(&header)?;
        write_converted(w, data, var.dtype, tensor.ty)
    }
}

fn model_error(path: &Path, reason: String) -> Error {
    Error::Model {
        path: path.to_path_buf(),
        reason,
    }
}

/// Writes little-endian `data` of type `from` as `to`; same-type data is copied byte for byte.
fn write_converted(
    w: &mut dyn Write,
    data: &[u8],
    from: Ct2Dtype,
    to: GgmlType,
) -> std::io::Result<()> {
    let same = matches!(
        (from, to),
        (Ct2Dtype::F32, GgmlType::F32) | (Ct2Dtype::F16, GgmlType::F16)
    );
    if same {
        return w.write_all(data);
    }
    let mut buffer = Vec::with_capacity(64 * 1024);
    for element in data.chunks_exact(from.size()) {
        let value = match element {
            [a, b, c, d] => f32::from_le_bytes([*a, *b, *c, *d]),
            [a, b] if from == Ct2Dtype::F16 => f16_to_f32(u16::from_le_bytes([*a, *b])),
            [a, b] => half::bf16::from_bits(u16::from_le_bytes([*a, *b])).to_f32(),
            _ => 0.0, // unreachable: check_source admits float types only
        };
        match to {
            GgmlType::F16 => buffer.extend_from_slice(&f32_to_f16(value).to_le_bytes()),
            _ => buffer.extend_from_slice(&value.to_le_bytes()),
        }
        if buffer.len() >= 64 * 1024 {
            w.write_all(&buffer)?;
            buffer.clear();
        }
    }
    w.write_all(&buffer)
}

/// IEEE half to single precision (exact), by the `half` crate.
fn f16_to_f32(bits: u16) -> f32 {
    half::f16::from_bits(bits).to_f32()
}

/// Single to half precision, rounding to nearest even (as numpy's `astype(float16)`), by the
/// `half` crate.
fn f32_to_f16(value: f32) -> u16 {
    half::f16::from_f32(value).to_bits()
}

/// Sanity limits shared by the converter and the validator.
fn check_hparams(hp: &Hparams) -> std::result::Result<(), String> {
    let checks: [(&str, usize, usize); 10] = [
        ("n_vocab", hp.n_vocab, 1 << 20),
        ("n_audio_ctx", hp.n_audio_ctx, 1 << 16),
        ("n_audio_state", hp.n_audio_state, 1 << 15),
        ("n_audio_head", hp.n_audio_head, 1 << 10),
        ("n_audio_layer", hp.n_audio_layer, 1 << 10),
        ("n_text_ctx", hp.n_text_ctx, 1 << 16),
        ("n_text_state", hp.n_text_state, 1 << 15),
        ("n_text_head", hp.n_text_head, 1 << 10),
        ("n_text_layer", hp.n_text_layer, 1 << 10),
        ("n_mels", hp.n_mels, 1 << 10),
    ];
    for (name, value, limit) in checks {
        if value == 0 || value > limit {
            return Err(format!("implausible hyperparameter {name} = {value}"));
        }
    }
    if hp.n_audio_state != hp.n_text_state {
        return Err(format!(
            "encoder width {} differs from decoder width {} (whisper.cpp needs them equal)",
            hp.n_audio_state, hp.n_text_state
        ));
    }
    for (state, heads, what) in [
        (hp.n_audio_state, hp.n_audio_head, "encoder"),
        (hp.n_text_state, hp.n_text_head, "decoder"),
    ] {
        if state % heads != 0 {
            return Err(format!(
                "{what} width {state} is not divisible by its {heads} heads"
            ));
        }
    }
    Ok(())
}

/// The ordinary tokens of vocabulary.txt (those before `<|endoftext|>`) as raw bytes.
///
/// vocabulary.txt spells tokens in GPT-2's byte-to-unicode alphabet, one per line; the file must
/// hold exactly `n_vocab` lines, one per row of the token embedding.
fn read_vocabulary(path: &Path, n_vocab: usize) -> Result<Vec<Vec<u8>>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let text =
        String::from_utf8(bytes).map_err(|e| model_error(path, format!("not UTF-8 text: {e}")))?;
    let body = text.strip_suffix('\n').unwrap_or(&text);
    let lines: Vec<&str> = body.split('\n').collect();
    if lines.len() != n_vocab {
        return Err(model_error(
            path,
            format!(
                "{} tokens, but the model's token embedding has {n_vocab} rows",
                lines.len()
            ),
        ));
    }
    let end = lines
        .iter()
        .position(|&line| line == "<|endoftext|>")
        .ok_or_else(|| model_error(path, "no <|endoftext|> token".into()))?;
    let decoder = byte_decoder();
    lines[..end]
        .iter()
        .enumerate()
        .map(|(index, line)| {
            line.chars()
                .map(|c| decoder.get(&c).copied())
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| {
                    model_error(
                        path,
                        format!(
                            "line {}: token {line:?} is not in GPT-2's byte alphabet",
                            index + 1
                        ),
                    )
                })
        })
        .collect()
}

/// GPT-2's `bytes_to_unicode`, inverted: printable bytes stand for themselves, the others were
/// moved to U+0100 and up in byte order.
fn byte_decoder() -> HashMap<char, u8> {
    let printable = |b: u8| matches!(b, b'!'..=b'~' | 0xa1..=0xac | 0xae..=0xff);
    let mut moved = 0u32;
    (0..=255u8)
        .map(|b| {
            let c = if printable(b) {
                char::from(b)
            } else {
                moved += 1;
                char::from_u32(255 + moved).unwrap_or(char::REPLACEMENT_CHARACTER)
            };
            (c, b)
        })
        .collect()
}

/// The part of the file before the tensors: magic, hparams, mel filters, vocabulary.
fn write_header(
    w: &mut dyn Write,
    hp: &Hparams,
    filters: &[f32],
    vocab: &[Vec<u8>],
) -> std::io::Result<()> {
    let mut out = Vec::with_capacity(64 + filters.len() * 4 + vocab.len() * 12);
    out.extend_from_slice(&GGML_MAGIC.to_le_bytes());
    let fields = [
        hp.n_vocab,
        hp.n_audio_ctx,
        hp.n_audio_state,
        hp.n_audio_head,
        hp.n_audio_layer,
        hp.n_text_ctx,
        hp.n_text_state,
        hp.n_text_head,
        hp.n_text_layer,
        hp.n_mels,
    ];
    for field in fields {
        out.extend_from_slice(&(field as i32).to_le_bytes());
    }
    out.extend_from_slice(&hp.ftype.to_le_bytes());
    out.extend_from_slice(&(hp.n_mels as i32).to_le_bytes());
    out.extend_from_slice(&((filters.len() / hp.n_mels) as i32).to_le_bytes());
    for value in filters {
        out.extend_from_slice(&value.to_le_bytes());
    }
    out.extend_from_slice(&(vocab.len() as i32).to_le_bytes());
    for token in vocab {
        out.extend_from_slice(&(token.len() as i32).to_le_bytes());
        out.extend_from_slice(token);
    }
    w.write_all(&out)
}

// ---------------------------------------------------------------------------------------------
// Validating a ggml file.

/// Where one tensor lies in a ggml file.
#[derive(Debug, Clone)]
pub(super) struct TensorEntry {
    pub(super) name: String,
    pub(super) ty: GgmlType,
    /// Dimensions as stored: innermost first.
    pub(super) dims: Vec<u64>,
    /// Where its header starts.
    pub(super) header_offset: u64,
    /// Where its data starts.
    pub(super) offset: u64,
    /// Its data's length in bytes.
    pub(super) data_len: u64,
}

/// Everything [`scan_ggml`] read.
pub(super) struct GgmlScan {
    pub(super) info: GgmlInfo,
    pub(super) hparams: Hparams,
    #[cfg_attr(not(test), allow(dead_code))]
    pub(super) vocab: Vec<Vec<u8>>,
    pub(super) tensors: Vec<TensorEntry>,
}

/// A streaming, bounds-checked reader over a ggml file.
struct GgmlReader {
    path: PathBuf,
    file: BufReader<File>,
    pos: u64,
    len: u64,
}

impl GgmlReader {
    fn error(&self, reason: String) -> Error {
        model_error(&self.path, reason)
    }

    fn check(&self, n: u64, what: &dyn Fn() -> String) -> Result<()> {
        if self.len.saturating_sub(self.pos) < n {
            return Err(self.error(format!(
                "truncated: {} needs {n} bytes at offset {}, file has {}",
                what(),
                self.pos,
                self.len
            )));
        }
        Ok(())
    }

    fn bytes(&mut self, n: u64, what: &dyn Fn() -> String) -> Result<Vec<u8>> {
        self.check(n, what)?;
        let mut buf = vec![0; n as usize];
        self.file
            .read_exact(&mut buf)
            .map_err(|e| Error::io(&self.path, e))?;
        self.pos += n;
        Ok(buf)
    }

    fn skip(&mut self, n: u64, what: &dyn Fn() -> String) -> Result<()> {
        self.check(n, what)?;
        let step = i64::try_from(n).map_err(|_| self.error(format!("{} is too large", what())))?;
        self.file
            .seek_relative(step)
            .map_err(|e| Error::io(&self.path, e))?;
        self.pos += n;
        Ok(())
    }

    fn i32(&mut self, what: &dyn Fn() -> String) -> Result<i32> {
        let b = self.bytes(4, what)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// An i32 that must lie in `min..=max`.
    fn count(&mut self, min: i32, max: i32, what: &dyn Fn() -> String) -> Result<u64> {
        let value = self.i32(what)?;
        if value < min || value > max {
            return Err(self.error(format!("{} is {value}, expected {min} to {max}", what())));
        }
        Ok(value as u64)
    }
}

pub(super) fn scan_ggml(path: &Path) -> Result<GgmlScan> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut r = GgmlReader {
        path: path.to_path_buf(),
        file: BufReader::with_capacity(1 << 16, file),
        pos: 0,
        len,
    };
    if len == 0 {
        return Err(r.error("empty file (0 bytes)".into()));
    }
    let magic = r.bytes(4, &|| "the magic number".into())?;
    let magic_value = u32::from_le_bytes([magic[0], magic[1], magic[2], magic[3]]);
    if magic_value != GGML_MAGIC {
        let hint = match magic.as_slice() {
            b"GGUF" => " (a GGUF file; whisper.cpp needs the older ggml format)",
            [b'P', b'K', 3, 4] => " (a zip archive, such as a PyTorch checkpoint or a wheel)",
            _ => "",
        };
        return Err(r.error(format!(
            "not a ggml Whisper model: magic 0x{magic_value:08x}, expected 0x{GGML_MAGIC:08x}{hint}"
        )));
    }

    let mut fields = [0usize; 10];
    const NAMES: [&str; 10] = [
        "n_vocab",
        "n_audio_ctx",
        "n_audio_state",
        "n_audio_head",
        "n_audio_layer",
        "n_text_ctx",
        "n_text_state",
        "n_text_head",
        "n_text_layer",
        "n_mels",
    ];
    for (field, name) in fields.iter_mut().zip(NAMES) {
        let value = r.i32(&|| format!("hyperparameter {name}"))?;
        *field = usize::try_from(value)
            .map_err(|_| r.error(format!("implausible hyperparameter {name} = {value}")))?;
    }
    let ftype = r.i32(&|| "hyperparameter ftype".into())?;
    let hp = Hparams {
        n_vocab: fields[0],
        n_audio_ctx: fields[1],
        n_audio_state: fields[2],
        n_audio_head: fields[3],
        n_audio_layer: fields[4],
        n_text_ctx: fields[5],
        n_text_state: fields[6],
        n_text_head: fields[7],
        n_text_layer: fields[8],
        n_mels: fields[9],
        ftype,
    };
    check_hparams(&hp).map_err(|reason| r.error(reason))?;
    if ftype < 0 {
        return Err(r.error(format!("implausible hyperparameter ftype = {ftype}")));
    }

    let n_mel = r.count(1, 1024, &|| "the mel filter count".into())?;
    if n_mel as usize != hp.n_mels {
        return Err(r.error(format!(
            "the mel filter bank has {n_mel} filters but n_mels is {}",
            hp.n_mels
        )));
    }
    let n_bins = r.count(1, 1 << 16, &|| "the mel filter width".into())?;
    let filters = r.bytes(n_mel * n_bins * 4, &|| "the mel filters".into())?;
    if let Some(index) = filters
        .chunks_exact(4)
        .position(|b| !f32::from_le_bytes([b[0], b[1], b[2], b[3]]).is_finite())
    {
        return Err(r.error(format!("mel filter value #{index} is not finite")));
    }

    let n_tokens = r.count(0, hp.n_vocab as i32, &|| "the vocabulary size".into())?;
    let mut vocab = Vec::with_capacity(n_tokens as usize);
    for index in 0..n_tokens {
        let what = || format!("vocabulary token #{index}");
        let token_len = r.count(0, 1024, &what)?;
        vocab.push(r.bytes(token_len, &what)?);
    }

    let plan = layout(&hp);
    let mut expected: HashMap<&str, &Planned> = plan.iter().map(|t| (t.name.as_str(), t)).collect();
    let mut tensors = Vec::with_capacity(plan.len());
    while r.pos < r.len {
        let index = tensors.len();
        let header_offset = r.pos;
        let header = || format!("the header of tensor #{index}");
        let n_dims = r.count(1, 4, &|| format!("the dimension count of tensor #{index}"))?;
        let name_len = r.count(1, 1024, &|| format!("the name length of tensor #{index}"))?;
        let type_id = r.i32(&header)?;
        let mut dims = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            dims.push(r.count(1, i32::MAX, &|| format!("a dimension of tensor #{index}"))?);
        }
        let name_bytes = r.bytes(name_len, &header)?;
        let name = String::from_utf8(name_bytes)
            .map_err(|_| r.error(format!("{} has a name that is not UTF-8", header())))?;
        let ty = GgmlType::from_id(type_id)
            .ok_or_else(|| r.error(format!("tensor {name} has unknown ggml type {type_id}")))?;
        let Some(planned) = expected.remove(name.as_str()) else {
            let reason = if tensors.iter().any(|t: &TensorEntry| t.name == name) {
                format!("tensor {name} appears twice")
            } else {
                format!("unexpected tensor {name} (whisper.cpp would refuse it)")
            };
            return Err(r.error(reason));
        };
        let shape: Vec<u64> = dims.iter().rev().copied().collect();
        if shape
            .iter()
            .map(|&d| d as usize)
            .ne(planned.shape.iter().copied())
        {
            return Err(r.error(format!(
                "tensor {name} has shape {shape:?}, expected {:?} for these hyperparameters",
                planned.shape
            )));
        }
        let elements: u64 = dims.iter().product();
        let data_len = ty.data_bytes(dims[0], elements).ok_or_else(|| {
            r.error(format!(
                "tensor {name}: rows of {} do not fit ggml type {type_id}",
                dims[0]
            ))
        })?;
        let offset = r.pos;
        r.skip(data_len, &|| format!("tensor {name}"))?;
        tensors.push(TensorEntry {
            name,
            ty,
            dims,
            header_offset,
            offset,
            data_len,
        });
    }
    if !expected.is_empty() {
        let first = plan
            .iter()
            .find(|t| expected.contains_key(t.name.as_str()))
            .map_or("", |t| t.name.as_str());
        return Err(r.error(format!(
            "incomplete: {} of {} tensors missing, starting with {first}",
            expected.len(),
            plan.len()
        )));
    }
    Ok(GgmlScan {
        info: GgmlInfo {
            n_vocab: hp.n_vocab as u32,
            n_audio_state: hp.n_audio_state as u32,
            n_audio_layer: hp.n_audio_layer as u32,
            n_text_layer: hp.n_text_layer as u32,
            multilingual: hp.n_vocab >= MULTILINGUAL_VOCAB,
            tensors: tensors.len(),
        },
        hparams: hp,
        vocab,
        tensors,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a CTranslate2 model.bin in memory.
    #[derive(Default)]
    pub(crate) struct Ct2Builder {
        vars: Vec<(String, Vec<usize>, u8, Vec<u8>)>,
        aliases: Vec<(String, String)>,
        /// The values of each float variable, as written.
        pub(crate) values: HashMap<String, Vec<f32>>,
    }

    impl Ct2Builder {
        /// A float variable with distinct values, exactly representable in f16.
        pub(crate) fn float(&mut self, name: &str, shape: &[usize], f16: bool) {
            let seed = self.vars.len();
            let count: usize = shape.iter().product();
            let values: Vec<f32> = (0..count)
                .map(|k| ((seed * 131 + k * 7) % 1000) as f32 / 64.0 - 7.0)
                .collect();
            let bytes: Vec<u8> = if f16 {
                values
                    .iter()
                    .flat_map(|v| f32_to_f16(*v).to_le_bytes())
                    .collect()
            } else {
                values.iter().flat_map(|v| v.to_le_bytes()).collect()
            };
            let dtype = if f16 { 4 } else { 0 };
            self.vars.push((name.into(), shape.to_vec(), dtype, bytes));
            self.values.insert(name.into(), values);
        }

        pub(crate) fn raw(&mut self, name: &str, shape: &[usize], dtype: u8, bytes: Vec<u8>) {
            self.vars.push((name.into(), shape.to_vec(), dtype, bytes));
        }

        pub(crate) fn alias(&mut self, alias: &str, target: &str) {
            self.aliases.push((alias.into(), target.into()));
            let values = self.values[target].clone();
            self.values.insert(alias.into(), values);
        }

        pub(crate) fn bytes(&self) -> Vec<u8> {
            fn string(out: &mut Vec<u8>, s: &str) {
                out.extend_from_slice(&(s.len() as u16 + 1).to_le_bytes());
                out.extend_from_slice(s.as_bytes());
                out.push(0);
            }
            let mut out = Vec::new();
            out.extend_from_slice(&6u32.to_le_bytes());
            string(&mut out, "WhisperSpec");
            out.extend_from_slice(&3u32.to_le_bytes());
            out.extend_from_slice(&(self.vars.len() as u32).to_le_bytes());
            for (name, shape, dtype, bytes) in &self.vars {
                string(&mut out, name);
                out.push(shape.len() as u8);
                for &d in shape {
                    out.extend_from_slice(&(d as u32).to_le_bytes());
                }
                out.push(*dtype);
                out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
                out.extend_from_slice(bytes);
            }
            out.extend_from_slice(&(self.aliases.len() as u32).to_le_bytes());
            for (alias, target) in &self.aliases {
                string(&mut out, alias);
                string(&mut out, target);
            }
            out
        }
    }

    /// A tiny Whisper: width 4, 2 heads, 3 mels, 1 encoder and 2 decoder blocks, 6 tokens.
    /// Mixes f16 and f32 variables and resolves one needed variable through an alias.
    pub(crate) fn synthetic_model() -> Ct2Builder {
        synthetic_model_of_width(4)
    }

    /// [`synthetic_model`] `d` wide.
    pub(crate) fn synthetic_model_of_width(d: usize) -> Ct2Builder {
        let (mels, vocab) = (3, 6);
        let mut b = Ct2Builder::default();
        let heads = 2i16.to_le_bytes().to_vec();
        b.raw("encoder/num_heads", &[], 2, heads.clone());
        b.raw("decoder/num_heads", &[], 2, heads);
        b.raw("decoder/activation", &[], 1, vec![3]);
        b.float("encoder/conv1/weight", &[d, mels, 3], true);
        b.float("encoder/conv1/bias", &[d], true);
        b.float("encoder/conv2/weight", &[d, d, 3], false);
        b.float("encoder/conv2/bias", &[d], false);
        b.float("encoder/position_encodings/encodings", &[5, d], true);
        b.float("decoder/position_encodings/encodings", &[3, d], false);
        b.float("decoder/embeddings/weight", &[vocab, d], true);
        let linear = |b: &mut Ct2Builder, name: &str, rows: usize, cols: usize, f16: bool| {
            b.float(&format!("{name}/weight"), &[rows, cols], f16);
            b.float(&format!("{name}/bias"), &[rows], f16);
        };
        let norm = |b: &mut Ct2Builder, name: &str| {
            b.float(&format!("{name}/gamma"), &[d], false);
            b.float(&format!("{name}/beta"), &[d], false);
        };
        for (stack, layers) in [("encoder", 1), ("decoder", 2)] {
            for i in 0..layers {
                let p = format!("{stack}/layer_{i}");
                let f16 = i == 0;
                linear(
                    &mut b,
                    &format!("{p}/self_attention/linear_0"),
                    3 * d,
                    d,
                    f16,
                );
                linear(&mut b, &format!("{p}/self_attention/linear_1"), d, d, f16);
                norm(&mut b, &format!("{p}/self_attention/layer_norm"));
                if stack == "decoder" {
                    linear(&mut b, &format!("{p}/attention/linear_0"), d, d, f16);
                    linear(&mut b, &format!("{p}/attention/linear_1"), 2 * d, d, f16);
                    linear(&mut b, &format!("{p}/attention/linear_2"), d, d, f16);
                    norm(&mut b, &format!("{p}/attention/layer_norm"));
                }
                linear(&mut b, &format!("{p}/ffn/linear_0"), 4 * d, d, f16);
                linear(&mut b, &format!("{p}/ffn/linear_1"), d, 4 * d, f16);
                if (stack, i) == ("decoder", 0) {
                    b.alias(
                        "decoder/layer_0/ffn/layer_norm/gamma",
                        "encoder/layer_0/ffn/layer_norm/gamma",
                    );
                    b.float("decoder/layer_0/ffn/layer_norm/beta", &[d], false);
                } else {
                    norm(&mut b, &format!("{p}/ffn/layer_norm"));
                }
            }
        }
        norm(&mut b, "encoder/layer_norm");
        norm(&mut b, "decoder/layer_norm");
        b.alias("decoder/projection/weight", "decoder/embeddings/weight");
        b
    }

    pub(crate) const SYNTHETIC_VOCABULARY: &str =
        "a\n\u{120}b\n\u{10a}\n\n<|endoftext|>\n<|startoftranscript|>\n";

    /// Writes `builder`'s model with [`SYNTHETIC_VOCABULARY`] into `dir`.
    pub(crate) fn write_model_dir(dir: &Path, builder: &Ct2Builder) {
        std::fs::write(dir.join("model.bin"), builder.bytes()).unwrap();
        std::fs::write(dir.join("vocabulary.txt"), SYNTHETIC_VOCABULARY).unwrap();
    }

    fn reason(error: Error) -> String {
        match error {
            Error::Model { reason, .. } => reason,
            other => panic!("expected a model error, got {other}"),
        }
    }

    /// The values of a tensor of the converted file, as f32.
    fn tensor_values(bytes: &[u8], entry: &TensorEntry) -> Vec<f32> {
        let count: u64 = entry.dims.iter().product();
        let start = entry.offset as usize;
        match entry.ty {
            GgmlType::F32 => bytes[start..start + 4 * count as usize]
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            GgmlType::F16 => bytes[start..start + 2 * count as usize]
                .chunks_exact(2)
                .map(|b| f16_to_f32(u16::from_le_bytes([b[0], b[1]])))
                .collect(),
            GgmlType::Other(id) => panic!("unexpected type {id}"),
        }
    }

    fn converted_synthetic(dir: &Path) -> PathBuf {
        let builder = synthetic_model();
        write_model_dir(dir, &builder);
        let out = dir.join("out").join("ggml-test.bin");
        convert_ct2_to_ggml(dir, &out).unwrap();
        out
    }

    #[test]
    fn half_precision_round_trips_and_rounds_to_even() {
        for half in 0..=u16::MAX {
            let value = f16_to_f32(half);
            if value.is_nan() {
                assert!(f16_to_f32(f32_to_f16(value)).is_nan());
            } else {
                assert_eq!(f32_to_f16(value), half, "{half:#06x} ({value})");
            }
        }
        assert_eq!(f32_to_f16(1.0), 0x3c00);
        assert_eq!(f32_to_f16(-2.0), 0xc000);
        assert_eq!(f32_to_f16(1.0 + 2f32.powi(-11)), 0x3c00); // tie, even stays
        assert_eq!(f32_to_f16(1.0 + 3.0 * 2f32.powi(-11)), 0x3c02); // tie, odd rounds up
        assert_eq!(f32_to_f16(1.0 + 1.1 * 2f32.powi(-11)), 0x3c01);
        assert_eq!(f32_to_f16(65504.0), 0x7bff);
        assert_eq!(f32_to_f16(65520.0), 0x7c00);
        assert_eq!(f32_to_f16(2f32.powi(-25)), 0x0000);
        assert_eq!(f32_to_f16(1.5 * 2f32.powi(-25)), 0x0001);
        assert_eq!(f32_to_f16(2f32.powi(-14) * 0.75), 0x0300);
        assert_eq!(f32_to_f16(1e-10), 0);
        assert_eq!(f32_to_f16(f32::INFINITY), 0x7c00);
    }

    #[test]
    fn converts_between_float_types() {
        let convert = |data: &[u8], from, to| {
            let mut out = Vec::new();
            write_converted(&mut out, data, from, to).unwrap();
            out
        };
        let bf16 = [0xc0, 0x3f, 0x20, 0xc1]; // 1.5, -10.0
        let expected: Vec<u8> = [1.5f32, -10.0]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        assert_eq!(convert(&bf16, Ct2Dtype::Bf16, GgmlType::F32), expected);
        assert_eq!(
            convert(&expected, Ct2Dtype::F32, GgmlType::F16),
            [0x00, 0x3e, 0x00, 0xc9]
        );
        assert_eq!(
            convert(&[0x00, 0x3e], Ct2Dtype::F16, GgmlType::F16),
            [0x00, 0x3e]
        );
        assert_eq!(
            convert(&[0x00, 0x3e], Ct2Dtype::F16, GgmlType::F32),
            1.5f32.to_le_bytes()
        );
    }

    #[test]
    fn byte_decoder_inverts_gpt2_alphabet() {
        let decoder = byte_decoder();
        assert_eq!(decoder.len(), 256);
        assert_eq!(decoder[&'a'], b'a');
        assert_eq!(decoder[&'\u{120}'], b' ');
        assert_eq!(decoder[&'\u{10a}'], b'\n');
        assert_eq!(decoder[&'\u{100}'], 0);
        assert_eq!(decoder[&'\u{ff}'], 0xff);
    }

    #[test]
    fn parses_ct2_variables_and_aliases() {
        let dir = tempfile::tempdir().unwrap();
        write_model_dir(dir.path(), &synthetic_model());
        let model = Ct2Model::read(&dir.path().join("model.bin")).unwrap();
        let embedding = model.var("decoder/projection/weight").unwrap();
        assert_eq!(embedding.shape, vec![6, 4]);
        assert_eq!(embedding.dtype, Ct2Dtype::F16);
        assert_eq!(model.scalar("encoder/num_heads").unwrap(), 2);
        let hp = model.hparams().unwrap();
        let expected = Hparams {
            n_vocab: 6,
            n_audio_ctx: 5,
            n_audio_state: 4,
            n_audio_head: 2,
            n_audio_layer: 1,
            n_text_ctx: 3,
            n_text_state: 4,
            n_text_head: 2,
            n_text_layer: 2,
            n_mels: 3,
            ftype: 1,
        };
        assert_eq!(hp, expected);
        let reason = reason(model.var("decoder/nothing").unwrap_err());
        assert_eq!(reason, "variable decoder/nothing is missing");
    }

    #[test]
    fn converts_synthetic_model_and_validates_it() {
        let dir = tempfile::tempdir().unwrap();
        let builder = synthetic_model();
        let out = converted_synthetic(dir.path());
        let info = validate_ggml(&out).unwrap();
        let plan_len = 5 + 15 + 2 + 2 + 2 * 24 + 2;
        assert_eq!(
            info,
            GgmlInfo {
                n_vocab: 6,
                n_audio_state: 4,
                n_audio_layer: 1,
                n_text_layer: 2,
                multilingual: false,
                tensors: plan_len,
            }
        );
        let scan = scan_ggml(&out).unwrap();
        assert_eq!(scan.hparams.ftype, 1);
        let vocab: Vec<&[u8]> = scan.vocab.iter().map(Vec::as_slice).collect();
        assert_eq!(vocab, [&b"a"[..], b" b", b"\n", b""]);
        let bytes = std::fs::read(&out).unwrap();
        assert_eq!(bytes.len() as u64, std::fs::metadata(&out).unwrap().len());
        let find = |name: &str| scan.tensors.iter().find(|t| t.name == name).unwrap();

        // Every tensor holds its source slice, stored as f16 (2-D+) or f32.
        for planned in layout(&scan.hparams) {
            let entry = find(&planned.name);
            assert_eq!(entry.ty, planned.ty, "{}", planned.name);
            let source = &builder.values[&planned.source.var];
            let part = source.len() / planned.source.parts;
            let expected = &source[planned.source.part * part..][..part];
            assert_eq!(tensor_values(&bytes, entry), expected, "{}", planned.name);
        }
        // The mapping itself, spelled out for a few tensors.
        let values = |var: &str| builder.values[var].clone();
        let fused = values("encoder/layer_0/self_attention/linear_0/weight");
        let key = find("encoder.blocks.0.attn.key.weight");
        assert_eq!(key.dims, vec![4, 4]);
        assert_eq!(key.ty, GgmlType::F16);
        assert_eq!(tensor_values(&bytes, key), fused[16..32]);
        let kv_bias = values("decoder/layer_1/attention/linear_1/bias");
        let value_bias = find("decoder.blocks.1.cross_attn.value.bias");
        assert_eq!(tensor_values(&bytes, value_bias), kv_bias[4..8]);
        let conv_bias = find("encoder.conv1.bias");
        assert_eq!(
            (conv_bias.dims.clone(), conv_bias.ty),
            (vec![1, 4], GgmlType::F32)
        );
        let conv = find("encoder.conv1.weight");
        assert_eq!(conv.dims, vec![3, 3, 4]);
        let pe = find("decoder.positional_embedding");
        assert_eq!((pe.dims.clone(), pe.ty), (vec![4, 3], GgmlType::F32));
        let aliased = find("decoder.blocks.0.mlp_ln.weight");
        assert_eq!(
            tensor_values(&bytes, aliased),
            values("encoder/layer_0/ffn/layer_norm/gamma")
        );
        assert!(!scan.tensors.iter().any(|t| t.name.ends_with("key.bias")));
        // No temporary file is left beside the output.
        let leftovers = std::fs::read_dir(out.parent().unwrap()).unwrap().count();
        assert_eq!(leftovers, 1);
    }

    #[test]
    fn validate_rejects_truncated_and_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let out = converted_synthetic(dir.path());
        let bytes = std::fs::read(&out).unwrap();
        let scan = scan_ggml(&out).unwrap();
        let last = scan.tensors.last().unwrap();
        let cut = dir.path().join("cut.bin");

        std::fs::write(&cut, &bytes[..bytes.len() - 3]).unwrap();
        let expected = format!(
            "truncated: tensor {} needs 16 bytes at offset {}, file has {}",
            last.name,
            last.offset,
            bytes.len() - 3
        );
        assert_eq!(reason(validate_ggml(&cut).unwrap_err()), expected);

        // Cut exactly between two tensors: the header is incomplete, not truncated.
        let header_len = 12 + 4 + last.name.len();
        std::fs::write(&cut, &bytes[..last.offset as usize - header_len]).unwrap();
        let message = reason(validate_ggml(&cut).unwrap_err());
        assert!(
            message
                .starts_with("incomplete: 1 of 74 tensors missing, starting with decoder.ln.bias"),
            "{message}"
        );

        std::fs::write(&cut, &bytes[..100]).unwrap();
        let message = reason(validate_ggml(&cut).unwrap_err());
        assert!(
            message.starts_with("truncated: the mel filters needs 2412 bytes at offset 56"),
            "{message}"
        );

        let mut gguf = bytes.clone();
        gguf[..4].copy_from_slice(b"GGUF");
        std::fs::write(&cut, &gguf).unwrap();
        let message = reason(validate_ggml(&cut).unwrap_err());
        assert!(
            message.starts_with("not a ggml Whisper model: magic 0x46554747"),
            "{message}"
        );
        assert!(message.contains("GGUF"), "{message}");

        std::fs::write(&cut, b"").unwrap();
        assert_eq!(
            reason(validate_ggml(&cut).unwrap_err()),
            "empty file (0 bytes)"
        );

        let mut extra = bytes.clone();
        extra.extend_from_slice(&[1, 0, 0, 0, 9]);
        std::fs::write(&cut, &extra).unwrap();
        let message = reason(validate_ggml(&cut).unwrap_err());
        assert!(
            message.starts_with("truncated: the name length of tensor #74 needs 4 bytes"),
            "{message}"
        );
    }

    #[test]
    fn convert_rejects_truncated_quantized_and_mismatched_models() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out.bin");
        let model_bin = dir.path().join("model.bin");
        let builder = synthetic_model();
        write_model_dir(dir.path(), &builder);
        let full = builder.bytes();

        std::fs::write(&model_bin, &full[..full.len() * 3 / 5]).unwrap();
        let message = reason(convert_ct2_to_ggml(dir.path(), &out).unwrap_err());
        assert!(message.starts_with("truncated: "), "{message}");
        assert!(
            message.ends_with(&format!("file has {}", full.len() * 3 / 5)),
            "{message}"
        );
        assert!(!out.exists());

        std::fs::write(&model_bin, b"").unwrap();
        let message = reason(convert_ct2_to_ggml(dir.path(), &out).unwrap_err());
        assert_eq!(message, "empty file (0 bytes)");

        let mut quantized = synthetic_model();
        quantized.raw(
            "encoder/layer_0/ffn/linear_9/weight",
            &[2, 2],
            1,
            vec![1, 2, 3, 4],
        );
        std::fs::write(&model_bin, quantized.bytes()).unwrap();
        let message = reason(convert_ct2_to_ggml(dir.path(), &out).unwrap_err());
        assert!(
            message.starts_with("quantized CTranslate2 models are not supported"),
            "{message}"
        );

        std::fs::write(&model_bin, &full).unwrap();
        std::fs::write(dir.path().join("vocabulary.txt"), "a\n<|endoftext|>\n").unwrap();
        let message = reason(convert_ct2_to_ggml(dir.path(), &out).unwrap_err());
        assert_eq!(
            message,
            "2 tokens, but the model's token embedding has 6 rows"
        );
        assert!(!out.exists());
    }
}
