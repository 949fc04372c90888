//! What a buyer wants: the intent taxonomy every message is classified into.

use crate::channel::vocabulary;

vocabulary!(
    /// The request the seller must act on first. A message asking two things carries the
    /// one to handle first (a broken item plus a refund request is `damaged_defective`).
    Intent, "intent" {
        OrderStatus => "order_status",
        ReturnExchange => "return_exchange",
        Refund => "refund",
        DamagedDefective => "damaged_defective",
        WrongItem => "wrong_item",
        CancelOrder => "cancel_order",
        ChangeOrder => "change_order",
        ProductQuestion => "product_question",
        CustomsTaxInvoice => "customs_tax_invoice",
        Feedback => "feedback",
        Other => "other",
    }
);

impl Intent {
    /// Position in [`Intent::ALL`], for classifiers that work with class indices.
    pub fn index(self) -> usize {
        Intent::ALL.iter().position(|i| *i == self).expect("every intent is in ALL")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_follow_all() {
        for (n, intent) in Intent::ALL.iter().enumerate() {
            assert_eq!(intent.index(), n);
            assert_eq!(intent.as_str().parse::<Intent>().unwrap(), *intent);
        }
    }
}
