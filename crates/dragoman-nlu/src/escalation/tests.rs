//! Examples written for these tests, in the languages the lexicons cover: threats that must
//! escalate, ordinary complaints and polite or negated mentions that must not.

use super::*;

fn kinds(text: &str) -> Vec<ReasonKind> {
    let mut k: Vec<ReasonKind> = assess(text).reasons.iter().map(|r| r.kind).collect();
    k.sort();
    k.dedup();
    k
}

#[track_caller]
fn escalates(text: &str, kind: ReasonKind) {
    let e = assess(text);
    assert!(e.escalate, "should escalate ({kind}): {text:?} → {e:?}");
    assert!(e.has(kind), "should find {kind}: {text:?} → {e:?}");
}

#[track_caller]
fn calm(text: &str) {
    let e = assess(text);
    assert!(!e.escalate, "should not escalate: {text:?} → {e:?}");
}

#[test]
fn marketplace_claims() {
    use ReasonKind::MarketplaceClaim as C;
    escalates("If I don't get my money by Friday I will file an A-to-z claim.", C);
    escalates("I have opened a case with eBay.", C);
    escalates("I'll use the eBay Money Back Guarantee then.", C);
    escalates("Ich werde sonst den Käuferschutz in Anspruch nehmen.", C);
    escalates("Sinon j'ouvre un litige auprès d'Amazon.", C);
    escalates("Voy a abrir una disputa en Amazon si no me responden.", C);
    escalates("Se non ricevo il rimborso aprirò una controversia su eBay.", C);
    escalates("Vou abrir uma reclamação na Amazon.", C);
    escalates("返金がない場合はAmazonに報告します。", C);
    escalates("再不处理我就向亚马逊投诉。", C);
    escalates("아마존에 신고하겠습니다.", C);
    escalates("Anders open ik een geschil bij eBay.", C);
    escalates("Jeśli nie otrzymam zwrotu, otworzę spór na eBay.", C);
}

#[test]
fn chargebacks() {
    use ReasonKind::Chargeback as C;
    escalates("I'll just do a chargeback with my credit card.", C);
    escalates("Otherwise I will open a PayPal dispute.", C);
    escalates("I am going to contact my bank about this charge.", C);
    escalates("Dann lasse ich die Lastschrift zurückbuchen.", C);
    escalates("Ich eröffne einen PayPal-Konflikt.", C);
    escalates("Je vais faire opposition auprès de ma banque.", C);
    escalates("Abriré una reclamación en PayPal.", C);
    escalates("Contatterò la mia banca per lo storno.", C);
    escalates("Vou contestar a compra no cartão.", C);
    escalates("カード会社に連絡してチャージバックします。", C);
    escalates("我会联系银行申请拒付。", C);
    escalates("카드사에 이의 신청하겠습니다.", C);
    escalates("Ik ga de betaling terugboeken via mijn bank.", C);
}

#[test]
fn legal_threats() {
    use ReasonKind::LegalThreat as L;
    escalates("My lawyer will be in touch.", L);
    escalates("I will report you to Trading Standards.", L);
    escalates("I am filing a complaint with the BBB and the FTC.", L);
    escalates("Ich schalte die Verbraucherzentrale ein.", L);
    escalates("Je vais contacter l'UFC-Que Choisir.", L);
    escalates("Pondré una reclamación en la OCU.", L);
    escalates("Mi rivolgerò ad Altroconsumo.", L);
    escalates("Vou registrar uma queixa no Procon.", L);
    escalates("消費者センターに相談します。", L);
    escalates("我要打12315投诉你们。", L);
    escalates("消基會申訴", L);
    escalates("한국소비자원에 신고하겠습니다.", L);
    escalates("Ik stap naar de ACM.", L);
    escalates("Zgłoszę sprawę do UOKiK.", L);
    escalates("Jag anmäler er till Konsumentverket.", L);
}

#[test]
fn review_threats() {
    use ReasonKind::ReviewThreat as R;
    escalates("I will leave a negative review if this isn't fixed.", R);
    escalates("Sonst gibt es eine negative Bewertung.", R);
    escalates("Je laisserai un avis négatif.", R);
    escalates("Dejaré una reseña negativa.", R);
    escalates("Lascerò una recensione negativa.", R);
    escalates("Vou deixar uma avaliação negativa e reclamar no Reclame Aqui.", R);
    escalates("低評価をつけます。", R);
    escalates("不退款就给差评。", R);
    escalates("악평 남기겠습니다.", R);
    escalates("Ik geef een slechte review.", R);
    escalates("Wystawię negatywną opinię.", R);
}

