//! Files written atomically: into a temporary file in the same folder, synced, then renamed
//! over the target, so a crash, a kill or Ctrl-C never leaves a half-written transcript,
//! recording or report.

use std::fs::File;
use std::io;
use std::path::Path;

/// Writes `path` atomically with `write`, which gets the temporary file.
///
/// # Errors
/// Any I/O error creating, writing, syncing or renaming the file; the target is then untouched.
pub fn write_with(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    check_target(path)?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".ivrsim-").suffix(".part");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // Like `File::create`: readable by others unless the umask says otherwise.
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(dir)?;
    write(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Refuses a target that exists and is not a regular file: renaming over it would replace a
/// device (`/dev/null`), a named pipe, a folder or a symbolic link with a plain file.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] naming what is there.
pub fn check_target(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is a symbolic link; name the file itself",
        )),
        Ok(m) if !m.is_file() => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is not a regular file (a folder, device or pipe); refusing to replace it",
        )),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically.
///
/// # Errors
/// As [`write_with`].
pub fn write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_with(path, |f| io::Write::write_all(f, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_the_file_and_leaves_nothing_behind() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.json");
        write(&p, b"one").unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
        // A failing writer leaves the old content.
        let err = write_with(&p, |_| Err(io::Error::other("boom")));
        assert!(err.is_err());
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn never_replaces_links_devices_or_folders() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        write(&real, b"keep").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        assert!(write(&link, b"x").is_err());
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert!(write(Path::new("/dev/null"), b"x").is_err());
        assert!(write(dir.path(), b"x").is_err());
        assert_eq!(std::fs::read(&real).unwrap(), b"keep");
    }
}
