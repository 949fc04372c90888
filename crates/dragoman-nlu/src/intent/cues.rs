//! Act-first cues: a message that says the item received is broken, or is not the item
//! ordered, is about that item first, whatever else it asks (the labelling rule of the
//! shared data: "a broken item plus a refund request is `damaged_defective`").
//!
//! The statistical classifier sees "refund" or "return" and answers that; these cues spot the
//! statement of the problem in the languages the store's buyers write most. They answer `None`
//! whenever they are unsure: a negated cue ("not broken", "壊れていません"), a question before
//! buying ("does it leak?"), a hypothetical ("what if it arrives broken?"), or the buyer's own
//! mistake ("I ordered the wrong size").

use dragoman_core::Intent;
use regex::Regex;
use std::sync::LazyLock;

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid cue pattern")
}

/// Lower case, common Latin diacritics dropped (so patterns need no accents), `ß` → `ss`,
/// curly apostrophes made straight.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' | 'æ' => 'a',
            'ç' | 'ć' | 'č' => 'c',
            'è' | 'é' | 'ê' | 'ë' | 'ę' | 'ě' => 'e',
            'ì' | 'í' | 'î' | 'ï' => 'i',
            'ñ' | 'ń' => 'n',
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
            'ù' | 'ú' | 'û' | 'ü' => 'u',
            'ś' | 'š' => 's',
            'ź' | 'ż' | 'ž' => 'z',
            'ł' => 'l',
            'ý' | 'ÿ' => 'y',
            '’' | '‘' | '`' | '´' => '\'',
            'ß' => {
                out.push_str("ss");
                continue;
            }
            other => other,
        };
        out.push(folded);
    }
    out
}

/// States of the item that a negation right before (or, in Japanese and Korean, right after)
/// cancels: "not broken", "nicht kaputt", "没有坏", "壊れていません".
static DEFECT_STATE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        // en
        r"\b(?:broken|broke|cracked|shattered|smashed|dented|defective|faulty|damaged|crushed|chipped|scratched",
        r"|leak(?:s|ing|ed)?|dead on arrival|doa|in pieces|snapped|torn|ripped|burnt out|malfunction\w*)\b",
        // de
        r"|\b(?:kaputt|defekt|zerbrochen|zersprungen|gesprungen|gerissen|zerkratzt|beschadigt|verbeult|undicht",
        r"|zerbroselt|zerstort|ausgelaufen|angeschlagen)\w*|\b(?:einen|einem) (?:sprung|riss)\b",
        // fr
        r"|\b(?:casse|brise|fissure|abime|endommage|defectueu[xs]e?|raye|bosse|dechire|ebreche)e?s?\b",
        r"|\ben (?:morceaux|miettes|panne)\b|\bfuit\b",
        // es
        r"|\b(?:rot[oa]s?|rompio|rompieron|quebrad[oa]s?|rajad[oa]s?|agrietad[oa]s?|defectuos[oa]s?|danad[oa]s?",
        r"|abollad[oa]s?|estropead[oa]s?|averiad[oa]s?|hech[oa] pedazos|gotea|pierde agua)\b",
        // it
        r"|\b(?:rott[oaie]|spaccat[oaie]|crepat[oaie]|incrinat[oaie]|frantumat[oaie]|in frantumi|difettos[oaie]",
        r"|danneggiat[oaie]|ammaccat[oaie]|guast[oaie]|sbriciolat[oaie]|perde acqua)\b",
        // pt
        r"|\b(?:quebrad[oa]s?|quebrou|partid[oa]s? em pedacos|rachad[oa]s?|trincad[oa]s?|defeituos[oa]s?",
        r"|danificad[oa]s?|avariad[oa]s?|com defeito|esfarelad[oa]s?|vazando)\b",
        // nl
        r"|\b(?:kapot|gebroken|gebarsten|beschadigd|defect|gescheurd|gedeukt|lekt|verbrijzeld|in scherven)\b",
        r"|\b(?:is|was|ging) stuk\b|\bstuk (?:aangekomen|gegaan|geleverd)\b",
        // pl
        // sv, da, no
        r"|\b(?:trasig\w*|i bitar|i stykker|i knas|smadret|knust|lacker|lekker|laekker|spricka|sprekk|revnet)\b",
        // pl
        r"|\bpokruszon\w*|\b(?:zepsu\w+|uszkodzon\w*|pekniet\w*|pekl\w*|potluczon\w*|rozbit\w*|stluczon\w*|wadliw\w*|porysowan\w*",
        r"|wgniecion\w*|cieknie|przecieka|zniszczon\w*|polaman\w*)",
        // ja
        r"|壊れ|割れ|ほつれ|剥がれ|ひび|ヒビ|欠け|破損|粉々|水漏れ|漏れ|初期不良|不良品|故障|破れ|潰れ|つぶれ",
        // zh
        r"|坏|壞|碎|裂|破掉|破损|破損|摔坏|摔壞|损坏|損壞|漏水|漏液|次品|故障|压扁|壓扁",
        // ko
        r"|깨졌|깨진|깨져|금이 가|파손|부서졌|부서진|부서져|찌그러|불량|고장|새요|새네요|찢어|터졌|망가|벗겨졌",
    ))
});