#[test]
fn repeated_contact() {
    use ReasonKind::RepeatedContact as R;
    escalates("This is the third time I am writing to you about this.", R);
    escalates("I still have no answer to my emails.", R);
    escalates("Ich schreibe Ihnen zum dritten Mal.", R);
    escalates("Immer noch keine Antwort.", R);
    escalates("C'est la troisième fois que je vous écris.", R);
    escalates("Es la tercera vez que les escribo.", R);
    escalates("È la terza volta che vi scrivo.", R);
    escalates("É a terceira vez que entro em contato.", R);
    escalates("何度も問い合わせていますが返信がありません。", R);
    escalates("我已经第三次联系你们了。", R);
    escalates("몇 번이나 문의했는데 답변이 없습니다.", R);
    escalates("Dit is de derde keer dat ik mail.", R);
    escalates("Piszę już po raz trzeci.", R);
}

#[test]
fn anger_needs_more_than_one_word() {
    use ReasonKind::Anger as A;
    escalates("THIS IS COMPLETELY UNACCEPTABLE!!!", A);
    escalates("You are scammers, this is a disgrace.", A);
    escalates("Where is my parcel?! 😡🤬", A);
    escalates("Das ist eine Frechheit und Betrug!!!", A);
    escalates("C'est une arnaque, je suis furieux.", A);
    escalates("本当に最悪です。ふざけないでください！！！", A);
    escalates("太过分了，骗子！！！", A);
    escalates("짜증나고 황당합니다!!!", A);
    calm("This is unacceptable.");
    calm("I'm a bit frustrated with the delay.");
    calm("Très déçu de la qualité.");
}

#[test]
fn profanity() {
    escalates("Where the fuck is my order", ReasonKind::Profanity);
    escalates("Das ist doch Scheiße.", ReasonKind::Profanity);
    escalates("Kurwa, znowu to samo.", ReasonKind::Profanity);
    escalates("씨발 언제 와요", ReasonKind::Profanity);
    calm("Damn, the colour is a bit darker than I expected.");
}

#[test]
fn ordinary_complaints_do_not_escalate() {
    calm("The lamp arrived broken, can you send a replacement?");
    calm("Die Lampe kam kaputt an. Können Sie mir Ersatz schicken?");
    calm("La lampe est arrivée cassée, pouvez-vous m'en renvoyer une ?");
    calm("El paquete llegó dañado, ¿qué hago?");
    calm("Il pacco è arrivato danneggiato.");
    calm("A encomenda chegou quebrada, o que faço?");
    calm("ランプが割れて届きました。交換をお願いできますか。");
    calm("灯到的时候是坏的，请问怎么处理？");
    calm("램프가 깨져서 도착했습니다. 교환 가능할까요?");
    calm("De lamp is kapot aangekomen.");
    calm("Lampa przyszła uszkodzona.");
    calm("Where is my order 302-5518290-6612047? Tracking hasn't updated in 5 days.");
    calm("I paid with PayPal, can you send me an invoice?");
    calm("My bank account details for the refund are attached.");
    calm("The fan is too loud, can I return it?");
    calm("Is the mist setting adjustable on this humidifier?");
    calm("Ich bestelle zum dritten Mal bei Ihnen, immer zufrieden!");
    calm("C'est la deuxième fois que je commande chez vous.");
    calm("これは二度目の購入です。");
    calm("这是我第二次买你们的灯。");
    calm("세 번째 구매입니다. 항상 감사합니다.");
    calm("Von A bis Z super erklärt, danke!");
    calm("Lo expliqué todo de la A a la Z.");
    calm("Quando cai o estorno no meu cartão?");
    calm("Bitte Rückbuchung auf mein Konto, wann kommt das Geld?");
    calm("고소한 맛이 좋아요.");
    calm("我想退单，还没发货吧？");
    calm("Le processus de retour est simple.");
    calm("Qual é o processo de devolução?");
}

#[test]
fn everyday_questions_do_not_escalate() {
    calm("Can I pay by bank transfer, or do you only accept PayPal?");
    calm("I got an email from Amazon saying the delivery failed, can you resend it?");
    calm("Still no tracking update, could you check? Thanks!");
    calm("Können Sie mir eine Rechnung schicken? Ich brauche sie für die Steuer.");
    calm("Bonjour, je voudrais annuler ma commande s'il vous plaît.");
    calm("Quiero devolver el pedido, la talla no me queda bien.");
    calm("Vorrei sapere quando arriva il pacco, grazie mille!!!");
    calm("Oi! Meu pedido ainda não chegou, vocês podem verificar? Obrigada!");
    calm("商品がまだ届いていません。確認していただけますか。");
    calm("你好，我的包裹到哪里了？一直没有收到物流更新。");
    calm("안녕하세요, 주문한 상품이 아직 안 왔어요. 확인 부탁드립니다.");
    calm("Wanneer wordt mijn pakket bezorgd? Alvast bedankt.");
    calm("Dzień dobry, kiedy przyjdzie moja paczka?");
}

#[test]
fn unanswered_messages_count_as_repeated_contact() {
    escalates("You never answer my emails. Where is my order?", ReasonKind::RepeatedContact);
    escalates("Sie antworten einfach nicht auf meine Mails.", ReasonKind::RepeatedContact);
    escalates("Toujours pas de réponse à mes messages.", ReasonKind::RepeatedContact);
    escalates("Sigo sin respuesta desde hace una semana.", ReasonKind::RepeatedContact);
    escalates("アマゾン経由で連絡しましたが、まだ返信がありません。", ReasonKind::RepeatedContact);
    escalates("发了好几次邮件，一直没有回复。", ReasonKind::RepeatedContact);
    escalates("아무런 답변이 없습니다.", ReasonKind::RepeatedContact);
}

