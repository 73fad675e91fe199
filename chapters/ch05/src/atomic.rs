//! Atomic file writes: every file the program writes (data files, weights,
//! the JSON summary, the figures) first goes to a temporary file in the
//! destination's directory and is renamed to its final name only when it is
//! complete. A rename within one directory replaces the old file in one
//! step, so an interrupted run leaves either the old file or the new one
//! under the final name, never a partial file that a later run would trust.

use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use tempfile::NamedTempFile;

/// Writes `path` atomically: `write` fills a temporary file in the same
/// directory, which is flushed to disk and then renamed to `path`.
///
/// When `write` fails, or the flush or rename fails, the temporary file is
/// deleted and `path` keeps its old contents (or stays absent). A process
/// killed before the rename leaves only the temporary file, named
/// `.<file name>.<random>.partial`.
pub fn write_with<T>(path: &Path, write: impl FnOnce(&mut NamedTempFile) -> Result<T>) -> Result<T> {
    let name =
        path.file_name().with_context(|| format!("{} has no file name; pass a path to a file", path.display()))?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let prefix = format!(".{}.", name.to_string_lossy());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".partial");
    // tempfile makes its files readable by the owner only (mode 0600). These
    // files are ordinary outputs, so they get the mode that std::fs::write
    // gives a new file: 0666 less the umask.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut temporary = builder.tempfile_in(dir).with_context(|| {
        format!("failed to create a temporary file in {}; check that the folder exists and is writable", dir.display())
    })?;

    // Dropping `temporary` on any early return deletes it.
    let value = write(&mut temporary)?;
    // Flushing before the rename means the final name never points at data
    // that is still only in the page cache.
    temporary
        .as_file()
        .sync_all()
        .with_context(|| format!("failed to flush the new contents of {}", path.display()))?;
    temporary.persist(path).with_context(|| format!("failed to rename the temporary file to {}", path.display()))?;
    Ok(value)
}

/// Writes `bytes` to `path` atomically, as [`write_with`] does.
pub fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_with(path, |file| file.write_all(bytes).with_context(|| format!("failed to write {}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Names of everything in `dir`, sorted.
    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|entry| entry.unwrap().file_name().to_string_lossy().into()).collect();
        names.sort();
        names
    }

    #[test]
    fn write_bytes_creates_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");

        write_bytes(&path, b"{}\n").unwrap();

        assert_eq!(std::fs::read(&path).unwrap(), b"{}\n");
        assert_eq!(listing(dir.path()), ["out.json"]);
    }

    #[test]
    fn failed_write_keeps_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        std::fs::write(&path, "old").unwrap();

        let result: Result<()> = write_with(&path, |file| {
            file.write_all(b"half of the new cont")?;
            anyhow::bail!("the writer failed")
        });

        assert!(result.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(listing(dir.path()), ["out.json"], "the temporary file was not deleted");
    }

    #[test]
    fn replacement_is_new_file() {
        // A hard link to the old file keeps the old bytes: the new bytes went
        // to another file that was renamed over the name, not into the old one.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        let link = dir.path().join("link.json");
        std::fs::write(&path, "old").unwrap();
        std::fs::hard_link(&path, &link).unwrap();

        write_bytes(&path, b"new").unwrap();

        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(&link).unwrap(), "old");
    }

    #[cfg(unix)]
    #[test]
    fn new_file_gets_default_mode() {
        use std::os::unix::fs::PermissionsExt;

        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain.json");
        let atomic = dir.path().join("atomic.json");
        std::fs::write(&plain, "{}").unwrap();

        write_bytes(&atomic, b"{}").unwrap();

        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode();
        assert_eq!(mode(&atomic), mode(&plain));
    }

    #[test]
    fn path_without_file_name_is_rejected() {
        let error = write_bytes(Path::new("/"), b"x").unwrap_err();
        assert_eq!(error.to_string(), "/ has no file name; pass a path to a file");
    }
}
