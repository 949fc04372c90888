//! Text folding for lexicon matching: lowercase, accents stripped, full-width forms narrowed,
//! traditional Chinese characters mapped to simplified, typographic quotes straightened.
//!
//! Buyers type with and without accents ("não"/"nao", "Verärgert"/"verargert"), on phones
//! that produce curly apostrophes, and on Japanese IMEs that produce full-width letters; one
//! lexicon entry per concept only works if the text and the lexicon are folded the same way.
//! Every folded byte remembers the original bytes it came from, so evidence is reported as
//! the buyer wrote it.

use std::ops::Range;

pub(crate) struct Folded {
    pub text: String,
    /// For each byte of `text`, the original byte range of the character it came from.
    origin: Vec<Range<usize>>,
}

impl Folded {
    pub fn new(original: &str) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        let mut buf = String::new();
        for (start, c) in original.char_indices() {
            buf.clear();
            fold_char(c, &mut buf);
            let range = start..start + c.len_utf8();
            text.push_str(&buf);
            origin.extend(std::iter::repeat_n(range, buf.len()));
        }
        Self { text, origin }
    }

    /// The original byte range behind a range of the folded text.
    pub fn original_range(&self, folded: Range<usize>) -> Range<usize> {
        if folded.is_empty() || folded.end > self.origin.len() {
            return 0..0;
        }
        self.origin[folded.start].start..self.origin[folded.end - 1].end
    }
}

/// Folds a lexicon pattern the way the text is folded. Patterns are written in lowercase and
/// must not use uppercase escapes (`\S`, `\W`, `\B`, `\D`), which lowercasing would invert.
pub(crate) fn fold_pattern(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    for c in pattern.chars() {
        fold_char(c, &mut out);
    }
    out
}

fn fold_char(c: char, out: &mut String) {
    let c = match c {
        // Full-width ASCII (Ａ, ！, －) as typed on CJK input methods.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '\u{2018}' | '\u{2019}' | '\u{201B}' | '\u{2032}' | '`' | '\u{00B4}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}'..='\u{2015}' | '\u{2212}' => '-',
        '\u{00A0}' | '\u{202F}' => ' ',
        _ => c,
    };
    for l in c.to_lowercase() {
        match l {
            // Combining marks left over from decomposed input ("e\u{301}") carry no meaning here.
            '\u{0300}'..='\u{036F}' => {}
            'ß' => out.push_str("ss"),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            _ => out.push(strip_accent(l).unwrap_or_else(|| simplified(l))),
        }
    }
}

fn strip_accent(c: char) -> Option<char> {
    Some(match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' | 'ā' | 'ă' => 'a',
        'ç' | 'ć' | 'č' => 'c',
        'ď' | 'đ' => 'd',
        'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ē' | 'ě' => 'e',
        'ğ' => 'g',
        'ì' | 'í' | 'î' | 'ï' | 'ı' | 'ī' => 'i',
        'ł' => 'l',
        'ñ' | 'ń' | 'ň' => 'n',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' => 'o',
        'ř' => 'r',
        'ś' | 'š' | 'ş' => 's',
        'ť' => 't',
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => 'u',
        'ý' | 'ÿ' => 'y',
        'ź' | 'ż' | 'ž' => 'z',
        _ => return None,
    })
}

/// Traditional → simplified for the characters the lexicons use, so Taiwanese and Hong Kong
/// buyers match the same entries as mainland ones.
fn simplified(c: char) -> char {
    match c {
        '評' => '评',
        '師' => '师',
        '訴' => '诉',
        '騙' => '骗',
        '詐' => '诈',
        '費' => '费',
        '協' => '协',
        '會' => '会',
        '爭' => '争',
        '議' => '议',
        '銀' => '银',
        '錢' => '钱',
        '還' => '还',
        '沒' => '没',
        '麼' => '么',
        '經' => '经',
        '氣' => '气',
        '過' => '过',
        '無' => '无',
        '報' => '报',
        '顧' => '顾',
        '問' => '问',
        '這' => '这',
        '寫' => '写',
        '個' => '个',
        '給' => '给',
        '說' => '说',
        '應' => '应',
        '處' => '处',
        '們' => '们',
        '聯' => '联',
        '繫' | '係' => '系',
        '遲' => '迟',
        '貨' => '货',
        '單' => '单',
        '買' => '买',
        '賣' => '卖',
        '後' => '后',
        '來' => '来',
        '對' => '对',
        '時' => '时',
        '間' => '间',
        '將' => '将',
        '復' | '覆' => '复',
        '訊' => '讯',
        '請' => '请',
        '記' => '记',
        '帳' | '賬' => '账',
        '錯' => '错',
        '壞' => '坏',
        '惡' | '噁' => '恶',
        '為' => '为',
        '開' => '开',
        '關' => '关',
        '員' => '员',
        '實' => '实',
        '護' => '护',
        '權' => '权',
        '賠' => '赔',
        '償' => '偿',
        '舉' => '举',
        '極' => '极',
        '態' => '态',
        '憤' => '愤',
        '離' => '离',
        '譜' => '谱',
        '罵' => '骂',
        '廢' => '废',
        '爛' => '烂',
        '媽' => '妈',
        '屢' => '屡',
        '幾' => '几',
        '絕' => '绝',
        '號' => '号',
        '務' => '务',
        '據' => '据',
        '證' => '证',
        '語' => '语',
        '讓' => '让',
        '電' => '电',
        '郵' => '邮',
        '條' => '条',
        '許' => '许',
        '該' => '该',
        '嗎' => '吗',
        '門' => '门',
        '滿' => '满',
        '難' => '难',
        '邊' => '边',
        '機' => '机',
        '構' => '构',
        '臺' => '台',
        '發' | '髮' => '发',
        '長' => '长',
        '東' => '东',
        '蟲' => '虫',
        '監' => '监',
        '貝' => '贝',
        '區' => '区',
        '歸' => '归',
        '撥' => '拨',
        '擊' => '击',
        '緊' => '紧',
        '結' => '结',
        '糾' => '纠',
        '紛' => '纷',
        '銷' => '销',
        '騷' => '骚',
        '擾' => '扰',
        '傷' => '伤',
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_maps_back() {
        let original = "VERÄRGERT über Ａ－ｚ! Scheiße, 差評 não";
        let f = Folded::new(original);
        assert_eq!(f.text, "verargert uber a-z! scheisse, 差评 nao");
        let at = f.text.find("scheisse").unwrap();
        assert_eq!(&original[f.original_range(at..at + "scheisse".len())], "Scheiße");
        let at = f.text.find("a-z").unwrap();
        assert_eq!(&original[f.original_range(at..at + 3)], "Ａ－ｚ");
        // A match ending inside an expansion still covers the whole original character.
        let at = f.text.find("scheis").unwrap();
        assert_eq!(&original[f.original_range(at..at + 6)], "Scheiß");
    }

    #[test]
    fn patterns_fold_like_text() {
        assert_eq!(fold_pattern(r"\binaceitável\b|差評"), r"\binaceitavel\b|差评");
    }
}
