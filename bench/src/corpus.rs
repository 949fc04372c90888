//! What generated buyers write: per language, phrase pools that the loaders and the ingest
//! benchmark assemble into message texts (two buyer phrases, a product, an order number), so
//! that texts differ while their words, scripts and lengths look like a marketplace inbox.
//! The demo messages the server ships (`crates/dragoman-server/demo/messages.jsonl`) are mixed
//! into the buyer pools, so real-looking long messages are among them.

use rand::Rng;

/// Pools are padded (by repeating from the start) to these sizes, so SQL can pick an entry with
/// `random % size` without looking a size up per language.
pub const BUYER_SLOTS: usize = 16;
pub const AGENT_SLOTS: usize = 8;
pub const PRODUCT_SLOTS: usize = 12;
pub const NOTE_SLOTS: usize = 8;

/// A word that the generators append to about one message in [`RARE_WORD_ODDS`]: the "rare
/// word" a search benchmark looks for (a few hundred hits in five million messages).
pub const RARE_WORD: &str = "Gartenzwerg";
pub const RARE_WORD_ODDS: u32 = 20_000;

pub struct Language {
    pub code: &'static str,
    /// Country domain of this language's marketplaces (`amazon.de`, `ebay.it`, …).
    pub tld: &'static str,
    /// Share of conversations, in percent; the weights add up to 100.
    pub weight: u32,
    buyer: &'static [&'static str],
    agent: &'static [&'static str],
    products: &'static [&'static str],
    /// Ids `dNNN` of the demo messages in this language (the file groups them by language).
    demo_ids: (u32, u32),
}

/// The pools of one language, padded to the slot sizes.
pub struct Pools {
    pub code: &'static str,
    pub tld: &'static str,
    pub weight: u32,
    pub buyer: Vec<String>,
    pub agent: Vec<String>,
    pub products: Vec<String>,
}

/// Internal notes agents leave; written in the team's working language, English.
pub const NOTES: &[&str] = &[
    "Checked with the warehouse: the parcel left on time, the delay is with the carrier.",
    "Refund approved by the team lead, processed in the payment console.",
    "Repeat buyer, offered a 10% voucher for the trouble.",
    "Waiting for photos before we file the claim with the carrier.",
    "Carrier investigation opened, reference in the shipping tool.",
    "Buyer called as well, same issue, keep this thread.",
    "Replacement shipped from the EU warehouse, tracking added to the order.",
    "Marketplace case opened by the buyer, answer within 48 hours.",
];

