//! Server-sent events as a browser's `EventSource` reads them, from whatever carries the text
//! (an in-process response body, a socket to a server process).
use app::domain::live::LiveEvent;

/// One message: its type (empty for a plain message), id and data.
#[derive(Debug, Default)]
pub struct Message {
    pub event: String,
    pub id: Option<i64>,
    pub data: String,
}

impl Message {
    /// The live event a plain message carries.
    pub fn live(&self) -> Option<LiveEvent> {
        (self.event.is_empty() && !self.data.is_empty())
            .then(|| serde_json::from_str(&self.data).expect("an event's data"))
    }
}

/// Takes the first whole message off `buf` (comments, such as keep-alives, are skipped).
pub fn take(buf: &mut String) -> Option<Message> {
    loop {
        let end = buf.find("\n\n")?;
        let block: String = buf.drain(..end + 2).collect();
        let mut m = Message::default();
        let mut any = false;
        for line in block.lines() {
            let (field, value) = line.split_once(':').unwrap_or((line, ""));
            let value = value.strip_prefix(' ').unwrap_or(value);
            match field {
                "event" => m.event = value.into(),
                "id" => m.id = value.parse().ok(),
                "data" => m.data.push_str(value),
                _ => continue,
            }
            any = true;
        }
        if any {
            return Some(m);
        }
    }
}
