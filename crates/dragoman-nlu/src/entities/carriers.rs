//! The carriers a tracking number can belong to: their tracking pages, the names buyers call
//! them by (in the buyers' languages and scripts), and which UPU member post an S10 suffix names.

use regex::RegexSet;
use serde::Serialize;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Carrier {
    Ups,
    Usps,
    Fedex,
    DhlExpress,
    DhlPaket,
    /// Deutsche Post letters and small packets (S10 ids ending in `DE`).
    DeutschePost,
    RoyalMail,
    JapanPost,
    ChinaPost,
    Correios,
    #[serde(rename = "postnl")]
    PostNl,
    #[serde(rename = "inpost")]
    InPost,
    AustraliaPost,
    CanadaPost,
    /// La Poste and its parcel brand Colissimo.
    LaPoste,
    SwissPost,
    KoreaPost,
    Yamato,
    Sagawa,
    SfExpress,
    CjLogistics,
    MondialRelay,
    /// Cainiao, AliExpress's logistics arm (`LP…` numbers).
    Cainiao,
    YunExpress,
    /// A UPU S10 id from a post without a variant of its own.
    Upu,
    /// A number whose format is certain but whose carrier is not (an SSCC of an unknown company).
    Unknown,
}

/// Where a carrier delivers domestically, for the script of a message to break ties between
/// domestic carriers whose formats coincide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Region {
    Japan,
    Korea,
}

impl Carrier {
    /// The carrier's own tracking page for `number` (compact, upper case: only `[0-9A-Z]`, so it
    /// needs no escaping). A post or company without a page that takes the number in its
    /// address, and an unknown carrier, get 17TRACK, which covers every UPU post.
    pub fn tracking_url(self, number: &str) -> String {
        match self {
            Carrier::Ups => format!("https://www.ups.com/track?tracknum={number}"),
            Carrier::Usps => format!("https://tools.usps.com/go/TrackConfirmAction?tLabels={number}"),
            Carrier::Fedex => format!("https://www.fedex.com/fedextrack/?trknbr={number}"),
            Carrier::DhlExpress => {
                format!(
                    "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id={number}"
                )
            }
            Carrier::DhlPaket | Carrier::DeutschePost => {
                format!("https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode={number}")
            }
            Carrier::RoyalMail => format!("https://www.royalmail.com/track-your-item#/tracking-results/{number}"),
            Carrier::JapanPost => format!(
                "https://trackings.post.japanpost.jp/services/srv/search/direct?reqCodeNo1={number}&searchKind=S002&locale=ja"
            ),
            Carrier::ChinaPost => format!("https://www.ems.com.cn/queryList?mailNum={number}"),
            Carrier::Correios => format!("https://rastreamento.correios.com.br/app/index.php?objeto={number}"),
            Carrier::PostNl => format!("https://postnl.nl/tracktrace/?B={number}"),
            Carrier::InPost => format!("https://inpost.pl/sledzenie-przesylek?number={number}"),
            Carrier::AustraliaPost => format!("https://auspost.com.au/mypost/track/details/{number}"),
            Carrier::CanadaPost => {
                format!("https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor={number}")
            }
            Carrier::LaPoste => format!("https://www.laposte.fr/outils/suivre-vos-envois?code={number}"),
            Carrier::SwissPost => format!("https://service.post.ch/ekp-web/ui/entry/search/{number}"),
            Carrier::KoreaPost => {
                format!("https://service.epost.go.kr/trace.RetrieveEmsRigiTraceList.comm?POST_CODE={number}")
            }
            Carrier::Yamato => format!("https://toi.kuronekoyamato.co.jp/cgi-bin/tneko?number01={number}"),
            Carrier::Sagawa => format!("https://k2k.sagawa-exp.co.jp/p/web/okurijosearch.do?okurijoNo={number}"),
            Carrier::SfExpress => format!("https://www.sf-express.com/chn/sc/waybill/waybill-detail/{number}"),
            Carrier::CjLogistics => format!("https://trace.cjlogistics.com/next/tracking.html?wblNo={number}"),
            Carrier::MondialRelay => format!("https://www.mondialrelay.fr/suivi-de-colis/?numeroExpedition={number}"),
            Carrier::Cainiao => format!("https://global.cainiao.com/newDetail.htm?mailNoList={number}"),
            Carrier::YunExpress => format!("https://www.yuntrack.com/parcelTracking?id={number}"),
            Carrier::Upu | Carrier::Unknown => format!("https://t.17track.net/en#nums={number}"),
        }
    }

    pub(super) fn region(self) -> Option<Region> {
        match self {
            Carrier::Yamato | Carrier::Sagawa | Carrier::JapanPost => Some(Region::Japan),
            Carrier::CjLogistics | Carrier::KoreaPost => Some(Region::Korea),
            _ => None,
        }
    }

    /// The post behind an S10 id, by its ISO 3166 country suffix (the origin post); `None` when
    /// the suffix is no country, so the id is not an S10 id.
    pub(super) fn of_s10_country(country: &str) -> Option<Carrier> {
        if !ISO_3166.split(' ').any(|c| c == country) {
            return None;
        }
        Some(match country {
            "US" => Carrier::Usps,
            "GB" => Carrier::RoyalMail,
            "JP" => Carrier::JapanPost,
            "CN" => Carrier::ChinaPost,
            "BR" => Carrier::Correios,
            "NL" => Carrier::PostNl,
            "AU" => Carrier::AustraliaPost,
            "CA" => Carrier::CanadaPost,
            "FR" => Carrier::LaPoste,
            "DE" => Carrier::DeutschePost,
            "CH" => Carrier::SwissPost,
            "KR" => Carrier::KoreaPost,
            _ => Carrier::Upu,
        })
    }
}