/// A negation right before a state cue.
static NEGATION_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?:\b(?:not|n't|never|no|nothing(?: is| was)?|without|nicht|kein\w*|nichts(?: ist| war)?|pas|plus|jamais",
        r"|rien(?: n'est| n'etait)?|no|nunca|nada(?: esta| llego)?|non|mai|niente|nulla|nao|niet|geen|niets|nie|nic)",
        r"(?: (?:is|was|been|arrive[ds]?|came|ist|war|est|etait|esta|estaba|llego|e|era|arrivat[oa]|chegou|veio",
        r"|jest|byl[ao]?))?",
        r"|没有|沒有|没|沒|不|未|无|無|안|안 )\s*$",
    ))
});

/// A negation right after a state cue (Japanese, Korean).
static NEGATION_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:ていません|てません|ていない|てない|ていなかった|てなかった|はありません|はない|していません|していない|지 않|진 않|지않|되지 않|되지않|은 없|는 없|없)",
    )
});

/// Functional failures, which carry their own negation ("no funciona" is a defect).
static DEFECT_FUNCTION: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        // en
        r"\b(?:does ?n[o']?t|doesnt|won'?t|will not|wont|did ?n[o']?t|didnt|is ?n[o']?t|not|no longer|stopped|can'?t)",
        r" (?:work|working|turn on|turning on|switch on|power on|charge|charging|start|boot|heat|respond)\b",
        r"|\bmissing (?:parts?|pieces?|screws?|bolts?|components?|accessor\w+|hardware)\b",
        r"|\b(?:parts?|pieces?|screws?|bolts?|components?|accessor\w+|hardware|legs?|lid|charger|cable|remote) (?:is|are|was|were) missing\b",
        r"|\bmissing from the (?:box|set|package|kit)\b",
        r"|\b(?:flicker(?:s|ing)?|sparks|overheats?|smells? burn\w*|died after|stays black|coming apart)\b",
        // de
        r"|\b(?:flackert|riecht verbrannt|aufgegangen)\b|\b(?:funktionier|lasst sich|startet|ladt|reagiert|springt)\w*(?: \w+){0,3} nicht\b|\bgeht nicht (?:an|mehr)\b",
        r"|\bfehl(?:t|en)(?: \w+){0,3} (?:schraube|teil|zubehor|griff|scharnier|beutel|kabel|ladegerat|fernbedienung|fuss|fusse|deckel)\w*",
        r"|\b(?:schrauben|teile|zubehor) fehlen\b",
        // fr
        r"|\b(?:clignote|sent le brule|a lache)\b|\b(?:fonctionne|marche|s'allume|charge|demarre|chauffe)\w* (?:pas|plus)\b|\bil manque\b",
        // es
        r"|\b(?:parpadea|huele a quemado|se descosio)\b|\bno (?:funciona|enciende|prende|carga|arranca|anda|calienta)\b|\bya no (?:funciona|carga|enciende)\b",
        r"|\bdejo de funcionar\b|\bfaltan? (?:las?|los|el|una?|unos|unas) (?:piezas?|tornillos?|bolsa|accesorios?|bisagras|tiradores|patas?|tapa|cargador|cable|mando)\b",
        r"|\bfaltan piezas\b",
        // it
        r"|\b(?:sfarfalla|puzza di bruciato|muta)\b|\bnon (?:funziona|si accende|carica|parte|si avvia|scalda)\b|\bsmesso di funzionare\b",
        r"|\bmanca(?:no)? (?:la|le|il|i|gli|lo|un|una|alcun\w*) (?:pezz|vit|access|cav|cerniere|manigl|sacchett|gamb|telecom)",
        // pt
        r"|\b(?:pisca sem parar|cheira a queimado|verte agua|desliga sozinh\w)\b|\bnao (?:funciona|liga|carrega|acende|aquece|esta funcionando)\b|\bparou de funcionar\b",
        r"|\bfalta(?:m)? (?:a|as|o|os|um|uma) (?:pecas?|parafusos?|saquinho|acessorios?|dobradicas|puxadores|pes?|tampa|carregador|cabo)\b",
        // nl
        r"|\b(?:knippert|ruikt verbrand|losgeraakt|geen geluid)\b|\b(?:werkt|doet het|laadt|start|gaat)(?: \w+)? niet(?: meer)? (?:aan|op|meer)?\b|\bdoet het niet\b",
        r"|\b(?:ontbreken|ontbreekt|missen|mist)(?: \w+){0,3} (?:onderde\w+|schroeven|scharnieren|handgrepen|accessoires|kabel|oplader|poten|deksel)",
        // pl
        r"|\bmruga\b|\bspalenizn\w*|\bpuscil\w*|\b(?:sie )?nie (?:dziala|wlacza|laduje|uruchamia|grzeje)\b",
        r"|\bprzestal\w* (?:sie )?(?:dzialac|ladowac|wlaczac)\b",
        r"|\bbrakuje(?: \w+){0,3} (?:czesc|srub|element|akcesor|kabl|ladowark|nog|pokryw|pilot|zawias|uchwyt)",
        // ja
        r"|動かな|動きませ|作動しな|作動しませ|電源が入らな|電源が入りませ|充電できな|充電できませ|反応しな|反応しませ",
        r"|焦げ臭|点滅して|音が出な|音が出ませ|つかない|点かない|つきません|点きません",
        r"|(?:部品|パーツ|ネジ|付属品|ケーブル|充電器|リモコン)(?:が|も)?(?:入っていな|入っていませ|入ってな|足りな|足りませ|ありませ|欠品)",
        // zh
        r"|开不了机|開不了機|不能用|用不了|不工作|充不了电|充不了電|充不进电|充不進電|不能充电|不能充電|没反应|沒反應",
        r"|烧焦|燒焦|一直闪|一直閃|没声音|沒聲音|无法开机|無法開機|失灵|失靈",
        r"|(?:少了|缺了|缺少)\S{0,6}(?:零件|配件|螺丝|螺絲|合页|合頁|把手|部件|充电器|充電器|遥控器|遙控器)",
        // sv, da, no
        r"|\b(?:saknas|mangler|gar inte att starta|vil ikke (?:tande|starte)|virker ikke|fungerar inte|fungerer ikke)\b",
        // ko
        r"|타는 냄새|안 켜|안켜|작동이 안|작동 안|작동하지 않|충전이 안|충전 안|소리가? 안 나|전원이 안",
        r"|(?:부품|나사|구성품|부속품|케이블|충전기|리모컨|경첩|손잡이)(?:이|가|도)? ?(?:없|빠져|모자|누락|안 들어)",
    ))
});

