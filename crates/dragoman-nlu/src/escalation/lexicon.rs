//! Multilingual cue lexicons: how buyers threaten, complain to the marketplace, dispute a
//! payment, call a lawyer, write for the third time, and lose their temper, in each language.
//!
//! Patterns are regular expressions over *folded* text (see `fold`): lowercase, no accents,
//! traditional Chinese mapped to simplified. They are written in lowercase without uppercase
//! escapes. Latin-script entries use `\b` so a cue never fires inside another word; CJK entries
//! cannot (no spaces between words) and are therefore kept specific enough to stand alone.
//!
//! Threats carry the verb when it is part of the phrase ("leave a bad review"), so that a
//! negation governing the verb ("I will not leave a bad review") is in the window the
//! negation check looks at. Words that are only threatening in context ("bank", "case",
//! "court", "何度も") are anchored to that context instead of listed bare.

use super::ReasonKind::{self, *};

/// One list of cues of the same kind and weight in one language.
pub(crate) struct Group {
    /// Which language the cues are written in: documentation, and the coverage test.
    #[cfg_attr(not(test), expect(dead_code))]
    pub lang: &'static str,
    pub kind: ReasonKind,
    pub weight: f32,
    /// Whether a negation right before the cue ("no need to open a case") cancels it. Cues
    /// that are themselves negative in form ("still no answer", "never again") are not.
    pub negatable: bool,
    pub patterns: &'static [&'static str],
}

/// A threat to take the matter to the marketplace, the payment provider or the law: any one
/// of them means a human must look first.
pub(crate) const STRONG: f32 = 0.7;
pub(crate) const LEGAL: f32 = 0.75;
pub(crate) const REVIEW: f32 = 0.65;
pub(crate) const REPEAT: f32 = 0.6;
/// "I already wrote", "again": a previous contact, not yet proof of being ignored.
pub(crate) const REPEAT_WEAK: f32 = 0.4;
pub(crate) const PROFANITY: f32 = 0.5;
pub(crate) const PROFANITY_MILD: f32 = 0.3;
/// "Unacceptable", "scam": angry, but one such word alone is an ordinary complaint.
pub(crate) const ANGER: f32 = 0.4;
/// "Annoyed", "disappointed": only counts together with other signs.
pub(crate) const ANGER_MILD: f32 = 0.15;

