//! Configuration: command-line flags, environment variables, and an optional TOML file, in that
//! order of precedence, over built-in defaults that run the embedded SQLite set-up.
use clap::{Parser, Subcommand};
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "propdesk",
    version,
    about = "PropDesk: back office and CRM for prop-trading firms"
)]
pub struct Cli {
    /// A TOML file with any of the settings below (keys as the long flag names, with `_`).
    #[arg(long, env = "PROPDESK_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// sqlite://data/propdesk.db?mode=rwc (default) or postgres://user:pass@host/db
    #[arg(long, env = "DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// Address to listen on [default: 127.0.0.1:3000]
    #[arg(long, env = "PROPDESK_LISTEN", global = true)]
    pub listen: Option<String>,
    /// Base URL that users reach, for emailed links and the origin check [default: http://<listen>]
    #[arg(long, env = "PROPDESK_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Mark the session cookie Secure [default: true when the public URL is https]
    #[arg(long, env = "PROPDESK_COOKIE_SECURE", global = true)]
    pub cookie_secure: Option<bool>,
    /// The request header in which the firm's proxy or CDN puts the visitor's two-letter
    /// country, e.g. CF-IPCountry (country blacklist, unfamiliar sign-in alert) [default: none]
    #[arg(long, env = "PROPDESK_COUNTRY_HEADER", global = true)]
    pub country_header: Option<String>,
    /// Log filter, e.g. info or propdesk=debug,tower_http=info [default: info]
    #[arg(long, env = "PROPDESK_LOG", global = true)]
    pub log: Option<String>,
    /// text or json [default: text]
    #[arg(long, env = "PROPDESK_LOG_FORMAT", global = true)]
    pub log_format: Option<String>,
    /// SMTP server, e.g. smtps://user:pass@smtp.example.com; without it mail goes to the outbox folder
    #[arg(long, env = "PROPDESK_SMTP_URL", global = true, hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of outgoing mail [default: PropDesk <no-reply@propdesk.local>]
    #[arg(long, env = "PROPDESK_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Folder for .eml files when no SMTP server is set [default: data/outbox]
    #[arg(long, env = "PROPDESK_OUTBOX_DIR", global = true)]
    pub outbox_dir: Option<PathBuf>,
    /// Folder for uploaded files (KYC documents, receipts) [default: data/uploads]
    #[arg(long, env = "PROPDESK_UPLOAD_DIR", global = true)]
    pub upload_dir: Option<PathBuf>,
    /// Folder of the built site (pkg/ with wasm, js, css) [default: target/site]
    #[arg(long, env = "PROPDESK_SITE_ROOT", global = true)]
    pub site_root: Option<String>,
    /// Requests per second each bridge may send to the bridge API [default: 2000]
    #[arg(long, env = "PROPDESK_BRIDGE_RATE", global = true)]
    pub bridge_rate: Option<u32>,
    /// Burst of requests a bridge may send above its rate [default: twice the rate]
    #[arg(long, env = "PROPDESK_BRIDGE_BURST", global = true)]
    pub bridge_burst: Option<u32>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug, Clone)]
pub enum Command {
    /// Migrate the database and serve the three portals (the default)
    Serve {
        /// Also load the demo data set (idempotent) and print its credentials
        #[arg(long, env = "PROPDESK_DEMO")]
        demo: bool,
    },
    /// Apply database migrations and exit
    Migrate,
    /// Create a staff user with the Administrator role
    CreateAdmin {
        #[arg(long)]
        email: String,
        /// The password (prefer the environment variable, which stays out of shell history)
        #[arg(long, env = "PROPDESK_ADMIN_PASSWORD", hide_env_values = true)]
        password: String,
        #[arg(long, default_value = "Admin")]
        first_name: String,
        #[arg(long, default_value = "User")]
        last_name: String,
    },
    /// Load the demo data set (idempotent) and print its credentials
    SeedDemo,
    /// Register the reference bridge's demo platform and its challenge (idempotent; after the
    /// demo data set) and print `BRIDGE_NAME=…` and `BRIDGE_SECRET=…` for propdesk-bridge-demo
    SeedDemoBridge,
    /// Write a brotli and a gzip copy beside each file of the built front end (`{site_root}/pkg`),
    /// which the server sends; run after `cargo leptos build --release`
    Precompress {
        /// Only rewrite the wasm splitter's loader shorter, as for release, and compress nothing
        /// (the browser tests' build, whose debug wasm would take minutes)
        #[arg(long)]
        loader_only: bool,
    },
    /// Register a bridge for an external trading platform and print its secret (shown once)
    CreateBridge {
        /// 1 to 60 letters, digits, dots, dashes or underscores; sent as `X-Bridge`
        #[arg(long)]
        name: String,
    },
}