/// The packaging, not the item: "the box was crushed".
static PACKAGING: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?:box|packaging|carton|karton|verpackung|emballage|caja|embalaje|scatola|imballo|caixa|embalagem|doos",
        r"|verpakking|pudelko|opakowanie|kassen|kartongen|esken|krabice|箱|梱包|包装|包裝|박스|상자|포장)",
    ))
});

/// What fails is not the item: a link, a code, a payment.
static NOT_THE_ITEM: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?:label|etikett|etiquette|etiqueta|etichetta|etykiet|postagem|reversa|codigo|link|tracking|website|site|code|coupon|discount|voucher|promo|page|app|payment|card|login|password",
        r"|checkout|account|button|url|sendungsverfolgung|gutschein|seite|zahlung|lien|suivi|paiement|enlace",
        r"|seguimiento|pago|cupon|rastreamento|pagamento|codice|pagamento|betaling|kortingscode|platnosc|kod",
        r"|リンク|クーポン|コード|追跡|サイト|支払|链接|連結|优惠券|優惠券|网站|網站|物流|追踪|追蹤|付款",
        r"|링크|쿠폰|코드|배송조회|결제|사이트)",
    ))
});

/// It works, just not for the buyer: "doesn't work in our living room".
static NOT_A_FIT: LazyLock<Regex> =
    LazyLock::new(|| re(r"^ (?:in (?:our|my)|for (?:us|me)|with (?:our|my) (?:decor|style))\b"));