pub const LANGUAGES: &[Language] = &[
    Language {
        code: "en",
        tld: "com",
        weight: 25,
        buyer: &[
            "Hi, where is my order? The tracking has not moved for a week.",
            "I received the wrong item, please send the correct one.",
            "The package arrived damaged, the box was crushed and the glass is broken.",
            "Can I return this? It does not fit and I would like a refund.",
            "I was charged twice for the same order, please refund the duplicate payment.",
            "Please cancel my order, I ordered the wrong size by mistake.",
            "Do you ship to Canada? How long does delivery usually take?",
            "Still waiting for my refund, it has been two weeks since you received the return.",
            "The courier says delivered but nothing is here and the neighbours have nothing either.",
            "Customs is asking me to pay import fees, the listing said duties included.",
        ],
        agent: &[
            "Thank you for your message. I have checked your order and the parcel is on its way.",
            "Sorry for the trouble! We have issued a full refund, it should reach your account in 3-5 business days.",
            "Please find the prepaid return label attached. Once we receive the item we will send a replacement.",
            "I have escalated this to our shipping partner and will update you within 24 hours.",
            "Your order has been cancelled and no payment was taken.",
            "Could you send us a photo of the damage so we can file a claim with the carrier?",
        ],
        products: &[
            "kettle",
            "headphones",
            "running shoes",
            "winter jacket",
            "phone case",
            "power bank",
            "coffee grinder",
            "desk lamp",
            "backpack",
            "yoga mat",
            "smart watch",
            "bluetooth speaker",
        ],
        demo_ids: (1, 15),
    },
    Language {
        code: "de",
        tld: "de",
        weight: 15,
        buyer: &[
            "Hallo, wo bleibt meine Bestellung? Die Sendungsverfolgung zeigt seit Tagen nichts.",
            "Ich habe den falschen Artikel bekommen, bitte schicken Sie mir den richtigen.",
            "Das Paket kam beschädigt an, der Karton war eingedrückt.",
            "Ich möchte den Artikel zurückschicken, er passt leider nicht. Wie bekomme ich ein Retourenetikett?",
            "Mir wurde der Betrag doppelt abgebucht, bitte erstatten Sie die zweite Zahlung.",
            "Bitte stornieren Sie meine Bestellung, ich habe mich in der Größe vertan.",
            "Laut DHL wurde das Paket zugestellt, aber hier ist nichts angekommen.",
            "Wann bekomme ich endlich meine Erstattung? Die Rücksendung ist seit zwei Wochen bei Ihnen.",
        ],
        agent: &[
            "Vielen Dank für Ihre Nachricht. Ihre Bestellung ist unterwegs und sollte in 2-3 Werktagen ankommen.",
            "Entschuldigen Sie die Unannehmlichkeiten, wir haben die Erstattung veranlasst.",
            "Anbei finden Sie das Retourenetikett. Sobald die Ware bei uns ist, schicken wir Ersatz.",
            "Wir haben einen Nachforschungsauftrag bei DHL gestellt und melden uns innerhalb von 24 Stunden.",
            "Ihre Bestellung wurde storniert, es wurde nichts abgebucht.",
            "Könnten Sie uns bitte ein Foto des Schadens schicken?",
        ],
        products: &[
            "Wasserkocher",
            "Kopfhörer",
            "Laufschuhe",
            "Winterjacke",
            "Handyhülle",
            "Powerbank",
            "Kaffeemühle",
            "Schreibtischlampe",
            "Rucksack",
            "Yogamatte",
            "Smartwatch",
            "Bluetooth-Lautsprecher",
        ],
        demo_ids: (16, 30),
    },
    Language {
        code: "fr",
        tld: "fr",
        weight: 10,
        buyer: &[
            "Bonjour, où en est ma commande ? Le suivi ne bouge plus depuis une semaine.",
            "J'ai reçu le mauvais article, merci de m'envoyer le bon.",
            "Le colis est arrivé abîmé, le carton était écrasé.",
            "Je voudrais retourner l'article, il ne me va pas. Comment obtenir l'étiquette de retour ?",
            "J'ai été débité deux fois pour la même commande, merci de me rembourser.",
            "Merci d'annuler ma commande, je me suis trompé de taille.",
            "Le transporteur indique livré mais je n'ai rien reçu.",
            "J'attends toujours mon remboursement, vous avez reçu le retour il y a deux semaines.",
        ],
        agent: &[
            "Merci pour votre message. Votre commande est en cours de livraison.",
            "Toutes nos excuses, le remboursement a été effectué, il apparaîtra sous 3 à 5 jours ouvrés.",
            "Vous trouverez ci-joint l'étiquette de retour prépayée.",
            "Nous avons ouvert une enquête auprès du transporteur et revenons vers vous sous 24 heures.",
            "Votre commande a bien été annulée.",
            "Pourriez-vous nous envoyer une photo du dommage ?",
        ],
        products: &[
            "bouilloire",
            "casque audio",
            "chaussures de course",
            "veste d'hiver",
            "coque de téléphone",
            "batterie externe",
            "moulin à café",
            "lampe de bureau",
            "sac à dos",
            "tapis de yoga",
            "montre connectée",
            "enceinte bluetooth",
        ],
        demo_ids: (31, 45),
    },
    Language {
        code: "es",
        tld: "es",
        weight: 10,
        buyer: &[
            "Hola, ¿dónde está mi pedido? El seguimiento no se mueve desde hace una semana.",
            "Me llegó un artículo equivocado, por favor envíenme el correcto.",
            "El paquete llegó dañado, la caja estaba aplastada.",
            "Quiero devolver el artículo, no me queda bien. ¿Cómo consigo la etiqueta de devolución?",
            "Me cobraron dos veces el mismo pedido, por favor devuélvanme el dinero.",
            "Por favor cancelen mi pedido, me equivoqué de talla.",
            "El transportista dice entregado pero no he recibido nada.",
            "Sigo esperando mi reembolso, recibieron la devolución hace dos semanas.",
        ],
        agent: &[
            "Gracias por su mensaje. Su pedido está en camino.",
            "Disculpe las molestias, hemos realizado el reembolso, lo verá en 3 a 5 días hábiles.",
            "Adjuntamos la etiqueta de devolución prepagada.",
            "Hemos abierto una reclamación con el transportista y le responderemos en 24 horas.",
            "Su pedido ha sido cancelado.",
            "¿Podría enviarnos una foto del daño?",
        ],
        products: &[
            "hervidor",
            "auriculares",
            "zapatillas de correr",
            "chaqueta de invierno",
            "funda de móvil",
            "batería externa",
            "molinillo de café",
            "lámpara de escritorio",
            "mochila",
            "esterilla de yoga",
            "reloj inteligente",
            "altavoz bluetooth",
        ],
        demo_ids: (46, 60),
    },
    Language {
        code: "it",
        tld: "it",
        weight: 8,
        buyer: &[
            "Buongiorno, dov'è il mio ordine? Il tracciamento è fermo da una settimana.",
            "Ho ricevuto l'articolo sbagliato, per favore mandatemi quello giusto.",
            "Il pacco è arrivato danneggiato, la scatola era schiacciata.",
            "Vorrei restituire l'articolo, non mi sta bene. Come ottengo l'etichetta di reso?",
            "Mi avete addebitato due volte lo stesso ordine, per favore rimborsatemi.",
            "Per favore annullate il mio ordine, ho sbagliato taglia.",
            "Il corriere dice consegnato ma non ho ricevuto niente.",
            "Sto ancora aspettando il rimborso, avete ricevuto il reso due settimane fa.",
        ],
        agent: &[
            "Grazie per il suo messaggio. Il suo ordine è in consegna.",
            "Ci scusiamo per il disagio, abbiamo effettuato il rimborso.",
            "In allegato trova l'etichetta di reso prepagata.",
            "Abbiamo aperto una segnalazione con il corriere e le risponderemo entro 24 ore.",
            "Il suo ordine è stato annullato.",
            "Potrebbe inviarci una foto del danno?",
        ],
        products: &[
            "bollitore",
            "cuffie",
            "scarpe da corsa",
            "giacca invernale",
            "cover del telefono",
            "power bank",
            "macinacaffè",
            "lampada da scrivania",
            "zaino",
            "tappetino yoga",
            "smartwatch",
            "cassa bluetooth",
        ],
        demo_ids: (61, 75),
    },
    Language {
        code: "pt",
        tld: "com.br",
        weight: 6,
        buyer: &[
            "Olá, onde está meu pedido? O rastreio não atualiza há uma semana.",
            "Recebi o produto errado, por favor enviem o correto.",
            "O pacote chegou danificado, a caixa estava amassada.",
            "Quero devolver o produto, não serviu. Como consigo a etiqueta de devolução?",
            "Fui cobrado duas vezes pelo mesmo pedido, por favor façam o reembolso.",
            "Por favor cancelem meu pedido, errei o tamanho.",
            "A transportadora diz entregue mas não recebi nada.",
            "Ainda estou esperando o reembolso, vocês receberam a devolução há duas semanas.",
        ],
        agent: &[
            "Obrigado pela sua mensagem. Seu pedido está a caminho.",
            "Desculpe o transtorno, já fizemos o reembolso.",
            "Segue em anexo a etiqueta de devolução pré-paga.",
            "Abrimos uma reclamação com a transportadora e retornaremos em 24 horas.",
            "Seu pedido foi cancelado.",
            "Poderia nos enviar uma foto do dano?",
        ],
        products: &[
            "chaleira",
            "fones de ouvido",
            "tênis de corrida",
            "jaqueta de inverno",
            "capinha de celular",
            "carregador portátil",
            "moedor de café",
            "luminária de mesa",
            "mochila",
            "tapete de yoga",
            "relógio inteligente",
            "caixa de som bluetooth",
        ],
        demo_ids: (76, 90),
    },
    Language {
        code: "ja",
        tld: "co.jp",
        weight: 6,
        buyer: &[
            "注文した商品がまだ届きません。発送はいつになりますか？",
            "間違った商品が届きました。正しい商品を送ってください。",
            "荷物が破損して届きました。箱がつぶれていました。",
            "サイズが合わないので返品したいです。返品ラベルを送ってください。",
            "同じ注文で二重に請求されています。返金をお願いします。",
            "注文をキャンセルしたいです。サイズを間違えました。",
            "配達済みになっていますが、荷物が届いていません。",
            "返品してから二週間経ちますが、まだ返金されていません。",
        ],
        agent: &[
            "お問い合わせありがとうございます。ご注文の商品は本日発送いたしました。",
            "ご迷惑をおかけして申し訳ございません。返金手続きを完了いたしました。",
            "返品用の着払いラベルを添付いたします。",
            "配送業者に調査を依頼しました。24時間以内にご連絡いたします。",
            "ご注文はキャンセルされました。",
            "破損箇所の写真をお送りいただけますでしょうか。",
        ],
        products: &[
            "電気ケトル",
            "ヘッドホン",
            "ランニングシューズ",
            "冬用ジャケット",
            "スマホケース",
            "モバイルバッテリー",
            "コーヒーミル",
            "デスクライト",
            "リュック",
            "ヨガマット",
            "スマートウォッチ",
            "ブルートゥーススピーカー",
        ],
        demo_ids: (91, 105),
    },
    Language {
        code: "zh",
        tld: "cn",
        weight: 6,
        buyer: &[
            "你好，我的订单什么时候发货？已经等了一个星期了。",
            "收到的商品不对，请给我寄正确的。",
            "包裹到的时候已经破损了，盒子被压扁了。",
            "尺码不合适，我想退货，请问怎么申请退货？",
            "同一个订单被扣了两次款，请退款。",
            "请帮我取消订单，我选错尺码了。",
            "物流显示已签收，但是我没有收到包裹。",
            "退货已经寄回两个星期了，还没有收到退款。",
        ],
        agent: &[
            "感谢您的留言，您的订单已经发货，请注意查收。",
            "非常抱歉给您带来不便，我们已经为您办理退款。",
            "附件是预付的退货标签，收到退货后我们会给您补发。",
            "我们已经联系物流公司调查，24小时内回复您。",
            "您的订单已取消。",
            "请您发一张破损的照片给我们。",
        ],
        products: &[
            "电热水壶",
            "耳机",
            "跑鞋",
            "冬季外套",
            "手机壳",
            "充电宝",
            "磨豆机",
            "台灯",
            "双肩包",
            "瑜伽垫",
            "智能手表",
            "蓝牙音箱",
        ],
        demo_ids: (106, 120),
    },
    Language {
        code: "ko",
        tld: "co.kr",
        weight: 4,
        buyer: &[
            "주문한 상품이 아직 안 왔어요. 언제 발송되나요?",
            "다른 상품이 왔어요. 맞는 상품으로 보내주세요.",
            "택배가 파손되어 도착했어요. 상자가 찌그러져 있었어요.",
            "사이즈가 안 맞아서 반품하고 싶어요. 반품 라벨 보내주세요.",
            "같은 주문이 두 번 결제됐어요. 환불해 주세요.",
            "주문 취소해 주세요. 사이즈를 잘못 골랐어요.",
            "배송 완료로 나오는데 물건을 못 받았어요.",
            "반품한 지 2주가 지났는데 아직 환불이 안 됐어요.",
        ],
        agent: &[
            "문의 감사합니다. 주문하신 상품은 오늘 발송되었습니다.",
            "불편을 드려 죄송합니다. 환불 처리가 완료되었습니다.",
            "선불 반품 라벨을 첨부해 드립니다.",
            "택배사에 조사를 요청했으며 24시간 이내에 연락드리겠습니다.",
            "주문이 취소되었습니다.",
            "파손된 부분의 사진을 보내주실 수 있을까요?",
        ],
        products: &[
            "전기포트",
            "헤드폰",
            "러닝화",
            "겨울 재킷",
            "휴대폰 케이스",
            "보조배터리",
            "커피 그라인더",
            "책상 조명",
            "백팩",
            "요가 매트",
            "스마트워치",
            "블루투스 스피커",
        ],
        demo_ids: (121, 135),
    },
    Language {
        code: "nl",
        tld: "nl",
        weight: 5,
        buyer: &[
            "Hallo, waar blijft mijn bestelling? De track & trace staat al een week stil.",
            "Ik heb het verkeerde artikel ontvangen, wilt u het juiste sturen?",
            "Het pakket kwam beschadigd aan, de doos was ingedeukt.",
            "Ik wil het artikel retourneren, het past niet. Hoe krijg ik een retourlabel?",
            "Er is twee keer afgeschreven voor dezelfde bestelling, graag terugbetalen.",
            "Graag mijn bestelling annuleren, ik heb de verkeerde maat gekozen.",
            "Volgens PostNL is het bezorgd, maar ik heb niets ontvangen.",
            "Ik wacht nog steeds op mijn terugbetaling, de retour is twee weken geleden ontvangen.",
        ],
        agent: &[
            "Bedankt voor uw bericht. Uw bestelling is onderweg.",
            "Excuses voor het ongemak, we hebben het bedrag teruggestort.",
            "In de bijlage vindt u het retourlabel.",
            "We hebben een onderzoek gestart bij de vervoerder en laten binnen 24 uur iets weten.",
            "Uw bestelling is geannuleerd.",
            "Kunt u ons een foto van de schade sturen?",
        ],
        products: &[
            "waterkoker",
            "koptelefoon",
            "hardloopschoenen",
            "winterjas",
            "telefoonhoesje",
            "powerbank",
            "koffiemolen",
            "bureaulamp",
            "rugzak",
            "yogamat",
            "smartwatch",
            "bluetooth speaker",
        ],
        demo_ids: (136, 150),
    },
    Language {
        code: "pl",
        tld: "pl",
        weight: 5,
        buyer: &[
            "Dzień dobry, gdzie jest moje zamówienie? Śledzenie przesyłki stoi od tygodnia.",
            "Otrzymałem niewłaściwy produkt, proszę o wysłanie właściwego.",
            "Paczka dotarła uszkodzona, karton był zgnieciony.",
            "Chcę zwrócić produkt, nie pasuje. Jak dostanę etykietę zwrotną?",
            "Zostałem obciążony dwa razy za to samo zamówienie, proszę o zwrot.",
            "Proszę anulować moje zamówienie, pomyliłem rozmiar.",
            "Kurier twierdzi, że doręczono, ale nic nie dostałem.",
            "Nadal czekam na zwrot pieniędzy, zwrot otrzymaliście dwa tygodnie temu.",
        ],
        agent: &[
            "Dziękujemy za wiadomość. Zamówienie jest w drodze.",
            "Przepraszamy za kłopot, zwrot pieniędzy został zlecony.",
            "W załączniku przesyłamy etykietę zwrotną.",
            "Zgłosiliśmy reklamację u przewoźnika i odpowiemy w ciągu 24 godzin.",
            "Zamówienie zostało anulowane.",
            "Czy mogą Państwo przesłać zdjęcie uszkodzenia?",
        ],
        products: &[
            "czajnik",
            "słuchawki",
            "buty do biegania",
            "kurtka zimowa",
            "etui na telefon",
            "powerbank",
            "młynek do kawy",
            "lampka biurkowa",
            "plecak",
            "mata do jogi",
            "smartwatch",
            "głośnik bluetooth",
        ],
        demo_ids: (151, 165),
    },
];

