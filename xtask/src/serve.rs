//! A small static file server for reading the built site locally.
//!
//! Every connection gets its own thread and exactly one response, after
//! which the server closes it (`Connection: close`). Browsers open several
//! connections at once and keep idle ones open, so a server that parks one
//! pooled thread on each kept-open connection can leave a new connection
//! unanswered: tiny_http 0.12 did that with headless Chromium, queueing its
//! sixth connection behind five idle ones until the page load timed out.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;

/// The largest request line plus headers the server reads.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// How long a connection may stay silent before the server closes it.
const READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Serves the files of `site` on `address` (for example `127.0.0.1:3000`)
/// until the process is stopped.
pub fn serve(site: &Path, address: &str) -> anyhow::Result<()> {
    let listener =
        TcpListener::bind(address).with_context(|| format!("cannot listen on {address}; pass another --port"))?;
    println!("Serving {} at http://{address}/ (press Ctrl-C to stop)", site.display());
    accept_until_stopped(&listener, site, &AtomicBool::new(false));
    Ok(())
}

/// A static file server running on a background thread. Dropping it stops
/// the server and joins the thread.
pub struct BackgroundServer {
    address: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundServer {
    /// Returns the address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Returns the site's root URL, for example `http://127.0.0.1:40213/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // The accepting thread checks the flag after its next connection.
        if TcpStream::connect(self.address).is_err() {
            return;
        }
        if let Some(thread) = self.thread.take() {
            // A panic in the accepting thread has already been printed.
            let _ = thread.join();
        }
    }
}

/// Serves the files of `site` on an already bound `listener` from a
/// background thread, so that callers can bind port 0 and read the port the
/// system chose from [`BackgroundServer::address`].
pub fn spawn(site: &Path, listener: TcpListener) -> anyhow::Result<BackgroundServer> {
    let address = listener.local_addr().context("reading the listener's address")?;
    let stop = Arc::new(AtomicBool::new(false));
    let site = site.to_path_buf();
    let thread = std::thread::Builder::new()
        .name(format!("serve {address}"))
        .spawn({
            let stop = Arc::clone(&stop);
            move || accept_until_stopped(&listener, &site, &stop)
        })
        .context("starting the server thread")?;
    Ok(BackgroundServer { address, stop, thread: Some(thread) })
}

/// Accepts connections and handles each on its own thread until `stop`
/// is set and one more connection arrives.
fn accept_until_stopped(listener: &TcpListener, site: &Path, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::Acquire) {
            break;
        }
        let stream = match stream {
            Ok(stream) => stream,
            Err(err) => {
                eprintln!("warning: failed to accept a connection: {err}");
                continue;
            }
        };
        let site = site.to_path_buf();
        let started = std::thread::Builder::new().name("serve connection".into()).spawn(move || {
            if let Err(err) = handle_connection(stream, &site) {
                eprintln!("warning: failed to respond to a request: {err}");
            }
        });
        if let Err(err) = started {
            eprintln!("warning: cannot start a thread for a connection: {err}");
        }
    }
}

/// Reads one request from `stream`, writes the response and closes the
/// connection. A connection closed or left idle before its first byte is
/// not an error: browsers open spare connections they may never use.
fn handle_connection(mut stream: TcpStream, site: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(READ_TIMEOUT))?;
    let Some(head) = read_request_head(&mut stream)? else {
        return Ok(());
    };
    let response = build_response(&head, site);
    let mut message = format!(
        "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        response.status,
        response.content_type,
        response.body.len()
    );
    if response.status.starts_with("405") {
        message.push_str("Allow: GET, HEAD\r\n");
    }
    message.push_str("\r\n");
    stream.write_all(message.as_bytes())?;
    if !head.starts_with("HEAD ") {
        stream.write_all(&response.body)?;
    }
    stream.flush()
}

/// Reads up to the blank line that ends the request headers. Returns `None`
/// when the client sends nothing before closing or going idle.
fn read_request_head(stream: &mut TcpStream) -> io::Result<Option<String>> {
    let mut head = Vec::new();
    let mut buffer = [0u8; 4096];
    while !head.windows(4).any(|window| window == b"\r\n\r\n") {
        if head.len() > MAX_REQUEST_HEAD {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("request headers exceed {MAX_REQUEST_HEAD} bytes"),
            ));
        }
        let read = match stream.read(&mut buffer) {
            Ok(read) => read,
            Err(err)
                if head.is_empty() && matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) =>
            {
                return Ok(None)
            }
            Err(err) => return Err(err),
        };
        if read == 0 {
            if head.is_empty() {
                return Ok(None);
            }
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the client closed the connection mid-request"));
        }
        head.extend_from_slice(&buffer[..read]);
    }
    Ok(Some(String::from_utf8_lossy(&head).into_owned()))
}