/// The buyer states a different item, model, size or colour than ordered, or not as described.
static WRONG: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        // en
        r"\b(?:wrong|incorrect) (?:item|product|size|colou?r|model|article|one|thing|parcel|package|version|plug",
        r"|book|shoes?|edition|order)\b|\bnot what i (?:ordered|bought|paid for|chose)\b",
        r"|\bnot as (?:described|pictured|shown|advertised|listed)\b|\bsomeone else'?s (?:order|parcel|package|item)\b",
        r"|\b(?:sent|shipped|delivered|received|got|came|arrived|geschickt|geliefert|bekommen|erhalten|im paket|lag|kam|recu|envoye|livre|il y avait|contenait|llego|llegaron|vino|venia|mandaron|enviaron|recibi|arrivat\w|ricevut\w|mandato|spedito|c'era|chegou|chegaram|veio|vieram|recebi|mandaram|ontvangen|geleverd|gekregen|gestuurd|kwam|zat|dostal\w*|przyszl\w*|przyszedl|wyslali|otrzymal\w*|bylo|fick|fik|fikk)\b.{0,50}\b(?:instead of|statt|anstatt|anstelle|au lieu d\w*|en (?:lugar|vez) de|invece d\w*|al posto d\w*|em vez d\w*|ao inves d\w*|in plaats van|zamiast|istallet for|i stedet for)\b",
        r"|\b(?:knock-?off|counterfeit|fake)\b|\bdifferent (?:model|item|product|colou?r|size) (?:from|than)\b",
        r"|\byou sent (?:me )?(?:size|the|a|an)\b.{0,40}\b(?:ordered|order says|paid for)\b",
        r"|\bi (?:ordered|bought|paid for|chose|selected)\b.{0,50}\b(?:but|and) (?:i )?(?:got|received|you sent|it came)\b",
        // de
        r"|\bfalsche[nrms]? (?:artikel|ware|grosse|farbe|modell|produkt|stecker|version|teil|ausgabe|paket|lieferung)\b",
        r"|\bnicht (?:wie )?(?:bestellt|beschrieben|abgebildet)\b",
        r"|\bentspricht nicht (?:der|dem|den)\b|\bnicht mein(?:e)? (?:artikel|bestellung|paket)\b",
        r"|\banderes? modell\b|\bbestellung eines anderen\b|\b(?:falschung|nachbau|plagiat|imitat)\b",
        r"|\b(?:geschickt|geliefert|bekommen|erhalten)\b.{0,30}\bbestellt (?:war|hatte)\b",
        r"|\bbestellt\b.{0,40}\b(?:bekommen habe|geliefert wurde|erhalten habe|geschickt haben)\b",
        // fr
        r"|\bmauvaise? (?:article|produit|taille|couleur|modele|prise|version|colis|pointure|reference|edition)\b",
        r"|\bpas (?:la bonne|le bon) (?:taille|couleur|modele|article|produit|pointure)\b|\bpas conforme\b",
        r"|\bce n'est pas (?:mon article|ce que j'ai commande)\b|\bcommande d'un autre\b",
        r"|\bcontrefacon\b|\b(?:clairement|manifestement|c'est) une copie\b|\bpas le meme modele\b",
        r"|\bj'ai commande\b.{0,50}\bj'ai recu\b|\b(?:recu|envoye)\b.{0,50}\bj'avais (?:commande|choisi)\b",
        // es
        r"|\b(?:talla|color|producto|articulo|enchufe|modelo|version|pedido) (?:equivocad[oa]|incorrect[oa]|errone[oa])\b",
        r"|\b(?:equivocad[oa]|incorrect[oa]) (?:talla|color|producto|articulo|enchufe|modelo)\b",
        r"|\bno es lo que (?:pedi|compre|describen)\b|\bno corresponde\b",
        r"|\bpedido de otra persona\b|\b(?:falsificad[oa]|imitacion|una copia)\b|\b(?:otro|distinto) modelo\b",
        r"|\b(?:pedi|compre|elegi)\b.{0,50}\b(?:llego|llegaron|me llego|mandaron|enviaron|vino|vinieron)\b",
        r"|\b(?:mandaron|enviaron)\b.{0,40}\b(?:pedi|compre|elegi)\b",
        // it
        r"|\b(?:taglia|colore|prodotto|articolo|spina|modello|versione|misura) sbagliat[oa]\b|\bsbagliat[oa] (?:taglia|colore|prodotto|articolo|spina|modello)\b",
        r"|\bnon (?:e|corrisponde)(?: a)? quello che ho ordinato\b|\bnon conforme\b",
        r"|\bordine di un altro\b|\b(?:contraffatt[oaie]|un falso|tarocc[oaie]|imitazione)\b|\bnon sono il modello\b",
        r"|\bho ordinato\b.{0,50}\b(?:arrivat[oaie]|ricevut[oaie])\b|\b(?:mandato|spedito|inviato)\b.{0,50}\bavevo (?:ordinato|scelto)\b",
        // pt
        r"|\b(?:tamanho|cor|produto|artigo|tomada|modelo|versao|plugue) errad[oa]\b|\berrad[oa] (?:tamanho|cor|produto|modelo)\b",
        r"|\bnao e o que (?:pedi|comprei|encomendei)\b|\bnao corresponde\b",
        r"|\bpedido de outra pessoa\b|\b(?:falsificad[oa]|imitacao|uma copia)\b|\bnao e o modelo\b",
        r"|\b(?:pedi|comprei|encomendei|escolhi)\b.{0,50}\b(?:vieram|veio|chegou|chegaram|recebi)\b",
        r"|\bmandaram\b.{0,40}\b(?:pedi|comprei|encomendei)\b",
        // nl
        r"|\bverkeerde? (?:artikel|product|maat|kleur|model|stekker|versie|pakket|item|editie)\b",
        r"|\bniet wat ik (?:besteld|gekocht)\b|\bniet (?:zoals|volgens) (?:beschreven|de beschrijving|afgebeeld)\b",
        r"|\bbestelling van iemand anders\b|\b(?:namaak|vervalsing|nep)\b|\bander model\b",
        r"|\bbesteld\b.{0,50}\b(?:gekregen|ontvangen|geleverd|gestuurd|kwam)\b",
        // pl
        r"|\b(?:zl[ayaeoi]\w*|niewlasciw\w*|bledn\w*) (?:rozmiar|kolor|model|produkt|towar|przedmiot|wtyczk|wersj)\w*",
        r"|\bnie to,? co (?:zamowil|kupil)\w*|\bniezgodn\w* z (?:opisem|zamowieniem)\b",
        r"|\bpodrob\w*|\bczyjes zamowienie\b|\binny model\b",
        r"|\b(?:zamowil|kupil|wybral)\w*\b.{0,50}\b(?:dostal|przyszl|przyszedl|otrzymal|wyslali)\w*",
        // ja
        r"|違う|違います|違いました|誤配送|誤送|別の商品|別物|偽物|コピー品|パチモン",
        r"|(?:注文|頼ん|選ん|買っ).{0,30}のに.{0,30}(?:届|来|入っ)|(?:注文|頼ん).{0,20}が.{0,20}届きました",
        // zh
        r"|发错|發錯|寄错|寄錯|送错|送錯|颜色错|顏色錯|尺码错|尺碼錯|不对|不對|货不对版|貨不對版|不是我(?:买|買|订|訂|要)的",
        r"|仿冒|假货|假貨|山寨|高仿|别人的订单|別人的訂單|不是同一款|与描述不符|與描述不符",
        r"|(?:买|買|订|訂|下单|下單|选|選|要)的?(?:是|的).{0,20}(?:收到|寄来|寄來|来的|來的|发来|發來)",
        r"|(?:收到|寄来|寄來)的?(?:是|卻是|却是).{0,20}(?:买|買|订|訂|下单|下單)的?是",
        // ko
        r"|잘못 (?:왔|온|배송|보내)|잘못 옴|오배송|다른 (?:상품|제품|물건|모델|색|사이즈)|가품|짝퉁|가짜|정품이 아니",
        r"|(?:설명|사진|주문한 \S+)(?:이랑|과|하고|와) 달|(?:주문|시켰|샀|선택)\S*\s?(?:는데|했는데)\s?.{0,25}(?:왔|와요|배송)",
    ))
});

