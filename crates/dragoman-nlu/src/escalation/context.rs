//! Does the sentence around a cue take it back? "I will *not* leave a bad review", "*no need*
//! to open a case", "悪い評価はつけ*ません*" mention a threat without making it.
//!
//! The check is deliberately local: a negation only counts inside the cue's own clause and
//! within a few words of it, because buyers negate plenty of other things in the same
//! message ("it does *not* work, I *will* open a case"). Three things cancel a negation:
//! - a condition ("*if* you don't refund me I will open a case" is a threat, not a denial);
//! - a "no choice but" construction ("I have *no choice but* to contact my bank",
//!   "不得不", "ざるを得ません", "할 수밖에 없습니다");
//! - "I *won't hesitate* to …".
//!
//! Latin-script languages negate before the verb, so we look at the words before the cue.
//! Japanese and Korean negate at the end of the verb, after the cue; Chinese mostly before,
//! sometimes after ("差评是不会给的"). German and Dutch put `nicht`/`niet` after the object.
//! All texts are folded (lowercase, no accents) before they get here.

/// Characters that end a clause. Commas count: "if you don't refund, I will open a case".
fn is_boundary(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | ':' | ',' | '\n' | '。' | '！' | '？' | '；' | '，' | '、' | '…' | '(' | ')')
}

/// Conjunctions that start a new clause without punctuation ("I'm not happy *and* will leave
/// a bad review"), so a negation before them does not reach the cue.
const CONJUNCTIONS: &[&str] = &[
    "and", "but", "so", "und", "aber", "also", "deshalb", "doch", "et", "mais", "donc", "y", "pero", "e", "ma",
    "quindi", "mas", "entao", "en", "maar", "dus", "ale", "wiec", "och", "men", "ve", "ama",
];
const CJK_CONJUNCTIONS: &[&str] =
    &["但是", "但", "可是", "所以", "而且", "でも", "しかし", "けど", "하지만", "그런데", "그래서"];

// One line per language group; rustfmt would move the comments.
#[rustfmt::skip]
const NEGATORS: &[&str] = &[
    // en
    "no", "not", "never", "without", "nor", "none", "cannot",
    // de
    "nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "ohne",
    // fr (the elided "n'" is handled as a prefix below)
    "ne", "pas", "jamais", "aucun", "aucune", "sans",
    // es, it, pt
    "nunca", "jamas", "ningun", "ninguna", "ninguno", "sin", "ni", "non", "mai", "nessun", "nessuna", "nessuno",
    "senza", "nao", "nenhum", "nenhuma", "sem", "nem",
    // nl, pl, sv, tr
    "niet", "geen", "nooit", "zonder", "nigdy", "bez", "zadnej", "zadnego", "zadnych", "inte", "ej", "ingen", "inget",
    "inga", "aldrig", "utan", "degil",
];

/// Chinese and Korean negations that come before the verb, as substrings. Bare `不` is too
/// common ("不满意", "不能用") to count unless it sits right against the cue.
const CJK_PRE_NEGATORS: &[&str] = &[
    "不会",
    "不想",
    "不要",
    "不用",
    "不必",
    "不打算",
    "不需要",
    "没必要",
    "无需",
    "无意",
    "不给",
    "不留",
    "不去",
    "不再",
    "并不",
    "没有",
    "未曾",
    "안 ",
    "안할",
    "안 할",
];

/// Negations that follow the cue: Japanese and Korean verb endings, Chinese "是不会…的".
const CJK_POST_NEGATORS: &[&str] = &[
    "ない",
    "ません",
    "ず",
    "不会",
    "不给",
    "不打",
    "不留",
    "不开",
    "不去",
    "不用",
    "不必",
    "就不",
    "不想",
    "않",
    "안 ",
    "없",
    "말아",
    "지 마",
];

/// Words after the object that negate in German and Dutch ("eine schlechte Bewertung werde
/// ich nicht schreiben").
const LATIN_POST_NEGATORS: &[&str] = &["nicht", "niet"];

const CONDITIONALS: &[&str] = &[
    "if",
    "unless",
    "otherwise",
    "else",
    "wenn",
    "falls",
    "sonst",
    "ansonsten",
    "andernfalls",
    "si",
    "sinon",
    "sino",
    "se",
    "senao",
    "caso",
    "altrimenti",
    "als",
    "anders",
    "tenzij",
    "jesli",
    "jezeli",
    "inaczej",
    "om",
    "annars",
    "until",
    "bis",
    "hasta",
    "finche",
    "ate",
    "totdat",
];
const CJK_CONDITIONALS: &[&str] =
    &["如果", "要是", "否则", "不然", "若", "万一", "除非", "なら", "ければ", "ないと", "たら"];

/// "No choice but to", "won't hesitate to": the negation strengthens the threat.
const OVERRIDES: &[&str] = &[
    "no choice",
    "no other choice",
    "no other option",
    "no alternative",
    "no other way",
    "nothing else",
    "hesitat",
    "keine andere wahl",
    "keine wahl",
    "nichts anderes",
    "zogern",
    "pas d'autre choix",
    "pas le choix",
    "pas d'autre solution",
    "pas d'autre option",
    "hesiter",
    "otra opcion",
    "otra alternativa",
    "otro remedio",
    "otra salida",
    "dudar",
    "dudare",
    "altra scelta",
    "altra soluzione",
    "altra strada",
    "esitare",
    "esitero",
    "outra opcao",
    "outra escolha",
    "outra alternativa",
    "outra saida",
    "hesitar",
    "andere keus",
    "andere keuze",
    "aarzel",
    "innego wyjscia",
    "innego wyboru",
    "wahac",
    "zawaham",
    "annat val",
    "tveka",
    "不得不",
    "只能",
    "只好",
    "别无选择",
    "ざるを得",
    "ざるをえ",
    "しかない",
    "しかありません",
    "しかございません",
    "ないといけ",
    "なければなら",
    "수밖에",
    "밖에 없",
];

