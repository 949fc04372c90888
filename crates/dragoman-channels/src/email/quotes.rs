//! Separating what the buyer wrote in this message from what came along with it: quoted
//! history, forwarded mail and signatures.
//!
//! The rules read lines, not markup, so they apply equally to plain text and to the text of
//! an HTML body (where a `<blockquote>` has become `> ` lines). They know the reply headers
//! of the common mail clients in the store's buyer languages; a rule that does not fire
//! leaves the history in the text, which costs a longer translation, while a rule that
//! fires wrongly loses the buyer's words. So every rule asks for more than one sign.

use regex::Regex;
use std::sync::LazyLock;

/// The message split in two; `own` keeps the buyer's greeting and sign-off.
#[derive(Debug, PartialEq)]
pub(crate) struct Split {
    pub own: String,
    /// History and signature, in their original order; empty when nothing was cut.
    pub cut: String,
}

/// "On <date>, <name> wrote:" in the languages of the store's buyers, as mail clients write
/// it. Matched against up to three joined lines, since clients wrap it.
static ATTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\s*(?:
            on\s.+\swrote
          | am\s.+\sschrieb.*
          | le\s.+\sa\s+écrit
          | el\s.+\sescribió
          | em\s.+\sescreveu
          | il\s.+\sha\s+scritto
          | op\s.+\sschreef.*
          | (?:w\s+dniu|dnia)\s.+\s(?:napisał(?:a|\(a\))?|pisze)
          | (?:den|på)\s.+\sskrev.*
          | .+\s(?:пишет|написал(?:а|\(а\))?)
          | .+\syazdı
          | .+(?:のメッセージ|のメール|は書きました|写道|寫道|님이\s*작성|님이\s*쓴\s*글)
        )\s*[:：]\s*$",
    )
    .expect("valid regex")
});

/// Gmail writes its reply header in every locale as "<date> <time> <name> <<address>>
/// <verb>:"; an address in angle brackets, a time of day and a final colon identify it
/// whatever the language.
static ATTRIBUTION_WITH_ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<[^<>\s@]+@[^<>\s@]+>.*[:：]\s*$").expect("valid regex"));
static TIME_OF_DAY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\d{1,2}:\d{2}").expect("valid regex"));

/// What makes an attribution line more than a sentence ending in "wrote:": an address or a
/// time of day.
static ADDRESS_OR_TIME: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"@|\d{1,2}[:.h]\d{2}").expect("valid regex"));

/// Separators that mail clients put above quoted or forwarded mail.
static SEPARATOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\s*(?:
            [-_=*]{2,}\s*(?:
                original\s+message|ursprüngliche\s+nachricht|originalnachricht
              | message\s+d'origine|message\s+original|mensaje\s+original|mensagem\s+original
              | messaggio\s+originale|oorspronkelijk\s+bericht|origineel\s+bericht
              | oryginalna\s+wiadomość|wiadomość\s+oryginalna|originalmeddelande
              | opprinnelig\s+melding|oprindelig\s+meddelelse|alkuperäinen\s+viesti
              | исходное\s+сообщение|původní\s+zpráva|orijinal\s+mesaj
              | 原始邮件|原始郵件|元のメッセージ|원본\s*메시지
              | forwarded\s+message|weitergeleitete\s+nachricht|message\s+transféré
              | mensaje\s+reenviado|mensagem\s+encaminhada|messaggio\s+inoltrato
              | doorgestuurd\s+bericht|przekazana\s+wiadomość
            )\s*[-_=*]{2,}
          | (?:begin\s+forwarded\s+message|anfang\s+der\s+weitergeleiteten\s+nachricht
              | début\s+du\s+message\s+réexpédié|inicio\s+del\s+mensaje\s+reenviado
              | início\s+da\s+mensagem\s+reencaminhada|inizio\s+messaggio\s+inoltrato
              | begin\s+doorgestuurd\s+bericht)\s*:
        )\s*$",
    )
    .expect("valid regex")
});

/// The first line of a header block that Outlook and others put above the quoted mail
/// instead of a "wrote:" line ("From: … / Sent: … / To: … / Subject: …").
static HEADER_FROM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*\*?(?:from|von|de|da|van|od|från|fra|lähettäjä|от|差出人|送信者|发件人|寄件者|보낸\s*사람)\s*\*?\s*[:：]\s*\S",
    )
    .expect("valid regex")
});