const fn neg(lang: &'static str, kind: ReasonKind, weight: f32, patterns: &'static [&'static str]) -> Group {
    Group { lang, kind, weight, negatable: true, patterns }
}

const fn fixed(lang: &'static str, kind: ReasonKind, weight: f32, patterns: &'static [&'static str]) -> Group {
    Group { lang, kind, weight, negatable: false, patterns }
}

pub(crate) static GROUPS: &[Group] = &[
    // ------------------------------------------------------------------ English
    neg(
        "en",
        ReviewThreat,
        REVIEW,
        &[
            r"\b(?:(?:leave|leaving|left|write|writing|give|giving|post|posting|put|putting)\s+(?:you\s+|your\s+\w+\s+|this\s+\w+\s+|the\s+\w+\s+|it\s+)?(?:an?\s+)?(?:very\s+|really\s+)?)?(?:bad|negative|poor|terrible|horrible|awful|scathing|1[- ]?star|one[- ]?star|zero[- ]?star|0[- ]?star)\s+(?:review|feedback|rating|comment)s?\b",
            r"\b(?:give|giving|rate|rating)\s+(?:you|it|this|the \w+)\s+(?:only\s+)?(?:1|one|zero|0)\s+stars?\b",
            r"\b(?:1|one|zero|0)[- ]star\b",
            r"\bwarn (?:other|all|every|future|fellow) (?:buyers|customers|shoppers|people)\b",
            r"\b(?:post|share|put|write)\w*\s+(?:about\s+)?(?:this|it|you)\s+(?:on|all over)\s+(?:social media|facebook|twitter|instagram|tiktok|reddit|youtube)\b",
            r"\btrustpilot\b",
        ],
    ),
    neg(
        "en",
        MarketplaceClaim,
        STRONG,
        &[
            r"\ba-to-z\b|\ba\s*to\s*z\s+(?:guarantee|claim)|\ba-z\s+(?:guarantee|claim)\b",
            r"\b(?:open|opening|opened|file|filing|filed|start|starting|started|raise|raising|raised|submit|submitting|submitted|escalate|escalating|escalated)\s+(?:an?\s+|the\s+)?(?:ebay\s+|amazon\s+|formal\s+)?(?:case|claim|dispute)\b",
            r"\bmoney[- ]back guarantee\b",
            r"\b(?:report|reporting)\s+(?:you|your (?:shop|store|company|listing)|this seller)\b",
            r"\bresolution cent(?:er|re)\b",
            r"\b(?:report|reporting|reported|escalate|escalating|complain|complaining)\s+(?:you\s+|this\s+|it\s+|the seller\s+|your (?:shop|store)\s+)?(?:to|with)\s+(?:amazon|ebay|etsy|shopify|walmart|the marketplace|the platform)\b",
            r"\b(?:contact|contacting|call|calling|involve|involving|notify|notifying|inform|informing|tell|telling)\s+(?:amazon|ebay|etsy|walmart)\b|\bget(?:ting)?\s+(?:amazon|ebay|etsy|walmart)\s+involved\b",
            r"\b(?:amazon|ebay) (?:case|claim|guarantee|dispute)\b",
        ],
    ),
    neg(
        "en",
        Chargeback,
        STRONG,
        &[
            r"\bcharge[- ]?backs?\b",
            r"\b(?:dispute|disputing|reverse|reversing|contest|contesting)\s+(?:the\s+|this\s+|my\s+)?(?:charge|payment|transaction)s?\b",
            r"\bpaypal\s+(?:dispute|claim|case|buyer protection|resolution)\b",
            r"\b(?:dispute|claim|case)\s+(?:with|on|through|via|at)\s+paypal\b",
            r"\b(?:contact|contacting|call|calling|ask|asking|tell|telling|notify|involve|involving|go to|going to)\s+(?:my\s+)?(?:bank|credit card company|card issuer|card company|credit card provider|visa|mastercard|amex|american express)\b",
            r"\bstop (?:the )?payment\b",
            r"\b(?:i will|i'll|i am going to|i'm going to|going to|will)\s+dispute\s+(?:this|it|the)\b",
        ],
    ),
    neg(
        "en",
        LegalThreat,
        LEGAL,
        &[
            r"\b(?:lawyer|lawyers|attorney|attorneys|solicitor|solicitors|lawsuit|litigation|small claims)\b",
            r"\blegal (?:action|steps|proceedings|measures|route|advice)\b",
            r"\b(?:sue|suing)\s+(?:you|your|the|this|them)\b",
            r"\b(?:to|in) court\b|\bcourt (?:action|case|claim)\b",
            r"\btrading standards\b|\bcitizens advice\b|\bbetter business bureau\b|\bbbb\b|\bftc\b|\bfederal trade commission\b",
            r"\bconsumer (?:protection|rights|affairs|ombudsman|council|agency|authority|watchdog|tribunal)\b",
            r"\battorney general\b|\bombudsman\b|\baccc\b|\bcfpb\b",
            r"\b(?:report|reporting)\s+(?:you|this|it|the seller|your (?:shop|store|company))\s+to\s+(?:the\s+)?(?:police|authorities)\b",
            r"\b(?:call|contact|go to|involve)\s+(?:the\s+)?(?:police|authorities)\b",
        ],
    ),
    fixed(
        "en",
        RepeatedContact,
        REPEAT,
        &[
            r"\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|\d+th|umpteenth|nth)\s+(?:message|email|e-mail|request|attempt|follow[- ]?up|reminder)\b",
            r"\b(?:second|2nd|third|3rd|fourth|4th|fifth|5th|sixth|\d+th|umpteenth|nth)\s+time\s+(?:that\s+)?(?:i|i'm|i am|i've|i have|we)?\s*(?:\w+\s+)?(?:writ|contact|ask|email|messag|reach|tr(?:y|ied)|send|sent|chas|follow|call|request)",
            r"\b(?:writ\w*|contact\w*|ask\w*|email\w*|messag\w*|reach\w* out|sent|send\w*|call\w*)\s+(?:\w+\s+){0,3}?(?:for\s+)?the\s+(?:second|third|fourth|fifth|umpteenth|nth)\s+time\b",
            r"\b(?:wr(?:ote|itten)|contacted|asked|emailed|messaged|reached out|called|tried|requested)\b(?:\s+\w+){0,4}?\s+(?:several|multiple|many|numerous|countless|two|three|four|five|\d+)\s+times\b",
            r"\b(?:several|multiple|many|numerous|countless|repeated|two|three|four|five|\d+)\s+(?:messages|emails|e-mails|requests|reminders|attempts to (?:reach|contact))\b",
            r"\b(?:still|yet)\s+(?:no|not|haven't|have not|hasn't|has not|did not|didn't)\s+(?:\w+\s+){0,2}?(?:answer|reply|replies|response|word from you|heard back|heard from you)",
            r"\b(?:no one|nobody|noone)\s+(?:has\s+|have\s+|is\s+|ever\s+)?(?:answer|respond|repl|got back|gets back|contacted)",
            r"\bno (?:answer|reply|response)s?\s+(?:to|from)\s+(?:my|you|your|any)\b",
            r"\b(?:haven't|have not|never|didn't|did not)\s+(?:heard back|got(?:ten)? (?:a|any) (?:reply|response|answer)|received (?:a|any) (?:reply|response|answer))\b",
            r"\bhow many (?:more )?times\b",
            r"\byou (?:never|don't|do not|won't|will not|are not|aren't) (?:answer|respond|reply|replie|get back)\w*",
            r"\bagain and again\b|\bover and over\b|\bnot the first time\b",
            r"\b(?:keep|keeps|kept)\s+ignoring\b|\bignor(?:e|ed|ing)\s+my\s+(?:messages|emails|requests|questions)\b",
        ],
    ),
    fixed(
        "en",
        RepeatedContact,
        REPEAT_WEAK,
        &[
            r"\b(?:i have|i've) already (?:written|contacted|emailed|messaged|asked|reached out)\b",
            r"\balready (?:wrote|contacted|emailed|messaged|asked) (?:you|your|to you)\b",
            r"\b(?:writing|asking|contacting you) (?:to you )?(?:once )?again\b",
        ],
    ),
    neg(
        "en",
        Anger,
        ANGER,
        &[
            r"\b(?:scam|scams|scammer|scammers|scammed|fraud|fraudster|fraudsters|thieves|con artists|rip[- ]?off|ripped off|crooks)\b",
            r"\b(?:unacceptable|outrageous|disgusting|disgraceful|disgrace|appalling|pathetic|ridiculous|absurd|insulting|shameful|furious|livid|fuming|infuriat\w*|enraged|fed up|sick and tired|sick of|had enough|incompeten\w*|shame on you|how dare you|kidding me|beyond frustrat\w*)\b",
            r"\bworst (?:seller|service|experience|company|customer service|shop|store|purchase)\b",
            r"\b(?:rubbish|terrible|horrible|awful|appalling|shocking) (?:service|customer service|seller|company)\b",
            r"\bis a joke\b|\bwhat a joke\b|\bbeyond a joke\b|\buseless\b|\byou people\b",
            r"\b(?:final|last) (?:warning|chance|notice)\b",
        ],
    ),
    fixed(
        "en",
        Anger,
        ANGER,
        &[r"\bnot acceptable\b", r"\bnever (?:again|buy\w* from you|order\w* from you|shop\w* (?:here|with you))\b"],
    ),
    neg(
        "en",
        Anger,
        ANGER_MILD,
        &[
            r"\b(?:angry|annoyed|irritated|frustrated|frustrating|upset|mad at|(?:very|extremely|deeply|so|really) disappointed)\b",
        ],
    ),
    fixed(
        "en",
        Profanity,
        PROFANITY,
        &[
            r"\b(?:fuck\w*|f\*+k\w*|shit|shitty|bullshit|asshole\w*|arsehole\w*|bastards?|bitch\w*|dickhead\w*|screw you|piss off)\b",
        ],
    ),
    fixed("en", Profanity, PROFANITY_MILD, &[r"\b(?:wtf|crap|crappy|damn|damned|goddamn\w*|bloody hell|pissed)\b"]),
    // ------------------------------------------------------------------ German
    neg(
        "de",
        ReviewThreat,
        REVIEW,
        &[
            r"\b(?:schlecht|negativ|mies|katastrophal|vernichtend|1[- ]?stern|ein[- ]?stern)\w*\s+(?:bewertung|rezension|feedback|kritik|rezi)\w*",
            r"\b(?:negativ|schlecht)\s+(?:bewerten|bewertet|beurteilen)\b",
            r"\b(?:nur\s+)?(?:1|einen|ein)\s+stern\b",
            r"\b(?:andere|alle)\s+(?:kaufer|kunden|leute)\s+(?:warnen|informieren)\b|\bwarne\w*\s+andere\b",
            r"\bsozialen medien\b",
        ],
    ),
    neg(
        "de",
        MarketplaceClaim,
        STRONG,
        &[
            r"\ba\s*-?\s*(?:bis|to)\s*-?\s*z[- ]?garantie\b|\bgarantie\s+von\s+a\s+bis\s+z\b",
            r"\beinen\s+fall\s+(?:bei\s+(?:ebay|amazon)\s+)?(?:er)?offn\w*|\bfall\s+bei\s+(?:ebay|amazon)\b",
            r"\b(?:er)?offne\w*\s+(?:ich\s+)?einen\s+(?:fall|antrag|streitfall)\b",
            r"\bkauferschutz\w*\b",
            r"\bgarantie\s+(?:von|bei)\s+amazon\b",
            r"\b(?:bei|an)\s+(?:amazon|ebay)\s+(?:melden|wenden|beschweren|reklamieren|eskalieren)\b",
            r"\b(?:amazon|ebay)\s+(?:einschalten|informieren|kontaktieren|benachrichtigen|hinzuziehen)\b",
            r"\bmelde\w*\s+(?:sie|euch|das|es|den verkaufer|ihren shop)\s+(?:bei|an)\s+(?:amazon|ebay)\b",
            r"\b(?:beschwerde|reklamation)\s+(?:bei|an)\s+(?:amazon|ebay)\b",
            r"\bgeld-?zuruck-?garantie\b",
        ],
    ),
    neg(
        "de",
        Chargeback,
        STRONG,
        &[
            r"\bruckbuchung\s+(?:\w+\s+){0,2}?(?:veranlass|einleit|beantrag|vornehm|mach)\w*|\b(?:veranlass|einleit|beantrag)\w*\s+(?:\w+\s+){0,2}?ruckbuchung\b",
            r"\bzuruckbuchen lassen\b|\b(?:lastschrift|zahlung|betrag)\s+(?:\w+\s+){0,2}?zuruck(?:buchen|holen|geben)\b",
            r"\blastschrift\w*\s+(?:widerruf\w*|storn\w*)",
            r"\bpaypal[- ]?(?:kauferschutz|konflikt|fall|streitfall|reklamation|beschwerde)\b",
            r"\b(?:konflikt|fall|streitfall|reklamation|beschwerde|antrag)\s+(?:bei|uber|mit)\s+paypal\b",
            r"\b(?:meine|meiner|meinen)\s+(?:bank|kreditkartenfirma|kreditkartengesellschaft|kartenanbieter)\s+(?:einschalten|kontaktieren|informieren|beauftragen|anrufen)\b",
            r"\ban\s+(?:meine|die)\s+(?:bank|kreditkartenfirma)\s+wenden\b",
            r"\bkreditkarten(?:firma|gesellschaft|unternehmen)\b",
            r"\bzahlung\s+(?:widerrufen|stornieren|zuruckziehen|anfechten|zuruckholen)\b",
        ],
    ),
    neg(
        "de",
        LegalThreat,
        LEGAL,
        &[
            r"\b(?:rechts)?anwalt\w*|\banwaltlich\w*",
            r"\brechtlich\w*\s+schritte\b|\bjuristisch\w*\s+(?:schritte|vorgehen)\b|\bgerichtlich\w*|\bvor gericht\b",
            r"\bverklagen\b|\bklage\s+(?:ein|erheben|einreichen)\w*",
            r"\b(?:straf)?anzeige\s+(?:erstatten|erstatte|stellen|gegen)\b|\bstrafanzeige\b",
            r"\b(?:polizei|staatsanwaltschaft)\s+(?:einschalten|informieren|verstandigen)\b|\bbei der polizei\b",
            r"\bverbraucherzentrale\b|\bverbraucherschutz\w*|\bmahnverfahren\b|\bmahnbescheid\b|\bschlichtungsstelle\b",
        ],
    ),
    fixed(
        "de",
        RepeatedContact,
        REPEAT,
        &[
            r"\bzum\s+(?:zweiten|dritten|vierten|funften|x-ten|xten|n-ten|wiederholten|hundertsten|\d+\.)\s+mal\b.{0,40}?\b(?:schreib|frag|meld|kontaktier|anfrag|nachricht|mail|wend|bitt|erinner)",
            r"\b(?:schreib|frag|meld|kontaktier|wend|bitt|erinner)\w*\s+(?:\w+\s+){0,4}?zum\s+(?:zweiten|dritten|vierten|funften|x-ten|xten|n-ten|wiederholten|hundertsten|\d+\.)\s+mal\b",
            r"\b(?:zweite|dritte|vierte|x-te)\s+(?:nachricht|anfrage|e-mail|mail|erinnerung)\b",
            r"\b(?:schreib|frag|meld|kontaktier|wend|nachricht|mail)\w*\s+(?:\w+\s+){0,3}?schon wieder\b|\bschon wieder\s+(?:\w+\s+){0,3}?(?:schreib|frag|meld|kontaktier|wend|nachricht|mail)",
            r"\b(?:bereits|schon)\s+(?:mehrfach|mehrmals|x-mal|zweimal|dreimal|viermal|\d+\s*(?:mal|x))\s+(?:\w+\s+){0,3}?(?:geschrieben|gefragt|kontaktiert|gemeldet|angeschrieben|nachgefragt|gebeten|gemailt|angerufen)\b",
            r"\b(?:immer noch|noch immer|weiterhin|bis heute)\s+(?:keine|ohne)\s+(?:antwort|ruckmeldung|reaktion)\b",
            r"\bkeine (?:antwort|ruckmeldung|reaktion)\s+(?:auf|von|erhalten|bekommen)\b",
            r"\b(?:niemand|keiner)\s+(?:antwortet|meldet sich|reagiert|hat geantwortet)\b",
            r"\bwie oft (?:noch|soll|muss)\b|\bnicht das erste mal\b",
            r"\b(?:sie|ihr)\s+(?:antworten|antwortet|reagieren|reagiert|melden sich|meldet euch)\s+(?:einfach\s+)?(?:nicht|nie)\b",
        ],
    ),
    fixed(
        "de",
        RepeatedContact,
        REPEAT_WEAK,
        &[
            r"\bschon wieder\b",
            r"\bhabe\s+(?:ihnen\s+|euch\s+|dir\s+)?(?:bereits|schon)\s+(?:\w+\s+){0,3}?(?:geschrieben|gefragt|kontaktiert|angeschrieben|nachgefragt)\b",
            r"\b(?:schreibe|wende|melde)\w*\s+(?:ihnen\s+|mich\s+|euch\s+)?(?:erneut|nochmals|nochmal)\b",
        ],
    ),
    neg(
        "de",
        Anger,
        ANGER,
        &[
            r"\b(?:unverschamt\w*|frechheit|inakzeptabel|skandal\w*|zumutung|betrug|betruger\w*|betrogen|abzocke\w*|abgezockt|verarsch\w*|lacherlich|katastrophal|wutend|stinksauer|emport|die nase voll|reicht mir|reicht jetzt|armselig|dreist|schande|unfassbar|unmoglich(?:es|er)? (?:verhalten|service)|saftladen|sauerei)\b",
            r"\bschlechteste\w*\s+(?:service|verkaufer|kundenservice|erfahrung|shop|handler)\b",
            r"\bsauer\b|\bes reicht\b|\bletzte (?:warnung|chance|frist)\b",
        ],
    ),
    fixed("de", Anger, ANGER, &[r"\bnie wieder\b|\bnicht akzeptabel\b|\bkein respekt\b"]),
    neg("de", Anger, ANGER_MILD, &[r"\b(?:enttauscht|argerlich|genervt|frustriert|frustrierend|verargert)\b"]),
    fixed(
        "de",
        Profanity,
        PROFANITY,
        &[
            r"\b(?:scheiss\w*|beschissen\w*|arschloch\w*|arschlocher|drecks\w*|verfickt\w*|wichser|hurensohn\w*|verpiss\w*)\b",
        ],
    ),
    fixed(
        "de",
        Profanity,
        PROFANITY_MILD,
        &[
            r"\b(?:verdammt\w*|mistding|kacke|verflucht\w*)\b|\b(?:so ein|so einen|was fur ein|totaler|absoluter) mist\b",
        ],
    ),
    // ------------------------------------------------------------------ French
    neg(
        "fr",
        ReviewThreat,
        REVIEW,
        &[
            r"\b(?:mauvais|mauvaise|tres mauvais|negatif|negative)\s+(?:avis|commentaire|evaluation|note|critique|retour|feedback)s?\b",
            r"\b(?:avis|commentaire|evaluation|note|critique|feedback|retour)s?\s+(?:tres\s+)?(?:negati(?:f|ve)|defavorable|sale)s?\b",
            r"\b(?:une|1|zero|0)\s+etoiles?\b",
            r"\b(?:prevenir|avertir|mettre en garde)\s+(?:les\s+)?autres\s+(?:acheteurs|clients|consommateurs)\b",
            r"\breseaux sociaux\b",
        ],
    ),
    neg(
        "fr",
        MarketplaceClaim,
        STRONG,
        &[
            r"\bgarantie\s+(?:de\s+)?(?:l'\s*)?a\s+a\s+z\b|\bgarantie\s+a-?z\b",
            r"\b(?:ouvr\w*|lanc\w*|depos\w*|engag\w*|fai\w*|fer\w*)\s+(?:un|une)\s+(?:litige|reclamation|dossier|cas|signalement)\s+(?:aupres d'|aupres de|chez|sur|a|avec)\s*(?:amazon|ebay)\b",
            r"\blitiges?\b",
            r"\b(?:vous|votre boutique) signaler\b|\b(?:signaler|signalerai|signale|denoncer|denoncerai|contacter|contacterai|contacte|prevenir|previendrai|saisir|saisirai|alerter|alerterai|informer|informerai|plainte)\s+(?:\w+\s+)?(?:a\s+|aupres d'|aupres de\s+|chez\s+)?(?:amazon|ebay)\b",
            r"\bgarantie client ebay\b|\bcentre de resolution\b|\bservice client (?:d'amazon|amazon|ebay)\b",
        ],
    ),
    neg(
        "fr",
        Chargeback,
        STRONG,
        &[
            r"\bretrofacturation\b",
            r"\b(?:litige|reclamation|contestation|dossier)\s+(?:\w+\s+)?paypal\b|\bpaypal\s+(?:litige|reclamation|protection)\b",
            r"\bopposition\s+(?:bancaire|aupres de ma banque|sur (?:ma|la) carte|sur le paiement)\b|\bfaire (?:une )?opposition\b",
            r"\bcontester\s+(?:le|la|ce|cette)\s+(?:paiement|prelevement|transaction|debit)\b",
            r"\b(?:contact\w*|preven\w*|previendrai|sais\w*|appel\w*)\s+ma\s+banque\b",
        ],
    ),
    neg(
        "fr",
        LegalThreat,
        LEGAL,
        &[
            r"\bavocats?\b|\b(?:port\w*|depos\w*)\s+plainte\b|\bpoursuites?\b|\ben justice\b|\btribunal\b|\btribunaux\b",
            r"\bmise en demeure\b|\bvoie (?:judiciaire|juridique|legale)\b|\bservice juridique\b",
            r"\bufc\b|\bque choisir\b|\bdgccrf\b|\bsignal ?conso\b|\b60 millions\b|\bmediateur\b|\bconciliateur\b",
            r"\b(?:protection|association|associations) (?:des|de) consommateurs\b",
            r"\b(?:gendarmerie|commissariat)\b",
        ],
    ),
    fixed(
        "fr",
        RepeatedContact,
        REPEAT,
        &[
            r"\b(?:deuxieme|troisieme|quatrieme|cinquieme|enieme|nieme|\d+e|\d+eme)\s+(?:message|mail|e-mail|relance|demande)\b",
            r"\b(?:deuxieme|troisieme|quatrieme|cinquieme|enieme|nieme|\d+e|\d+eme)\s+fois\b.{0,40}?(?:ecri|contact|demand|relanc|envoi|sollicit|reclam|pose)",
            r"\b(?:ecri|contact|demand|relanc|envoy|sollicit|reclam|pose)\w*\s+(?:\w+\s+){0,4}?(?:pour la|une)\s+(?:deuxieme|troisieme|quatrieme|cinquieme|enieme|nieme|\d+e|\d+eme)\s+fois\b",
            r"\b(?:ecrit|contacte|demande|relance|envoye|appele|sollicite)\w*\s+(?:\w+\s+){0,3}?plusieurs fois\b|\bplusieurs (?:messages|mails|e-mails|relances)\b",
            r"\btoujours (?:pas|aucune|sans) (?:de )?(?:reponse|nouvelles|retour)\b",
            r"\b(?:aucune|pas de|sans)\s+reponse\s+(?:a|de)\s+(?:mes|mon|votre|vos)\b",
            r"\bpersonne ne (?:repond|me repond|m'a repondu|a repondu)\b",
            r"\bcombien de fois\b|\bpas la premiere fois\b",
            r"\bvous ne (?:me )?(?:repondez|repondrez) (?:jamais|pas|plus|toujours pas)\b|\bsans (?:aucune )?nouvelles? de votre part\b",
        ],
    ),
    fixed(
        "fr",
        RepeatedContact,
        REPEAT_WEAK,
        &[
            r"\bje (?:vous )?relance\b|\brelance\b",
            r"\bdeja (?:ecrit|contacte|demande|envoye)\b",
            r"\bde nouveau\b|\bencore une fois\b",
        ],
    ),
    neg(
        "fr",
        Anger,
        ANGER,
        &[
            r"\b(?:inadmissible|inacceptable|scandaleu\w*|honteu\w*|honte|furieu\w*|en colere|ras[- ]le[- ]bol|marre|arnaque\w*|arnaqu\w*|escroc\w*|escroquerie|voleurs?|ridicule|lamentable|pitoyable|n'importe quoi|incompetent\w*|foutage de gueule|degoute\w*|ecoeure\w*|exaspere\w*|indigne\w*)\b",
            r"\bpire (?:service|vendeur|experience|boutique)\b|\bvous (?:vous )?moquez\b|\bse moquer de\b",
            r"\bc'est du vol\b|\bdeplorable\b|\bca suffit\b|\bdernier (?:avertissement|delai)\b",
        ],
    ),
    fixed("fr", Anger, ANGER, &[r"\bplus jamais\b|\bpas acceptable\b"]),
    neg("fr", Anger, ANGER_MILD, &[r"\b(?:tres decu\w*|agace\w*|enerve\w*|fache\w*|frustre\w*|mecontent\w*)\b"]),
    fixed(
        "fr",
        Profanity,
        PROFANITY,
        &[
            r"\b(?:merde\w*|putain|connard\w*|connasse|encul\w*|foutez|salaud\w*|salopard\w*|batard\w*|ta gueule|nique\w*)\b",
        ],
    ),
    fixed("fr", Profanity, PROFANITY_MILD, &[r"\b(?:bordel|foutu\w*|zut)\b"]),
    // ------------------------------------------------------------------ Spanish
    neg(
        "es",
        ReviewThreat,
        REVIEW,
        &[
            r"\b(?:mala|malas|pesima|negativa|negativas)\s+(?:resena|valoracion|opinion|calificacion|critica|puntuacion|evaluacion)s?\b",
            r"\b(?:resena|valoracion|opinion|calificacion|critica|puntuacion|comentario|feedback)(?:s|es)?\s+(?:muy\s+)?(?:negativ[oa]s?|mal[oa]s?|pesim[oa]s?)\b",
            r"\b(?:una|1|cero|0)\s+estrellas?\b",
            r"\badvertir\s+a\s+(?:otros|los demas)\b|\bredes sociales\b",
        ],
    ),
    neg(
        "es",
        MarketplaceClaim,
        STRONG,
        &[
            r"\bgarantia\s+de\s+la\s+a\s+a\s+la\s+z\b",
            r"\b(?:abr\w*|present\w*|pon\w*|pondre|inici\w*)\s+(?:un|una)\s+(?:caso|disputa|reclamacion|reclamo|queja)\s+(?:en|con|a|ante|de)\s+(?:amazon|ebay)\b",
            r"\b(?:abrir|abrire|abri|abriendo|iniciar|iniciare)\s+(?:un|una)\s+(?:caso|disputa)\b",
            r"\b(?:reclamar|reclamare|denunciar|denunciare|quejarme|contactar|contactare|contacto|avisar|avisare|informar|informare|acudir|acudire|recurrir|recurrire)\s+(?:\w+\s+)?(?:a|con|ante)\s+(?:amazon|ebay)\b",
            r"\bgarantia al cliente de ebay\b|\bcentro de resolucion\b",
        ],
    ),
    neg(
        "es",
        Chargeback,
        STRONG,
        &[
            r"\bcontracargos?\b",
            r"\b(?:disputa|reclamacion|reclamo|caso)\s+(?:\w+\s+)?(?:en|con|a|de)\s+paypal\b|\bpaypal\s+(?:disputa|reclamacion)\b",
            r"\b(?:contact\w*|llam\w*|habl\w*|avis\w*|acud\w*|recurr\w*|reclam\w*)\s+(?:con\s+|a\s+)?mi\s+banco\b",
            r"\b(?:anul\w*|cancel\w*|rechaz\w*|devolv\w*|revert\w*|retroced\w*|desconoc\w*)\s+(?:el|la)\s+(?:cargo|pago|cobro|transaccion)\s+(?:con|en|desde|a traves de)\s+(?:mi|el|la)\s+(?:banco|tarjeta)\b",
            r"\bdevolucion del cargo\b|\bdesconocer el cargo\b",
        ],
    ),
    neg(
        "es",
        LegalThreat,
        LEGAL,
        &[
            r"\babogad[oa]s?\b|\b(?:acciones|medidas)\s+legales\b|\bvia\s+(?:judicial|legal)\b",
            r"\b(?:poner|pondre|interponer|presentar)\s+una\s+demanda\b|\bdemandar(?:los|les|le)?\b|\b(?:os|les) demandare\b",
            r"\btribunal(?:es)?\b|\bjuzgado\b|\bdenuncia\b|\bdenunciar(?:los|les|le)\b",
            r"\bocu\b|\bfacua\b|\boficina (?:municipal )?(?:del|de) consumidor\b|\bhoja de reclamaciones\b|\bprofeco\b|\bsernac\b",
            r"\b(?:defensa|proteccion) (?:del|al) consumidor\b|\bconsumo\s+(?:de mi comunidad|autonomico)\b",
            r"\b(?:denunci\w*|ir|acudir|acudire)\s+a\s+la\s+policia\b",
        ],
    ),
    fixed(
        "es",
        RepeatedContact,
        REPEAT,
        &[
            r"\b(?:segunda|tercera|cuarta|quinta|enesima)\s+vez\s+que\s+(?:les?\s+|os\s+|me\s+)?(?:escrib|contact|pregunt|reclam|pid|solicit|envi|mand|llam|pong)",
            r"\bpor\s+(?:segunda|tercera|cuarta|quinta|enesima)\s+vez\b.{0,40}?(?:escrib|contact|pregunt|reclam|pid|solicit|envi|mand|llam|mensaje|correo)",
            r"\b(?:escrib|contact|pregunt|reclam|solicit|pid)\w*\s+(?:\w+\s+){0,4}?por\s+(?:segunda|tercera|cuarta|quinta|enesima)\s+vez\b",
            r"\b(?:segundo|tercer|cuarto|quinto)\s+(?:mensaje|correo|email|e-mail|reclamo)\b",
            r"\b(?:escrito|contactado|preguntado|reclamado|enviado|llamado|solicitado|pedido)\b(?:\s+\w+){0,4}?\s+(?:varias|muchas|repetidas|dos|tres|cuatro|\d+)\s+(?:veces|ocasiones)\b",
            r"\b(?:sigo|seguimos)\s+sin\s+(?:respuesta|recibir respuesta|noticias)\b|\b(?:todavia|aun)\s+sin\s+respuesta\b",
            r"\bnadie (?:me )?(?:responde|contesta|ha respondido|ha contestado)\b",
            r"\bsin (?:ninguna )?respuesta\b|\bno (?:he recibido|recibo|tengo) (?:ninguna |una )?respuesta\b",
            r"\bcuantas veces\b|\bno es la primera vez\b",
            r"\bno (?:me )?(?:contestan|responden|contestais|respondeis)\b|\bnunca (?:me )?(?:contestan|responden)\b",
        ],
    ),
    fixed(
        "es",
        RepeatedContact,
        REPEAT_WEAK,
        &[
            r"\bya (?:les|os|le|te) (?:he )?(?:escrito|escribi|contactado|contacte|pregunte|preguntado)\b",
            r"\bde nuevo\b|\botra vez\b",
        ],
    ),
    neg(
        "es",
        Anger,
        ANGER,
        &[
            r"\b(?:inaceptable|inadmisible|indignante|indignad[oa]s?|vergonzoso|verguenza|hart[oa]s?|furios[oa]s?|estafa\w*|estafador\w*|ladron\w*|timo|timador\w*|ridicul[oa]|pesim[oa]|tomadura de pelo|cachondeo|incompetentes?|un desastre|cabread[oa]|una burla)\b",
        ],
    ),
    fixed("es", Anger, ANGER, &[r"\bnunca mas\b|\bno es aceptable\b|\bfalta de respeto\b"]),
    neg("es", Anger, ANGER_MILD, &[r"\b(?:enfadad[oa]|molest[oa]|muy decepcionad[oa]|frustrad[oa]|descontent[oa])\b"]),
    fixed(
        "es",
        Profanity,
        PROFANITY,
        &[
            r"\b(?:mierda|joder|jodid[oa]s?|cono|cabron\w*|hostia|puta|putas|puto|putos|gilipollas|pendej\w*|chingad\w*|carajo)\b",
        ],
    ),
    fixed("es", Profanity, PROFANITY_MILD, &[r"\b(?:maldit[oa]s?|narices)\b"]),
    // ------------------------------------------------------------------ Italian
    neg(
        "it",
        ReviewThreat,
        REVIEW,
        &[
            r"\b(?:recension[ei]|feedback|valutazion[ei]|giudizi[oi]|opinion[ei]|comment[oi])\s+(?:molto\s+)?(?:negativ[oaie]|pessim[oaie])\b",
            r"\b(?:pessima|negativa|brutta|cattiva)\s+(?:recensione|valutazione|opinione)\b",
            r"\b(?:una|1|zero|0)\s+stell[ae]\b",
            r"\bavvisare\s+(?:gli\s+)?altri\b|\bsui social\b",
        ],
    ),
    neg(
        "it",
        MarketplaceClaim,
        STRONG,
        &[
            r"\bgaranzia\s+(?:dalla\s+)?a\s+(?:alla\s+)?z\b",
            r"\b(?:apr\w*|avvi\w*|far\w*|present\w*)\s+(?:un[ao]?\s+)?(?:caso|controversia|contestazione|reclamo|segnalazione)\s+(?:su|con|presso|ad?|tramite)\s+(?:amazon|ebay)\b",
            r"\b(?:aprire|aprir[oò]|aperto|avviare|avvier[oò])\s+(?:una\s+)?controversia\b",
            r"\b(?:segnal\w*|contatt\w*|rivolg\w*|avvis\w*|inform\w*)\s+(?:\w+\s+)?(?:ad?|con)\s+(?:amazon|ebay)\b",
            r"\bgaranzia cliente ebay\b|\bcentro risoluzion[ei]\b",
        ],
    ),
    neg(
        "it",
        Chargeback,
        STRONG,
        &[
            r"\bstorn(?:o|are|ero|eremo)\b",
            r"\b(?:contestazione|controversia|reclamo)\s+(?:su|con|tramite|a)\s+paypal\b|\bpaypal\s+(?:controversia|reclamo|contestazione)\b",
            r"\b(?:contatt\w*|chiam\w*|rivolg\w*|avvis\w*)\s+(?:\w+\s+)?(?:alla\s+)?(?:mia\s+)?banca\b",
            r"\bdisconosc\w*\s+(?:il\s+)?(?:pagamento|addebito)\b|\bdisconoscimento\b",
            r"\bcontestare\s+(?:il\s+|l')?(?:pagamento|addebito)\b",
        ],
    ),
    neg(
        "it",
        LegalThreat,
        LEGAL,
        &[
            r"\bavvocat[oi]\b|\bmio legale\b|\bvie legali\b|\bazion[ei] legal[ei]\b|\bdenunc\w*|\btribunale\b|\bgiudice di pace\b|\bdiffida\b",
            r"\baltroconsumo\b|\bcodacons\b|\badiconsum\b|\bfederconsumatori\b|\bassociazion[ei] (?:dei|di|per i) consumatori\b",
            r"\bpolizia postale\b|\bcarabinieri\b|\bagcm\b|\bantitrust\b",
        ],
    ),
    fixed(
        "it",
        RepeatedContact,
        REPEAT,
        &[
            r"\bper la (?:seconda|terza|quarta|quinta|ennesima) volta\b.{0,40}?(?:scriv|contatt|chied|sollecit|mand|invi|segnal|messaggi|mail)",
            r"\b(?:scriv|contatt|chied|sollecit|segnal)\w*\s+(?:\w+\s+){0,4}?per la (?:seconda|terza|quarta|quinta|ennesima) volta\b",
            r"\b(?:seconda|terza|quarta|quinta|ennesima)\s+volta\s+che\s+(?:vi\s+|le\s+|ti\s+)?(?:scriv|contatt|chied|sollecit|mand|invi)",
            r"\b(?:seconda|terza|quarta|ennesima)\s+(?:mail|email|e-mail|richiesta|messaggio|sollecito)\b",
            r"\b(?:scritto|contattato|chiesto|sollecitato|inviato|mandato|chiamato)\b(?:\s+\w+){0,4}?\s+(?:piu|diverse|molte|tante|varie|due|tre|quattro|\d+)\s+volte\b",
            r"\bancora (?:nessuna|senza) (?:risposta|notizia)\b|\bnessuna risposta\b",
            r"\bnessuno (?:mi )?(?:risponde|ha risposto)\b",
            r"\bquante volte\b|\bnon e la prima volta\b",
            r"\bnon (?:mi )?(?:rispondete|risponde) (?:mai|piu)\b|\bnon (?:mi )?rispondete\b",
        ],
    ),
    fixed(
        "it",
        RepeatedContact,
        REPEAT_WEAK,
        &[r"\bsollecit\w*", r"\bgia (?:scritto|contattato|chiesto|inviato)\b", r"\bdi nuovo\b|\bancora una volta\b"],
    ),
    neg(
        "it",
        Anger,
        ANGER,
        &[
            r"\b(?:inaccettabile|inammissibile|vergognos[oa]|vergogna|vergognatevi|scandalos[oa]|scandalo|furios[oa]|arrabbiatissim[oa]|indignat[oa]|stuf[oa]|truffa\w*|truffator\w*|ladr[io]|ridicol[oa]|pessim[oa]|assurdo|incompetent[ie]|presa in giro|prendete in giro|schifo|imbarazzante|allucinante)\b",
        ],
    ),
    fixed("it", Anger, ANGER, &[r"\bmai piu\b|\bnon e accettabile\b"]),
    neg(
        "it",
        Anger,
        ANGER_MILD,
        &[r"\b(?:arrabbiat[oa]|molto delus[oa]|infastidit[oa]|irritat[oa]|frustrat[oa]|insoddisfatt[oa])\b"],
    ),
    fixed(
        "it",
        Profanity,
        PROFANITY,
        &[
            r"\b(?:cazz\w*|merda|vaffanculo|fanculo|stronz\w*|porca (?:miseria|puttana|troia)|puttan\w*|coglion\w*|minchia|incazzat\w*)\b",
        ],
    ),
    // ------------------------------------------------------------------ Portuguese
    neg(
        "pt",
        ReviewThreat,
        REVIEW,
        &[
            r"\b(?:avaliacao|avaliacoes|comentario|review|opiniao|nota|feedback|resenha)\s+(?:muito\s+)?(?:negativ[ao]s?|ruim|pessim[ao])\b",
            r"\b(?:pessima|ma|negativa)\s+(?:avaliacao|nota|opiniao|resenha|critica)\b",
            r"\b(?:uma|1|zero|0)\s+estrelas?\b",
            r"\b(?:(?:no|na|ao|pelo)\s+)?reclame ?aqui\b",
            r"\bavisar\s+(?:os\s+)?outros\s+(?:compradores|clientes)\b|\bredes sociais\b|\bexpor\s+(?:voces|vcs|a loja|isso)\b",
        ],
    ),
    neg(
        "pt",
        MarketplaceClaim,
        STRONG,
        &[
            r"\bgarantia\s+(?:de\s+)?a\s+a\s+z\b",
            r"\b(?:abrir|abrirei|abri|abrindo)\s+(?:uma|um)\s+(?:reclamacao|disputa|caso|chamado|contestacao)\b",
            r"\b(?:reclam\w*|denunci\w*|acion\w*|contat\w*|falar|avis\w*)\s+(?:\w+\s+)?(?:com|na|a|para a|junto a|junto da)\s+(?:amazon|ebay|shopee|mercado livre|magalu)\b",
            r"\bgarantia de devolucao do dinheiro\b|\bgarantia do cliente ebay\b|\bcentro de resolucoes\b|\bmediacao\b",
        ],
    ),
    neg(
        "pt",
        Chargeback,
        STRONG,
        &[
            r"\bestorno\s+(?:no|pelo|junto ao|com o)\s+(?:cartao|banco)\b",
            r"\bcontest\w*\s+(?:a\s+)?(?:compra|cobranca|transacao|pagamento)\b|\bcontestacao\s+(?:no|junto ao|com o)\s+(?:cartao|banco)\b",
            r"\b(?:disputa|reclamacao|contestacao)\s+(?:no|com o|pelo)\s+paypal\b|\bpaypal\s+(?:disputa|reclamacao)\b",
            r"\b(?:acion\w*|lig\w*|falar|contat\w*)\s+(?:para\s+|com\s+)?(?:o\s+|a\s+)?(?:meu\s+|minha\s+)?(?:banco|operadora do cartao|administradora do cartao)\b",
        ],
    ),
    neg(
        "pt",
        LegalThreat,
        LEGAL,
        &[
            r"\badvogad[oa]s?\b|\b(?:vou|irei) processar\b|\bprocessar (?:voces|vcs|voce|vc|a loja|a empresa)\b|\bprocesso judicial\b|\bacao judicial\b|\bna justica\b|\bmedidas (?:judiciais|legais)\b|\b(?:no\s+)?juizado\b|\bpequenas causas\b|\btribunal\b",
            r"\b(?:(?:no|ao|pelo|o)\s+)?procon\b|\b(?:a|na|para a) deco\b|\bdeco proteste\b|\bconsumidor\.gov\b|\bdefesa do consumidor\b|\bcdc\b|\bboletim de ocorrencia\b",
            r"\b(?:denunci\w*|ir|chamar)\s+(?:a\s+)?policia\b",
        ],
    ),
    fixed(
        "pt",
        RepeatedContact,
        REPEAT,
        &[
            r"\b(?:segunda|terceira|quarta|quinta|enesima)\s+vez\s+que\s+(?:eu\s+)?(?:\w+\s+)?(?:escrev|entr\w* em contato|contat|pergunt|reclam|pec|mand|envi|solicit|cobr)",
            r"\bpela\s+(?:segunda|terceira|quarta|quinta|enesima)\s+vez\b.{0,40}?(?:escrev|contat|pergunt|reclam|pec|mand|envi|solicit|cobr|mensage)",
            r"\b(?:escrev|contat|pergunt|reclam|solicit|cobr)\w*\s+(?:\w+\s+){0,4}?pela\s+(?:segunda|terceira|quarta|quinta|enesima)\s+vez\b",
            r"\b(?:escrevi|mandei|enviei|entrei em contato|perguntei|reclamei|pedi|liguei)\b(?:\s+\w+){0,4}?\s+(?:varias|muitas|diversas|duas|tres|\d+)\s+vezes\b",
            r"\b(?:ainda|continuo|sigo)\s+sem\s+(?:resposta|retorno)\b|\bsem (?:nenhuma |qualquer )?(?:resposta|retorno)\b",
            r"\bninguem (?:me )?(?:responde|respondeu|retorna|retornou)\b|\bnenhuma resposta\b|\bnenhum retorno\b",
            r"\bquantas vezes\b|\bnao e a primeira vez\b",
            r"\b(?:voces|vcs) (?:nao|nunca) (?:me )?(?:respondem|responderam|retornam|retornaram)\b",
        ],
    ),
    fixed(
        "pt",
        RepeatedContact,
        REPEAT_WEAK,
        &[r"\bja (?:escrevi|mandei|enviei|entrei em contato|perguntei|reclamei)\b", r"\bde novo\b|\bnovamente\b"],
    ),
    neg(
        "pt",
        Anger,
        ANGER,
        &[
            r"\b(?:inaceitavel|inadmissivel|absurdo|vergonha|vergonhoso|revoltad[oa]|revoltante|furios[oa]|indignad[oa]|golpe|golpista\w*|ladr(?:ao|oes|ona)|ridicul[oa]|pessim[oa]|palhacada|descaso|desrespeito|enganad[oa]|enganacao|lixo|sacanagem|incompetent\w*|de saco cheio)\b",
            r"\bcansad[oa]s? de\b",
        ],
    ),
    fixed("pt", Anger, ANGER, &[r"\bnunca mais\b|\bnao e aceitavel\b|\bfalta de respeito\b"]),
    neg(
        "pt",
        Anger,
        ANGER_MILD,
        &[r"\b(?:irritad[oa]|chatead[oa]|muito decepcionad[oa]|frustrad[oa]|insatisfeit[oa]|nervos[oa])\b"],
    ),
    fixed(
        "pt",
        Profanity,
        PROFANITY,
        &[
            r"\b(?:merda|porra|caralho|puta que pariu|puta|fdp|filhos? da puta|vsf|vai se foder|foda|foder|fodid[oa]|cacete|babaca|otario\w*)\b",
        ],
    ),
    fixed("pt", Profanity, PROFANITY_MILD, &[r"\bdroga\b"]),
    // ------------------------------------------------------------------ Dutch
    neg(
        "nl",
        ReviewThreat,
        REVIEW,
        &[
            r"\b(?:slechte|negatieve)\s+(?:review|recensie|beoordeling|feedback|waardering)s?\b",
            r"\b(?:een|1|nul|0)\s+ster\b",
            r"\b(?:andere|alle)\s+(?:kopers|klanten)\s+(?:waarschuwen|inlichten)\b|\bwaarschuw\w*\s+(?:andere|iedereen)\b",
            r"\bsociale media\b|\bkiyoh\b",
        ],
    ),
    neg(
        "nl",
        MarketplaceClaim,
        STRONG,
        &[
            r"\ba\s*-?\s*tot\s*-?\s*z[- ]?garantie\b|\bgarantie\s+van\s+a\s+tot\s+z\b",
            r"\b(?:zaak|geschil|claim)\s+(?:openen|indienen|starten|aanmaken)\b",
            r"\b(?:open|opent|start|begin)\s+(?:ik\s+)?(?:een\s+)?(?:zaak|geschil)\b",
            r"\b(?:zaak|geschil|claim|klacht)\s+(?:\w+\s+){0,3}?(?:bij|via)\s+(?:amazon|ebay|bol(?:\.com)?)\b",
            r"\b(?:melden|melding)\s+(?:bij|aan)\s+(?:amazon|ebay|bol(?:\.com)?)\b",
            r"\b(?:amazon|ebay|bol(?:\.com)?)\s+(?:inschakelen|inlichten|contacteren|benaderen)\b",
            r"\bgeld-?terug-?garantie\b",
        ],
    ),
    neg(
        "nl",
        Chargeback,
        STRONG,
        &[
            r"\bterugboek\w*|\bstorneer\w*|\bstorneren\b|\bstornering\b",
            r"\b(?:geschil|claim|zaak)\s+(?:\w+\s+)?(?:bij|via)\s+paypal\b|\bpaypal[- ]?(?:geschil|claim|kopersbescherming)\b",
            r"\b(?:contact opnemen met|bellen met|inschakelen van|naar)\s+(?:mijn|de)\s+(?:bank|creditcardmaatschappij)\b",
            r"\b(?:mijn|de)\s+(?:bank|creditcardmaatschappij)\s+(?:inschakelen|bellen|contacteren|benaderen|inlichten)\b",
            r"\bcreditcardmaatschappij\b",
        ],
    ),
    neg(
        "nl",
        LegalThreat,
        LEGAL,
        &[
            r"\badvoca(?:at|ten)\b|\bjurist\b|\brechter\b|\brechtszaak\b|\b(?:juridische|gerechtelijke) stappen\b|\brechtsbijstand\w*|\bdagvaard\w*|\bingebrekestelling\b",
            r"\bacm\b|\bconsuwijzer\b|\bconsumentenbond\b|\bgeschillencommissie\b|\bjuridisch loket\b",
            r"\baangifte\s+(?:\w+\s+){0,3}?(?:bij de politie|tegen)\b|\b(?:naar|bij) de politie\b",
        ],
    ),
    fixed(
        "nl",
        RepeatedContact,
        REPEAT,
        &[
            r"\b(?:tweede|derde|vierde|vijfde|zoveelste)\s+(?:keer|maal)\s+(?:dat\s+)?(?:ik\s+)?(?:\w+\s+){0,3}?(?:mail|schrijf|contact|vraag|bericht|stuur|neem)",
            r"\b(?:mail|schrijf|vraag|stuur|benader|contacteer)\w*\s+(?:\w+\s+){0,4}?(?:voor de|al de)\s+(?:tweede|derde|vierde|vijfde|zoveelste)\s+keer\b",
            r"\b(?:tweede|derde|zoveelste)\s+(?:mail|e-mail|bericht|herinnering)\b",
            r"\b(?:gemaild|geschreven|gevraagd|gebeld|contact opgenomen)\b(?:\s+\w+){0,4}?\s+(?:meerdere|diverse|verschillende|vaak|twee|drie|\d+)\s+(?:keren|keer)\b",
            r"\b(?:al\s+)?(?:meerdere|diverse|verschillende|\d+)\s+(?:keren|mails|berichten|e-mails)\s+(?:\w+\s+){0,2}?(?:gemaild|geschreven|gevraagd|gestuurd|gebeld|contact)",
            r"\bnog (?:steeds|altijd) geen (?:antwoord|reactie|bericht)\b|\bgeen (?:antwoord|reactie) (?:ontvangen|gekregen|op)\b",
            r"\bniemand (?:reageert|antwoordt|neemt contact)\b|\bhoe vaak (?:nog|moet)\b|\bniet de eerste keer\b",
            r"\b(?:jullie|u)\s+(?:reageren|reageert|antwoorden|antwoordt)\s+(?:gewoon\s+)?(?:niet|nooit)\b",
        ],
    ),
    fixed(
        "nl",
        RepeatedContact,
        REPEAT_WEAK,
        &[r"\balweer\b|\bweer eens\b", r"\bal eerder (?:gemaild|geschreven|gevraagd)\b"],
    ),
    neg(
        "nl",
        Anger,
        ANGER,
        &[
            r"\b(?:onacceptabel|onaanvaardbaar|schandalig|schande|belachelijk|woedend|ziedend|oplicht\w*|bedrog|bedriegers?|dieven|waardeloos|waardeloze|schandaal|te gek voor woorden|wanprestatie|klaar mee|spuugzat|kotsbeu)\b",
            r"\b(?:ben|zijn) (?:het )?(?:zat|beu)\b",
        ],
    ),
    fixed("nl", Anger, ANGER, &[r"\bnooit meer\b|\bniet acceptabel\b"]),
    neg(
        "nl",
        Anger,
        ANGER_MILD,
        &[r"\b(?:boos|kwaad|geergerd|zeer teleurgesteld|gefrustreerd|ontevreden|geirriteerd)\b"],
    ),
    fixed(
        "nl",
        Profanity,
        PROFANITY,
        &[r"\b(?:kut\w*|godverdomme|godver|tering\w*|klootzak\w*|tyfus\w*|kanker(?:zooi|bedrijf|winkel|lijers?))\b"],
    ),
    fixed("nl", Profanity, PROFANITY_MILD, &[r"\b(?:klote\w*|verdomme|verdomd\w*|shit)\b"]),
    // ------------------------------------------------------------------ Polish
    neg(
        "pl",
        ReviewThreat,
        REVIEW,
        &[
            r"\b(?:negatywn\w*|zl[aey]|zla|zlej|slab\w*)\s+(?:opini\w*|komentarz\w*|ocen\w*|recenzj\w*)",
            r"\b(?:opini\w*|komentarz\w*|ocen\w*)\s+negatywn\w*",
            r"\b(?:jedn[aą]|1|zero)\s+gwiazdk\w*",
            r"\bostrzeg\w*\s+(?:innych|pozostalych)\b|\bmedia spolecznosciowe\b",
        ],
    ),
    neg(
        "pl",
        MarketplaceClaim,
        STRONG,
        &[
            r"\bgwarancj\w*\s+od\s+a\s+do\s+z\b",
            r"\b(?:otworz\w*|otwier\w*|zglos\w*|zloz\w*|zalo\w*)\s+(?:\w+\s+)?(?:spor|sprawe|dyskusj\w*|reklamacj\w*|roszczeni\w*)\s+(?:\w+\s+)?(?:w|na|do|przez)\s+(?:amazon\w*|ebay\w*|allegro)\b",
            r"\b(?:zglos\w*|poinform\w*|napisz\w*|skontaktuj\w*)\s+(?:\w+\s+)?(?:do|z|w)\s+(?:amazon\w*|ebay\w*|allegro)\b",
            r"\b(?:otworz\w*|otwier\w*)\s+spor\b",
            r"\bgwarancj\w* zwrotu pieniedzy\b|\bprogram ochrony kupujacych\b",
        ],
    ),
    neg(
        "pl",
        Chargeback,
        STRONG,
        &[
            r"\bobciazeni\w* zwrotn\w*",
            r"\b(?:spor|reklamacj\w*|roszczeni\w*)\s+(?:\w+\s+)?(?:w|na|przez)\s+paypal\w*",
            r"\b(?:zglos\w*|skontaktuj\w*|zadzwoni\w*|napisz\w*|zwroc\w* sie)\s+(?:sie\s+)?(?:do|z)\s+(?:moim\s+|mojego\s+|moj\w*\s+)?bank\w*",
            r"\breklamacj\w*\s+(?:w|do)\s+bank\w*",
            r"\bcofni\w*\s+(?:platnos\w*|transakcj\w*|obciazeni\w*)",
        ],
    ),
    neg(
        "pl",
        LegalThreat,
        LEGAL,
        &[
            r"\bprawnik\w*|\badwokat\w*|\bradc\w* prawn\w*|\bdo sadu\b|\bw sadzie\b|\bsadow\w*|\bpozew\b|\bpozw(?:ac|e|iemy)\b|\bkrok\w* prawn\w*|\bdrog\w* (?:sadow\w*|prawn\w*)",
            r"\buokik\b|\brzeczni\w* (?:praw )?konsument\w*|\bfederacj\w* konsument\w*|\binspekcj\w* handlow\w*",
            r"\bna policj\w*|\bzawiadomieni\w* o (?:mozliwosci popelnienia )?przestepstw\w*",
        ],
    ),
    fixed(
        "pl",
        RepeatedContact,
        REPEAT,
        &[
            r"\b(?:po raz|juz)\s+(?:drugi|trzeci|czwarty|piaty|kolejny|enty|\d+\.?)\b.{0,40}?(?:pisz|pyta|kontakt|prosz|wysyl|zglasz|monituj|wiadomo|mail)",
            r"\b(?:pisz|pyta|kontakt|prosz|wysyl|zglasz|monituj)\w*\s+(?:\w+\s+){0,3}?(?:po raz|juz)\s+(?:drugi|trzeci|czwarty|piaty|kolejny|enty)\b",
            r"\b(?:drug|trzeci|czwart|kolejn)\w*\s+(?:wiadomosc|mail|e-mail|zapytanie|prosba)\w*",
            r"\b(?:pisal\w*|kontaktowal\w*|pytal\w*|prosil\w*|wysylal\w*|zglaszal\w*|dzwonil\w*)\b.{0,30}?\b(?:wielokrotnie|kilkukrotnie|kilka razy|wiele razy|\d+ razy)\b",
            r"\b(?:wielokrotnie|kilkukrotnie|kilka razy|wiele razy|\d+ razy)\b.{0,30}?\b(?:pisal\w*|kontaktowal\w*|pytal\w*|prosil\w*|wysylal\w*|zglaszal\w*|dzwonil\w*)",
            r"\b(?:nadal|wciaz|dalej|ciagle)\s+(?:brak|nie ma|bez)\s+(?:odpowiedzi|odzewu|kontaktu|reakcji)\b|\bbrak odpowiedzi\b|\bbez odpowiedzi\b",
            r"\bnikt (?:mi )?nie (?:odpowiada|odpisal|odpisuje)\b|\bile razy\b|\bto nie pierwszy raz\b",
            r"\b(?:nie|nigdy nie) (?:odpowiadacie|odpisujecie|odpowiadaja)\b",
        ],
    ),
    fixed(
        "pl",
        RepeatedContact,
        REPEAT_WEAK,
        &[r"\b(?:po raz kolejny|kolejny raz|znowu|znow|ponownie)\b", r"\bjuz (?:pisal\w*|kontaktowal\w*|pytal\w*)"],
    ),
    neg(
        "pl",
        Anger,
        ANGER,
        &[
            r"\b(?:skandal\w*|niedopuszczaln\w*|nie do przyjecia|oburzaj\w*|oburzon\w*|wsciekl\w*|oszust\w*|oszukan\w*|oszukal\w*|zlodziej\w*|zenad\w*|zenujac\w*|kpin\w*|masakr\w*|porazk\w*|mam dosc|dosc tego|bezczeln\w*|niekompetent\w*)",
        ],
    ),
    fixed("pl", Anger, ANGER, &[r"\bnigdy wiecej\b|\bbrak szacunku\b"]),
    neg(
        "pl",
        Anger,
        ANGER_MILD,
        &[r"\b(?:zdenerwowan\w*|bardzo rozczarowan\w*|sfrustrowan\w*|niezadowolon\w*|zirytowan\w*)"],
    ),
    fixed(
        "pl",
        Profanity,
        PROFANITY,
        &[
            r"\b(?:kurw\w*|chuj\w*|pierdol\w*|spierdal\w*|zajeb\w*|jeban\w*|jebac\w*|gowno\w*|gowna|skurwysyn\w*|pojeb\w*)",
        ],
    ),
    fixed("pl", Profanity, PROFANITY_MILD, &[r"\b(?:cholera|cholern\w*|dupa|dupek)\b"]),
    // ------------------------------------------------------------------ Swedish
    neg("sv", ReviewThreat, REVIEW, &[r"\b(?:dalig|negativ)\w*\s+(?:recension|omdome|feedback|betyg)\w*"]),
    neg(
        "sv",
        MarketplaceClaim,
        STRONG,
        &[
            r"\banmal\w*\s+(?:er\s+|det\s+|saljaren\s+)?(?:till|hos)\s+(?:amazon|ebay)\b",
            r"\boppna\w*\s+ett\s+arende\b",
        ],
    ),
    neg(
        "sv",
        Chargeback,
        STRONG,
        &[
            r"\b(?:kontakta\w*|ringa|ringer)\s+(?:min\s+)?(?:bank|kortutgivare)\b",
            r"\bbestrid\w*\s+(?:betalning|kop|debitering)\w*",
            r"\baterkrav\b",
        ],
    ),
    neg(
        "sv",
        LegalThreat,
        LEGAL,
        &[
            r"\badvokat\w*|\bkonsumentverket\b|\ballmanna reklamationsnamnden\b|\bstamma er\b|\bkronofogden\b|\bdomstol\w*|\bpolisanmal\w*",
        ],
    ),
    fixed(
        "sv",
        RepeatedContact,
        REPEAT,
        &[
            r"\b(?:andra|tredje|fjarde)\s+gangen\s+(?:jag\s+)?(?:skriver|fragar|kontaktar|mejlar)\b|\bfortfarande inget svar\b|\bingen har svarat\b",
        ],
    ),
    neg(
        "sv",
        Anger,
        ANGER,
        &[
            r"\b(?:oacceptabelt|skandal\w*|forbannad|bedrageri|bedragare|lurad|lojligt|patetiskt|uselt)\b",
            r"\baldrig mer\b",
        ],
    ),
    fixed("sv", Profanity, PROFANITY, &[r"\bfor fan\b|\bjavla\w*|\bhelvete\b|\bskit(?:dalig\w*|snack|bolag\w*)\b"]),
    // ------------------------------------------------------------------ Turkish
    neg("tr", ReviewThreat, REVIEW, &[r"\b(?:olumsuz|kotu)\s+(?:yorum|degerlendirme|puan)\w*"]),
    neg("tr", MarketplaceClaim, STRONG, &[r"\b(?:amazon|ebay|trendyol)'?(?:a|e|ya)?\s+sikayet\w*"]),
    neg("tr", Chargeback, STRONG, &[r"\bters ibraz\w*|\bbankam\w*\s+(?:itiraz|basvur)\w*"]),
    neg(
        "tr",
        LegalThreat,
        LEGAL,
        &[r"\bavukat\w*|\bmahkeme\w*|\btuketici hakem heyeti\w*|\bdava (?:acacag|acarim|acilacak)\w*|\bsavcilig\w*"],
    ),
    fixed(
        "tr",
        RepeatedContact,
        REPEAT,
        &[r"\b(?:ikinci|ucuncu|dorduncu)\s+(?:kez|defa)\b|\bdefalarca\b|\bhala (?:cevap|yanit) (?:yok|vermediniz)\b"],
    ),
    neg("tr", Anger, ANGER, &[r"\b(?:rezalet|kabul edilemez|dolandirici\w*|sinirliyim|utanc verici)\b"]),
    fixed("tr", Anger, ANGER, &[r"\bbir daha asla\b"]),
    fixed("tr", Profanity, PROFANITY, &[r"\b(?:siktir\w*|kahretsin|lanet olsun|amk)\b"]),
    // ------------------------------------------------------------------ Japanese
    neg(
        "ja",
        ReviewThreat,
        REVIEW,
        &[
            r"(?:悪い|低い|最低の?|厳しい|ネガティブな?)(?:評価|レビュー|コメント)",
            r"低評価|悪評|最低評価",
            r"(?:星|★|☆)\s*(?:1|一|ひとつ)つ?",
            r"評価(?:を|は)?\s*(?:1|一)(?:に|を|で|つ)",
            r"(?:レビュー|評価欄|口コミ)(?:に|で)(?:書|記載|投稿|報告|公開|晒)",
            r"(?:sns|ツイッター|twitter|インスタ)(?:で|に)(?:拡散|晒|公開|投稿)",
        ],
    ),
    neg(
        "ja",
        MarketplaceClaim,
        STRONG,
        &[
            r"aからzまで保証|a-?to-?z保証|a-z保証|マーケットプレイス保証|(?:amazon|アマゾン)の?保証(?:を|の)?(?:申請|請求|申し立て)",
            r"(?:amazon|アマゾン|ebay|イーベイ)(?:に|へ)(?:報告|通報|連絡|申告|相談|苦情|クレーム|申し立て|訴え)",
            r"(?:amazon|アマゾン)(?:の)?(?:カスタマーサービス|カスタマーサポート)(?:に|へ)(?:連絡|相談|報告)",
            r"ケースを(?:オープン|開)",
        ],
    ),
    neg(
        "ja",
        Chargeback,
        STRONG,
        &[
            r"チャージバック",
            r"(?:クレジット)?カード会社(?:に|へ)",
            r"(?:paypal|ペイパル)(?:で|に|へ)(?:異議|申し立て|紛争|クレーム|報告)",
            r"(?:paypal|ペイパル)の?(?:買い手保護|購入保護|紛争|異議)",
            r"支払い?(?:の)?(?:取り消し|取消|停止)(?:を)?(?:依頼|申請|申し立て)",
            r"銀行(?:に|へ)(?:連絡|相談|申し立て)",
        ],
    ),
    neg(
        "ja",
        LegalThreat,
        LEGAL,
        &[
            r"弁護士|訴訟|訴え|裁判|法的(?:な)?(?:措置|手段|対応|処置)|少額訴訟|内容証明",
            r"(?:消費者|消費生活|国民生活)センター|消費者庁|警察",
        ],
    ),
    fixed(
        "ja",
        RepeatedContact,
        REPEAT,
        &[
            r"(?:何度|何回)も.{0,12}?(?:連絡|問い合わせ|問合せ|メール|メッセージ|お願い|催促|送|書|尋ね|聞|確認|依頼)",
            r"再三|度々|たびたび|再々",
            r"(?:二|2|三|3|四|4|五|5)(?:度|回)目の?(?:連絡|問い合わせ|お問い合わせ|メール|メッセージ|ご連絡|催促)",
            r"(?:返信|返事|回答|お返事|ご返信|ご回答)が(?:ない|ありません|ございません|来ない|来ません|いただけない|いただけません|もらえない)",
            r"まだ(?:返信|返事|回答|連絡|お返事|ご返信|ご回答|ご連絡)(?:が|を)?(?:ない|ありません|いただいて|もらって|来て|頂いて)",
            r"(?:前回|以前|先日|先週)の?(?:問い合わせ|お問い合わせ|メール|メッセージ|連絡)(?:に|への)?(?:返信|回答|返事)が",
            r"(?:無視|放置)(?:され|し)",
        ],
    ),
    fixed("ja", RepeatedContact, REPEAT_WEAK, &[r"何度も|何回も|再度(?:の)?(?:連絡|問い合わせ|ご連絡)"]),
    neg(
        "ja",
        Anger,
        ANGER,
        &[
            r"ふざけ|いい加減に|最悪|許せ(?:ない|ません)|腹が立|頭にき|激怒|怒って|怒り|詐欺|あり(?:え|得)ない|有り得ない|不誠実|呆れ|あきれ|憤|不愉快",
            r"誠意が(?:ない|感じられ)|信じられない|舐め|なめて|馬鹿に|バカに|ひどすぎ|酷すぎ|納得(?:が)?(?:いかない|できない|いきません|できません)",
        ],
    ),
    fixed("ja", Anger, ANGER, &[r"二度と(?:買|利用|注文|頼)"]),
    neg("ja", Anger, ANGER_MILD, &[r"残念|ひどい|酷い|不満|がっかり"]),
    fixed("ja", Profanity, PROFANITY, &[r"くそ|クソ|糞|ふざけんな|死ね|てめえ"]),
    // ------------------------------------------------------------------ Chinese
    neg(
        "zh",
        ReviewThreat,
        REVIEW,
        &[
            r"差评|一星|1星|负面评价|低分",
            r"(?:不好|坏|负)的?评价",
            r"曝光",
            r"(?:发|挂|晒)(?:到)?(?:网上|微博|朋友圈|小红书|抖音|网络)",
        ],
    ),
    neg(
        "zh",
        MarketplaceClaim,
        STRONG,
        &[
            r"a-?z(?:索赔|保障|担保)",
            r"(?:亚马逊|amazon|ebay|平台)(?:的)?(?:交易保障|保障|索赔)",
            r"(?:向|找|联系|通知|告诉)(?:亚马逊|amazon|ebay|平台)",
            r"(?:投诉|举报)(?:到|给)?(?:亚马逊|amazon|ebay|平台)",
            r"开(?:启)?(?:纠纷|争议|case)",
            r"(?:提起|发起|申请|提出)(?:纠纷|争议|仲裁)",
            r"平台介入",
        ],
    ),
    neg(
        "zh",
        Chargeback,
        STRONG,
        &[
            r"拒付|止付",
            r"(?:信用卡|银行卡)(?:公司)?(?:申请)?(?:撤销|争议)",
            r"(?:联系|找|通知|打电话给)(?:我的)?(?:银行|信用卡公司|发卡行)",
            r"paypal(?:上|里)?(?:的)?(?:争议|纠纷|投诉|索赔|申诉)",
            r"(?:在|通过|向)paypal(?:上)?(?:开|发起|提出|申请)?(?:争议|纠纷|投诉|索赔|申诉)",
            r"撤销(?:付款|交易|支付)",
        ],
    ),
    neg(
        "zh",
        LegalThreat,
        LEGAL,
        &[
            r"律师|起诉|法院|法律(?:途径|手段|程序|责任|行动)|打官司|告你们|诉讼",
            r"消费者协会|消协|12315|工商局|市场监管|消保官|消基会|消费者保护|消费者文教基金会|报警|警察",
        ],
    ),
    fixed(
        "zh",
        RepeatedContact,
        REPEAT,
        &[
            r"第(?:二|三|四|五|几|n|\d+)次(?:联系|写|发|问|询问|催|留言|咨询|投诉|反映|找|来信|给你们|跟你们|说|提)",
            r"已经(?:是)?(?:第)?(?:二|三|四|五|两|\d+|好几|很多)次",
            r"(?:多次|好几次|无数次|很多次|几次|三番五次|屡次|一再|反复)(?:联系|写|发|问|询问|催|留言|咨询|投诉|反映|找|来信|邮件|消息|给你们|跟你们|说|提)",
            r"(?:一直|始终|还是|仍然|仍|迟迟)(?:没有|没|无人|没人|不|未)(?:回复|回应|答复|回信|理|处理)",
            r"(?:没人|无人|没有人)(?:回复|回应|答复|理)",
            r"石沉大海",
        ],
    ),
    fixed("zh", RepeatedContact, REPEAT_WEAK, &[r"再次(?:联系|询问|写信|来信|咨询)|又(?:一次)?(?:来|写|问|联系|催)"]),
    neg(
        "zh",
        Anger,
        ANGER,
        &[
            r"太过分|过分|气死|愤怒|很生气|非常生气|骗子|诈骗|欺诈|欺骗|垃圾|最差|无法接受|不可接受|不能接受|恶心|坑人|坑爹|离谱|搞什么|什么破|无语|忍无可忍|黑店|差劲|岂有此理|荒唐|敷衍",
        ],
    ),
    fixed("zh", Anger, ANGER, &[r"再也不(?:买|来|会买|会来|光顾)"]),
    neg("zh", Anger, ANGER_MILD, &[r"失望|不满意|不满|生气|郁闷"]),
    fixed(
        "zh",
        Profanity,
        PROFANITY,
        &[r"他妈的?|妈的|尼玛|卧槽|我靠|傻逼|傻b|\bsb\b|操你|草泥马|狗屎|滚蛋|混蛋|王八蛋|靠北|干你娘|去死"],
    ),
    // ------------------------------------------------------------------ Korean
    neg(
        "ko",
        ReviewThreat,
        REVIEW,
        &[
            r"(?:나쁜|부정적인|안 좋은|최악의|낮은)\s*(?:리뷰|후기|평가|평점|피드백|댓글)",
            r"악평|악성\s*(?:리뷰|후기|댓글)",
            r"별점\s*(?:1|한|하나|일)\s*(?:점|개)?|별\s*(?:하나|1개)|평점\s*(?:1|한)\s*점|별점\s*테러",
            r"(?:리뷰|후기)(?:에|로)\s*(?:다\s*)?(?:쓰|올리|공개|알리)",
            r"(?:sns|인스타|블로그|커뮤니티)(?:에|에다)\s*(?:올리|공개|알리|퍼뜨리)",
        ],
    ),
    neg(
        "ko",
        MarketplaceClaim,
        STRONG,
        &[
            r"(?:아마존|이베이|amazon|ebay|쿠팡|플랫폼)\s*(?:에|측에|에다|에게|측에다)\s*(?:신고|문의|연락|항의|클레임|이의|분쟁|보고|알리)",
            r"(?:클레임|분쟁)\s*(?:을|를)?\s*(?:제기|신청|걸|접수|열)",
            r"케이스를?\s*(?:열|오픈)|보증\s*(?:청구|신청)",
        ],
    ),
    neg(
        "ko",
        Chargeback,
        STRONG,
        &[
            r"지불\s*거절|차지백",
            r"(?:카드사|은행)\s*(?:에|에다|에게)\s*(?:신고|문의|연락|이의|민원|요청|분쟁|항의)",
            r"(?:페이팔|paypal)\s*(?:에|에서|에다)?\s*(?:분쟁|이의|클레임|신고|항의|민원)",
        ],
    ),
    neg(
        "ko",
        LegalThreat,
        LEGAL,
        &[
            r"변호사|소송|법적\s*(?:조치|대응|절차)|고소\s*(?:하겠|할\s*(?:것|예정|겁)|장|를|합니다|진행)|고발|내용증명",
            r"한국소비자원|소비자원|소보원|소비자\s*고발|소비자보호원|소비자\s*(?:보호|단체|센터)|공정(?:거래)?위원회|공정위|1372|경찰",
            r"민원\s*(?:을)?\s*(?:넣|제기|접수|신청)",
        ],
    ),
    fixed(
        "ko",
        RepeatedContact,
        REPEAT,
        &[
            r"몇\s*번(?:이나|째)|여러\s*(?:번|차례)\s*(?:연락|문의|메일|메시지|요청|말씀|전화|글)",
            r"(?:두|세|네|다섯|2|3|4|5)\s*번째\s*(?:연락|문의|메일|메시지|요청|글|말씀)",
            r"(?:아직도|아직|여전히)\s*(?:답변|답장|회신|답)(?:이|을|은)?\s*(?:없|안|못)",
            r"(?:답변|답장|회신)(?:이|은)?\s*(?:없|오지 않|안 오)",
            r"계속\s*(?:연락|문의|메일)",
            r"(?:아무런|아무)\s*(?:답변|답장|회신|답|연락)(?:이|도)?\s*(?:없|안|못)|답이\s*없|묵묵부답|감감무소식",
            r"벌써\s*(?:두|세|네|다섯|2|3|4|5)\s*번|(?:문의|연락|메일)(?:을|를)?\s*무시",
        ],
    ),
    fixed("ko", RepeatedContact, REPEAT_WEAK, &[r"(?:다시|또)\s*(?:연락|문의|메일|메시지)"]),
    neg(
        "ko",
        Anger,
        ANGER,
        &[
            r"화가\s*(?:나|납니다|났)|화납니다|짜증|최악|어이(?:가)?\s*없|황당|사기|말이\s*(?:됩니까|되나요|돼요|안)|말도\s*안",
            r"용납|장난\s*(?:하|치|합)|분노|어처구니|기가\s*막|무책임|뻔뻔|열받|빡치|너무하|불친절|성의\s*없|이게\s*뭡니까|어떻게\s*이럴\s*수",
        ],
    ),
    fixed("ko", Anger, ANGER, &[r"다시는"]),
    neg("ko", Anger, ANGER_MILD, &[r"실망|불만|불쾌|답답"]),
    fixed("ko", Profanity, PROFANITY, &[r"씨발|시발|ㅅㅂ|ㅆㅂ|개새끼|개새|좆|병신|ㅂㅅ|지랄|존나|ㅈㄴ"]),
    fixed("ko", Profanity, PROFANITY_MILD, &[r"젠장|미친"]),
];

/// A span that, when it overlaps a cue of one of `kinds`, shows the cue is not a threat:
/// withdrawing a review or closing a case de-escalates.
pub(crate) struct Suppressor {
    pub kinds: &'static [ReasonKind],
    pub pattern: &'static str,
}

pub(crate) static SUPPRESSORS: &[Suppressor] = &[
    Suppressor {
        kinds: &[ReviewThreat],
        pattern: r"\b(?:remov\w*|delet\w*|withdr\w*|retract\w*|take down|took down|entfern\w*|losch\w*|zuruckzieh\w*|supprim\w*|retir\w*|elimin\w*|quit\w*|borr\w*|rimuov\w*|cancell\w*|remov\w*|apag\w*|verwijder\w*|usun\w*)\s+(?:\w+\s+){0,3}?(?:review|feedback|bewertung|avis|evaluation|resena|valoracion|recensione|avaliacao|beoordeling|recensie|opini\w*|komentarz\w*)",
    },
    Suppressor {
        kinds: &[ReviewThreat],
        pattern: r"(?:review|feedback|bewertung|avis|evaluation|resena|valoracion|recensione|avaliacao|beoordeling|recensie|opinie)\s+(?:\w+\s+){0,4}?(?:to|in|en|em|a|in eine|zu|naar|na)\s+(?:a\s+|une\s+|una\s+|uma\s+|eine\s+|een\s+)?(?:positive|positiv\w*|positif|good|great|5[- ]star|five[- ]star)",
    },
    Suppressor {
        kinds: &[ReviewThreat],
        pattern: r"(?:差评|低評価|悪い評価|악평|나쁜 리뷰)(?:を|은|는|를)?\s*(?:删除|删掉|撤回|改成好评|改为好评|削除|取り消|取消|삭제|철회|수정)",
    },
    Suppressor {
        kinds: &[MarketplaceClaim, Chargeback],
        pattern: r"\b(?:clos\w*|withdr\w*|cancel\w*|retract\w*|schliess\w*|geschlossen|zuruckgezogen|zuruckzieh\w*|fermer|ferme|annul\w*|retir\w*|cerr\w*|chiud\w*|chius\w*|ritir\w*|fech\w*|encerr\w*|sluit\w*|gesloten|ingetrokken|intrekk\w*|zamkn\w*|zamkniet\w*|wycofa\w*)\s+(?:\w+\s+){0,3}?(?:case|claim|dispute|a-to-z|fall|antrag|konflikt|litige|reclamation|dossier|caso|disputa|reclamacion|reclamo|controversia|reclamacao|zaak|geschil|spor|sprawe|reklamacj\w*)\b",
    },
    Suppressor {
        kinds: &[MarketplaceClaim, Chargeback],
        pattern: r"(?:纠纷|争议|索赔|case|ケース|申し立て|クレーム|분쟁|클레임|이의)(?:を|은|는|를)?\s*(?:关闭|撤销|撤回|取消|取り下げ|取り消|クローズ|閉じ|닫|철회|취소)",
    },
];