#[test]
fn polite_and_negated_mentions_do_not_escalate() {
    calm("Thanks so much, I will leave a great review!");
    calm("No need to open a case, I'm sure we can sort this out.");
    calm("I don't want to complain, but the box was a bit dented.");
    calm("I will not leave negative feedback, don't worry.");
    calm("I have closed the A-to-z claim since you refunded me.");
    calm("I removed my negative review, thank you for the help.");
    calm("I haven't opened a case, I'd rather solve it with you.");
    calm("Ich werde keine negative Bewertung abgeben.");
    calm("Keine Sorge, ich eröffne keinen Fall bei eBay.");
    calm("Je ne laisserai pas d'avis négatif, merci.");
    calm("No voy a abrir una disputa, solo quiero saber cuándo llega.");
    calm("Non lascerò una recensione negativa.");
    calm("Não vou abrir reclamação, só quero uma resposta.");
    calm("悪い評価はつけませんので、ご安心ください。");
    calm("差评是不会给的，放心。");
    calm("악평은 남기지 않겠습니다.");
    calm("Ik ga geen slechte review geven hoor.");
    calm("Nie wystawię negatywnej opinii.");
    calm("I'm not angry, just wondering where it is.");
}

#[test]
fn negation_does_not_hide_real_threats() {
    escalates("If you don't refund me I will open a case.", ReasonKind::MarketplaceClaim);
    escalates("I have no choice but to contact my bank.", ReasonKind::Chargeback);
    escalates("I won't hesitate to take legal action.", ReasonKind::LegalThreat);
    escalates("It doesn't work, I will leave a bad review.", ReasonKind::ReviewThreat);
    escalates("低評価をつけざるを得ません。", ReasonKind::ReviewThreat);
    escalates("如果不退款，我就给差评。", ReasonKind::ReviewThreat);
    escalates("할 수 없이 소비자원에 신고할 수밖에 없습니다.", ReasonKind::LegalThreat);
}

#[test]
fn evidence_is_as_written_and_traditional_chinese_matches() {
    let e = assess("Ich habe VERÄRGERT den PayPal-Käuferschutz beantragt.");
    let cb = e.reasons.iter().find(|r| r.kind == ReasonKind::Chargeback).expect("chargeback");
    assert_eq!(cb.evidence, "PayPal-Käuferschutz");
    assert!(!e.has(ReasonKind::MarketplaceClaim), "the inner Käuferschutz is not counted twice: {e:?}");

    let e = assess("已經第三次聯繫你們了，再不回覆我就給差評。");
    assert!(e.escalate);
    assert_eq!(
        kinds("已經第三次聯繫你們了，再不回覆我就給差評。"),
        [ReasonKind::ReviewThreat, ReasonKind::RepeatedContact]
    );
    assert!(e.reasons.iter().any(|r| r.evidence == "差評"), "{e:?}");
}

#[test]
fn several_reasons_combine_and_serialize_snake_case() {
    let e = assess("THIRD TIME I WRITE!!! I will open a PayPal dispute and call my lawyer.");
    assert!(e.escalate);
    assert!(e.score > 0.95, "{e:?}");
    for kind in [ReasonKind::RepeatedContact, ReasonKind::Chargeback, ReasonKind::LegalThreat, ReasonKind::Anger] {
        assert!(e.has(kind), "{kind}: {e:?}");
    }
    let json = serde_json::to_value(&e).unwrap();
    assert!(json["reasons"].as_array().unwrap().iter().any(|r| r["kind"] == "legal_threat"), "{json}");
    let back: Escalation = serde_json::from_value(json).unwrap();
    assert_eq!(back, e);
}

#[test]
fn empty_and_calm_messages_score_zero() {
    assert_eq!(assess(""), Escalation::default());
    assert_eq!(assess("Hi, do you ship to Austria? Thanks!").score, 0.0);
}

#[test]
fn lexicon_covers_every_kind_in_the_main_languages() {
    for lang in ["en", "de", "fr", "es", "it", "pt", "ja", "zh", "ko", "nl", "pl"] {
        for kind in ReasonKind::ALL {
            assert!(lexicon::GROUPS.iter().any(|g| g.lang == lang && g.kind == *kind), "no {kind} cues for {lang}");
        }
    }
}

#[test]
fn lexicon_patterns_are_lowercase_and_compile() {
    for group in lexicon::GROUPS {
        for p in group.patterns {
            assert!(!p.chars().any(|c| c.is_uppercase()), "pattern must be lowercase: {p}");
        }
    }
    assert_eq!(COMPILED.cues.len(), lexicon::GROUPS.iter().map(|g| g.patterns.len()).sum::<usize>());
}
