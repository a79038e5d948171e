//! One module per subcommand.

pub mod actions;
pub mod expand;
pub mod share;
pub mod simulate;
pub mod test;
pub mod validate;

use std::io::Read;
use std::path::Path;

/// Reads a file, or standard input for `-`.
pub fn read_input(path: &Path) -> Result<String, String> {
    let mut text = String::new();
    open_input(path)
        .and_then(|mut source| source.read_to_string(&mut text))
        .map_err(|e| read_error(path, &e))?;
    Ok(text)
}

/// Opens a file, or standard input for `-`, to be read as it is needed.
pub fn open_input(path: &Path) -> std::io::Result<Box<dyn Read + Send>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin()));
    }
    Ok(Box::new(std::fs::File::open(path)?))
}

/// The message for an input that cannot be read.
pub fn read_error(path: &Path, error: &std::io::Error) -> String {
    if path.as_os_str() == "-" {
        format!("cannot read standard input: {error}")
    } else {
        format!("cannot read `{}`: {error}", path.display())
    }
}

/// The current time for `aws:CurrentTime`/`aws:EpochTime`.
pub fn now_epoch_seconds() -> Option<i64> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()
        .and_then(|d| i64::try_from(d.as_secs()).ok())
}
