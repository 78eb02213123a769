//! Files written: the one place that decides whether an output path may be written
//! ([`check_target`]), and the writing itself, atomic for files: into a temporary file in the
//! same folder, synced, then renamed over the target, so a crash, a kill or Ctrl-C never leaves
//! a half-written transcript, recording or report.
//!
//! No command writes over a file it read: every input (menus, included files, scenarios,
//! training calls, coverage files, clips and their manifests) is recorded by device and inode
//! when it is read ([`note_read`]), and [`check_target`] refuses an output that is one of them,
//! whatever name (a hard link, `./`, a symbolic link) it is given by.

use std::collections::HashMap;
use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The files read in this process: (device, inode) and the name each was first read by.
static READ: std::sync::LazyLock<Mutex<HashMap<(u64, u64), PathBuf>>> =
    std::sync::LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether inputs are recorded: from [`track_inputs`] on, which the command line calls first.
/// A program using the library for many jobs (the test suites) reads and deletes files whose
/// inodes are later reused, so it does not record them unless it asks to.
static TRACKING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Records every file read from now on in this process (see [`note_read`]); `ivrsim`'s
/// command line does so before it runs a command.
pub fn track_inputs() {
    TRACKING.store(true, std::sync::atomic::Ordering::Relaxed);
}

/// Records that this process read the file at `path` (following links), so that no output
/// is written over it. A path that cannot be examined is not recorded (it was not read).
pub fn note_read(path: &Path) {
    if !TRACKING.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    if let Ok(meta) = std::fs::metadata(path) {
        note_read_meta(path, &meta);
    }
}

/// As [`note_read`], with the file's metadata already at hand.
pub fn note_read_meta(path: &Path, meta: &std::fs::Metadata) {
    if !TRACKING.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let mut read = READ.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        read.entry((meta.dev(), meta.ino())).or_insert_with(|| path.to_owned());
    }
    #[cfg(not(unix))]
    let _ = (path, meta);
}

/// The name an input was read by when `meta` is the same file (device and inode).
fn input_named(meta: &std::fs::Metadata) -> Option<PathBuf> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let read = READ.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        read.get(&(meta.dev(), meta.ino())).cloned()
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        None
    }
}

/// What an output path names, once [`check_target`] has allowed it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// Nothing yet, in a folder that exists.
    New,
    /// A regular file, none of this process's inputs: replaced atomically.
    File,
    /// A character device or named pipe that exists (`/dev/null`, `/dev/stdout` on a terminal
    /// or pipe): written directly, as a stream, never replaced.
    Stream,
}

fn refuse(why: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, why)
}

/// Whether `path` is on a file system of the kernel's own (`/proc`, `/sys`), whose "files"
/// look regular but are not: writing `/proc/self/mem` writes the process's memory.
#[cfg(target_os = "linux")]
fn on_kernel_fs(path: &Path) -> bool {
    const SYSFS_MAGIC: u64 = 0x6265_6572;
    rustix::fs::statfs(path).is_ok_and(|s| {
        #[allow(clippy::useless_conversion, clippy::unnecessary_cast)]
        let kind = s.f_type as u64;
        kind == rustix::fs::PROC_SUPER_MAGIC as u64 || kind == SYSFS_MAGIC
    })
}

#[cfg(not(target_os = "linux"))]
fn on_kernel_fs(_: &Path) -> bool {
    false
}

