//! A small static file server for reading the built site locally.

use std::fs;
use std::net::{SocketAddr, TcpListener};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;

use anyhow::Context;
use tiny_http::{Header, Response, Server};

/// Serves the files of `site` on `address` (for example `127.0.0.1:3000`)
/// until the process is stopped.
pub fn serve(site: &Path, address: &str) -> anyhow::Result<()> {
    let server = Server::http(address).map_err(|err| anyhow::anyhow!("cannot listen on {address}: {err}; pass another --port"))?;
    println!("Serving {} at http://{address}/ (press Ctrl-C to stop)", site.display());
    respond_until_unblocked(&server, site);
    Ok(())
}

/// A static file server running on a background thread. Dropping it stops
/// the server and joins the thread.
pub struct BackgroundServer {
    address: SocketAddr,
    server: Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl BackgroundServer {
    /// The address the server listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The site's root URL, for example `http://127.0.0.1:40213/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.address)
    }
}

impl Drop for BackgroundServer {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(thread) = self.thread.take() {
            // A panic in the serving thread has already been printed.
            let _ = thread.join();
        }
    }
}

/// Serves the files of `site` on an already bound `listener` from a
/// background thread, so that callers can bind port 0 and read the port the
/// system chose from [`BackgroundServer::address`].
pub fn spawn(site: &Path, listener: TcpListener) -> anyhow::Result<BackgroundServer> {
    let address = listener.local_addr().context("reading the listener's address")?;
    let server = Server::from_listener(listener, None).map_err(|err| anyhow::anyhow!("cannot serve on {address}: {err}"))?;
    let server = Arc::new(server);
    let site = site.to_path_buf();
    let thread = std::thread::Builder::new()
        .name(format!("serve {address}"))
        .spawn({
            let server = Arc::clone(&server);
            move || respond_until_unblocked(&server, &site)
        })
        .context("starting the server thread")?;
    Ok(BackgroundServer { address, server, thread: Some(thread) })
}

/// Answers requests with the files of `site` until [`Server::unblock`] is
/// called.
fn respond_until_unblocked(server: &Server, site: &Path) {
    for request in server.incoming_requests() {
        let response = match resolve(site, request.url()) {
            Some(path) => match fs::read(&path) {
                Ok(bytes) => {
                    let header = Header::from_bytes("Content-Type", content_type(&path)).expect("valid header");
                    Response::from_data(bytes).with_header(header).with_status_code(200)
                }
                Err(_) => not_found(site),
            },
            None => not_found(site),
        };
        if let Err(err) = request.respond(response) {
            eprintln!("warning: failed to send a response: {err}");
        }
    }
}

fn not_found(site: &Path) -> Response<std::io::Cursor<Vec<u8>>> {
    let body = fs::read(site.join("404.html")).unwrap_or_else(|_| b"not found".to_vec());
    let header = Header::from_bytes("Content-Type", "text/html; charset=utf-8").expect("valid header");
    Response::from_data(body).with_header(header).with_status_code(404)
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
        use std::io::{Read, Write};

        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "<p>home</p>").unwrap();
        let server = spawn(dir.path(), TcpListener::bind("127.0.0.1:0").unwrap()).unwrap();

        let mut stream = std::net::TcpStream::connect(server.address()).unwrap();
        stream.write_all(b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
        let mut reply = String::new();
        stream.read_to_string(&mut reply).unwrap();
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        assert!(reply.ends_with("<p>home</p>"), "{reply}");
    }

    #[test]
    fn resolve_maps_folder_to_index() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("index.html"), "x").unwrap();
        assert_eq!(resolve(dir.path(), "/?q=1"), Some(dir.path().join("index.html")));
    }
}