const DEMO_MESSAGES: &str = include_str!("../../crates/dragoman-server/demo/messages.jsonl");

/// Repeats `items` from the start until there are `n` (or keeps the first `n`).
fn padded(items: Vec<String>, n: usize) -> Vec<String> {
    assert!(!items.is_empty());
    items.iter().cycle().take(n).cloned().collect()
}

/// Every language's pools, in [`LANGUAGES`] order.
pub fn pools() -> Vec<Pools> {
    let demo: Vec<(u32, String)> = DEMO_MESSAGES
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("demo/messages.jsonl holds JSON lines");
            let id = v["id"].as_str().and_then(|s| s.strip_prefix('d')).and_then(|n| n.parse().ok());
            let text = v["text"].as_str().unwrap_or_default().to_owned();
            (id.expect("demo message ids look like d001"), text)
        })
        .collect();
    LANGUAGES
        .iter()
        .map(|l| {
            // The demo lines go first so that padding never pushes them out.
            let mut buyer: Vec<String> = demo
                .iter()
                .filter(|(id, _)| (l.demo_ids.0..=l.demo_ids.1).contains(id))
                .map(|(_, t)| t.clone())
                .collect();
            buyer.extend(l.buyer.iter().map(|s| s.to_string()));
            Pools {
                code: l.code,
                tld: l.tld,
                weight: l.weight,
                buyer: padded(buyer, BUYER_SLOTS),
                agent: padded(l.agent.iter().map(|s| s.to_string()).collect(), AGENT_SLOTS),
                products: padded(l.products.iter().map(|s| s.to_string()).collect(), PRODUCT_SLOTS),
            }
        })
        .collect()
}