/// A date line in such a header block; it must follow the "From:" line closely.
static HEADER_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^\s*\*?(?:sent|date|gesendet|datum|envoyé|enviado|enviada|fecha|data|inviato|verzonden|verstuurd|wysłano|wysłane|skickat|sendt|lähetetty|отправлено|дата|送信日時|日付|发送时间|發送時間|日期|보낸\s*날짜|날짜)\s*\*?\s*[:：]\s*\S",
    )
    .expect("valid regex")
});

/// The signature delimiter, `-- ` (many clients lose the trailing space).
static SIGNATURE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^--\s?$").expect("valid regex"));

/// Signatures that phones and mail apps add on their own.
static DEVICE_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\s*(?:
            sent\s+from\s+my\s.+|sent\s+from\s+(?:outlook|mail|yahoo\s+mail|gmail|samsung).*|sent\s+via\s.+
          | get\s+outlook\s+for\s.+
          | von\s+meinem\s.+\s+gesendet|gesendet\s+(?:von|mit)\s+(?:meinem\s+)?\S.*
          | envoyé\s+(?:de|depuis)\s+mon\s.+|envoyé\s+depuis\s.+
          | enviado\s+desde\s+mi\s.+|enviado\s+(?:do|de)\s+meu\s.+
          | inviato\s+(?:da|dal)\s+(?:mio\s+)?\S.*
          | verzonden\s+(?:met|vanaf)\s.+|verstuurd\s+vanaf\s+mijn\s.+
          | wysłane\s+z\s.+|skickat\s+från\s+min\s.+|sendt\s+fra\s+min\s.+
          | отправлено\s+с\s.+
          | \S.*から送信|\S.*에서\s*보냄|发自我的\S.*|從我的\s*\S.*傳送
        )\s*$",
    )
    .expect("valid regex")
});

/// A device or mail app: what separates "Sent from my iPhone" from "Gesendet von DHL am
/// Montag".
static DEVICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)iphone|ipad|android|samsung|galaxy|huawei|xiaomi|pixel|blackberry|mobile|handy|smartphone|phone|tablet|telefon|móvil|movil|celular|cellulare|telefoon|portable|outlook|mail|yahoo|aol|모바일|携帯|手机|手機",
    )
    .expect("valid regex")
});

/// Where a wrapped reply header can start: the date or the word before it.
static ATTRIBUTION_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s*(?:on|am|le|el|em|il|op|w\s+dniu|dnia|den|på|\d)\b|<\s*$").expect("valid regex")
});

/// Lines of dashes or underscores that Outlook draws above its header block.
static RULE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\s*[-_]{8,}\s*$").expect("valid regex"));

/// Splits `text` into the author's own words and the history and signature around them.
///
/// Quoted lines (`>`) and their attribution are removed wherever they are, so the answers of
/// a buyer who replies below or between quotes are kept. Everything below a separator, an
/// Outlook header block, an unquoted "wrote:" block or a signature is cut.
pub(crate) fn split(text: &str) -> Split {
    let lines: Vec<&str> = text.lines().collect();
    let mut own: Vec<&str> = Vec::new();
    let mut cut: Vec<&str> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(len) = attribution_len(&lines, i) {
            let after = i + len;
            let next = lines[after..].iter().position(|l| !l.trim().is_empty()).map(|p| after + p);
            let quoted_below = next.is_some_and(|n| is_quoted(lines[n]));
            if quoted_below || next.is_none() {
                cut.extend(&lines[i..after]);
                i = after;
                continue;
            }
            // History that follows without `>` marks runs to the end.
            cut.extend(&lines[i..]);
            break;
        }
        if is_quoted(line) {
            cut.push(line);
            i += 1;
            continue;
        }
        if let Some(start) = hard_cut_at(&lines, i, &own) {
            cut.extend(own.split_off(start));
            cut.extend(&lines[i..]);
            break;
        }
        own.push(line);
        i += 1;
    }
    Split { own: tidy(&own), cut: tidy(&cut) }
}

fn is_quoted(line: &str) -> bool {
    line.trim_start().starts_with('>')
}

