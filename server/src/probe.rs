//! Server processes for the tests and benchmarks that need real ones (several instances on
//! one database, a server killed mid-request, a load test): the `propdesk` binary started on a
//! free port, a plain HTTP/1.0 client, and a reader of the live stream. HTTP/1.0: the answer
//! ends when the server closes the connection, so a stream needs no de-chunking.
use app::domain::live::LiveEvent;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

// ------------------------------------------------------------------ server processes

/// One running `propdesk serve`.
pub struct Server {
    pub port: u16,
    child: Child,
    bin: PathBuf,
    database_url: String,
    outbox: PathBuf,
}

impl Server {
    /// Starts a server on `database_url` (already migrated) with its mail written to `outbox`,
    /// and waits until it answers.
    pub async fn start(bin: &Path, database_url: &str, outbox: &Path) -> Server {
        Self::start_on(bin, free_port(), database_url, outbox, &[]).await
    }

    /// `start`, with more environment (limits, say).
    pub async fn start_with(
        bin: &Path,
        database_url: &str,
        outbox: &Path,
        env: &[(&str, &str)],
    ) -> Server {
        Self::start_on(bin, free_port(), database_url, outbox, env).await
    }

    async fn start_on(
        bin: &Path,
        port: u16,
        database_url: &str,
        outbox: &Path,
        env: &[(&str, &str)],
    ) -> Server {
        let child = Command::new(bin)
            .arg("serve")
            .envs(env.iter().copied())
            .env("DATABASE_URL", database_url)
            .env("PROPDESK_LISTEN", format!("127.0.0.1:{port}"))
            .env("PROPDESK_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
            .env("PROPDESK_OUTBOX_DIR", outbox)
            .env("PROPDESK_UPLOAD_DIR", outbox.join("uploads"))
            .env("PROPDESK_LOG", "warn")
            .env_remove("PROPDESK_CONFIG")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("start propdesk");
        let server = Server {
            port,
            child,
            bin: bin.into(),
            database_url: database_url.into(),
            outbox: outbox.into(),
        };
        for _ in 0..300 {
            if let Ok(r) = server.get("/healthz", None).await
                && r.status == 200
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the server on port {port} did not start");
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// Stops it as a deployment does (SIGTERM) and waits for it to finish its requests; how it
    /// exited.
    pub async fn stop(mut self) -> std::process::ExitStatus {
        self.signal(libc::SIGTERM);
        tokio::time::timeout(Duration::from_secs(20), self.child.wait())
            .await
            .expect("the server did not stop within 20 s of SIGTERM")
            .expect("wait for the server")
    }

    /// Stops it cleanly, runs `meanwhile`, and starts a new process on the same port and
    /// database (one step of a rolling restart).
    pub async fn restart_after<F: Future<Output = ()>>(
        self,
        meanwhile: impl FnOnce() -> F,
    ) -> Server {
        let (bin, port) = (self.bin.clone(), self.port);
        let (url, outbox) = (self.database_url.clone(), self.outbox.clone());
        assert!(self.stop().await.success());
        meanwhile().await;
        Self::start_on(&bin, port, &url, &outbox, &[]).await
    }

    /// Kills it (SIGKILL: whatever it was doing is cut off) and starts a new process on the same
    /// port and database, as a supervisor would after a crash.
    pub async fn crash_and_restart(mut self) -> Server {
        self.kill();
        self.child.wait().await.expect("wait for the killed server");
        let (bin, port) = (self.bin.clone(), self.port);
        let (url, outbox) = (self.database_url.clone(), self.outbox.clone());
        Self::start_on(&bin, port, &url, &outbox, &[]).await
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> std::io::Result<Reply> {
        request(self.port, "GET", path, cookie, &[], "").await
    }

    /// POSTs form fields to a server function, as a same-origin browser would.
    pub async fn call(&self, path: &str, cookie: Option<&str>, form: &str) -> Reply {
        self.try_call(path, cookie, form)
            .await
            .expect("the server answers")
    }

    /// `call`, for a server that may die before it answers.
    pub async fn try_call(
        &self,
        path: &str,
        cookie: Option<&str>,
        form: &str,
    ) -> std::io::Result<Reply> {
        let form_type = [(
            "Content-Type",
            "application/x-www-form-urlencoded".to_string(),
        )];
        request(self.port, "POST", path, cookie, &form_type, form).await
    }

    /// POSTs a body with these headers (a bridge's signed JSON).
    pub async fn post(
        &self,
        path: &str,
        headers: &[(&str, String)],
        body: &str,
    ) -> std::io::Result<Reply> {
        request(self.port, "POST", path, None, headers, body).await
    }

    /// Kills it at once (SIGKILL): no request finishes, nothing is flushed.
    pub fn kill(&self) {
        self.signal(libc::SIGKILL);
    }

    /// Sends a signal to the process (no `kill` program needed on the machine).
    fn signal(&self, signal: libc::c_int) {
        let pid = self.pid();
        assert!(pid != 0, "the server has already been reaped");
        // SAFETY: kill(2) takes plain integers and touches no memory of ours; the pid is our
        // own child's, which has not been reaped (`pid()` would be 0), so it names no other
        // process.
        let sent = unsafe { libc::kill(pid as libc::pid_t, signal) };
        assert_eq!(sent, 0, "signal {signal} to {pid}");
    }

    /// Opens the live stream as a browser with `cookie`, resuming after `last`.
    pub async fn live(&self, cookie: &str, last: Option<i64>) -> LiveStream {
        live(self.port, cookie, last).await
    }
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

// ------------------------------------------------------------------ server-sent events

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

// ------------------------------------------------------------------ requests

pub struct Reply {
    pub status: u16,
    pub headers: String,
    pub body: String,
}

impl Reply {
    /// The session cookie it sets (`name=value`).
    pub fn cookie(&self) -> Option<String> {
        self.headers.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            let pair = v.trim().split(';').next()?;
            (k.eq_ignore_ascii_case("set-cookie")
                && pair.starts_with(&format!("{}=", app::server::identity::session::COOKIE))
                && !v.contains("Max-Age=0"))
            .then(|| pair.to_string())
        })
    }
}

pub async fn request(
    port: u16,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    headers: &[(&str, String)],
    body: &str,
) -> std::io::Result<Reply> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await?;
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
    if let Some(c) = cookie {
        head.push_str(&format!("Cookie: {c}\r\n"));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!(
            "Origin: http://127.0.0.1:{port}\r\nContent-Length: {}\r\n",
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
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (headers, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = headers
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not HTTP: {headers:?}")))?;
    Ok(Reply {
        status,
        headers: headers.into(),
        body: body.into(),
    })
}

/// The live stream of one browser, read from its socket.
pub struct LiveStream {
    socket: TcpStream,
    buf: String,
    head_read: bool,
}

impl LiveStream {
    /// Reads up to the `ready` message; what came before it (replayed events) is returned as
    /// text to be read again.
    async fn until_ready(&mut self) -> String {
        let mut before = String::new();
        loop {
            let m = self
                .next(Duration::from_secs(10))
                .await
                .expect("the stream opens");
            if m.event == "ready" {
                return before;
            }
            before.push_str(&format!(
                "id: {}\ndata: {}\n\n",
                m.id.unwrap_or_default(),
                m.data
            ));
        }
    }

    /// The next message, or None when nothing came within `wait` or the server closed it.
    pub async fn next(&mut self, wait: Duration) -> Option<Message> {
        let until = tokio::time::Instant::now() + wait;
        loop {
            if self.head_read
                && let Some(m) = take(&mut self.buf)
            {
                return Some(m);
            }
            let mut chunk = [0u8; 4096];
            let n = tokio::time::timeout_at(until, self.socket.read(&mut chunk))
                .await
                .ok()?
                .ok()?;
            if n == 0 {
                return None;
            }
            self.buf.push_str(&String::from_utf8_lossy(&chunk[..n]));
            if !self.head_read {
                let Some(end) = self.buf.find("\r\n\r\n") else {
                    continue;
                };
                let head: String = self.buf.drain(..end + 4).collect();
                assert!(
                    head.starts_with("HTTP/1.0 200") || head.starts_with("HTTP/1.1 200"),
                    "{head}"
                );
                self.head_read = true;
            }
        }
    }

    /// The live events that arrive within `wait` of each other.
    pub async fn events(&mut self, wait: Duration) -> Vec<LiveEvent> {
        let mut out = Vec::new();
        while let Some(m) = self.next(wait).await {
            out.extend(m.live());
        }
        out
    }
}

/// Opens the live stream on `port` as a browser with `cookie`, resuming after `last`; returns
/// once the server said `ready` (events replayed before it are read first).
pub async fn live(port: u16, cookie: &str, last: Option<i64>) -> LiveStream {
    let mut s = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let resume = last.map_or(String::new(), |id| format!("Last-Event-ID: {id}\r\n"));
    let head =
        format!("GET /live HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nCookie: {cookie}\r\n{resume}\r\n");
    s.write_all(head.as_bytes()).await.expect("send");
    let mut stream = LiveStream {
        socket: s,
        buf: String::new(),
        head_read: false,
    };
    let ready = stream.until_ready().await;
    stream.buf.insert_str(0, &ready);
    stream
}