/// "Ordered X, got Y" in its many shapes.
static WRONG_CONTRAST: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:got|received|sent|came|arrived|delivered)\b.{0,60}\b(?:i (?:had )?(?:ordered|paid for|chose|selected|bought)|my order (?:clearly )?says)\b",
        r"|\bwas for\b.{0,50}\byou sent\b",
        r"|\bich hatte\b.{0,40}\b(?:bestellt|ausgewahlt|gewahlt)\b|\bbezahlt habe ich\b|\bwie bestellt\b",
        r"|\bj'avais (?:commande|choisi)\b|\balors que j'ai paye\b",
        r"|\b(?:recibi|llegaron|llego|vino|vinieron|mandaron)\b.{0,60}\b(?:pedi|elegi|pague|compre)\b|\by yo (?:pague|elegi|pedi)\b",
        r"|\bavevo (?:ordinato|scelto)\b|\bio ho pagato\b",
        r"|\b(?:recebi|veio|vieram|chegou|mandaram)\b.{0,60}\b(?:pedi|escolhi|paguei|encomendei)\b|\be paguei\b",
        r"|\bik had\b.{0,40}\b(?:besteld|gekozen)\b|\bik bestelde\b|\b(?:kreeg|gestuurd)\b.{0,40}\bbesteld\b|\bbesteld en kreeg\b",
        r"|\b(?:przyslali|wyslali|dostal|przyszl)\w*\b.{0,60}\bzamawial\w*|\ba zamawial\w*|\bwybral\w* wydanie\b",
        r"|\bzamowienie innej osoby\b",
        r"|他(?:の|人の)?お客様の荷物|他人の荷物|のはずが|代金を払って",
        r"|我付的是|不是图片上|不是圖片上",
        r"|다른 사람 주문|가격 냈|받은 건",
        r"|\b(?:bestallde|bestilte)\b.{0,40}\b(?:fick|fik|fikk)\b|\b(?:skickade|sendt|sendte)\b.{0,30}\b(?:bestallde|bestilte)\b",
        r"|\b(?:fel|feil|forkert) (?:vara|vare|kontakt|stik|stopsel|storlek|storrelse|farg|farge)\b",
        r"|\b(?:inte|ikke) som beskrev\w*|\b(?:annan|anden|annen) modell?\b",
    ))
});