/// The notes pool, padded.
pub fn notes() -> Vec<String> {
    padded(NOTES.iter().map(|s| s.to_string()).collect(), NOTE_SLOTS)
}

/// An Amazon-style order number, `ddd-ddddddd-ddddddd`.
pub fn order_number(rng: &mut impl Rng) -> String {
    format!("{:03}-{:07}-{:07}", rng.gen_range(100..1000), rng.gen_range(0..10_000_000), rng.gen_range(0..10_000_000))
}

/// A buyer message as the generators build it: two buyer phrases, a product, the order number,
/// and now and then the rare word.
pub fn buyer_text(pools: &Pools, rng: &mut impl Rng) -> String {
    let mut text = format!(
        "{} {} {} {}",
        pools.buyer[rng.gen_range(0..BUYER_SLOTS)],
        pools.buyer[rng.gen_range(0..BUYER_SLOTS)],
        pools.products[rng.gen_range(0..PRODUCT_SLOTS)],
        order_number(rng)
    );
    if rng.gen_range(0..RARE_WORD_ODDS) == 0 {
        text.push(' ');
        text.push_str(RARE_WORD);
    }
    text
}

/// Picks a language by weight.
pub fn pick_language<'a>(pools: &'a [Pools], rng: &mut impl Rng) -> &'a Pools {
    let mut roll = rng.gen_range(0..pools.iter().map(|p| p.weight).sum::<u32>());
    for p in pools {
        if roll < p.weight {
            return p;
        }
        roll -= p.weight;
    }
    unreachable!("the roll is below the total weight")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_are_full_and_weights_add_up() {
        let pools = pools();
        assert_eq!(pools.len(), 11);
        assert_eq!(pools.iter().map(|p| p.weight).sum::<u32>(), 100);
        for p in &pools {
            assert_eq!(p.buyer.len(), BUYER_SLOTS);
            assert_eq!(p.agent.len(), AGENT_SLOTS);
            assert_eq!(p.products.len(), PRODUCT_SLOTS);
            // Every language got its demo lines (the file groups ids by language).
            let own = LANGUAGES.iter().find(|l| l.code == p.code).unwrap().buyer[0];
            assert_ne!(p.buyer[0], own, "{}: no demo line found", p.code);
        }
        // The CJK search words of the inbox benchmark occur in the pools.
        let all: String = pools.iter().flat_map(|p| p.buyer.iter().chain(&p.agent)).cloned().collect();
        for word in ["発送", "退货", "返品ラベル"] {
            assert!(all.contains(word), "{word}");
        }
    }
}