const LATIN_WINDOW_WORDS: usize = 4;
const CJK_PRE_WINDOW_CHARS: usize = 6;
const POST_WINDOW_CHARS: usize = 12;
const LATIN_POST_WINDOW_WORDS: usize = 3;

/// Whether the cue at `start..end` of the folded `text` is negated in its clause.
pub(crate) fn negated(text: &str, start: usize, end: usize) -> bool {
    let prefix = clause_prefix(&text[..start]);
    let suffix = clause_suffix(&text[end..]);
    let post_window: String = suffix.chars().take(POST_WINDOW_CHARS).collect();
    if OVERRIDES.iter().any(|o| prefix.contains(o) || post_window.contains(o)) {
        return false;
    }
    let words: Vec<&str> = prefix.split_whitespace().collect();
    let conditional = words.iter().any(|w| CONDITIONALS.contains(&trim_word(w)))
        || CJK_CONDITIONALS.iter().any(|c| prefix.contains(c));
    if !conditional && pre_negated(prefix, &words) {
        return true;
    }
    post_negated(suffix, &post_window)
}

fn pre_negated(prefix: &str, words: &[&str]) -> bool {
    let window = &words[words.len().saturating_sub(LATIN_WINDOW_WORDS)..];
    let latin = window.iter().any(|w| {
        let w = trim_word(w);
        NEGATORS.contains(&w) || w.ends_with("n't") || w.starts_with("n'")
    });
    if latin {
        return true;
    }
    let tail_start = prefix.char_indices().rev().nth(CJK_PRE_WINDOW_CHARS - 1).map_or(0, |(i, _)| i);
    let tail = &prefix[tail_start..];
    // A bare 不/没/別 directly against the cue ("不差评", "没给差评").
    let adjacent: String = prefix.chars().rev().take(2).collect();
    CJK_PRE_NEGATORS.iter().any(|n| tail.contains(n)) || adjacent.contains(['不', '没'])
}

fn post_negated(suffix: &str, post_window: &str) -> bool {
    // The post window ends where a condition starts: "… beantragen, falls Sie nicht …"
    // is cut by the comma already, "… beantragen falls Sie nicht …" by the word.
    let cjk_cut = CJK_CONDITIONALS.iter().filter_map(|c| post_window.find(c)).min().unwrap_or(post_window.len());
    if CJK_POST_NEGATORS.iter().any(|n| post_window[..cjk_cut].contains(n)) {
        return true;
    }
    for word in suffix.split_whitespace().take(LATIN_POST_WINDOW_WORDS) {
        let word = trim_word(word);
        if CONDITIONALS.contains(&word) {
            return false;
        }
        if LATIN_POST_NEGATORS.contains(&word) {
            return true;
        }
    }
    false
}

fn trim_word(w: &str) -> &str {
    w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'')
}

/// The part of `before` that belongs to the cue's clause.
fn clause_prefix(before: &str) -> &str {
    let mut start = before.rfind(is_boundary).map_or(0, |i| i + before[i..].chars().next().map_or(1, char::len_utf8));
    for conj in CJK_CONJUNCTIONS {
        if let Some(i) = before[start..].rfind(conj) {
            start = start.max(start + i + conj.len());
        }
    }
    let clause = &before[start..];
    // Cut after the last conjunction word.
    let mut cut = 0;
    let mut offset = 0;
    for word in clause.split_inclusive(char::is_whitespace) {
        offset += word.len();
        if CONJUNCTIONS.contains(&trim_word(word)) {
            cut = offset;
        }
    }
    &clause[cut..]
}

/// The part of `after` up to the end of the cue's clause.
fn clause_suffix(after: &str) -> &str {
    after.find(is_boundary).map_or(after, |i| &after[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, cue: &str) -> bool {
        let start = text.find(cue).expect("cue in text");
        negated(text, start, start + cue.len())
    }

    #[test]
    fn negation_before_and_after() {
        assert!(check("i will not leave a bad review", "bad review"));
        assert!(check("no need to open a case", "open a case"));
        assert!(check("je ne laisserai pas d'avis negatif", "avis negatif"));
        assert!(check("悪い評価はつけません", "悪い評価"));
        assert!(check("악평은 남기지 않겠습니다", "악평"));
        assert!(check("差评是不会给的", "差评"));
        assert!(check("eine negative bewertung werde ich nicht schreiben", "negative bewertung"));
    }

    #[test]
    fn conditions_and_no_choice_keep_the_threat() {
        assert!(!check("if you don't refund me i will open a case", "open a case"));
        assert!(!check("i have no choice but to open a case", "open a case"));
        assert!(!check("i won't hesitate to open a case", "open a case"));
        assert!(!check("it does not work, i will open a case", "open a case"));
        assert!(!check("i'm not happy and will leave a bad review", "bad review"));
        assert!(!check("低評価をつけざるを得ません", "低評価"));
        assert!(!check("如果不退款就给差评", "差评"));
        assert!(!check("ich werde kauferschutz beantragen falls sie nicht antworten", "kauferschutz"));
    }
}
