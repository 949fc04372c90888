//! State shared by every request handler and background worker.

use crate::config::Settings;
use crate::metrics::Metrics;
use dragoman_core::Timestamp;
use dragoman_nlu::Analyzer;
use dragoman_store::Store;
use std::sync::Arc;
use tokio::sync::Notify;

/// Email's channel settings: `[smtp_in]`, `[[imap]]`, `[smtp_out]`.
#[derive(Debug, Clone, Default)]
pub struct EmailSettings {
    pub smtp_in: dragoman_channels::smtp_in::SmtpInConfig,
    pub imap: Vec<dragoman_channels::imap::ImapMailboxConfig>,
    pub smtp_out: Option<dragoman_channels::smtp_out::SmtpOutConfig>,
}

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub settings: Arc<Settings>,
    pub metrics: Arc<Metrics>,
    /// The models that understand messages (language, intent, escalation, entities).
    pub analyzer: Arc<Analyzer>,
    /// Woken when ingest queues work, so workers pick it up at once instead of at their next poll.
    pub jobs_queued: Arc<Notify>,
    /// The connected Shopify store (`[shopify]`), if any.
    pub shopify: Option<Arc<dragoman_channels::shopify::Shopify>>,
    /// The connected eBay seller account (`[ebay]`), if any.
    pub ebay: Option<Arc<dragoman_channels::ebay::Ebay>>,
    /// The live chat's settings and the signal that wakes its sockets.
    pub chat: crate::chat::Chat,
    /// The channel senders replies leave through (register yours with `outbox.register`), and
    /// the signal that wakes the send workers.
    pub outbox: Arc<crate::outbox::Outbox>,
    /// The translation engines (`[translation]`); none until [`AppState::with_translator`].
    pub translator: Arc<crate::api::translation::Translator>,
    /// SLA policies and the business calendar (`[sla]`); the defaults until [`AppState::with_sla`].
    pub sla: Arc<crate::sla::SlaSettings>,
    /// Email's settings, for `GET /api/v1/channels`; empty until [`AppState::with_email`].
    pub email: Arc<EmailSettings>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, settings: Settings, analyzer: Arc<Analyzer>) -> Self {
        let chat = crate::chat::Chat::default();
        let outbox = Arc::new(crate::outbox::Outbox::default());
        // The chat needs no configuration: its replies always have a way out.
        let chat_sender = dragoman_channels::chat::ChatSender::new(store.clone(), chat.hub.clone());
        outbox.register(dragoman_core::Channel::Chat, Arc::new(chat_sender));
        Self {
            store,
            analyzer,
            settings: Arc::new(settings),
            metrics: Arc::new(Metrics::default()),
            jobs_queued: Arc::new(Notify::new()),
            shopify: None,
            ebay: None,
            chat,
            outbox,
            translator: Arc::new(crate::api::translation::Translator::default()),
            sla: Arc::default(),
            email: Arc::default(),
        }
    }

    /// The translation engines built from `[translation]` in place of none.
    pub fn with_translator(mut self, translator: crate::api::translation::Translator) -> Self {
        self.translator = Arc::new(translator);
        self
    }

    /// The `[sla]` settings in place of the defaults.
    pub fn with_sla(mut self, settings: crate::sla::SlaSettings) -> Self {
        self.sla = Arc::new(settings);
        self
    }

    /// The `[chat]` settings in place of the defaults.
    /// The email settings, as `GET /api/v1/channels` shows them (the receiver, pollers and
    /// sender themselves are started from the same configuration).
    pub fn with_email(mut self, email: EmailSettings) -> Self {
        self.email = Arc::new(email);
        self
    }

    pub fn with_chat_settings(mut self, settings: crate::chat::ChatSettings) -> Self {
        self.chat.settings = Arc::new(settings);
        self
    }

    /// Connects the marketplaces configured in `[shopify]` and `[ebay]`, their secrets read
    /// from the file or from `env`; eBay replies are registered with the outbox.
    pub fn with_marketplaces(
        mut self,
        shopify: Option<&dragoman_channels::shopify::ShopifyConfig>,
        ebay: Option<&dragoman_channels::ebay::EbayConfig>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, String> {
        if let Some(shopify) = shopify {
            self.shopify = Some(Arc::new(shopify.connect(&env).map_err(|e| e.to_string())?));
        }
        if let Some(ebay) = ebay {
            let ebay = ebay.connect(&env).map_err(|e| e.to_string())?;
            self.outbox.register(dragoman_core::Channel::Ebay, Arc::new(ebay.sender()));
            self.ebay = Some(Arc::new(ebay));
        }
        Ok(self)
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::from_datetime(chrono::Utc::now())
    }
}