/// The parcel has not come yet: "ordered ... not received" is about the order, not a wrong item.
static NOT_ARRIVED: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:not (?:yet )?(?:received|arrived)|have ?n[o']?t (?:received|got)|never (?:came|arrived)|where is|when will)\b",
        r"|\b(?:noch nicht|nichts|wo ist|wo bleibt|wann|pas (?:encore )?recu|toujours pas|ou est|quand|no (?:he )?recibido|todavia|cuando|donde",
        r"|non (?:ho )?ricevuto|ancora|quando|dove|nao recebi|ainda|nog niet|niet ontvangen|waar is|wanneer|jeszcze|gdzie|kiedy)\b",
        r"|まだ|届いていません|届かない|还没|還沒|没收到|沒收到|아직|안 왔",
    ))
});

/// The buyer's own mistake: not the seller's wrong item, but a return or exchange.
static OWN_MISTAKE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:hab|habe) selbst\b|\bik heb zelf\b|\bi (?:accidentally |mistakenly )?(?:ordered|bought|chose|picked|selected) (?:the |a )?wrong\b|\bmy (?:mistake|fault|bad)\b",
        r"|\bby mistake\b|\b(?:versehentlich|aus versehen)\b|\bmein fehler\b|\bich habe (?:die|das|den|eine?n?) falsche",
        r"|\bpar erreur\b|\bj'ai commande (?:la|le) mauvais|\bme equivoque\b|\bpor error\b|\bho sbagliato\b|\bper errore\b",
        r"|\bpor engano\b|\beu errei\b|\bik heb (?:zelf )?(?:de|het|een) verkeerde \w+ (?:besteld|gekozen|gekocht)\b|\bper ongeluk\b|\bpomylil\w*|\bprzez pomylke\b",
        r"|間違えて|私のミス|我(?:买|買|订|訂|选|選|拍|下单|下單)错|我(?:买|買|订|訂|选|選|拍)錯|제가 (?:잘못|실수)|실수로",
    ))
});