struct Response {
    status: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
}

/// Builds the response to a request whose line and headers are `head`.
fn build_response(head: &str, site: &Path) -> Response {
    let request_line = head.lines().next().unwrap_or_default();
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
        return Response {
            status: "400 Bad Request",
            content_type: "text/plain; charset=utf-8",
            body: b"malformed request line".to_vec(),
        };
    };
    if !version.starts_with("HTTP/1.") {
        return Response {
            status: "505 HTTP Version Not Supported",
            content_type: "text/plain; charset=utf-8",
            body: b"only HTTP/1.0 and HTTP/1.1 are supported".to_vec(),
        };
    }
    if method != "GET" && method != "HEAD" {
        return Response {
            status: "405 Method Not Allowed",
            content_type: "text/plain; charset=utf-8",
            body: b"only GET and HEAD are supported".to_vec(),
        };
    }
    match resolve(site, target).map(|path| fs::read(&path).map(|body| (path, body))) {
        Some(Ok((path, body))) => Response { status: "200 OK", content_type: content_type(&path), body },
        _ => not_found(site),
    }
}

fn not_found(site: &Path) -> Response {
    let body = fs::read(site.join("404.html")).unwrap_or_else(|_| b"not found".to_vec());
    Response { status: "404 Not Found", content_type: "text/html; charset=utf-8", body }
}

/// Maps a request path to a file under `site`, rejecting `..` so that no
/// request reads outside the site.
pub fn resolve(site: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let decoded = percent_decode(path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) {
        return None;
    }
    let mut full = site.join(relative);
    if full.is_dir() {
        full = full.join("index.html");
    }
    full.is_file().then_some(full)
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Returns the MIME type for the files an mdBook site contains.
pub fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "ttf" => "font/ttf",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolve_rejects_parent_paths() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "x").unwrap();
        assert!(resolve(dir.path(), "/../etc/passwd").is_none());
        assert!(resolve(dir.path(), "/%2e%2e/etc/passwd").is_none());
    }

    #[test]
    fn spawned_server_serves_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "<p>home</p>").unwrap();
        let server = spawn(dir.path(), TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();

        let reply = exchange(server.address(), "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
        assert!(reply.contains("Content-Type: text/html; charset=utf-8\r\n"), "{reply}");
        assert!(reply.ends_with("<p>home</p>"), "{reply}");
    }

    /// Sends `request` to `address` and returns the whole reply.
    fn exchange(address: SocketAddr, request: &str) -> String {
        let mut stream = TcpStream::connect(address).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        reply
    }

    #[test]
    fn idle_connections_do_not_block() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "<p>home</p>").unwrap();
        let server = spawn(dir.path(), TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();

        // More idle connections than a browser opens to one host.
        let idle: Vec<TcpStream> = (0..8).map(|_| TcpStream::connect(server.address()).unwrap()).collect();
        let reply = exchange(server.address(), "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 200 OK"), "{reply}");
        drop(idle);
    }

    #[test]
    fn missing_file_gets_404_page() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("404.html"), "<p>lost</p>").unwrap();
        let server = spawn(dir.path(), TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();

        let reply = exchange(server.address(), "GET /figures/none.svg HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 404 Not Found"), "{reply}");
        assert!(reply.ends_with("<p>lost</p>"), "{reply}");
    }

    #[test]
    fn post_request_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let server = spawn(dir.path(), TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();

        let reply = exchange(server.address(), "POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n");
        assert!(reply.starts_with("HTTP/1.1 405 Method Not Allowed"), "{reply}");
        assert!(reply.contains("Allow: GET, HEAD"), "{reply}");
    }

    #[test]
    fn head_request_has_no_body() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "<p>home</p>").unwrap();
        let server = spawn(dir.path(), TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();

        let reply = exchange(server.address(), "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assert!(reply.contains("Content-Length: 11\r\n"), "{reply}");
        assert!(reply.ends_with("\r\n\r\n"), "{reply}");
    }

    #[test]
    fn resolve_maps_folder_to_index() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "x").unwrap();
        assert_eq!(resolve(dir.path(), "/?q=1"), Some(dir.path().join("index.html")));
    }
}
