//! Arrays out of a numpy `.npz`: a zip archive of `.npy` files, one per array.
//!
//! Only what `weights.npz` needs: little-endian `f4`/`f8` and `u1` dtypes in C order. A
//! `.npy` file is a magic string, a version, a header length, a Python dict literal
//! (`{'descr': '<f4', 'fortran_order': False, 'shape': (512, 256), }`), then the raw data.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use super::EncoderError;

/// Element types read here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dtype {
    U8,
    F32,
    F64,
}

impl Dtype {
    fn from_descr(descr: &str) -> Result<Self, String> {
        match descr {
            "|u1" | "<u1" | "u1" => Ok(Dtype::U8),
            "<f4" => Ok(Dtype::F32),
            "<f8" => Ok(Dtype::F64),
            other => Err(format!("unsupported dtype {other:?}")),
        }
    }

    fn size(self) -> usize {
        match self {
            Dtype::U8 => 1,
            Dtype::F32 => 4,
            Dtype::F64 => 8,
        }
    }
}

#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NpyHeader {
    pub(crate) dtype: Dtype,
    pub(crate) shape: Vec<usize>,
}

impl NpyHeader {
    fn len(&self) -> usize {
        self.shape.iter().product()
    }
}

/// Reads the `.npy` preamble and header from `r`, leaving it at the first data byte.
pub(crate) fn read_npy_header(r: &mut impl Read) -> Result<NpyHeader, String> {
    let mut pre = [0u8; 8];
    r.read_exact(&mut pre).map_err(|e| format!("truncated .npy preamble: {e}"))?;
    if &pre[..6] != b"\x93NUMPY" {
        return Err("not a .npy array (bad magic)".into());
    }
    let header_len = match pre[6] {
        1 => {
            let mut len = [0u8; 2];
            r.read_exact(&mut len).map_err(|e| format!("truncated .npy preamble: {e}"))?;
            usize::from(u16::from_le_bytes(len))
        }
        2 | 3 => {
            let mut len = [0u8; 4];
            r.read_exact(&mut len).map_err(|e| format!("truncated .npy preamble: {e}"))?;
            u32::from_le_bytes(len) as usize
        }
        v => return Err(format!("unsupported .npy version {v}")),
    };
    if header_len > 1 << 20 {
        return Err(format!(".npy header of {header_len} bytes"));
    }
    let mut header = vec![0u8; header_len];
    r.read_exact(&mut header).map_err(|e| format!("truncated .npy header: {e}"))?;
    let header = std::str::from_utf8(&header).map_err(|_| ".npy header is not UTF-8")?;
    parse_header_dict(header)
}

/// Parses the header's dict literal. numpy writes it with `repr`, so this accepts exactly
/// the literal forms that produces: quoted strings, `True`/`False`, tuples of integers.
pub(crate) fn parse_header_dict(text: &str) -> Result<NpyHeader, String> {
    let mut p = Literal { s: text.trim_end_matches(['\n', ' ', '\0']).as_bytes(), pos: 0 };
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    p.expect(b'{')?;
    loop {
        p.skip_ws();
        if p.eat(b'}') {
            break;
        }
        let key = p.string()?;
        p.expect(b':')?;
        match key.as_str() {
            "descr" => descr = Some(p.string()?),
            "fortran_order" => fortran = Some(p.boolean()?),
            "shape" => shape = Some(p.tuple()?),
            other => return Err(format!("unexpected .npy header key {other:?}")),
        }
        p.skip_ws();
        if !p.eat(b',') {
            p.expect(b'}')?;
            break;
        }
    }
    p.skip_ws();
    if p.pos != p.s.len() {
        return Err("trailing bytes after the .npy header dict".into());
    }
    let dtype = Dtype::from_descr(&descr.ok_or("no 'descr' in .npy header")?)?;
    if fortran.ok_or("no 'fortran_order' in .npy header")? {
        return Err("Fortran-order arrays are not supported".into());
    }
    Ok(NpyHeader { dtype, shape: shape.ok_or("no 'shape' in .npy header")? })
}