/// The same settings, as read from the TOML file.
#[derive(Deserialize, Debug, Default)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    listen: Option<String>,
    public_url: Option<String>,
    cookie_secure: Option<bool>,
    country_header: Option<String>,
    log: Option<String>,
    log_format: Option<String>,
    smtp_url: Option<String>,
    mail_from: Option<String>,
    outbox_dir: Option<PathBuf>,
    upload_dir: Option<PathBuf>,
    site_root: Option<String>,
    bridge_rate: Option<u32>,
    bridge_burst: Option<u32>,
}

/// The resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub listen: String,
    pub public_url: String,
    pub cookie_secure: bool,
    pub country_header: Option<String>,
    pub log: String,
    pub json_logs: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub outbox_dir: PathBuf,
    pub upload_dir: PathBuf,
    pub site_root: String,
    /// The bridge API's rate limit per bridge.
    pub bridge_limits: crate::bridge::Limits,
}

impl Cli {
    pub fn settings(&self) -> Result<Settings, String> {
        let file: FileConfig = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?
            }
            None => FileConfig::default(),
        };
        let listen = self
            .listen
            .clone()
            .or(file.listen)
            .unwrap_or_else(|| "127.0.0.1:3000".into());
        let public_url = self
            .public_url
            .clone()
            .or(file.public_url)
            .unwrap_or_else(|| format!("http://{listen}"));
        let public_url = public_url.trim_end_matches('/').to_string();
        let log_format = self
            .log_format
            .clone()
            .or(file.log_format)
            .unwrap_or_else(|| "text".into());
        if !matches!(log_format.as_str(), "text" | "json") {
            return Err(format!("log format must be text or json, not {log_format}"));
        }
        let bridge_rate = self
            .bridge_rate
            .or(file.bridge_rate)
            .unwrap_or(crate::bridge::Limits::default().per_second);
        let bridge_limits = crate::bridge::Limits {
            per_second: bridge_rate,
            burst: self
                .bridge_burst
                .or(file.bridge_burst)
                .unwrap_or(bridge_rate.saturating_mul(2)),
        };
        if bridge_limits.per_second == 0 || bridge_limits.burst == 0 {
            return Err("the bridge rate and burst must be above zero".into());
        }
        Ok(Settings {
            database_url: self
                .database_url
                .clone()
                .or(file.database_url)
                .unwrap_or_else(|| "sqlite://data/propdesk.db?mode=rwc".into()),
            cookie_secure: self
                .cookie_secure
                .or(file.cookie_secure)
                .unwrap_or_else(|| public_url.starts_with("https://")),
            country_header: self
                .country_header
                .clone()
                .or(file.country_header)
                .filter(|h| !h.trim().is_empty()),
            public_url,
            listen,
            log: self
                .log
                .clone()
                .or(file.log)
                .unwrap_or_else(|| "info".into()),
            json_logs: log_format == "json",
            smtp_url: self.smtp_url.clone().or(file.smtp_url),
            mail_from: self
                .mail_from
                .clone()
                .or(file.mail_from)
                .unwrap_or_else(|| "PropDesk <no-reply@propdesk.local>".into()),
            outbox_dir: self
                .outbox_dir
                .clone()
                .or(file.outbox_dir)
                .unwrap_or_else(|| PathBuf::from("data/outbox")),
            upload_dir: self
                .upload_dir
                .clone()
                .or(file.upload_dir)
                .unwrap_or_else(|| PathBuf::from("data/uploads")),
            site_root: self
                .site_root
                .clone()
                .or(file.site_root)
                .unwrap_or_else(|| "target/site".into()),
            bridge_limits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_flags_and_file_merge() {
        let cli = Cli::parse_from(["propdesk", "migrate"]);
        let s = cli.settings().unwrap();
        assert_eq!(s.listen, "127.0.0.1:3000");
        assert_eq!(s.public_url, "http://127.0.0.1:3000");
        assert!(!s.cookie_secure);

        let dir = std::env::temp_dir().join(format!("propdesk-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("propdesk.toml");
        std::fs::write(
            &file,
            "public_url = \"https://crm.example.com/\"\nlisten = \"0.0.0.0:8080\"\n",
        )
        .unwrap();
        let cli = Cli::parse_from([
            "propdesk",
            "--config",
            file.to_str().unwrap(),
            "--listen",
            "127.0.0.1:9000",
            "serve",
        ]);
        let s = cli.settings().unwrap();
        assert_eq!(s.listen, "127.0.0.1:9000", "a flag beats the file");
        assert_eq!(s.public_url, "https://crm.example.com");
        assert!(s.cookie_secure, "https implies Secure cookies");

        std::fs::write(&file, "bogus = 1\n").unwrap();
        let err = Cli::parse_from(["propdesk", "--config", file.to_str().unwrap()])
            .settings()
            .unwrap_err();
        assert!(err.contains("unknown field"), "{err}");
    }
}