/// How many lines (one to three) the attribution starting at `i` spans, if one does.
fn attribution_len(lines: &[&str], i: usize) -> Option<usize> {
    if lines[i].trim().is_empty() || is_quoted(lines[i]) {
        return None;
    }
    let mut joined = String::new();
    let max_len = if ATTRIBUTION_START.is_match(lines[i]) { 3 } else { 1 };
    for len in 1..=max_len.min(lines.len() - i) {
        let next = lines[i + len - 1].trim();
        if len > 1 && (next.is_empty() || is_quoted(next)) {
            return None;
        }
        if !joined.is_empty() {
            joined.push(' ');
        }
        joined.push_str(next);
        if joined.chars().count() > 300 {
            return None;
        }
        let followed_by_quote = lines[i + len..].iter().find(|l| !l.trim().is_empty()).is_some_and(|l| is_quoted(l));
        let language_rule = ATTRIBUTION.is_match(&joined) && (ADDRESS_OR_TIME.is_match(&joined) || followed_by_quote);
        let address_rule = ATTRIBUTION_WITH_ADDRESS.is_match(&joined) && TIME_OF_DAY.is_match(&joined);
        if language_rule || address_rule {
            return Some(len);
        }
    }
    None
}

/// Whether everything from line `i` on is history or signature; returns where the cut
/// starts in `own` (earlier than its end when a rule line above the block belongs to it).
fn hard_cut_at(lines: &[&str], i: usize, own: &[&str]) -> Option<usize> {
    let line = lines[i];
    let is_cut = SEPARATOR.is_match(line)
        || SIGNATURE.is_match(line)
        || (line.chars().count() <= 80 && DEVICE_SIGNATURE.is_match(line) && DEVICE.is_match(line))
        || (HEADER_FROM.is_match(line) && lines[i + 1..].iter().take(4).any(|l| HEADER_DATE.is_match(l)));
    if !is_cut {
        return None;
    }
    let mut start = own.len();
    while start > 0 && own[start - 1].trim().is_empty() {
        start -= 1;
    }
    if start > 0 && RULE.is_match(own[start - 1]) {
        return Some(start - 1);
    }
    Some(own.len())
}