struct Literal<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Literal<'_> {
    fn skip_ws(&mut self) {
        while self.s.get(self.pos).is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, b: u8) -> bool {
        self.skip_ws();
        if self.s.get(self.pos) == Some(&b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8) -> Result<(), String> {
        if self.eat(b) { Ok(()) } else { Err(format!("malformed .npy header: expected {:?}", b as char)) }
    }

    fn string(&mut self) -> Result<String, String> {
        self.skip_ws();
        let quote = *self.s.get(self.pos).filter(|&&q| q == b'\'' || q == b'"').ok_or("malformed .npy header")?;
        let start = self.pos + 1;
        let len = self.s[start..].iter().position(|&b| b == quote).ok_or("unterminated string in .npy header")?;
        self.pos = start + len + 1;
        String::from_utf8(self.s[start..start + len].to_vec()).map_err(|_| "bad string in .npy header".into())
    }

    fn boolean(&mut self) -> Result<bool, String> {
        self.skip_ws();
        for (word, value) in [(&b"True"[..], true), (b"False", false)] {
            if self.s[self.pos..].starts_with(word) {
                self.pos += word.len();
                return Ok(value);
            }
        }
        Err("malformed boolean in .npy header".into())
    }

    fn tuple(&mut self) -> Result<Vec<usize>, String> {
        self.expect(b'(')?;
        let mut dims = Vec::new();
        loop {
            if self.eat(b')') {
                return Ok(dims);
            }
            self.skip_ws();
            let start = self.pos;
            while self.s.get(self.pos).is_some_and(u8::is_ascii_digit) {
                self.pos += 1;
            }
            let digits = std::str::from_utf8(&self.s[start..self.pos]).unwrap_or_default();
            dims.push(digits.parse().map_err(|_| "malformed shape in .npy header")?);
            if !self.eat(b',') {
                self.expect(b')')?;
                return Ok(dims);
            }
        }
    }
}

/// An open `.npz`; arrays are read one at a time, streamed out of the zip.
pub(crate) struct Npz {
    path: PathBuf,
    archive: zip::ZipArchive<BufReader<File>>,
}

impl Npz {
    pub(crate) fn open(path: &Path) -> Result<Self, EncoderError> {
        let file = File::open(path).map_err(|e| EncoderError::io(path, e))?;
        let archive = zip::ZipArchive::new(BufReader::new(file))
            .map_err(|e| EncoderError::corrupt(path, format!("not a readable zip: {e}")))?;
        Ok(Npz { path: path.to_owned(), archive })
    }

    /// Streams array `name` (stored as `name.npy`) into `out`, after checking its dtype and
    /// that its shape is `shape`. `out` gets the raw little-endian bytes.
    fn read_raw(&mut self, name: &str, dtype: Dtype, shape: &[usize], out: &mut [u8]) -> Result<(), EncoderError> {
        let path = &self.path;
        let corrupt = |reason: String| EncoderError::corrupt(path, format!("array {name}: {reason}"));
        let mut entry = self.archive.by_name(&format!("{name}.npy")).map_err(|e| match e {
            zip::result::ZipError::FileNotFound => corrupt("missing".into()),
            e => corrupt(e.to_string()),
        })?;
        let header = read_npy_header(&mut entry).map_err(corrupt)?;
        if header.dtype != dtype || header.shape != shape {
            return Err(corrupt(format!("expected {dtype:?} {shape:?}, found {:?} {:?}", header.dtype, header.shape)));
        }
        debug_assert_eq!(out.len(), header.len() * dtype.size());
        // read_exact also runs the zip entry's CRC check once the data is consumed.
        entry.read_exact(out).map_err(|e| corrupt(format!("truncated data: {e}")))?;
        let mut rest = [0u8; 1];
        match entry.read(&mut rest) {
            Ok(0) => Ok(()),
            Ok(_) => Err(corrupt("more data than its shape".into())),
            Err(e) => Err(corrupt(e.to_string())),
        }
    }

    /// A `uint8` array of `shape`, written into `out` (whose length must match).
    pub(crate) fn read_u8_into(&mut self, name: &str, shape: &[usize], out: &mut [u8]) -> Result<(), EncoderError> {
        assert_eq!(out.len(), shape.iter().product::<usize>());
        self.read_raw(name, Dtype::U8, shape, out)
    }

    /// A `float32` array of `shape`, row-major.
    pub(crate) fn read_f32(&mut self, name: &str, shape: &[usize]) -> Result<Vec<f32>, EncoderError> {
        let mut raw = vec![0u8; shape.iter().product::<usize>() * 4];
        self.read_raw(name, Dtype::F32, shape, &mut raw)?;
        Ok(raw.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect())
    }