/// ISO 3166-1 alpha-2 country codes (as in the IANA time zone database's `iso3166.tab`).
const ISO_3166: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
                        BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE \
                        EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM \
                        HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC \
                        LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA \
                        NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW \
                        SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
                        TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// How buyers name each carrier: Latin-script names (matched between ASCII word boundaries, so
/// that "DHL运单号" names DHL but "upside" does not name UPS) and names in other scripts (matched
/// anywhere: CJK text has no spaces). One name may stand for several carriers ("DHL" is DHL
/// Express, DHL Paket and Deutsche Post): the number's format then decides among them.
const NAMES: &[(Carrier, &[&str], &[&str])] = &[
    (Carrier::Ups, &["(?-i:UPS)", "united parcel"], &[]),
    (Carrier::Usps, &["usps", "us postal", "united states postal"], &[]),
    (Carrier::Fedex, &[r"fed\s?ex"], &["フェデックス", "联邦快递", "聯邦快遞", "페덱스"]),
    (Carrier::DhlExpress, &["dhl"], &[]),
    (Carrier::DhlPaket, &["dhl", r"deutsche\s?post"], &[]),
    (Carrier::DeutschePost, &["dhl", r"deutsche\s?post"], &[]),
    (Carrier::RoyalMail, &[r"royal\s?mail", "parcelforce"], &[]),
    (Carrier::JapanPost, &[r"japan\s?post"], &["日本郵便", "郵便局", "ゆうパック", "ゆうパケット"]),
    (Carrier::ChinaPost, &[r"china\s?post"], &["中国邮政", "中國郵政"]),
    (Carrier::Correios, &["correios"], &[]),
    (Carrier::PostNl, &[r"post\s?nl"], &[]),
    (Carrier::InPost, &["inpost", r"paczkomat\w*"], &[]),
    (Carrier::AustraliaPost, &[r"australia\s?post", "auspost"], &[]),
    (Carrier::CanadaPost, &[r"canada\s?post", r"postes\s?canada"], &[]),
    (Carrier::LaPoste, &[r"la\s?poste", "colissimo"], &[]),
    (Carrier::SwissPost, &[r"swiss\s?post"], &[]),
    (Carrier::KoreaPost, &[r"korea\s?post"], &["우체국"]),
    (Carrier::Yamato, &["yamato"], &["ヤマト", "クロネコ", "黒猫", "宅急便"]),
    (Carrier::Sagawa, &["sagawa"], &["佐川"]),
    (Carrier::SfExpress, &[r"sf\s?express"], &["顺丰", "順豐", "順豊"]),
    (Carrier::CjLogistics, &[r"cj\s?logistics", "(?-i:CJ)"], &["대한통운"]),
    (Carrier::MondialRelay, &[r"mondial\s?relay"], &[]),
    (Carrier::Cainiao, &["cainiao"], &["菜鸟", "菜鳥"]),
    (Carrier::YunExpress, &[r"yun\s?express"], &["云途"]),
];

/// One alternation of Latin words (between ASCII word boundaries) and other-script words; each
/// entry may itself be an alternation.
pub(super) fn alternation(latin: &[&str], other: &[&str]) -> String {
    let latin = latin.iter().map(|w| format!(r"(?-u:\b)(?:{w})(?-u:\b)"));
    let other = other.iter().map(|w| format!("(?:{w})"));
    latin.chain(other).collect::<Vec<_>>().join("|")
}

static NAME_SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(NAMES.iter().map(|(_, latin, other)| format!("(?i){}", alternation(latin, other))))
        .expect("carrier names are valid")
});

/// Every carrier name as one alternation, for the cue search around a number.
pub(super) fn any_name_pattern() -> String {
    NAMES.iter().map(|(_, latin, other)| alternation(latin, other)).collect::<Vec<_>>().join("|")
}

/// The carriers that `text` names.
pub(super) fn named_in(text: &str) -> Vec<Carrier> {
    NAME_SET.matches(text).into_iter().map(|i| NAMES[i].0).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_any_script() {
        assert_eq!(named_in("DHL运单号"), [Carrier::DhlExpress, Carrier::DhlPaket, Carrier::DeutschePost]);
        assert_eq!(named_in("ヤマトの追跡番号"), [Carrier::Yamato]);
        assert_eq!(named_in("CJ대한통운 송장"), [Carrier::CjLogistics]);
        assert_eq!(named_in("suivi Colissimo"), [Carrier::LaPoste]);
        assert!(named_in("Ups, sorry, the cups were fine").is_empty());
    }

    #[test]
    fn s10_suffix_names_the_origin_post() {
        assert_eq!(Carrier::of_s10_country("GB"), Some(Carrier::RoyalMail));
        assert_eq!(Carrier::of_s10_country("PL"), Some(Carrier::Upu));
        assert_eq!(Carrier::of_s10_country("XX"), None);
    }

    #[test]
    fn serialises_snake_case() {
        assert_eq!(serde_json::to_string(&Carrier::DhlExpress).unwrap(), "\"dhl_express\"");
        assert_eq!(serde_json::to_string(&Carrier::PostNl).unwrap(), "\"postnl\"");
    }
}