/// A hypothetical: "what if it arrives broken", "falls es kaputt ankommt".
static HYPOTHETICAL: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\bwhat (?:if|happens if)\b|\bin case\b|\bif (?:it|the \w+|they|something) (?:arrives|is|gets|breaks|comes)\b",
        r"|\bfalls\b|\bwas passiert,? wenn\b|\bet si\b|\bsi (?:jamais|le|la|il|elle) (?:arrive|est)\b|\ben cas de\b",
        r"|\bque pasa si\b|\bsi (?:llega|viene|se rompe)\b|\bcosa succede se\b|\bse (?:arriva|si rompe)\b|\bnel caso\b",
        r"|\bo que acontece se\b|\bse (?:chegar|quebrar|vier)\b|\bcaso (?:chegue|venha|quebre)\b|\bwat als\b",
        r"|\bals het (?:kapot|stuk)\b|\bco jesli\b|\bjesli\b|\bgdyby\b|もし|場合は|如果|万一|萬一|만약|만일|경우에",
    ))
});

/// A question before buying.
static PRE_PURCHASE: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"(?:^|[.!?]\s*)(?:is|are|does|do|will|would|can|could) (?:it|they|this|these|the \w+)\b|\bbefore (?:i )?(?:buy|order|purchas)",
        r"|\bfragile\b|\bist (?:es|das|der|die)\b|\bvor dem kauf\b|\bzerbrechlich\b|\best-ce\b|\bavant (?:d'acheter|de commander)\b",
        r"|\bes fragil\b|\bantes de comprar\b|\be fragile\b|\bprima di (?:comprare|ordinare)\b|\bantes de (?:comprar|encomendar)\b",
        r"|\bis (?:het|deze)\b|\bvoor (?:ik|het) (?:bestel|koop)\b|\bczy\b|\bprzed zakupem\b",
        r"|購入前|購入を検討|壊れやすい|买之前|買之前|购买前|購買前|容易坏|容易碎|容易壞|구매 전|구입 전|깨지기 쉬",
    ))
});

/// The buyer has the item: it arrived, came, was delivered.
static RECEIVED: LazyLock<Regex> = LazyLock::new(|| {
    re(concat!(
        r"\b(?:arrived|received|got|came|delivered|opened|unpacked|angekommen|erhalten|bekommen|geliefert|kam|arrive",
        r"|recu|llego|recibi|vino|arrivat[oa]|ricevut[oa]|chegou|recebi|veio|aangekomen|ontvangen|kwam|przyszl\w*|dostal\w*)\b",
        r"|届い|届き|届いた|開けたら|收到|寄来|寄來|到货|到貨|왔어|왔는데|받았|받은|도착",
    ))
});

fn defect(t: &str) -> bool {
    let state = DEFECT_STATE.find_iter(t).any(|m| {
        let before = &t[..m.start()];
        let before = &before[before.char_indices().rev().nth(24).map_or(0, |(i, _)| i)..];
        let near = &before[before.char_indices().rev().nth(12).map_or(0, |(i, _)| i)..];
        !NEGATION_BEFORE.is_match(before) && !NEGATION_AFTER.is_match(&t[m.end()..]) && !PACKAGING.is_match(near)
    });
    state
        || DEFECT_FUNCTION.find_iter(t).any(|m| {
            let before = &t[..m.start()];
            let before = &before[before.char_indices().rev().nth(30).map_or(0, |(i, _)| i)..];
            !NOT_THE_ITEM.is_match(before) && !NOT_THE_ITEM.is_match(m.as_str()) && !NOT_A_FIT.is_match(&t[m.end()..])
        })
}