/// Joins lines, dropping trailing blanks on each line, blank lines at both ends and runs of
/// more than one blank line.
fn tidy(lines: &[&str]) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        let line = line.trim_end();
        if line.trim().is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn own(text: &str) -> String {
        split(text).own
    }

    #[test]
    fn reply_headers_in_many_languages() {
        for header in [
            "On Mon, 27 May 2024 at 18:04, Lumenhaus Support <support@lumenhaus-store.com> wrote:",
            "Am 21.05.2024 um 10:15 schrieb Lumenhaus Kundenservice <support@lumenhaus-store.com>:",
            "Le lun. 27 mai 2024 à 18:04, Lumenhaus <support@lumenhaus-store.com> a écrit :",
            "El lun, 27 may 2024 a las 18:04, Lumenhaus (<support@lumenhaus-store.com>) escribió:",
            "Em qua., 5 de jun. de 2024 às 21:47, Lumenhaus <store@lumenhaus-store.com> escreveu:",
            "Il giorno lun 27 mag 2024 alle ore 18:04 Lumenhaus <s@lumenhaus-store.com> ha scritto:",
            "Il 27/05/2024 18:04, Lumenhaus ha scritto:",
            "Op ma 27 mei 2024 om 18:04 schreef Lumenhaus <support@lumenhaus-store.com>:",
            "W dniu 27.05.2024 o 18:04, Lumenhaus pisze:",
            "2024年5月27日(月) 18:04 Lumenhaus <support@lumenhaus-store.com>:",
            "2024년 5월 27일 (월) 오후 6:04, Lumenhaus <support@lumenhaus-store.com>님이 작성:",
            "Lumenhaus <support@lumenhaus-store.com> 于2024年5月27日周一 18:04写道：",
            "On 27 May 2024, at 18:04, Lumenhaus wrote:",
        ] {
            let text = format!("Danke!\nLena\n\n{header}\n\n> Hallo Lena,\n> wir haben\n");
            let s = split(&text);
            assert_eq!(s.own, "Danke!\nLena", "{header}");
            assert!(s.cut.starts_with(header.trim()), "{header}: {}", s.cut);
        }
    }

    #[test]
    fn wrapped_attribution() {
        let text = "Thanks!\n\nOn Mon, 27 May 2024 at 18:04, Lumenhaus Support <\nsupport@lumenhaus-store.com> wrote:\n\n> old\n";
        assert_eq!(own(text), "Thanks!");
    }

    #[test]
    fn bottom_posting_and_inline_answers_are_kept() {
        let text = "On Mon, 27 May 2024 at 18:04, Shop <s@shop.example> wrote:\n> Which colour?\n\nBlack, please.\n\n> And the size?\nL\n\n-- \nAnna\n";
        let s = split(text);
        assert_eq!(s.own, "Black, please.\n\nL");
        assert!(s.cut.ends_with("--\nAnna"), "{}", s.cut);
    }

    #[test]
    fn a_sentence_ending_in_wrote_is_not_a_header() {
        let text = "Last week my husband wrote:\nthe lamp flickers. Can you help?\n";
        assert_eq!(own(text), "Last week my husband wrote:\nthe lamp flickers. Can you help?");
    }

    #[test]
    fn unquoted_history_after_attribution_is_cut() {
        let text = "Danke\n\nAm 21.05.2024 um 10:15 schrieb Shop <s@shop.example>:\nGuten Tag Herr K.,\nwir ...\n";
        assert_eq!(own(text), "Danke");
    }

    #[test]
    fn separators_and_outlook_header_blocks() {
        for sep in [
            "-----Original Message-----",
            "-----Ursprüngliche Nachricht-----",
            "---------- Forwarded message ---------",
            "Begin forwarded message:",
            "________________________________\nFrom: Lumenhaus <s@shop.example>\nSent: Monday, June 3, 2024 4:12 PM",
            "Von: Lumenhaus <s@shop.example>\nGesendet: Montag, 3. Juni 2024 16:12\nAn: x@y.de",
            "De : Lumenhaus\nEnvoyé : lundi 3 juin 2024 16:12",
            "*From:* Lumenhaus <s@shop.example>\n*Date:* Monday, June 3, 2024",
        ] {
            let text = format!("Bitte um Rechnung.\n\nGruß\nT.\n\n{sep}\nDear T.,\nhere it is.\n");
            let s = split(&text);
            assert_eq!(s.own, "Bitte um Rechnung.\n\nGruß\nT.", "{sep}");
            assert!(s.cut.starts_with(sep.lines().next().unwrap()), "{sep}: {}", s.cut);
        }
    }

    #[test]
    fn a_from_line_alone_is_not_a_header_block() {
        let text = "From: Berlin, the parcel never arrived.\nCan you check?\n";
        assert_eq!(own(text), "From: Berlin, the parcel never arrived.\nCan you check?");
    }

    #[test]
    fn signatures() {
        for sig in [
            "-- \nDieter Kowalski\nTel. 0201 4471203",
            "--\nDieter",
            "Sent from my iPhone",
            "Von meinem iPhone gesendet",
            "Enviado do meu iPhone",
            "Envoyé de mon iPhone",
            "Inviato da iPhone",
            "Verzonden met mijn Galaxy",
            "Get Outlook for Android",
            "iPhone에서 보냄",
            "iPhoneから送信",
            "发自我的iPhone",
        ] {
            let text = format!("Wo bleibt mein Paket?\n\nGruß\nD.\n\n{sig}\n");
            assert_eq!(own(&text), "Wo bleibt mein Paket?\n\nGruß\nD.", "{sig}");
        }
    }

    #[test]
    fn lines_that_only_look_like_signatures_or_headers_stay() {
        let text = "Das Paket wurde\nGesendet von DHL am Montag\nund kam nie an.\nBitte schicken Sie es an\nmeine neue Adresse, gültig ab 3. Juni <anna@example.de>:\nHauptstr. 5";
        assert_eq!(own(text), text);
    }

    #[test]
    fn nothing_to_cut() {
        let s = split("Hallo,\n\n\n\nwo ist mein Paket?  \n\n");
        assert_eq!(s, Split { own: "Hallo,\n\nwo ist mein Paket?".into(), cut: String::new() });
    }
}
