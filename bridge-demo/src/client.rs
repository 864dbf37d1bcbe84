//! PropDesk's bridge API as this bridge calls it: signed HTTP/1.0 requests (the answer ends when
//! the server closes the connection).
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

pub struct Client {
    /// `host:port` of PropDesk.
    pub addr: String,
    pub name: String,
    pub secret: Vec<u8>,
}

pub struct Answer {
    pub status: u16,
    pub body: serde_json::Value,
}

impl Client {
    fn headers(&self, body: &str) -> String {
        static N: AtomicU64 = AtomicU64::new(0);
        let ts = chrono::Utc::now().timestamp().to_string();
        // Unique across restarts: the time, the process and a counter.
        let nonce = format!(
            "{}-{}-{}",
            chrono::Utc::now().timestamp_micros(),
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        );
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.secret).expect("any key length");
        mac.update(format!("{ts}\n{nonce}\n{body}").as_bytes());
        let sig = hex::encode(mac.finalize().into_bytes());
        format!(
            "X-Bridge: {}\r\nX-Timestamp: {ts}\r\nX-Nonce: {nonce}\r\nX-Signature: {sig}\r\n",
            self.name
        )
    }

    /// Sends a signed request; an error when PropDesk cannot be reached or answers nothing.
    pub async fn send(&self, method: &str, path: &str, body: &str) -> std::io::Result<Answer> {
        let mut s = TcpStream::connect(&self.addr).await?;
        let mut head = format!("{method} {path} HTTP/1.0\r\nHost: {}\r\n", self.addr);
        head.push_str(&self.headers(body));
        if method == "POST" {
            head.push_str(&format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        s.write_all(head.as_bytes()).await?;
        s.write_all(body.as_bytes()).await?;
        let mut bytes = Vec::new();
        tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut bytes))
            .await
            .map_err(|_| std::io::Error::other("no answer within 30 s"))??;
        let text = String::from_utf8_lossy(&bytes);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other("not an HTTP answer"))?;
        Ok(Answer {
            status,
            body: serde_json::from_str(body).unwrap_or(serde_json::Value::Null),
        })
    }
}