/// Decides whether `path` may be written as an output: every command's outputs come here.
/// Allowed are a new file in a folder that exists, a regular file that this process did not
/// read (see [`note_read`]), and an existing character device or named pipe (written as a
/// stream). Refused: a folder, a symbolic link to a file (renaming over it would replace the
/// link), a block device or socket, a file of `/proc` or `/sys`, and any file this process
/// read, by whatever name.
///
/// # Errors
/// [`io::ErrorKind::InvalidInput`] (or the folder's [`io::ErrorKind::NotFound`]) saying what is
/// there, without the path itself (callers name it).
pub fn check_target(path: &Path) -> io::Result<Target> {
    let link = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            return match std::fs::metadata(dir) {
                Ok(m) if m.is_dir() => Ok(Target::New),
                Ok(_) => Err(refuse(format!("`{}` is not a folder", dir.display()))),
                Err(_) => Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("the folder `{}` does not exist", dir.display()),
                )),
            };
        }
        Err(e) => return Err(e),
    };
    // Through a link, to what it names (`/dev/stdout` is a link to the process's stdout).
    let meta = if link.file_type().is_symlink() {
        std::fs::metadata(path).map_err(|_| refuse("it is a symbolic link to nothing; name a file".into()))?
    } else {
        link.clone()
    };
    if let Some(input) = input_named(&meta) {
        let same = if input == path {
            String::new()
        } else {
            format!(" (as `{}`)", input.display())
        };
        return Err(refuse(format!(
            "it is a file this command reads{same}; writing there would destroy it: name another file"
        )));
    }
    let kind = meta.file_type();
    if kind.is_dir() {
        return Err(refuse("it is a folder; name a file".into()));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_char_device() || kind.is_fifo() {
            return Ok(Target::Stream);
        }
    }
    if !kind.is_file() {
        return Err(refuse(
            "it is not a regular file (a block device or socket); refusing to write there".into(),
        ));
    }
    if on_kernel_fs(path) {
        return Err(refuse(
            "it is a file of the kernel (/proc, /sys), not a regular file; refusing to write there".into(),
        ));
    }
    if link.file_type().is_symlink() {
        return Err(refuse("it is a symbolic link; name the file itself".into()));
    }
    Ok(Target::File)
}

/// Writes `path` with `write`, which gets the file: atomically through a temporary file for
/// a new or regular file, directly for a device or pipe (see [`check_target`]).
///
/// # Errors
/// The target is refused by [`check_target`], or an I/O error creating, writing, syncing or
/// renaming the file; a regular target is then untouched. Messages never name the temporary
/// file.
pub fn write_with(path: &Path, write: impl FnOnce(&mut File) -> io::Result<()>) -> io::Result<()> {
    let target = check_target(path)?;
    if target == Target::Stream {
        let mut file = std::fs::OpenOptions::new().write(true).open(path)?;
        write(&mut file)?;
        return io::Write::flush(&mut file);
    }
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
    let mut tmp = builder.tempfile_in(dir).map_err(|e| without_temp_name(e, dir))?;
    if target == Target::File {
        // A file replaced keeps its permissions: a private transcript stays private.
        let mode = std::fs::metadata(path)?.permissions();
        tmp.as_file().set_permissions(mode)?;
    }
    write(tmp.as_file_mut())?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// tempfile's error names the temporary file (`… at path "/x/.ivrsim-pf4F3j.part"`), a name
/// the user never gave: keep the cause and name the folder instead.
fn without_temp_name(e: io::Error, dir: &Path) -> io::Error {
    let kind = e.kind();
    let cause = e
        .get_ref()
        .and_then(|inner| inner.source())
        .map_or_else(|| io::Error::from(kind).to_string(), ToString::to_string);
    io::Error::new(
        kind,
        format!("no file can be created in the folder `{}`: {cause}", dir.display()),
    )
}

/// Writes `bytes` to `path` (see [`write_with`]).
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

    #[cfg(unix)]
    #[test]
    fn a_replaced_file_keeps_its_permissions() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("private.json");
        write(&p, b"one").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600)).unwrap();
        write(&p, b"two").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
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
        assert!(
            write(Path::new("/dev/null"), b"x").is_ok(),
            "a device is written, not replaced"
        );
        assert!(Path::new("/dev/null").exists());
        assert!(write(dir.path(), b"x").is_err());
        assert_eq!(std::fs::read(&real).unwrap(), b"keep");
    }
}