    /// A `float64` scalar (a 0-d array).
    pub(crate) fn read_f64_scalar(&mut self, name: &str) -> Result<f64, EncoderError> {
        let mut raw = [0u8; 8];
        self.read_raw(name, Dtype::F64, &[], &mut raw)?;
        Ok(f64::from_le_bytes(raw))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npy(header: &str, data: &[u8]) -> Vec<u8> {
        // numpy pads the header so the data starts on a 64-byte boundary, ending with '\n'.
        let mut h = header.to_string();
        while !(10 + h.len() + 1).is_multiple_of(64) {
            h.push(' ');
        }
        h.push('\n');
        let mut out = b"\x93NUMPY\x01\x00".to_vec();
        out.extend_from_slice(&(h.len() as u16).to_le_bytes());
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out
    }

    #[test]
    fn parses_numpy_headers() {
        let h = parse_header_dict("{'descr': '<f4', 'fortran_order': False, 'shape': (512, 256), }").unwrap();
        assert_eq!(h, NpyHeader { dtype: Dtype::F32, shape: vec![512, 256] });
        let h = parse_header_dict("{'descr': '|u1', 'fortran_order': False, 'shape': (7530,), }").unwrap();
        assert_eq!(h, NpyHeader { dtype: Dtype::U8, shape: vec![7530] });
        let h = parse_header_dict("{\"descr\":\"<f8\",\"fortran_order\":False,\"shape\":()}").unwrap();
        assert_eq!(h, NpyHeader { dtype: Dtype::F64, shape: vec![] });
        assert_eq!(h.len(), 1);
    }

    #[test]
    fn rejects_unsupported_headers() {
        for bad in [
            "{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }",
            "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }",
            "{'descr': '<f4', 'fortran_order': False, }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2, x), }",
            "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'extra': 1}",
            "{'descr': '<f4'",
            "",
        ] {
            assert!(parse_header_dict(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn reads_header_from_stream() {
        let file = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", &[0, 0, 128, 63, 0, 0, 0, 64]);
        let mut r = &file[..];
        let h = read_npy_header(&mut r).unwrap();
        assert_eq!(h.shape, vec![2]);
        assert_eq!(r, &[0, 0, 128, 63, 0, 0, 0, 64]);
        assert!(read_npy_header(&mut &b"\x93NUMPX\x01\x00\x00\x00"[..]).is_err());
        assert!(read_npy_header(&mut &b"\x93NUMPY\x01\x00\x40\x00{'descr'"[..]).is_err());
    }

    /// A real .npz on disk: stored (uncompressed) entries, as `np.savez` writes them.
    fn write_npz(entries: &[(&str, Vec<u8>)]) -> PathBuf {
        use std::io::Write;
        let path = std::env::temp_dir().join(format!("dragoman-npz-test-{}.npz", std::process::id()));
        let mut zip = zip::ZipWriter::new(File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        for (name, data) in entries {
            zip.start_file(*name, options).unwrap();
            zip.write_all(data).unwrap();
        }
        zip.finish().unwrap();
        path
    }

    #[test]
    fn reads_arrays_and_reports_bad_ones_by_name() {
        let floats: Vec<u8> = [1.5f32, -2.0, 0.25, 8.0].iter().flat_map(|f| f.to_le_bytes()).collect();
        let path = write_npz(&[
            ("w.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", &floats)),
            ("q.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }", &[7, 8, 9])),
            ("eps.npy", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", &1e-12f64.to_le_bytes())),
            ("short.npy", npy("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", &floats[..8])),
            ("long.npy", npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", &[1, 2, 3])),
        ]);
        let mut z = Npz::open(&path).unwrap();
        assert_eq!(z.read_f32("w", &[2, 2]).unwrap(), vec![1.5, -2.0, 0.25, 8.0]);
        let mut q = [0u8; 3];
        z.read_u8_into("q", &[3], &mut q).unwrap();
        assert_eq!(q, [7, 8, 9]);
        assert_eq!(z.read_f64_scalar("eps").unwrap(), 1e-12);

        let err = |r: Result<Vec<f32>, EncoderError>| r.unwrap_err().to_string();
        let msg = err(z.read_f32("w", &[4]));
        assert!(msg.contains("array w") && msg.contains("[2, 2]") && msg.contains("scripts/fetch-models"), "{msg}");
        assert!(err(z.read_f32("nope", &[1])).contains("array nope: missing"));
        assert!(err(z.read_f32("short", &[3])).contains("truncated"));
        assert!(z.read_u8_into("long", &[2], &mut [0u8; 2]).unwrap_err().to_string().contains("more data"));
        assert!(err(z.read_f32("q", &[3])).contains("expected F32"));
        std::fs::remove_file(&path).unwrap();

        std::fs::write(&path, b"not a zip").unwrap();
        assert!(matches!(Npz::open(&path), Err(EncoderError::Corrupt { .. })));
        std::fs::remove_file(&path).unwrap();
        assert!(matches!(Npz::open(&path), Err(EncoderError::Missing { .. })));
    }
}
