//! Starts chromedriver on a free 127.0.0.1 port and opens a headless
//! Chromium session through it.

use std::fs::File;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use base64::Engine;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Value};

/// The command that installs both programs on Debian and Ubuntu.
pub const INSTALL_HINT: &str = "sudo apt-get install chromium chromium-driver";

/// Width and height of the browser window in CSS pixels: a laptop screen.
pub const WINDOW_SIZE: (u32, u32) = (1280, 800);

/// Chromium's command-line switches. Without the background-networking
/// switches Chromium contacts outside hosts at start, and the resolver rule
/// makes any name except 127.0.0.1 fail to resolve, so a page that requests
/// an outside resource gets an error instead of sending traffic out.
const CHROMIUM_ARGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
];

/// A chromedriver process with one open browser session. Call
/// [`Browser::close`] to end the session; dropping the value stops
/// chromedriver in any case.
pub struct Browser {
    pub client: Client,
    chromedriver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // The process may have exited already, so errors are expected here.
        let _ = self.chromedriver.kill();
        let _ = self.chromedriver.wait();
    }
}

/// Finds `name` in the folders of `PATH`.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(name)).find(|candidate| candidate.is_file())
}

/// Returns a TCP port on 127.0.0.1 that was free a moment ago.
fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("binding a free port for chromedriver")?;
    Ok(listener.local_addr()?.port())
}

/// Waits until chromedriver accepts connections on `port`.
fn wait_for_port(port: u16, chromedriver: &mut Child, log: &Path) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        if let Some(status) = chromedriver.try_wait()? {
            bail!("chromedriver exited with {status} before listening; its log:\n{}", read_log(log));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    bail!("chromedriver did not listen on 127.0.0.1:{port} within 20 s; its log:\n{}", read_log(log))
}

fn read_log(log: &Path) -> String {
    std::fs::read_to_string(log).unwrap_or_else(|err| format!("(cannot read {}: {err})", log.display()))
}

/// Starts chromedriver and opens a headless Chromium session. Fails with
/// the install command when either program is missing from `PATH`.
pub async fn launch() -> anyhow::Result<Browser> {
    let chromedriver_path = find_program("chromedriver").with_context(|| {
        format!("chromedriver is not installed (not found on PATH); install it with `{INSTALL_HINT}`")
    })?;
    let chromium_path = find_program("chromium")
        .with_context(|| format!("chromium is not installed (not found on PATH); install it with `{INSTALL_HINT}`"))?;

    let profile = tempfile::tempdir().context("creating a browser profile folder")?;
    let log = profile.path().join("chromedriver.log");
    let port = free_port()?;
    let mut chromedriver = Command::new(&chromedriver_path)
        .arg(format!("--port={port}"))
        .arg(format!("--log-path={}", log.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(File::create(profile.path().join("chromedriver.stderr"))?)
        .spawn()
        .with_context(|| format!("starting {}", chromedriver_path.display()))?;
    if let Err(err) = wait_for_port(port, &mut chromedriver, &log) {
        let _ = chromedriver.kill();
        let _ = chromedriver.wait();
        return Err(err);
    }

    let user_data_dir = profile.path().join("profile");
    let mut args: Vec<String> = CHROMIUM_ARGS.iter().map(|arg| arg.to_string()).collect();
    args.push(format!("--user-data-dir={}", user_data_dir.display()));
    args.push(format!("--window-size={},{}", WINDOW_SIZE.0, WINDOW_SIZE.1));
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": { "binary": chromium_path, "args": args },
        "goog:loggingPrefs": { "browser": "ALL" },
    });
    let Value::Object(capabilities) = capabilities else { unreachable!("json! of an object literal") };

    let session = ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await;
    let client = match session {
        Ok(client) => client,
        Err(err) => {
            let _ = chromedriver.kill();
            let _ = chromedriver.wait();
            bail!(
                "chromedriver could not start {}: {err}; chromedriver's log:\n{}",
                chromium_path.display(),
                read_log(&log)
            );
        }
    };
    Ok(Browser { client, chromedriver, _profile: profile })
}

impl Browser {
    /// Ends the browser session, which quits Chromium.
    pub async fn close(self) -> anyhow::Result<()> {
        self.client.clone().close().await.context("closing the browser session")
    }

    /// Returns the messages the console logged since the last call, as
    /// `(level, message)` pairs with chromedriver's levels (`SEVERE` for
    /// errors, including failed resource loads).
    pub async fn take_console_messages(&self) -> anyhow::Result<Vec<(String, String)>> {
        let entries = self.client.issue_cmd(BrowserLog).await.context("reading the browser console log")?;
        let entries = entries.as_array().context("chromedriver returned a log that is not an array")?;
        Ok(entries
            .iter()
            .map(|entry| {
                let level = entry["level"].as_str().unwrap_or("UNKNOWN").to_owned();
                let message = entry["message"].as_str().unwrap_or_default().to_owned();
                (level, message)
            })
            .collect())
    }

    /// Captures the whole page, not only the window, as PNG bytes. The
    /// viewport is stretched to the page's height for the capture so that
    /// fixed elements such as the sidebar span the whole image, and is
    /// restored afterwards.
    pub async fn full_page_png(&self) -> anyhow::Result<Vec<u8>> {
        let mut height = self.content_height().await?;
        if height <= 0.0 {
            bail!("the page reports a content height of {height}, so there is nothing to capture");
        }
        // Styles sized in vh change the content height with the viewport,
        // so stretch until the two agree, a few rounds at most.
        for _ in 0..3 {
            let viewport = json!({ "width": WINDOW_SIZE.0, "height": height, "deviceScaleFactor": 1, "mobile": false });
            self.client.issue_cmd(Cdp::new("Emulation.setDeviceMetricsOverride", viewport)).await?;
            let stretched = self.content_height().await?;
            if stretched == height {
                break;
            }
            height = stretched;
        }
        let shot = self
            .client
            .issue_cmd(Cdp::new("Page.captureScreenshot", json!({ "format": "png", "captureBeyondViewport": true })))
            .await;
        self.client.issue_cmd(Cdp::new("Emulation.clearDeviceMetricsOverride", json!({}))).await?;

        let shot = shot?;
        let data = shot["data"].as_str().context("Page.captureScreenshot returned no image data")?;
        base64::engine::general_purpose::STANDARD.decode(data).context("decoding the screenshot")
    }
}

impl Browser {
    async fn content_height(&self) -> anyhow::Result<f64> {
        let metrics = self.client.issue_cmd(Cdp::new("Page.getLayoutMetrics", json!({}))).await?;
        Ok(metrics["cssContentSize"]["height"].as_f64().unwrap_or(0.0).ceil())
    }
}

/// chromedriver's log command for the `browser` (console) log.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
    }
}

/// A Chrome DevTools Protocol command sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    body: String,
}

impl Cdp {
    fn new(method: &str, params: Value) -> Self {
        Cdp { body: json!({ "cmd": method, "params": params }).to_string() }
    }
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(self.body.clone()))
    }
}
