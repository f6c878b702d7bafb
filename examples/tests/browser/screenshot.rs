//! Screenshots the tests take: checked to be real PNG images, and kept where a reader can look at them.
//!
//! Every run writes them under Cargo's temporary directory for tests; with `UPDATE_SCREENSHOTS=1` they
//! replace the committed copies in `docs/` that the README shows, so an ordinary run never changes the tree.

use std::path::PathBuf;

/// The eight bytes every PNG file starts with.
const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n'];

/// The width and height in pixels of a PNG image, from its header chunk; `None` if `bytes` is not a PNG.
pub fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    // The signature, then the IHDR chunk: length (4 bytes), type (4), width (4), height (4).
    if bytes.get(..8)? != PNG_SIGNATURE || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let number = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    Some((number(16)?, number(20)?))
}

/// Writes `png` as `name` and returns where: `docs/` of the workspace with `UPDATE_SCREENSHOTS=1`,
/// else the temporary directory Cargo gives integration tests.
pub fn keep(name: &str, png: &[u8]) -> PathBuf {
    let dir = if std::env::var("UPDATE_SCREENSHOTS").is_ok_and(|value| value == "1") {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs")
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots")
    };
    std::fs::create_dir_all(&dir).unwrap_or_else(|error| panic!("{}: {error}", dir.display()));
    let path = dir.join(name);
    std::fs::write(&path, png).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    path
}

#[test]
fn png_size_reads_the_header_and_refuses_other_bytes() {
    let mut header = PNG_SIGNATURE.to_vec();
    header.extend_from_slice(&[0, 0, 0, 13]);
    header.extend_from_slice(b"IHDR");
    header.extend_from_slice(&1280u32.to_be_bytes());
    header.extend_from_slice(&900u32.to_be_bytes());
    assert_eq!(png_size(&header), Some((1280, 900)));
    assert_eq!(png_size(&header[..20]), None);
    assert_eq!(png_size(b"<html>not an image</html>"), None);
}