/// `Some(DamagedDefective)` when the buyer says the item received is broken, faulty or
/// incomplete; `Some(WrongItem)` when it is not the item ordered or not as described; `None`
/// when neither, or unsure.
pub(super) fn act_first(text: &str) -> Option<Intent> {
    let t = fold(text);
    if HYPOTHETICAL.is_match(&t) {
        return None;
    }
    if (t.contains('?') || t.contains('？')) && PRE_PURCHASE.is_match(&t) && !RECEIVED.is_match(&t) {
        return None;
    }
    if defect(&t) {
        return Some(Intent::DamagedDefective);
    }
    if (WRONG.is_match(&t) || WRONG_CONTRAST.is_match(&t)) && !NOT_ARRIVED.is_match(&t) && !OWN_MISTAKE.is_match(&t) {
        return Some(Intent::WrongItem);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intent::shipped_examples;

    #[test]
    fn shipped_examples_recall_and_false_positives() {
        let examples = shipped_examples();
        let is_target = |i: Intent| matches!(i, Intent::DamagedDefective | Intent::WrongItem);
        let (mut hit, mut targets, mut fp, mut others) = (0, 0, 0, 0);
        for (text, intent) in &examples {
            let cue = act_first(text);
            if is_target(*intent) {
                targets += 1;
                hit += usize::from(cue == Some(*intent));
            } else {
                others += 1;
                fp += usize::from(cue.is_some());
            }
        }
        let recall = hit as f64 / targets as f64;
        let fp_rate = fp as f64 / others as f64;
        println!(
            "act_first on shipped examples: recall {recall:.3} ({hit}/{targets}), false positives {fp_rate:.3} ({fp}/{others})"
        );
        assert!(recall >= 0.5, "recall {recall:.3}");
        assert!(fp_rate <= 0.03, "false-positive rate {fp_rate:.3}");
    }

    fn check(cases: &[(&str, Option<Intent>)]) {
        for (text, expected) in cases {
            assert_eq!(act_first(text), *expected, "{text}");
        }
    }

    #[test]
    fn damaged_in_many_languages() {
        let d = Some(Intent::DamagedDefective);
        check(&[
            ("My lamp arrived broken, I want a refund.", d),
            ("The kettle doesn't work at all, please refund me", d),
            ("Die Tasse kam kaputt an, ich möchte mein Geld zurück.", d),
            ("Der Föhn funktioniert nicht, ich will ihn zurückschicken.", d),
            ("Le miroir est arrivé cassé, je veux un remboursement.", d),
            ("La lampe ne marche pas, je veux la retourner.", d),
            ("La taza llegó rota, quiero un reembolso.", d),
            ("El secador no funciona, quiero devolverlo.", d),
            ("Il vaso è arrivato rotto, voglio il rimborso.", d),
            ("O copo chegou quebrado, quero o reembolso.", d),
            ("De mok is kapot aangekomen, ik wil mijn geld terug.", d),
            ("Kubek przyszedł stłuczony, chcę zwrotu pieniędzy.", d),
            ("カップが割れて届きました。返金してください。", d),
            ("杯子收到时碎了，我要退款。", d),
            ("杯子收到時破損了，我要退款。", d),
            ("컵이 깨져서 왔어요. 환불해 주세요.", d),
        ]);
    }

    #[test]
    fn wrong_item_in_many_languages() {
        let w = Some(Intent::WrongItem);
        check(&[
            ("You sent the wrong size, I want to return it.", w),
            ("I ordered red but received a blue one.", w),
            ("Sie haben die falsche Farbe geschickt.", w),
            ("Vous m'avez envoyé la mauvaise taille.", w),
            ("Me mandaron la talla equivocada.", w),
            ("Mi avete mandato il colore sbagliato.", w),
            ("Recebi a cor errada.", w),
            ("Ik heb de verkeerde maat ontvangen van jullie.", w),
            ("Dostałem zły rozmiar.", w),
            ("注文と違う色が届きました。", w),
            ("你们发错货了，我要退货。", w),
            ("다른 색상이 왔어요. 반품하고 싶어요.", w),
            ("The bag is fake, not as described.", w),
        ]);
    }

    #[test]
    fn negations_questions_and_own_mistakes_are_not_cues() {
        check(&[
            ("The parcel arrived, nothing is broken, thanks!", None),
            ("It was not broken, I just want to return it.", None),
            ("Die Vase ist nicht kaputt, aber ich möchte sie zurückgeben.", None),
            ("Le vase n'est pas cassé mais je veux le retourner.", None),
            ("花瓶は壊れていません。返品したいです。", None),
            ("花瓶没有坏，我想退货。", None),
            ("꽃병은 안 깨졌어요. 반품하고 싶어요.", None),
            ("Is it fragile? Will it break in shipping?", None),
            ("What if it arrives broken?", None),
            ("Does the kettle leak?", None),
            ("I ordered the wrong size, can I exchange it?", None),
            ("Ich habe die falsche Größe bestellt, kann ich umtauschen?", None),
            ("我买错尺码了，可以换吗？", None),
            ("The tracking link doesn't work, where is my parcel?", None),
            ("Where is my order? It has been two weeks.", None),
        ]);
    }
}
